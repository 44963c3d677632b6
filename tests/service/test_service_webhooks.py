"""Webhooks end to end on the assembled service: the sandbox (as Intervals.icu does for an OAuth app)
delivers to ``/webhooks/intervals``; a calendar change made elsewhere reaches the next MCP read at once
(the cache was dropped), and revoking the app in Intervals.icu deletes the token and marks the account
disconnected, so the next call is refused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.sandbox.webhooks import set_webhook
from sandbox.webhook_kit import wait_for
from service.service_helpers import (
    RunningService,
    connect_athlete,
    error_text,
    mcp_client,
    running_service,
    sandbox_token,
    structured,
)

ATHLETE = "i100002"
DAY = "2027-01-12"  # an explicit day: the athlete's "today" and the sandbox's may differ


@pytest.fixture(scope="module")
def svc(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    with running_service(sb, tmp_path_factory.mktemp("hooks") / "service.db") as running:
        set_webhook(
            sb.world,
            SANDBOX_OAUTH_CLIENT.client_id,
            f"{running.url}/webhooks/intervals",
            running.settings.webhook_secret.get_secret_value(),
        )
        try:
            yield running
        finally:
            set_webhook(sb.world, SANDBOX_OAUTH_CLIENT.client_id, None, None)


async def test_a_calendar_change_elsewhere_reaches_the_next_read(
    svc: RunningService, sb: RunningSandbox
) -> None:
    url = connect_athlete(svc, sb, ATHLETE)
    api_key = next(a.api_key for a in sb.world.accounts if a.athlete_id == ATHLETE)
    async with mcp_client(url) as client:
        before = structured(await client.call_tool("icu_list_events", {"oldest": DAY, "newest": DAY}))
        assert not any(e.get("name") == "Added on the website" for e in before["events"])
        created = httpx.post(
            f"{sb.base_url}/api/v1/athlete/{ATHLETE}/events",
            auth=("API_KEY", api_key),
            json={"category": "NOTE", "name": "Added on the website", "start_date_local": f"{DAY}T00:00:00"},
        )
        assert created.status_code == 200, created.text

        async def seen() -> bool:
            found = structured(await client.call_tool("icu_list_events", {"oldest": DAY, "newest": DAY}))
            return any(e.get("name") == "Added on the website" for e in found["events"])

        deadline = time.monotonic() + 15
        while not await seen():  # the events cache lives 60 s: only the webhook can make this quick
            assert time.monotonic() < deadline, "the calendar webhook did not drop the cache"
            await asyncio.sleep(0.2)


async def test_revoking_the_app_in_intervals_disconnects_the_account(
    svc: RunningService, sb: RunningSandbox
) -> None:
    url = connect_athlete(svc, sb, ATHLETE)
    token = svc.store.upstream_token(ATHLETE)
    async with mcp_client(url) as client:
        structured(await client.call_tool("icu_get_profile", {}))
        answer = httpx.delete(
            f"{sb.base_url}/api/v1/disconnect-app", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200
        wait_for(lambda: svc.store.account(ATHLETE).status == "disconnected", timeout=15)
        assert svc.store.upstream_token(ATHLETE) is None
        assert "reconnect" in error_text(await client.call_tool("icu_get_profile", {}))
    assert any(e.tool == "access revoked in Intervals.icu" for e in svc.store.activity(ATHLETE))


def test_a_forged_webhook_changes_nothing(svc: RunningService, sb: RunningSandbox) -> None:
    connect_athlete(svc, sb, ATHLETE)
    forged = {
        "secret": "not-the-secret",
        "events": [{"athlete_id": ATHLETE, "type": "APP_SCOPE_CHANGED", "deauthorized": True}],
    }
    assert httpx.post(f"{svc.url}/webhooks/intervals", json=forged).status_code == 401
    time.sleep(0.5)
    assert svc.store.account(ATHLETE).status == "connected"


__all__ = ["sandbox_token"]
