"""The coach console in a real Chromium (Debian's ``chromium`` with Playwright) against a 12-athlete squad
sandbox: the planted cases are visible on the squad page as a coach would see them (the overreaching athlete
flagged at the top, the sick athlete's days marked sick, the skipper's misses red, each chip labelled for a
screen reader), and the week, month/season and workout-review pages render their charts. Screenshots in
light and dark themes and on a phone go to ``tests/service/artifacts/`` (kept by CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icucoach.sandbox import RunningSandbox
from service.conftest import shoot, unlabelled
from service.console_helpers import (
    PERSONA_ID,
    LocalConsole,
    grant,
    hosted,
    local_console,
    squad_sandbox,
)

RED = "rgb(179, 38, 30)"  # --chip-red in the light theme (style.css)


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def console(squad_sb: RunningSandbox) -> Iterator[LocalConsole]:
    with local_console(squad_sb) as running:
        yield running


def open_page(browser: Any, url: str, *, dark: bool = False, phone: bool = False) -> Any:
    size = {"width": 390, "height": 844} if phone else {"width": 1440, "height": 900}
    context = browser.new_context(
        viewport=size, is_mobile=phone, has_touch=phone, color_scheme="dark" if dark else "light"
    )
    page = context.new_page()
    page.goto(url)
    return page


def row(page: Any, persona: str) -> Any:
    return page.locator(f'tr[data-athlete="{PERSONA_ID[persona]}"]')


def test_squad_page_shows_the_planted_cases(browser: Any, console: LocalConsole) -> None:
    page = open_page(browser, console.url + "/coach/squad")
    top = (
        page.locator("tbody tr").nth(0).get_attribute("data-athlete"),
        page.locator("tbody tr").nth(1).get_attribute("data-athlete"),
    )
    assert PERSONA_ID["overreaching"] in top
    over = row(page, "overreaching")
    assert over.locator(".badge.sev-alarm").inner_text() == "Alarm"
    assert over.locator('[data-code="overreaching"]').is_visible()
    sick = row(page, "sick")
    assert sick.locator(".chip-sick").count() >= 3 and sick.locator(".chip-missed").count() == 0
    assert "sick" in (sick.locator(".chip-sick").first.get_attribute("aria-label") or "")
    missed = row(page, "skipper").locator(".chip-missed")
    assert missed.count() >= 1
    assert missed.first.evaluate("el => getComputedStyle(el).backgroundColor") == RED
    assert "missed" in (missed.first.get_attribute("aria-label") or "")
    assert unlabelled(page) == []
    shoot(page, "console-squad")
    page.context.close()

    dark = open_page(browser, console.url + "/coach/squad", dark=True)
    body = dark.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body == "rgb(20, 24, 29)"  # the console's dark background
    shoot(dark, "console-squad-dark")
    dark.context.close()

    phone = open_page(browser, console.url + "/coach/squad", phone=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    shoot(phone, "console-squad-phone")
    phone.context.close()


def test_week_page_charts_and_a_note_from_the_browser(browser: Any, console: LocalConsole) -> None:
    athlete = PERSONA_ID["skipper"]
    page = open_page(browser, f"{console.url}/coach/athletes/{athlete}/week?week=2026-11-16")
    assert page.get_by_role("heading", name="Compliance").is_visible()
    assert page.locator(".chart.light-only svg").first.is_visible()
    assert page.locator(".chart.dark-only svg").first.is_hidden()
    assert page.locator(".chip-missed").count() >= 1
    assert unlabelled(page) == []
    shoot(page, "console-week")
    page.get_by_label("Day").fill("2026-11-19")
    page.get_by_label("Title").fill("Thursday")
    page.get_by_label("Note", exact=True).fill("What got in the way on Thursday?")
    page.get_by_role("button", name="Write the note to the calendar").click()
    page.get_by_text("Note written to the calendar on 2026-11-19").wait_for()
    assert page.get_by_text("What got in the way on Thursday?").is_visible()
    page.context.close()

    phone = open_page(browser, f"{console.url}/coach/athletes/{athlete}/week?week=2026-11-16", phone=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shoot(phone, "console-week-phone")
    phone.context.close()


def test_season_and_review_pages_render_their_charts(browser: Any, console: LocalConsole) -> None:
    athlete = PERSONA_ID["too_hard"]
    page = open_page(browser, f"{console.url}/coach/athletes/{athlete}/season")
    charts = page.locator(".chart.light-only svg")
    assert charts.count() >= 2 and charts.nth(0).is_visible() and charts.nth(1).is_visible()
    assert page.get_by_role("heading", name="Fitness, fatigue and form").is_visible()
    shoot(page, "console-season")
    dark = open_page(browser, f"{console.url}/coach/athletes/{athlete}/season", dark=True)
    assert dark.locator(".chart.dark-only svg").first.is_visible()
    shoot(dark, "console-season-dark")
    dark.context.close()

    page.goto(f"{console.url}/coach/athletes/{athlete}/week?week=2026-11-16")
    page.locator("a.chip-changed").first.click()
    page.wait_for_url("**/activities/*")
    assert page.get_by_role("heading", name="Step by step").is_visible()
    assert page.locator(".chart.light-only svg").first.is_visible()
    assert page.locator(".badge.verdict-over").count() >= 1
    shoot(page, "console-review")
    page.context.close()


def test_feed_lists_recent_sessions_against_their_plans(browser: Any, console: LocalConsole) -> None:
    page = open_page(browser, console.url + "/coach/feed?days=3")
    assert page.get_by_role("link", name="3 days").get_attribute("aria-current") == "page"
    three = page.locator("table.feed tbody tr").count()
    assert three >= 12  # a dozen athletes, most of them trained in three days
    assert page.locator("table.feed .chip-missed").count() >= 1
    assert unlabelled(page) == []
    shoot(page, "console-feed")
    page.get_by_role("link", name="7 days").click()
    page.wait_for_url("**/coach/feed?days=7")
    assert page.locator("table.feed tbody tr").count() > three
    page.context.close()


def test_a_hosted_coach_reaches_the_console_from_their_link(
    browser: Any, squad_sb: RunningSandbox, tmp_path: Path
) -> None:
    with hosted(squad_sb, tmp_path / "service.db") as web:
        links = [
            grant(web, squad_sb, PERSONA_ID["sick"], "read-only"),
            grant(web, squad_sb, PERSONA_ID["compliant"], "plan"),
        ]
        page = open_page(browser, web.url + links[0])
        for link in links:  # each athlete's invitation is accepted from its own email
            page.goto(web.url + link)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url("**/coach/me")
        page.get_by_role("link", name="Open the coach console").click()
        page.wait_for_url("**/coach/squad")
        shown = page.locator("tbody tr")
        assert shown.count() == 2
        assert row(page, "sick").locator(".badge.sev-alarm").is_visible()
        assert page.get_by_role("link", name="Your coach URL").is_visible()
        shoot(page, "console-hosted-squad")
        page.context.close()
