"""Adjustments a coach relies on: the first day back after an illness (Intervals.icu's end date is
exclusive), no false ACWR spike from load history that was never read, and no key session moved into the
48 h before a race that only the plan's events name (a goal given to ``plan build --goal``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from icucoach.plan import (
    AthleteState,
    Availability,
    Goal,
    PlanRequest,
    build_plan,
    diff_plan,
    propose_adjustments,
)
from icucoach.plan.diff import event_body, event_goal, goal_for, tagged_goals

from .helpers import SETTINGS, TODAY, as_events

STEADY = AthleteState(TODAY, 60.0, 60.0, SETTINGS, recent_daily_load=(60.0,) * 28)


def _request(start: date, weeks: int | None, days: dict[int, int], hours: float, goals=()) -> PlanRequest:
    return PlanRequest(
        start=start,
        goals=tuple(goals),
        weekly_hours=hours,
        weekly_load=None,
        availability=Availability(days, long_day=6),
        sports={"Ride": 1.0},
        weeks=weeks,
    )


def _rides(today: date, days: int, load: float = 60.0) -> list[dict[str, Any]]:
    """One hour at ``load`` on each of the ``days`` days before today."""
    return [
        {
            "id": f"a{i}",
            "type": "Ride",
            "start_date_local": f"{today - timedelta(days=i)}T08:00:00",
            "moving_time": 3600,
            "icu_training_load": load,
        }
        for i in range(1, days + 1)
    ]


def _day(ev: dict[str, Any]) -> date:
    return date.fromisoformat(str(ev["start_date_local"])[:10])


# -------------------------------------------------------------------------------------------- sickness


def _two_weeks() -> list[dict[str, Any]]:
    req = _request(TODAY, 2, {0: 120, 1: 90, 2: 90, 4: 90, 5: 120, 6: 240}, 8)
    return as_events(s for s in build_plan(req, STEADY).sessions() if s.day >= TODAY)


def test_the_day_a_sick_entry_ends_on_is_the_first_day_back() -> None:
    events = _two_weeks()
    # the plan's first key session is the day the athlete comes back (which weekday depends on the builder)
    todays = sorted((e for e in events if "icucoach-key" in e["tags"]), key=_day)[:1]
    assert todays
    back = _day(todays[0])
    # sick the three days before: Intervals.icu writes the end as the day back at 00:00 (exclusive)
    sick = {
        "id": 1,
        "category": "SICK",
        "start_date_local": f"{back - timedelta(days=3)}T00:00:00",
        "end_date_local": f"{back}T00:00:00",
    }
    props = propose_adjustments([*events, sick], _rides(back, 28), [], STEADY, today=back)
    about_today = [a for a in props if a.change.external_id == todays[0]["external_id"]]
    assert [(a.kind, a.change.action) for a in about_today] == [("swap", "change")]
    assert "first days back" in about_today[0].reason
    assert about_today[0].change.after is not None and about_today[0].change.after.intensity == "easy"
    assert not [a for a in props if a.change.action == "remove"]


def test_a_sick_entry_drops_up_to_its_last_day_not_its_end_date() -> None:
    events = _two_weeks()
    sick = {
        "id": 1,
        "category": "SICK",
        "start_date_local": f"{TODAY - timedelta(days=1)}T00:00:00",
        "end_date_local": f"{TODAY + timedelta(days=3)}T00:00:00",  # sick through TODAY + 2
    }
    props = propose_adjustments([*events, sick], [], [], STEADY, today=TODAY)
    removed = {a.change.day for a in props if a.change.action == "remove"}
    planned = {_day(e) for e in events}
    assert removed == {d for d in planned if TODAY <= d <= TODAY + timedelta(days=2)}
    assert all(f"until {TODAY + timedelta(days=2)}" in a.reason for a in props if a.change.action == "remove")


# -------------------------------------------------------------------------------------------- ACWR


def _steady_fortnight() -> list[dict[str, Any]]:
    req = _request(TODAY, 2, dict.fromkeys(range(7), 120), 10)
    return as_events(s for s in build_plan(req, STEADY).sessions() if s.day >= TODAY)


def test_days_before_the_activities_read_are_not_taken_as_rest() -> None:
    events = _steady_fortnight()
    # only the last 14 days were read; the 14 before come from the athlete's known daily load (60)
    props = propose_adjustments(
        events, _rides(TODAY, 14), [], STEADY, today=TODAY, activities_since=TODAY - timedelta(days=14)
    )
    assert not [a for a in props if a.kind == "shorten"]
    # and without the date, the first activity's day is where the activities start
    assert not [a for a in propose_adjustments(events, _rides(TODAY, 14), [], STEADY, today=TODAY)]


def test_a_real_spike_over_a_fully_read_month_is_still_shortened() -> None:
    events = _steady_fortnight()
    idle = AthleteState(TODAY, 20.0, 20.0, SETTINGS, recent_daily_load=(0.0,) * 28)
    props = propose_adjustments(
        events, _rides(TODAY, 7, 15.0), [], idle, today=TODAY, activities_since=TODAY - timedelta(days=28)
    )
    assert [a for a in props if a.kind == "shorten" and "ACWR" in a.reason]


def test_no_ratio_when_a_day_of_the_month_is_unknown() -> None:
    events = _steady_fortnight()
    no_history = AthleteState(TODAY, 60.0, 60.0, SETTINGS)
    props = propose_adjustments(
        events, _rides(TODAY, 14), [], no_history, today=TODAY, activities_since=TODAY - timedelta(days=14)
    )
    assert not [a for a in props if "ACWR" in a.reason]


# -------------------------------------------------------------------------------------------- goal tags

RACE = Goal(date(2027, 1, 24), "A")


def _block_with_goal_tags() -> list[dict[str, Any]]:
    """The events `plan apply` writes for a block toward RACE given only to `plan build --goal`."""
    req = _request(date(2026, 11, 24), None, {0: 90, 1: 90, 2: 90, 3: 90, 4: 90, 5: 180, 6: 240}, 8, [RACE])
    plan = build_plan(req, STEADY)
    lo, hi = plan.request.start, max(s.day for s in plan.sessions())
    changes = diff_plan(plan, [], window=(lo, hi)).changes
    events = []
    for n, c in enumerate(changes):
        assert c.after is not None
        ev = event_body(c.after, c.goal)
        ev.update(id=1000 + n, moving_time=c.after.minutes * 60, icu_training_load=round(c.after.load))
        events.append(ev)
    return events


def test_plan_events_name_the_goal_they_build_toward() -> None:
    events = _block_with_goal_tags()
    assert all(event_goal(e) == RACE for e in events if _day(e) <= RACE.date)
    assert tagged_goals(events) == (RACE,)


def test_a_missed_key_session_is_never_moved_next_to_a_race_only_the_plan_names() -> None:
    events = _block_with_goal_tags()
    keys = [e for e in events if "icucoach-key" in e["tags"] and _day(e) >= RACE.date - timedelta(days=14)]
    assert keys
    moves = []
    for k in keys:
        missed = _day(k)
        for off in range(1, 8):
            today = missed + timedelta(days=off)
            ath = AthleteState(today, 60.0, 62.0, SETTINGS, recent_daily_load=(60.0,) * 28)
            done = [a for a in _rides(today, 28) if _day(a) != missed]
            props = propose_adjustments(events, done, [], ath, today=today)  # no race given: only the tags
            moves += [a.change.day for a in props if a.kind == "move"]
            assert all(
                not 0 <= (RACE.date - a.change.day).days <= 2
                for a in props
                if a.change.after is not None and (a.change.after.key or a.change.after.intensity == "hard")
            )
    assert moves  # the rule was exercised: some missed sessions did move, just not next to the race


def test_a_moved_session_keeps_its_goal_tag() -> None:
    events = _block_with_goal_tags()
    k = next(e for e in events if "icucoach-key" in e["tags"] and _day(e) < date(2026, 12, 20))
    today = _day(k) + timedelta(days=1)
    ath = AthleteState(today, 60.0, 62.0, SETTINGS, recent_daily_load=(60.0,) * 28)
    done = [a for a in _rides(today, 28) if _day(a) != _day(k)]
    move = next(a for a in propose_adjustments(events, done, [], ath, today=today) if a.kind == "move")
    assert move.change.goal == RACE


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(date(2026, 1, 1), date(2028, 1, 1)),
    goals=st.lists(
        st.builds(Goal, st.dates(date(2026, 1, 1), date(2028, 1, 1)), st.sampled_from("ABC")), max_size=4
    ),
)
def test_the_goal_of_a_session_is_the_first_on_or_after_its_day(day: date, goals: list[Goal]) -> None:
    g = goal_for(goals, day)
    ahead = [x.date for x in goals if x.date >= day]
    assert (g is None) == (not ahead)
    if g is not None:
        assert g.date == min(ahead)
