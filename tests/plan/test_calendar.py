"""The plan against the sandbox over real HTTP: a 12-week block for the demo athlete from their own
sportSettings, wellness and activities; its race-day CTL is analytics.load's projection of its loads;
applying it with external_id upserts and re-planning is a no-op (0 writes); an event edited by hand in the
calendar is flagged, never silently overwritten."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from icucoach.analytics.load import project
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.plan import (
    AthleteState,
    Availability,
    Goal,
    Plan,
    PlanRequest,
    build_plan,
    diff_plan,
    event_body,
)
from icucoach.sandbox import RunningSandbox
from icucoach.workouts import errors, validate

from .strategies import constraint_failures

TODAY = date(2026, 11, 23)
START = TODAY + timedelta(days=1)
RACE = START + timedelta(days=7 * 12 - 2)  # a Sunday 12 weeks out


@pytest.fixture
async def icu(sb: RunningSandbox) -> AsyncIterator[IntervalsClient]:
    acc = sb.account("athlete", 0)
    async with IntervalsClient(ClientSettings(api_key=acc.api_key, base_url=sb.base_url)) as client:
        yield client


async def athlete_state(icu: IntervalsClient) -> AthleteState:
    athlete = (await icu.get_athlete()).to_api()
    wellness = [w.to_api() for w in await icu.list_wellness(TODAY - timedelta(days=27), TODAY)]
    acts = [a.to_api() for a in await icu.list_activities(TODAY - timedelta(days=27), TODAY)]
    daily = [0.0] * 28
    for a in acts:
        i = 27 - (TODAY - date.fromisoformat(str(a["start_date_local"])[:10])).days
        daily[i] += float(a.get("icu_training_load") or 0)
    last = [w for w in wellness if w.get("ctl") is not None][-1]
    return AthleteState(
        today=TODAY,
        ctl=float(last["ctl"]),
        atl=float(last["atl"]),
        sport_settings=tuple(athlete.get("sportSettings") or ()),
        recent_daily_load=tuple(daily),
    )


def request(hours: float = 8.0) -> PlanRequest:
    return PlanRequest(
        start=START,
        goals=(Goal(RACE, "A", "Spring classic"),),
        weekly_hours=hours,
        weekly_load=None,
        availability=Availability({0: 60, 2: 90, 3: 75, 5: 240, 6: 150}, long_day=5),
        sports={"Ride": 0.7, "Run": 0.3},
    )


async def events_in(icu: IntervalsClient, lo: date, hi: date) -> list[dict[str, Any]]:
    return [e.to_api() for e in await icu.list_events(lo, hi)]


def first_week(plan: Plan) -> tuple[date, date]:
    start = plan.weeks[0].start  # calendar weeks: the first one runs from the start to its Sunday
    return start, start + timedelta(days=6 - start.weekday())


async def test_block_for_the_demo_athlete(icu: IntervalsClient) -> None:
    athlete = await athlete_state(icu)
    plan = build_plan(request(), athlete)
    assert [w.kind for w in plan.weeks][-2:] == ["taper", "race"]
    assert len(plan.weeks) == 12
    assert constraint_failures(plan, athlete) == []
    for s in plan.sessions():  # against the athlete's real thresholds and zones
        assert not errors(validate(s.workout_text, s.sport, athlete.settings_for(s.sport))), s.template
    # Race-day CTL is the load model's projection of the plan's own daily loads.
    daily = [p.load for p in plan.projection]
    model = project(athlete.ctl, athlete.atl, START, daily)
    on_race = next(p for p in model if p.day == RACE)
    assert plan.race_day_form is not None
    assert plan.race_day_form["ctl"] == pytest.approx(on_race.ctl, abs=1e-9)
    assert plan.race_day_form["tsb"] == pytest.approx(on_race.form, abs=1e-9)
    assert plan.race_day_form["tsb"] > 0  # the taper leaves the athlete fresh on race day


async def test_apply_then_replan_writes_nothing(icu: IntervalsClient) -> None:
    athlete = await athlete_state(icu)
    plan = build_plan(request(), athlete)
    window = first_week(plan)
    before = diff_plan(plan, await events_in(icu, *window), window=window)
    assert before.writes() == len(plan.weeks[0].sessions) > 0
    assert all(c.action == "add" for c in before.changes)
    await icu.bulk_upsert_events([event_body(c.after) for c in before.changes if c.after])
    again = diff_plan(build_plan(request(), athlete), await events_in(icu, *window), window=window)
    assert again.writes() == 0
    assert {c.action for c in again.changes} == {"keep"}
    # A retried apply upserts on external_id: still one event per session.
    await icu.bulk_upsert_events([event_body(s) for s in plan.weeks[0].sessions])
    ours = [
        e for e in await events_in(icu, *window) if str(e.get("external_id", "")).startswith("icucoach-plan:")
    ]
    assert len(ours) == len(plan.weeks[0].sessions)


async def test_hand_edited_event_is_flagged(icu: IntervalsClient) -> None:
    athlete = await athlete_state(icu)
    plan = build_plan(request(), athlete)
    lo, hi = plan.weeks[1].start, plan.weeks[1].start + timedelta(days=6)
    await icu.bulk_upsert_events([event_body(s) for s in plan.weeks[1].sessions])
    edited = next(
        e for e in await events_in(icu, lo, hi) if str(e.get("external_id", "")).startswith("icucoach")
    )
    await icu.update_event(int(edited["id"]), {"description": str(edited["description"]) + "\n- 10m 50%\n"})
    diff = diff_plan(plan, await events_in(icu, lo, hi), window=(lo, hi))
    flagged = [c for c in diff.changes if c.hand_edited]
    assert [c.external_id for c in flagged] == [edited["external_id"]]
    assert flagged[0].action == "change" and "by hand" in flagged[0].reason
    assert diff.writes() == 1
    # A smaller budget changes the plan: those changes are not hand edits, the edited one still is.
    smaller = diff_plan(build_plan(request(5.0), athlete), await events_in(icu, lo, hi), window=(lo, hi))
    assert [c.external_id for c in smaller.changes if c.hand_edited] == [edited["external_id"]]
    assert any(c.action != "keep" and not c.hand_edited for c in smaller.changes)
    assert all(c.load_delta is not None for c in smaller.changes if c.action == "change")
