"""The pages in a real Chromium (Debian's ``chromium`` driven by Playwright): an athlete connects through the
sandbox's consent page, reveals and copies the MCP URL, invites a coach; the coach follows the emailed link
and sees the roster URL; the athlete revokes. Every page is screenshotted (desktop and phone width) into
tests/service/artifacts/, and every form control must have an accessible name."""

from __future__ import annotations

from typing import Any

from icucoach.sandbox import RunningSandbox
from service.conftest import (
    WebService,
    athletes,
    connect_in_browser,
    copy_secret_url,
    new_page,
    shoot,
    unlabelled,
)


def check(page: Any, name: str) -> None:
    assert unlabelled(page) == [], f"unlabelled controls on {name}"
    assert "Traceback" not in page.content()
    shoot(page, name)


def test_connect_copy_invite_confirm_revoke(browser: Any, web: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]  # also the admin of this service
    coach_email = "browser-coach@example.org"
    page = new_page(browser, web)
    page.goto(web.url + "/")
    check(page, "desktop-01-landing")
    page.goto(web.url + "/coach")
    check(page, "desktop-02-coach")
    connect_in_browser(page, web, sb, me)
    check(page, "desktop-03-dashboard")

    # the secret URL is hidden until asked for, then copied with the button
    secret = f"{web.url}/u/{web.store.url_token(me, 'mcp')}/mcp"
    assert not page.locator("#secret-url").is_visible()
    assert copy_secret_url(page) == secret
    assert page.locator("#secret-url").input_value() == secret
    page.locator('button.copy[data-copy="oauth-url"]').click()
    assert page.evaluate("navigator.clipboard.readText()") == f"{web.url}/mcp"

    # invite a coach with the "plan" preset: the script ticks the matching tools
    page.fill("#coach-email", coach_email)
    invite = page.locator("form.invite")
    invite.get_by_role("radio", name="Plan", exact=False).check()
    assert invite.locator('input[data-group="write"]').first.is_checked()
    assert not invite.locator('input[data-group="delete"]').first.is_checked()
    invite.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"{web.url}/dashboard*")
    page.get_by_text(f"Invitation sent to {coach_email}").wait_for()
    check(page, "desktop-04-dashboard-invited")

    # change the grant tool by tool: ticking a box switches the preset to "choose tool by tool"
    edit = page.locator("details.edit").first
    edit.get_by_text("Change what they may do").click()
    delete_box = edit.locator('input[data-group="delete"]').first
    delete_box.check()
    assert edit.locator('input[name="preset"][value="custom"]').is_checked()
    shoot(page, "desktop-04b-edit-grant")
    edit.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: the coach's next call uses the new choice.").wait_for()
    (grant,) = web.store.grants_of_athlete(me)
    assert delete_box.get_attribute("value") in grant.tools

    # the coach, in another browser, follows the emailed link
    link = web.inbox.last_to(coach_email).link()
    coach = new_page(browser, web)
    coach.goto(link)
    check(coach, "desktop-05-coach-confirm")
    coach.get_by_role("button", name="Continue").click()
    coach.wait_for_url(f"{web.url}/coach/me")
    coach_url = coach.locator("#coach-url").input_value()
    assert coach_url.startswith(f"{web.url}/c/") and coach_url.endswith("/mcp")
    assert web.store.coach_for_token(coach_url.split("/c/")[1].removesuffix("/mcp")) is not None
    assert "Maya Lindqvist" in coach.content()
    check(coach, "desktop-06-coach-me")
    coach.goto(link)  # the link again: used
    coach.get_by_role("button", name="Continue").click()
    coach.get_by_text("This link was already used").wait_for()
    check(coach, "desktop-07-link-used")

    # the athlete revokes, after confirming
    page.goto(web.url + "/dashboard#coaches")
    page.get_by_role("button", name=f"Revoke access for {coach_email}").click()
    page.get_by_role("heading", name=f"Revoke {coach_email}'s access?").wait_for()
    check(page, "desktop-08-revoke-confirm")
    page.get_by_role("button", name="Revoke access").click()
    page.get_by_text(f"{coach_email} no longer has access").wait_for()
    assert web.store.grants_of_athlete(me) == []

    for path, name in (
        ("/activity", "09-activity"),
        ("/admin", "10-admin"),
        ("/dashboard/delete", "11-delete"),
    ):
        page.goto(web.url + path)
        check(page, "desktop-" + name)
    page.goto(web.url + "/no-such-page")
    check(page, "desktop-12-not-found")

    # disconnect (asks first), then reconnect from the dashboard's own button
    page.goto(web.url + "/dashboard")
    page.get_by_role("button", name="Disconnect from Intervals.icu…").click()
    page.get_by_role("button", name="Disconnect").click()
    page.get_by_text("Disconnected: icucoach no longer holds access").wait_for()
    assert web.store.upstream_token(me) is None
    check(page, "desktop-13-disconnected")
    page.get_by_role("button", name="Connect with Intervals.icu").click()
    page.select_option("select[name=athlete_id]", me)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{web.url}/dashboard")
    assert web.store.upstream_token(me) is not None
    assert page.get_by_text("Connected", exact=True).is_visible()


