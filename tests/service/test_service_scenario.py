"""The whole hosted-service story in a real Chromium with real MCP clients, as the issue tells it: an
athlete connects with Intervals.icu, copies the MCP URL, and an official MCP client uses it; the athlete
invites a coach; the coach follows the emailed link; the coach's MCP client lists the athlete and may use
only the granted tools (a refused one names the missing grant); the athlete revokes in the browser; the
coach's next call is refused. The activity page then shows who called what — and no data. Screenshots of
each step are kept under tests/service/artifacts/."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio

from icucoach.sandbox import RunningSandbox
from service.conftest import WebService, athletes, connect_in_browser, copy_secret_url, new_page, shoot
from service.service_helpers import audit_when, error_text, mcp_client, structured

T = TypeVar("T")


def mcp(call: Callable[[], Awaitable[T]]) -> T:
    """Run an MCP client conversation on its own thread and loop (Playwright's sync API owns this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, call).result(timeout=120)


def test_connect_copy_use_invite_coach_revoke(browser: Any, web: WebService, sb: RunningSandbox) -> None:
    athlete = athletes(sb)[1]
    coach_email = "scenario-coach@example.org"
    page = new_page(browser, web)
    connect_in_browser(page, web, sb, athlete)
    shoot(page, "scenario-01-dashboard")
    url = copy_secret_url(page)

    async def athletes_ai() -> dict[str, Any]:
        async with mcp_client(url) as client:
            return structured(await client.call_tool("icu_get_wellness", {"oldest": "-7"}))

    assert mcp(athletes_ai)["athlete"]["id"] == athlete

    # invite with the read-only preset, then also allow notes (one write tool)
    page.fill("#coach-email", coach_email)
    invite = page.locator("form.invite")
    invite.get_by_role("radio", name="Read", exact=False).first.check()
    invite.get_by_text("Tools, one by one").click()
    invite.locator('input[value="icu_add_note"]').check()
    invite.get_by_role("button", name="Send invitation").click()
    page.get_by_text(f"Invitation sent to {coach_email}").wait_for()
    shoot(page, "scenario-02-invited")

    coach = new_page(browser, web)
    coach.goto(web.inbox.last_to(coach_email).link())
    coach.get_by_role("button", name="Continue").click()
    coach.wait_for_url(f"{web.url}/coach/me")
    coach_url = coach.locator("#coach-url").input_value()
    shoot(coach, "scenario-03-coach-url")

    async def coach_ai() -> tuple[dict[str, Any], dict[str, Any], str, set[str]]:
        async with mcp_client(coach_url) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            listed = structured(await client.call_tool("icu_list_athletes", {}))
            read = structured(await client.call_tool("icu_get_fitness", {"athlete_id": athlete}))
            denied = error_text(
                await client.call_tool("icu_delete_events", {"event_ids": [1], "athlete_id": athlete})
            )
            return listed, read, denied, names

    listed, read, denied, names = mcp(coach_ai)
    assert [a["id"] for a in listed["athletes"]] == [athlete]
    assert "icu_add_note" in listed["athletes"][0]["tools"]
    assert read["athlete"]["id"] == athlete
    assert "has not granted you icu_delete_events" in denied and "delete" in denied.lower()
    assert "icu_delete_events" not in names and "icu_add_note" in names

    page.goto(web.url + "/dashboard#coaches")
    page.get_by_role("button", name=f"Revoke access for {coach_email}").click()
    page.get_by_role("button", name="Revoke access").click()
    page.get_by_text(f"{coach_email} no longer has access").wait_for()

    async def coach_after() -> str:
        async with mcp_client(coach_url) as client:
            return error_text(await client.call_tool("icu_get_fitness", {"athlete_id": athlete}))

    assert "has not granted you access" in mcp(coach_after)

    audit_when(web.store, athlete, lambda es: sum(e.tool == "icu_get_fitness" for e in es) >= 2)
    page.goto(web.url + "/activity")
    shoot(page, "scenario-04-activity")
    text = page.inner_text("main")
    assert coach_email in text and "icu_delete_events" in text and "icu_get_fitness" in text
