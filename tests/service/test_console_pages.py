"""The coach console's pages over real HTTP against a 12-athlete squad sandbox, in both hosts:

- the local console (``icucoach console``'s app, the coach's API key): every page answers, the squad is
  sorted with the planted cases where they belong, unknown athletes and sessions are 404 pages, the note
  form needs the page's CSRF token and writes a NOTE event to the athlete's calendar;
- the hosted service: a coach signed in through their emailed link sees only the athletes who granted them
  read access (404 for any other, even one connected to the same service), writes a note only where the
  grant includes notes, loses an athlete's pages the moment the grant is revoked, and an athlete whose token
  Intervals.icu refuses is a row with the reason, not a broken page.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import RunningSandbox
from service.conftest import WebService, csrf_of
from service.console_helpers import (
    COACH_EMAIL,
    PERSONA_ID,
    TODAY,
    LocalConsole,
    grant,
    hosted,
    local_console,
    open_link,
    rows,
    squad_sandbox,
)

REVIEW_LINK = re.compile(r'href="(/coach/athletes/(i\d+)/activities/(i?\d+))"')


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def console(squad_sb: RunningSandbox) -> Iterator[LocalConsole]:
    with local_console(squad_sb) as running:
        yield running


@pytest.fixture
def http(console: LocalConsole) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=console.url, follow_redirects=False, timeout=120) as client:
        yield client


def notes_of(sb: RunningSandbox, athlete_id: str) -> list[str]:
    """The NOTE events on the athlete's calendar around today, as the coach's key reads them."""

    async def read() -> list[str]:
        coach = sb.account("coach")
        async with IntervalsClient(ClientSettings(api_key=coach.api_key, base_url=sb.base_url)) as client:
            events = await client.list_events(
                TODAY.replace(day=1), TODAY.replace(day=28), athlete_id=athlete_id
            )
        return [f"{e.name}|{e.description}" for e in events if e.category == "NOTE"]

    return asyncio.run(read())


# -- the local console --------------------------------------------------------------------------------------
def test_squad_page_puts_the_planted_cases_where_they_belong(http: httpx.Client) -> None:
    page = http.get("/coach/squad")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    order = rows(page.text)
    assert len(order) == 12
    ids = [aid for _, aid in order]
    assert ids[0] == PERSONA_ID["overreaching"] or ids[1] == PERSONA_ID["overreaching"]
    assert dict((aid, sev) for sev, aid in order)[PERSONA_ID["overreaching"]] == "alarm"
    assert dict((aid, sev) for sev, aid in order)[PERSONA_ID["sick"]] == "alarm"
    assert ids.index(PERSONA_ID["compliant"]) > ids.index(PERSONA_ID["skipper"])
    row_of = {aid: chunk for aid, chunk in zip(ids, page.text.split('data-athlete="')[1:], strict=True)}
    assert 'data-code="overreaching"' in row_of[PERSONA_ID["overreaching"]]
    assert 'data-kind="sick"' in row_of[PERSONA_ID["sick"]]
    assert 'data-kind="missed"' not in row_of[PERSONA_ID["sick"]]
    assert 'data-kind="missed"' in row_of[PERSONA_ID["skipper"]]
    assert 'data-kind="missed"' not in row_of[PERSONA_ID["compliant"]]
    # colour is never the only signal: every chip says what it is
    table = page.text.split("<table")[1].split("</table>")[0]
    chips = re.findall(r'<(?:span|a) class="chip chip-\w+"[^>]*>', table)
    assert len(chips) >= 12 * 5 and all('aria-label="' in chip for chip in chips)
    assert "What the colours mean" in page.text and "coach.md#session-chips" in page.text


def test_home_feed_and_reload_from_the_cache(console: LocalConsole, http: httpx.Client) -> None:
    assert http.get("/").headers["location"] == "/coach/squad"
    http.get("/coach/squad")
    before = console.provider.squad_cache.upstream_requests
    feed = http.get("/coach/feed?days=3")
    assert feed.status_code == 200 and "Feed" in feed.text
    assert console.provider.squad_cache.upstream_requests == before  # the feed reads the squad cache
    assert PERSONA_ID["compliant"] in feed.text
    assert http.get("/coach/feed?days=99").status_code == 200  # an odd choice falls back to 3 days


def test_athlete_week_season_and_review_pages_render_with_charts(http: httpx.Client) -> None:
    athlete = PERSONA_ID["compliant"]
    week = http.get(f"/coach/athletes/{athlete}/week")
    assert week.status_code == 200, week.text
    assert "Compliance" in week.text and "<svg" in week.text and 'name="csrf"' in week.text
    earlier = http.get(f"/coach/athletes/{athlete}/week?week=2026-11-09")
    assert earlier.status_code == 200 and "Week of 09 Nov 2026" in earlier.text
    season = http.get(f"/coach/athletes/{athlete}/season")
    assert season.status_code == 200 and season.text.count("<svg") >= 2 and "Phase" in season.text
    link = next(m for m in REVIEW_LINK.finditer(earlier.text) if m.group(2) == athlete)
    review = http.get(link.group(1))
    assert review.status_code == 200 and "Step by step" in review.text and "<svg" in review.text


def test_a_foreign_host_name_is_refused(http: httpx.Client) -> None:
    """A site that re-points its own name at 127.0.0.1 (DNS rebinding) cannot read the console."""
    assert http.get("/coach/squad", headers={"Host": "evil.example"}).status_code == 400
    assert http.get("/coach/squad", headers={"Host": "localhost"}).status_code == 200


def test_unknown_athlete_and_session_are_404_pages(http: httpx.Client) -> None:
    for path in ("/coach/athletes/i999999/week", "/coach/athletes/i999999/season", "/coach/athletes/x/week"):
        answer = http.get(path)
        assert answer.status_code == 404 and "No such athlete here" in answer.text
    missing = http.get(f"/coach/athletes/{PERSONA_ID['compliant']}/activities/999999999")
    assert missing.status_code == 404 and "No such session" in missing.text
    assert "Traceback" not in missing.text


def test_a_note_needs_the_form_token_and_lands_on_the_calendar(
    squad_sb: RunningSandbox, http: httpx.Client
) -> None:
    athlete = PERSONA_ID["skipper"]
    path = f"/coach/athletes/{athlete}/notes"
    note = {"date": "2026-11-20", "title": "Missed sessions", "text": "How did the week feel?"}
    assert http.post(path, data=note).status_code == 403
    assert http.post(path, data={**note, "csrf": "forged"}).status_code == 403
    csrf = csrf_of(http.get(f"/coach/athletes/{athlete}/week").text)
    foreign = http.post(path, data={**note, "csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "Missed sessions|How did the week feel?" not in notes_of(squad_sb, athlete)
    sent = http.post(path, data={**note, "csrf": csrf})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/coach/athletes/{athlete}/week?week=2026-11-16&noted=2026-11-20"
    assert http.post(path, data={**note, "csrf": csrf}).status_code == 303  # again: updated, not doubled
    assert notes_of(squad_sb, athlete).count("Missed sessions|How did the week feel?") == 1
    shown = http.get(sent.headers["location"])
    assert "Note written to the calendar on 2026-11-20" in shown.text
    assert "How did the week feel?" in shown.text
    bad = http.post(path, data={"date": "yesterday", "title": "x", "csrf": csrf})
    assert bad.status_code == 400 and "Pick the day" in bad.text


# -- the hosted service -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def service(squad_sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebService]:
    with hosted(squad_sb, tmp_path_factory.mktemp("console") / "service.db") as running:
        yield running


@pytest.fixture(scope="module")
def coach(service: WebService, squad_sb: RunningSandbox) -> Iterator[httpx.Client]:
    """The coach, signed in: the compliant athlete granted read only, the skipper read + write ("plan");
    the overreaching athlete is connected to the service but granted nothing."""
    from service.service_helpers import connect_athlete

    connect_athlete(service, squad_sb, PERSONA_ID["overreaching"])
    first = grant(service, squad_sb, PERSONA_ID["compliant"], "read-only")
    second = grant(service, squad_sb, PERSONA_ID["skipper"], "plan")
    with httpx.Client(base_url=service.url, follow_redirects=False, timeout=120) as client:
        open_link(client, first)
        open_link(client, second)
        yield client


def test_signed_out_visitors_are_sent_to_the_coach_page(service: WebService) -> None:
    with httpx.Client(base_url=service.url, follow_redirects=False, timeout=30) as anon:
        for path in ("/coach/squad", "/coach/feed", f"/coach/athletes/{PERSONA_ID['compliant']}/week"):
            answer = anon.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/coach"


def test_a_coach_sees_only_the_athletes_who_granted_access(coach: httpx.Client) -> None:
    page = coach.get("/coach/squad")
    assert page.status_code == 200
    granted = sorted([PERSONA_ID["compliant"], PERSONA_ID["skipper"]])
    assert sorted(aid for _, aid in rows(page.text)) == granted
    assert 'href="/coach/me"' in page.text  # the hosted console links back to the coach URL page
    assert coach.get(f"/coach/athletes/{PERSONA_ID['compliant']}/week").status_code == 200
    for path in ("week", "season", "activities/1"):
        refused = coach.get(f"/coach/athletes/{PERSONA_ID['overreaching']}/{path}")
        assert refused.status_code == 404 and "No such athlete here" in refused.text
    assert "Open the coach console" in coach.get("/coach/me").text


def test_a_note_needs_a_write_grant(coach: httpx.Client, squad_sb: RunningSandbox) -> None:
    reader, writer = PERSONA_ID["compliant"], PERSONA_ID["skipper"]
    read_page = coach.get(f"/coach/athletes/{reader}/week").text
    assert "but not write to their calendar" in read_page and 'action="/coach/athletes' not in read_page
    csrf = csrf_of(coach.get(f"/coach/athletes/{writer}/week").text)  # one token per session
    note = {"date": "2026-11-21", "title": "Hosted note", "text": "Easy tomorrow", "csrf": csrf}
    refused = coach.post(f"/coach/athletes/{reader}/notes", data=note)
    assert refused.status_code == 403 and "read only" in refused.text
    assert coach.post(f"/coach/athletes/{writer}/notes", data={**note, "csrf": "nope"}).status_code == 403
    assert "Hosted note|Easy tomorrow" not in notes_of(squad_sb, writer)
    sent = coach.post(f"/coach/athletes/{writer}/notes", data=note)
    assert sent.status_code == 303, sent.text
    assert "Hosted note|Easy tomorrow" in notes_of(squad_sb, writer)
    assert "Hosted note|Easy tomorrow" not in notes_of(squad_sb, reader)


def test_a_refused_token_is_a_row_and_a_revoked_grant_closes_the_pages(
    service: WebService, squad_sb: RunningSandbox, coach: httpx.Client
) -> None:
    tired = PERSONA_ID["too_hard"]
    # connected, but Intervals.icu no longer accepts the athlete's token (revoked there, no webhook yet)
    service.store.upsert_account(tired, "Tired", None, "revoked-token", "ACTIVITY:READ,WELLNESS:READ")
    open_link(coach, grant(service, squad_sb, tired, "read-only"))
    page = coach.get("/coach/squad")
    assert page.status_code == 200 and ("error", tired) in rows(page.text)
    assert "Not loaded" in page.text and "Traceback" not in page.text
    assert len(rows(page.text)) == 3  # the others still load
    week = coach.get(f"/coach/athletes/{tired}/week")
    assert week.status_code == 502 and "Traceback" not in week.text
    revoke(service, tired)
    assert coach.get(f"/coach/athletes/{tired}/week").status_code == 404
    assert tired not in [aid for _, aid in rows(coach.get("/coach/squad").text)]


def revoke(service: WebService, athlete_id: str) -> None:
    """The athlete revokes the coach on their dashboard (the store call the page makes)."""
    found = next(g for g in service.store.grants_of_athlete(athlete_id) if g.coach_email == COACH_EMAIL)
    service.store.revoke_grant(athlete_id, found.coach_id)
