"""MCP authorization on the assembled service: the official MCP client signs in with nothing but the
service's ``/mcp`` URL (discovery, registration, our consent page, the Intervals.icu consent page), the
sign-in creates the athlete's account with the Intervals.icu token encrypted, and tools then run as that
athlete through the same adapter as the secret URLs. Disconnecting is enforced on the next call."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from icucoach.sandbox import RunningSandbox
from service.service_helpers import RunningService, audit_when, error_text, running_service, structured

from .oauth_flow import ATHLETE, Browser, oauth_client

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def svc(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    with running_service(sb, tmp_path_factory.mktemp("oauth") / "service.db") as running:
        yield running


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_sign_in_with_just_the_url_then_tools_run_as_that_athlete(
    svc: RunningService, mode: str
) -> None:
    target = SimpleNamespace(url=f"{svc.url}/mcp")
    async with oauth_client(target, mode, Browser()) as client:  # type: ignore[arg-type]
        names = [t.name for t in (await client.list_tools()).tools]
        assert "icu_get_profile" in names and "icu_create_workout" in names
        profile = structured(await client.call_tool("icu_get_profile", {}))
        assert profile["athlete"]["id"] == ATHLETE
        other = await client.call_tool("icu_get_profile", {"athlete_id": "i100002"})
        assert "reaches their account only" in error_text(other)
    account = svc.store.account(ATHLETE)
    assert account is not None and account.status == "connected"
    assert account.token_enc and svc.store.upstream_token(ATHLETE) not in account.token_enc
    entries = audit_when(svc.store, ATHLETE, lambda es: any(e.tool == "icu_get_profile" for e in es))
    assert any(e.tool == "connected an AI client" for e in entries)
    assert any(e.tool == "icu_get_profile" and e.actor == "your AI (OAuth)" for e in entries)


async def test_disconnect_is_enforced_on_the_next_call(svc: RunningService) -> None:
    target = SimpleNamespace(url=f"{svc.url}/mcp")
    async with oauth_client(target, "legacy", Browser()) as client:  # type: ignore[arg-type]
        structured(await client.call_tool("icu_get_profile", {}))
        svc.store.disconnect(ATHLETE)
        refused = error_text(await client.call_tool("icu_get_profile", {}))
        assert "reconnect" in refused and "/connect" in refused