def test_phone_width(browser: Any, web: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[1]
    page = new_page(browser, web, phone=True)
    page.goto(web.url + "/")
    check(page, "phone-01-landing")
    connect_in_browser(page, web, sb, me)
    page.get_by_text("Show the secret URL").click()
    page.get_by_text("Claude Code", exact=True).click()
    check(page, "phone-02-dashboard")
    # nothing wider than the screen: no sideways scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(web.url + "/activity")
    check(page, "phone-03-activity")
    page.goto(web.url + "/coach")
    check(page, "phone-04-coach")


def test_keyboard_reaches_connect(browser: Any, web: WebService) -> None:
    page = new_page(browser, web)
    page.goto(web.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Connect with Intervals.icu":
            break
    else:
        raise AssertionError("the Connect button cannot be reached with the keyboard")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus ring


AXE = "axe-core@4.14.1"


def axe_violations(page: Any, axe_js: str) -> list[str]:
    page.add_script_tag(path=axe_js)
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))"
        ".violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(result)


def test_pages_pass_axe_accessibility_checks(browser: Any, web: WebService, sb: RunningSandbox) -> None:
    """The axe-core engine (npm) finds no WCAG 2.1 A/AA violation (contrast, labels, names, landmarks...)
    on any page, with every collapsible section open."""
    from mcp_helpers import TOOLS_DIR, npm_install  # tests/mcp, put on sys.path by service_helpers

    axe_js = TOOLS_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not axe_js.exists():
        npm_install(AXE)
    me = athletes(sb)[0]
    for phone in (False, True):
        # the pages' CSP rightly refuses injected scripts; this context lets the checker in
        context = browser.new_context(
            bypass_csp=True,
            viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        )
        page = context.new_page()
        found: dict[str, list[str]] = {}
        for path in ("/", "/connect", "/coach", "/no-such-page"):
            page.goto(web.url + path)
            found[path] = axe_violations(page, str(axe_js))
        connect_in_browser(page, web, sb, me)
        _, token = web.store.invite_coach(me, "axe-coach@example.org", ["icu_get_profile"], 3600)
        page.goto(f"{web.url}/coach/confirm/{token}")
        found["/coach/confirm"] = axe_violations(page, str(axe_js))
        page.goto(web.url + "/dashboard")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found["/dashboard"] = axe_violations(page, str(axe_js))
        for path in ("/activity", "/admin", "/dashboard/delete"):
            page.goto(web.url + path)
            found[path] = axe_violations(page, str(axe_js))
        context.close()
        assert {k: v for k, v in found.items() if v} == {}, "phone" if phone else "desktop"
