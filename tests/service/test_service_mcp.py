"""The service's MCP endpoints end to end: the official MCP client on an athlete's personal URL and on a
coach's roster URL, against the sandbox over HTTP. Grants decide what a coach may do; revoking and
regenerating take effect on the very next call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from icucoach.sandbox import RunningSandbox
from icucoach.service import grants
from service.service_helpers import (
    RunningService,
    audit_when,
    connect_athlete,
    error_text,
    mcp_client,
    running_service,
    structured,
)

READS = grants.names_in({"read"})


@pytest.fixture(scope="module")
def svc(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    with running_service(sb, tmp_path_factory.mktemp("svc") / "service.db") as running:
        yield running


def athletes(sb: RunningSandbox) -> list[str]:
    return [a.athlete_id for a in sb.world.accounts if a.role == "athlete"]


async def test_personal_url_reaches_own_account_only(svc: RunningService, sb: RunningSandbox) -> None:
    me, other = athletes(sb)[:2]
    url = connect_athlete(svc, sb, me)
    for mode in ("legacy", "2026-07-28"):
        async with mcp_client(url, mode) as client:
            profile = structured(await client.call_tool("icu_get_profile", {}))
            assert profile["athlete"]["id"] == me
            refused = await client.call_tool("icu_get_profile", {"athlete_id": other})
            assert other in error_text(refused) and "Leave athlete_id empty" in error_text(refused)


async def test_regenerated_personal_url_is_refused_on_next_call(
    svc: RunningService, sb: RunningSandbox
) -> None:
    me = athletes(sb)[0]
    old = connect_athlete(svc, sb, me)
    async with mcp_client(old) as client:
        structured(await client.call_tool("icu_get_profile", {}))
        svc.store.regenerate_url_token(me, "mcp")
        with pytest.raises(Exception):  # noqa: B017 — the transport raises on the 404
            await client.call_tool("icu_get_profile", {})


async def test_coach_uses_only_granted_tools_and_revoke_is_immediate(
    svc: RunningService, sb: RunningSandbox
) -> None:
    first, second = athletes(sb)[:2]
    connect_athlete(svc, sb, first)
    connect_athlete(svc, sb, second)
    coach, link = svc.store.invite_coach(first, "Coach@Example.org", READS, 3600)
    token = svc.store.confirm_grant(svc.store.use_link(link))
    _, link2 = svc.store.invite_coach(second, "coach@example.org", [*READS, "icu_create_workout"], 3600)
    assert svc.store.confirm_grant(svc.store.use_link(link2)) == token  # one URL for the whole roster
    url = f"{svc.url}/c/{token}/mcp"
    async with mcp_client(url) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "icu_create_workout" in names and "icu_delete_events" not in names  # nobody granted deletes
        listed = structured(await client.call_tool("icu_list_athletes", {}))
        assert {a["id"] for a in listed["athletes"]} == {first, second}
        # several athletes: a read without a choice is refused, naming them
        assert "Choose the athlete first" in error_text(await client.call_tool("icu_get_profile", {}))
        assert (
            structured(await client.call_tool("icu_get_profile", {"athlete_id": first}))["athlete"]["id"]
            == first
        )
        structured(await client.call_tool("icu_select_athlete", {"athlete_id": first}))
        denied = error_text(
            await client.call_tool(
                "icu_create_workout", {"date": "+1", "sport": "Ride", "name": "x", "text": "- 10m 50%"}
            )
        )
        assert "has not granted you icu_create_workout" in denied
        svc.store.revoke_grant(first, coach.id)
        revoked = error_text(await client.call_tool("icu_get_profile", {}))
        assert "has not granted you access" in revoked
        # the other athlete is unaffected
        assert (
            structured(await client.call_tool("icu_get_profile", {"athlete_id": second}))["athlete"]["id"]
            == second
        )
    entries = audit_when(
        svc.store, first, lambda es: any(e.result == "refused" and e.tool == "icu_create_workout" for e in es)
    )
    assert any(e.result == "refused" and e.tool == "icu_create_workout" for e in entries)
    assert any(e.detail and "not granted" in e.detail for e in entries if e.tool == "icu_create_workout")
    assert all("coach@example.org" in e.actor for e in entries if e.coach_id)


async def test_unknown_url_gets_404_with_fix(svc: RunningService) -> None:
    import httpx

    answer = httpx.post(f"{svc.url}/c/{'x' * 43}/mcp", json={})
    assert answer.status_code == 404
    assert "dashboard" in answer.json()["error_description"]


async def test_a_coach_who_trains_uses_one_url_for_themself_and_their_athletes(
    svc: RunningService, sb: RunningSandbox
) -> None:
    coach_athlete, athlete = "i100003", athletes(sb)[0]
    connect_athlete(svc, sb, coach_athlete)
    connect_athlete(svc, sb, athlete)
    full = [t.name for t in grants.catalogue()]
    _, own = svc.store.invite_coach(coach_athlete, "jordan@example.org", full, 3600)
    token = svc.store.confirm_grant(svc.store.use_link(own))
    _, link = svc.store.invite_coach(athlete, "jordan@example.org", READS, 3600)
    assert svc.store.confirm_grant(svc.store.use_link(link)) == token
    async with mcp_client(f"{svc.url}/c/{token}/mcp") as client:
        listed = structured(await client.call_tool("icu_list_athletes", {}))
        assert {a["id"] for a in listed["athletes"]} == {coach_athlete, athlete}
        mine = structured(await client.call_tool("icu_get_profile", {"athlete_id": coach_athlete}))
        assert mine["athlete"]["id"] == coach_athlete


def test_anonymous_endpoints_and_bearer_calls_are_rate_limited(sb: RunningSandbox, tmp_path: Path) -> None:
    import httpx

    with running_service(sb, tmp_path / "limits.db", ICUCOACH_ANONYMOUS_PER_MINUTE=3) as small:
        answers = [httpx.post(f"{small.url}/register", json={}).status_code for _ in range(5)]
        assert answers[:3] != [429] * 3 and answers[3:] == [429, 429]
        limited = httpx.post(f"{small.url}/coach", data={})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        # an authenticated MCP request is counted per token, not per address
        assert httpx.post(f"{small.url}/mcp", headers={"Authorization": "Bearer x"}).status_code == 401


async def test_a_token_refused_upstream_disconnects_the_account(
    svc: RunningService, sb: RunningSandbox
) -> None:
    import httpx

    me = athletes(sb)[1]
    url = connect_athlete(svc, sb, me)
    token = svc.store.upstream_token(me)
    async with mcp_client(url) as client:
        structured(await client.call_tool("icu_get_profile", {}))
        # revoked in Intervals.icu while no webhook reaches this service
        bearer = {"Authorization": f"Bearer {token}"}
        assert httpx.delete(f"{sb.base_url}/api/v1/disconnect-app", headers=bearer).status_code == 200
        first = error_text(
            await client.call_tool("icu_get_wellness", {"oldest": "2021-03-01", "newest": "2021-03-02"})
        )
        assert "rejected" in first and "sign in" in first
        audit_when(
            svc.store, me, lambda es: any(e.tool == "access token refused by Intervals.icu" for e in es)
        )
        assert svc.store.upstream_token(me) is None
        assert "reconnect" in error_text(await client.call_tool("icu_get_profile", {}))


async def test_without_calendar_write_the_athlete_sees_and_may_use_reads_only(
    svc: RunningService, sb: RunningSandbox
) -> None:
    me = athletes(sb)[0]
    url = connect_athlete(svc, sb, me, scope="ACTIVITY:READ,WELLNESS:READ,CALENDAR:READ,SETTINGS:READ")
    try:
        async with mcp_client(url) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert (
                "icu_get_profile" in names
                and "icu_create_workout" not in names
                and "icu_add_note" not in names
            )
            refused = error_text(await client.call_tool("icu_add_note", {"date": "+9", "title": "x"}))
            assert "calendar permission" in refused and "/connect" in refused
    finally:
        connect_athlete(svc, sb, me)  # the other tests' full scope again
