"""Property tests: for generated athletes, goals and availabilities every plan keeps its constraints
(hours within +-10 % of the budget, only available days within their minutes, the ACWR band from the
second week on, monotony under 2, a taper before the A race, no hard days back to back, every workout
valid for the athlete's sport and thresholds), and the same inputs give the same plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icucoach.plan import build_plan

from .strategies import athletes, constraint_failures, requests

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_every_plan_keeps_its_constraints(data: st.DataObject) -> None:
    athlete = data.draw(athletes())
    req = data.draw(requests(athlete))
    plan = build_plan(req, athlete)
    assert plan.weeks and plan.sessions()
    assert constraint_failures(plan, athlete) == []


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_same_inputs_same_plan(data: st.DataObject) -> None:
    athlete = data.draw(athletes())
    req = data.draw(requests(athlete))
    assert build_plan(req, athlete).to_dict() == build_plan(req, athlete).to_dict()


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_back_to_back_hard_only_when_asked(data: st.DataObject) -> None:
    athlete = data.draw(athletes())
    req = replace(data.draw(requests(athlete)), allow_back_to_back_hard=False)
    hard = sorted(s.day for s in build_plan(req, athlete).sessions() if s.intensity == "hard")
    assert all((b - a).days > 1 for a, b in pairwise(hard))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_intensity_distribution_and_long_day(data: st.DataObject) -> None:
    athlete = data.draw(athletes())
    req = data.draw(requests(athlete))
    plan = build_plan(req, athlete)
    for w in plan.weeks:
        if w.kind != "build" or w.start.weekday() != 0:  # a first week from a later start keeps its last days
            continue
        training = [s for s in w.sessions if "opener" not in s.template]
        moderate = [s for s in training if s.intensity == "moderate"]
        hard = [s for s in training if s.intensity == "hard"]
        if req.distribution == "polarised":  # Seiler: low or high, no threshold-ish middle
            assert not moderate
            assert len(hard) <= max(1, round(0.2 * len(training)) + 1)
        elif len(training) >= 2:
            assert moderate and len(moderate) >= len(hard)
        days = req.availability.days
        long_day = req.availability.long_day
        race_week = any(w.start <= g.date <= w.start + timedelta(days=7) for g in req.goals)
        if (
            len(training) >= 3
            and long_day is not None
            and days[long_day] >= max(days.values())
            and not race_week
        ):
            on_long_day = [s for s in training if s.day.weekday() == long_day]
            assert (
                on_long_day
                and on_long_day[0].minutes >= max(s.minutes for s in training if s.intensity == "easy") - 5
            )
