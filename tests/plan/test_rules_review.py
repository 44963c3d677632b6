"""The builder's rules hold for recurring sessions, around B/C races and at the block's seams: no hard
session the day before a race or next to another hard day, one long session a week, a B race week is not
a build week to scale the next weeks from, and a rule on a day without training time is said."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest

from icucoach.coach import plan_args
from icucoach.plan import (
    AthleteState,
    Availability,
    Goal,
    Plan,
    PlanRequest,
    Recurrence,
    apply_recurrences,
    build_plan,
)

from .helpers import SETTINGS, TODAY

ATH = AthleteState(TODAY, 60.0, 62.0, SETTINGS, recent_daily_load=(60.0,) * 28)
WEEK = {0: 90, 1: 90, 2: 90, 3: 90, 4: 90, 5: 180, 6: 240}
NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def request(
    goals: tuple[Goal, ...] = (),
    start: date = TODAY + timedelta(days=1),
    rules: tuple[Recurrence, ...] = (),
    days: dict[int, int] | None = None,
    sports: dict[str, float] | None = None,
    weeks: int | None = None,
    hours: float = 8.0,
) -> PlanRequest:
    return PlanRequest(
        start=start,
        goals=goals,
        weekly_hours=hours,
        weekly_load=None,
        availability=Availability(days or WEEK, 6),
        sports=sports or {"Ride": 1.0},
        recurrences=rules,
        weeks=weeks,
    )


def back_to_back_hard(plan: Plan) -> list[date]:
    hard = sorted({s.day for s in plan.sessions() if s.intensity == "hard"})
    return [b for a, b in pairwise(hard) if (b - a).days == 1]


def test_a_hard_rule_gives_way_to_the_taper_within_48_h_of_a_race() -> None:
    vo2_saturdays = Recurrence("sat", 5, "session", "ride-vo2max", 60, "Ride")
    races = (Goal(date(2026, 12, 13), "B"), Goal(date(2027, 1, 10), "A"))
    plan = build_plan(request(races, rules=(vo2_saturdays,)), ATH)
    for race in races:
        eve = [s for s in plan.sessions() if 0 < (race.date - s.day).days <= 2]
        assert eve and all(s.intensity != "hard" and not s.key for s in eve), eve
    assert sum("within 48 h of a race" in w for w in plan.warnings) == 2
    # away from the races the rule holds, as a key session
    held = [(w.kind, s) for w in plan.weeks for s in w.sessions if s.recurrence_id == "sat"]
    assert len(held) >= 4 and all(s.template == "ride-vo2max" for _, s in held)
    assert all(s.key == (kind in ("build", "taper")) for kind, s in held)


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("template", ["ride-vo2max", "ride-threshold"])
def test_a_hard_rule_is_never_next_to_another_hard_day(weekday: int, template: str) -> None:
    rule = Recurrence(NAMES[weekday], weekday, "session", template, 60, "Ride")
    for hours in (6.0, 10.0):
        plan = build_plan(request(rules=(rule,), weeks=6, hours=hours), ATH)
        assert not back_to_back_hard(plan)
        assert any(s.recurrence_id for s in plan.sessions())


def test_a_long_run_rule_is_the_week_s_only_long_session() -> None:
    sunday_long = Recurrence("sun", 6, "session", "run-long", 120, "Run")
    req = request(
        (Goal(date(2027, 1, 24), "A"),),
        start=date(2026, 11, 24),
        rules=(sunday_long,),
        days={0: 80, 2: 80, 3: 80, 5: 120, 6: 200},
        sports={"Run": 1.0},
    )
    plan = build_plan(req, ATH)
    for w in plan.weeks:
        longs = [s for s in w.sessions if s.template == "run-long"]
        assert len(longs) <= 1, (w.start, longs)
        if w.kind == "build":
            assert longs and longs[0].recurrence_id == "sun" and longs[0].key


def test_editing_rules_keeps_day_one_off_a_kept_hard_day() -> None:
    base = request((Goal(date(2027, 2, 21), "A"),), start=date(2026, 11, 24))
    old = build_plan(base, ATH)
    bad = []
    for weekday in range(7):
        rules = (Recurrence(NAMES[weekday], weekday, "session", "ride-endurance", 120, "Ride"),)
        for off in range(3, 40):
            new = apply_recurrences(old, rules, ATH, today=base.start + timedelta(days=off))
            bad += back_to_back_hard(new)
    assert not bad


def test_a_big_day_before_a_monday_start_is_not_followed_by_a_hard_day() -> None:
    sunday = TODAY + timedelta(days=6)
    tired = AthleteState(sunday, 60.0, 62.0, SETTINGS, recent_daily_load=(40.0,) * 27 + (150.0,))
    for days in ({0: 60, 2: 60, 3: 60, 5: 120, 6: 180}, {0: 90, 1: 60, 3: 60, 4: 60, 6: 200}):
        req = request((Goal(date(2027, 2, 21), "A"),), start=sunday + timedelta(days=1), days=days)
        fresh = build_plan(req, replace(tired, recent_daily_load=(40.0,) * 28))
        assert [s for s in fresh.sessions() if s.day == req.start and s.intensity == "hard"]
        plan = build_plan(req, tired)
        assert not [s for s in plan.sessions() if s.day == req.start and s.intensity == "hard"]


def test_a_rebuild_a_day_later_keeps_the_block() -> None:
    """The athlete did day 1 as planned and re-plans the next morning: nothing else moves."""
    goal = (Goal(date(2027, 2, 21), "A"),)
    for first in (TODAY + timedelta(days=1), TODAY + timedelta(days=3)):  # a Tuesday, a Thursday
        before = AthleteState(first - timedelta(days=1), 60.0, 62.0, SETTINGS, recent_daily_load=(60.0,) * 28)
        plan = build_plan(request(goal, start=first), before)
        done = sum(s.load for s in plan.sessions() if s.day == first)
        after = replace(before, today=first, recent_daily_load=(60.0,) * 27 + (done,))
        again = build_plan(request(goal, start=first + timedelta(days=1)), after)
        kept = [s for s in plan.sessions() if s.day > first]
        assert again.sessions() == kept
        assert [w.kind for w in again.weeks] == [w.kind for w in plan.weeks]
        assert not back_to_back_hard(again)


def test_a_b_race_week_is_not_what_the_next_weeks_are_scaled_from() -> None:
    a_race = Goal(date(2027, 3, 7), "A")
    plain = build_plan(request((a_race,), start=TODAY), ATH)
    with_b = build_plan(request((a_race, Goal(date(2026, 12, 13), "B")), start=TODAY), ATH)
    assert with_b.weeks[3].kind == "recovery"
    # the recovery week after the B race is as big as without it (65 % of the build weeks, not of the race
    # week), and the B race week's cut is not blamed on the budget or the monotony limit
    assert with_b.weeks[3].hours == pytest.approx(plain.weeks[3].hours, abs=0.5)
    said = [w for w in with_b.warnings if "2026-12-07" in w]
    assert said and all("taper for the B race on 2026-12-13" in w for w in said), said
    # the taper's cut minutes do not come back on the race week's easy days
    race_week = with_b.weeks[2]
    assert race_week.hours < 0.8 * plain.weeks[2].hours


def test_a_rule_on_a_day_off_is_refused_or_said() -> None:
    with pytest.raises(plan_args.ArgError, match="add sun to --days or drop the rule"):
        plan_args.check_rules(plan_args.rules(["sun:run-long:120"]), plan_args.days("mon,wed,thu,sat", 6))
    rule = Recurrence("sun", 6, "session", "run-long", 120, "Run")
    req = request(rules=(rule,), days={0: 60, 2: 60, 3: 60, 5: 120}, sports={"Run": 1.0}, weeks=3)
    plan = build_plan(req, ATH)
    assert not [s for s in plan.sessions() if s.recurrence_id]
    assert any("sun" in w and "not a training day" in w for w in plan.warnings)


def test_a_tiny_week_over_the_acwr_band_drops_a_session_or_says_so() -> None:
    """Two-session weeks on an uneven history used to end at an ACWR of 1.32-1.34 with nothing said."""
    history = (75.0, 53.0, 10.0, 56.0, 82.0, 27.0, 58.0, 81.0, 54.0, 3.0, 57.0, 23.0, 77.0, 60.0)
    athlete = AthleteState(TODAY, 45.0, 58.0, SETTINGS, recent_daily_load=history * 2)
    goals = (Goal(date(2027, 3, 2), "A"), Goal(date(2026, 12, 19), "C"))
    over = []
    for days in ({1: 120, 6: 30}, {0: 60, 3: 30}, {1: 120, 4: 45}, {2: 120, 5: 30}):
        for hours in (3.0, 5.0):
            plan = build_plan(request(goals, date(2026, 11, 26), days=days, hours=hours), athlete)
            over += [
                (w.start, w.acwr_end)
                for w in plan.weeks
                if w.kind in ("build", "recovery")
                and w.acwr_end is not None
                and w.acwr_end > plan.request.acwr_band[1]
                and not any(str(w.start) in x and "over the band" in x for x in plan.warnings)
            ]
    assert not over
