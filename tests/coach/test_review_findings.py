"""Coach console findings from review: each test pins down a behaviour a coach saw wrong (a 500 on a page,
a wrong colour, a missing race) and fails without its fix."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from icucoach.analytics.days import week_start
from icucoach.coach.charts import pmc_chart, volume_chart
from icucoach.coach.review import workout_review
from icucoach.coach.squad import roster_sources
from icucoach.coach.views import athlete_week, load_athlete
from icucoach.insights.snapshot import Snapshot
from icucoach.sandbox import RunningSandbox

from .conftest import TODAY, coach_client

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
