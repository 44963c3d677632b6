"""Recurring rules: "long run every Sunday" and "rest on Mondays" hold in every week; editing a rule
changes every future occurrence and leaves past ones (and the calendar before today) alone."""

from __future__ import annotations

from datetime import timedelta

from icucoach.plan import (
    Availability,
    Goal,
    PlanRequest,
    Recurrence,
    apply_recurrences,
    build_plan,
    diff_plan,
)

from .helpers import ATHLETE, TODAY, as_events

START = TODAY + timedelta(days=1)  # a Tuesday
LONG_RUN = Recurrence("sun-long-run", 6, "session", "run-long", 90, "Run")
REST_MONDAY = Recurrence("mon-rest", 0, "rest")


def request() -> PlanRequest:
    return PlanRequest(
        start=START,
        goals=(Goal(START + timedelta(days=7 * 10 - 2), "A"),),
        weekly_hours=8.0,
        weekly_load=None,
        availability=Availability({0: 60, 1: 75, 3: 75, 5: 240, 6: 150}, long_day=5),
        sports={"Ride": 0.7, "Run": 0.3},
        recurrences=(LONG_RUN, REST_MONDAY),
    )


def test_rules_hold_every_week() -> None:
    plan = build_plan(request(), ATHLETE)
    race = plan.request.a_race()
    assert race is not None
    sundays = [s for s in plan.sessions() if s.day.weekday() == 6]
    assert sundays and all(s.recurrence_id == "sun-long-run" and s.template == "run-long" for s in sundays)
    assert all(s.external_id.endswith(":r-sun-long-run") for s in sundays)
    assert not [s for s in plan.sessions() if s.day.weekday() == 0]  # rest on Mondays
    full = [s for s in sundays if (race.date - s.day).days > 12]  # before the taper: the rule's 90 min
    assert full and all(85 <= s.minutes <= 95 for s in full)


def test_editing_a_rule_changes_only_future_occurrences() -> None:
    plan = build_plan(request(), ATHLETE)
    today = START + timedelta(days=20)
    longer = Recurrence("sun-long-run", 6, "session", "run-long", 120, "Run")
    edited = apply_recurrences(plan, (longer, REST_MONDAY), ATHLETE, today=today)
    old = {s.external_id: s for s in plan.sessions()}
    new = {s.external_id: s for s in edited.sessions()}
    past = {k: v for k, v in old.items() if v.day < today}
    assert past and all(new[k] == v for k, v in past.items())  # history untouched
    future_sundays = [s for s in edited.sessions() if s.day >= today and s.recurrence_id == "sun-long-run"]
    assert future_sundays
    race = edited.request.a_race()
    assert race is not None
    assert all(115 <= s.minutes <= 125 for s in future_sundays if (race.date - s.day).days > 12)
    # The calendar written from the old plan: the diff from today changes future Sundays, nothing before.
    events = as_events(plan.sessions())
    end = plan.weeks[-1].start + timedelta(days=6)
    diff = diff_plan(edited, events, window=(today, end))
    changed = [c for c in diff.changes if c.action != "keep"]
    assert changed and all(c.day >= today for c in changed)
    assert {c.external_id for c in changed if c.external_id and c.external_id.endswith("r-sun-long-run")}
    assert not any(c.hand_edited for c in diff.changes)


def test_dropping_a_rule_frees_the_day_from_today_on() -> None:
    plan = build_plan(request(), ATHLETE)
    today = START + timedelta(days=27)
    edited = apply_recurrences(plan, (REST_MONDAY,), ATHLETE, today=today)
    assert all(s.recurrence_id is None for s in edited.sessions() if s.day >= today)
    assert [s for s in edited.sessions() if s.day < today and s.recurrence_id] == [
        s for s in plan.sessions() if s.day < today and s.recurrence_id
    ]
