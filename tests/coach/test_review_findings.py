"""Coach console findings from review: each test pins down a behaviour a coach saw wrong (a 500 on a page,
a wrong colour, a missing race) and fails without its fix."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from icucoach.analytics.days import week_start
from icucoach.analytics.settings import DEFAULT_SETTINGS
from icucoach.coach.charts import pmc_chart, volume_chart
from icucoach.coach.review import workout_review
from icucoach.coach.squad import SquadView, activity_feed, roster_sources, squad_row
from icucoach.coach.views import AthleteSource, athlete_week, load_athlete
from icucoach.insights.snapshot import Snapshot
from icucoach.sandbox import RunningSandbox

from .conftest import PERSONA_ID, TODAY, coach_client

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def test_names_with_dollar_signs_are_drawn_as_text_not_mathtext() -> None:
    """A race named "A $\\frac$ B" (or a phase or sport label with dollars) is drawn verbatim; mathtext
    raised ValueError on it, a 500 on the season page and an aborted ``coach review --format html``."""
    days = [date(2026, 6, 1) + timedelta(days=i) for i in range(14)]
    v = [50.0] * 14
    names = ["A $\\frac$ B", "Parkrun $5 entry & $10 late", "Crit $5^ $"]
    svg = pmc_chart(
        days,
        v,
        v,
        [0.0] * 14,
        v,
        races=[(days[3 + i], n) for i, n in enumerate(names)],
        phases=[(days[0], days[7], "base $x^$")],
    )
    text = _texts(svg)
    for name in [*names, "base $x^$"]:
        assert name in text
    weekly = volume_chart(days[::7], {"Ride $\\frac$": [1.0, 2.0]})
    assert "Ride $\\frac$" in _texts(weekly)


def test_the_oldest_week_offered_shows_its_planned_sessions(snaps: dict[str, Snapshot]) -> None:
    """The calendar reaches as far back as the weeks the page offers: an older week's plans pair with its
    activities (with 35 days of calendar every activity of an older week showed as unplanned)."""
    snap = snaps["compliant"]
    first_active = min(str(a["start_date_local"])[:10] for a in snap.activities)
    oldest = week_start(date.fromisoformat(first_active) + timedelta(days=6))  # the planted world's first
    assert (TODAY - oldest).days > 35
    week = athlete_week(snap, oldest)
    kinds = [c.kind for d in week.days for c in d.chips]
    assert week.planned["all"].sessions > 0
    assert week.done["all"].sessions > 0 and "unplanned" not in kinds


def test_the_review_shows_the_squad_chip(squad_world: RunningSandbox) -> None:
    """The review's chip is the squad page's chip for the same session (docs/coach.md promises the same
    colour); with the intervals fed to it, a main set judged on laps turned a green session amber."""

    async def compare() -> list[tuple[str, object, object]]:
        out = []
        async with coach_client(squad_world) as client:
            for source in await roster_sources(client):  # the coach, the personas, the generated athletes
                aid = source.athlete_id
                snap = await load_athlete(source, today=TODAY)
                for chip in snap.chips(8):
                    if chip.activity_id is None:
                        continue
                    review = await workout_review(client, aid, chip.activity_id)
                    got = None if review.chip is None else (review.chip.kind, review.chip.colour)
                    out.append((chip.activity_id, (chip.kind, chip.colour), got))
        return out

    pairs = asyncio.run(compare())
    assert len(pairs) >= 10
    assert [p for p in pairs if p[1] != p[2]] == []


def test_the_squad_row_names_a_race_five_months_out(snaps: dict[str, Snapshot]) -> None:
    """The next race is the first race from the athlete's today in the whole fetched calendar (182 days):
    a race 91-182 days away was null (the status digest looks 90 days ahead)."""
    snap = snaps["compliant"]
    far = (TODAY + timedelta(days=150)).isoformat()
    race = {"id": 9, "category": "RACE_B", "start_date_local": f"{far}T00:00:00", "name": "Spring 10k"}
    race["type"] = "Run"
    events = [e for e in snap.events if not str(e.get("category")).startswith("RACE_")] + [race]
    row = squad_row(replace(snap, events=events))
    assert row.next_race == {"date": far, "name": "Spring 10k", "category": "RACE_B", "sport": "Run"} | {
        "days_to": 150
    }


def test_the_feed_keeps_an_athlete_a_day_behind(snaps: dict[str, Snapshot]) -> None:
    """Each athlete's feed window ends on their own today: one whose today is still yesterday (a time zone
    behind) kept none of their sessions when the window was the squad's latest day."""
    ahead, behind = snaps["compliant"], replace(snaps["too_hard"], today=TODAY - timedelta(days=1))
    rows = tuple(squad_row(s) for s in (ahead, behind))
    squad = SquadView(TODAY, rows, datetime.now(UTC), 0, {s.athlete_id: s for s in (ahead, behind)})
    feed = activity_feed(squad, days=1)
    theirs = [i for i in feed if i.athlete_id == behind.athlete_id]
    assert theirs and {i.day for i in theirs} == {TODAY - timedelta(days=1)}
    assert {i.day for i in feed if i.athlete_id == ahead.athlete_id} <= {TODAY}


