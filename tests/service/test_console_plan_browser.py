"""The console's plan page in a real Chromium (Debian's ``chromium`` with Playwright) against the squad
sandbox: the plan form, the preview diff with a ticked checkbox per change, unticking one rejects it and the
rest land on the calendar from the browser; every control has a label; screenshots (light and phone) go to
``tests/service/artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from icucoach.plan.model import EXTERNAL_ID_PREFIX
from icucoach.sandbox import RunningSandbox
from service.conftest import shoot, unlabelled
from service.console_helpers import PERSONA_ID, LocalConsole, local_console, squad_sandbox


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def console(squad_sb: RunningSandbox) -> Iterator[LocalConsole]:
    with local_console(squad_sb) as running:
        yield running


def test_plan_preview_and_apply_from_the_browser(
    browser: Any, console: LocalConsole, squad_sb: RunningSandbox
) -> None:
    athlete = PERSONA_ID["skipper"]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{console.url}/coach/athletes/{athlete}/plan")
    page.fill("#plan-hours", "7")
    page.fill("#plan-days", "tue,thu,sat,sun:180")
    page.click("text=Preview the plan")
    boxes = page.locator('input[name="change"]')
    total = boxes.count()
    assert total > 5 and all(boxes.nth(i).is_checked() for i in range(total))
    assert page.locator("text=Race day").is_visible()
    assert unlabelled(page) == []
    shoot(page, "console-plan")
    boxes.nth(0).uncheck()  # reject the first change
    page.click("text=Write the ticked changes to the calendar")
    assert page.locator(".notice").inner_text() == f"Written to the calendar: {total - 1} change(s)."
    store = squad_sb.world.store(athlete)
    assert store is not None
    ours = [
        e for e in store.events.values() if str(e.get("external_id") or "").startswith(EXTERNAL_ID_PREFIX)
    ]
    assert len(ours) == total - 1
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    small = phone.new_page()
    small.goto(f"{console.url}/coach/athletes/{athlete}/plan?hours=7&days=tue,thu,sat,sun")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    shoot(small, "console-plan-phone")
    phone.close()
