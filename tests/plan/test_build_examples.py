"""Hand-checked plans: a load budget instead of hours, a B race inside the block, a sport mix with swims,
and a block of N weeks without a race."""

from __future__ import annotations

from datetime import timedelta

from icucoach.plan import AthleteState, Availability, Goal, PlanRequest, build_plan

from .helpers import ATHLETE, SETTINGS, TODAY

START = TODAY + timedelta(days=1)
DAYS = Availability({0: 60, 1: 75, 2: 90, 3: 75, 5: 240, 6: 180}, long_day=5)


def _req(**kw: object) -> PlanRequest:
    base: dict[str, object] = {
        "start": START,
        "goals": (Goal(START + timedelta(days=7 * 12 - 2), "A"),),
        "weekly_hours": None,
        "weekly_load": None,
        "availability": DAYS,
        "sports": {"Ride": 1.0},
    }
    return PlanRequest(**{**base, **kw})  # type: ignore[arg-type]


def test_a_load_budget_is_kept_within_ten_percent() -> None:
    plan = build_plan(_req(weekly_load=450.0), ATHLETE)
    # whole calendar weeks (the first one, from a Tuesday start, keeps its Tuesday to Sunday)
    builds = [w.load for w in plan.weeks if w.kind == "build" and w.start.weekday() == 0]
    assert builds and all(0.9 * 450 <= x <= 1.1 * 450 for x in builds), builds


def test_a_b_race_gets_its_own_short_taper_and_rest_after() -> None:
    b = Goal(START + timedelta(days=7 * 6 - 2), "B", "Tune-up")  # a Sunday in week 6
    plan = build_plan(_req(weekly_hours=8.0, goals=(*_req().goals, b)), ATHLETE)
    by_day = {s.day: s for s in plan.sessions()}
    assert b.date not in by_day and b.date + timedelta(days=1) not in by_day
    assert all(
        by_day[d].intensity != "hard"
        for d in (b.date - timedelta(days=1), b.date - timedelta(days=2))
        if d in by_day
    )
    opener = by_day.get(b.date - timedelta(days=1))
    assert opener is not None and "opener" in opener.template
    week = next(w for w in plan.weeks if w.start <= b.date <= w.start + timedelta(days=6))
    normal = max(w.load for w in plan.weeks if w.kind == "build")
    assert week.load < normal


def test_swims_without_css_are_said_and_still_valid() -> None:
    no_css = AthleteState(TODAY, 50.0, 50.0, (*SETTINGS, {"types": ["Swim"], "lthr": 150}))
    plan = build_plan(_req(weekly_hours=9.0, sports={"Ride": 0.5, "Run": 0.3, "Swim": 0.2}), no_css)
    assert any("swim threshold pace" in w for w in plan.warnings)
    swims = [s for s in plan.sessions() if s.sport == "Swim"]
    assert swims and all("Pace" not in s.workout_text for s in swims)
    sports_minutes = {
        sp: sum(s.minutes for s in plan.sessions() if s.sport == sp) for sp in ("Ride", "Run", "Swim")
    }
    total = sum(sports_minutes.values())
    assert abs(sports_minutes["Ride"] / total - 0.5) < 0.15


def test_n_weeks_without_a_race() -> None:
    plan = build_plan(_req(weekly_hours=7.0, goals=(), weeks=6), ATHLETE)
    assert len(plan.weeks) == 6 and plan.race_day_form is None
    assert [w.kind for w in plan.weeks] == ["build", "build", "build", "recovery", "build", "build"]
    assert len(plan.projection) == 41  # calendar weeks: Tuesday to Sunday, then five Monday-Sunday weeks