def test_an_athlete_with_no_data_has_unknown_readiness_and_no_fitness(snaps: dict[str, Snapshot]) -> None:
    """No wellness and no activities: CTL, ATL and form are null (a replay from nothing said 0.0) and the
    readiness is unknown (it said "go")."""
    empty = replace(snaps["compliant"], activities=[], wellness=[], events=[])
    row = squad_row(empty)
    assert (row.ctl, row.atl, row.form, row.form_zone) == (None, None, None, None)
    assert row.readiness is None and row.readiness_why is None and row.triage is not None
    assert row.triage.readiness is None
    full = squad_row(snaps["compliant"])  # the API's wellness values, as the athlete sees them
    today = next(w for w in snaps["compliant"].wellness if w["id"] == TODAY.isoformat())
    assert (full.ctl, full.atl) == (today["ctl"], today["atl"]) and full.readiness is not None


def test_without_todays_wellness_record_the_row_keeps_the_status_numbers(snaps: dict[str, Snapshot]) -> None:
    """An athlete with data but no wellness record for today (not synced yet) is not shown blank: the row
    falls back to the status digest's fitness, as before; only an athlete with no data at all is null."""
    snap = snaps["compliant"]
    no_today = replace(snap, wellness=[w for w in snap.wellness if w["id"] != TODAY.isoformat()])
    row = squad_row(no_today)
    fit = no_today.status(DEFAULT_SETTINGS).fitness
    assert row.ctl is not None and (row.ctl, row.atl) == (fit.ctl.value, fit.atl.value)
    assert row.form_zone == fit.form_zone


def test_a_sickness_entered_months_ago_that_still_covers_today_is_seen(squad_world: RunningSandbox) -> None:
    """The calendar is listed by start date: a SICK entry that began 100 days ago and runs past today is in
    the snapshot (35 days of calendar missed it) and is an alarm on the squad row."""
    aid = PERSONA_ID["compliant"]
    start, end = TODAY - timedelta(days=100), TODAY + timedelta(days=3)
    sick = {"category": "SICK", "name": "Long illness", "start_date_local": f"{start}T00:00:00"}
    sick["end_date_local"] = f"{end}T00:00:00"

    async def load() -> Snapshot:
        async with coach_client(squad_world) as client:
            made = await client.create_event(sick, athlete_id=aid)
            try:
                return await load_athlete(AthleteSource(aid, None, client), today=TODAY)
            finally:
                await client.delete_event(made.id, athlete_id=aid)  # the shared world as it was

    snap = asyncio.run(load())
    assert any(e.get("name") == "Long illness" for e in snap.events)
    assert "sick" in [a.code for a in squad_row(snap).alarms]
