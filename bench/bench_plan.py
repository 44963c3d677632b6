"""Plan builder benchmark: time to build a 16-week block (goal < 200 ms), cold (no rendered session cached)
and warm, and the calendar writes of a first apply and of a re-apply (0) from the diff."""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from icucoach.plan import AthleteState, Availability, Goal, PlanRequest, build_plan, diff_plan, event_body
from icucoach.plan.sessions import _render

TODAY = date(2026, 11, 23)
ATHLETE = AthleteState(
    TODAY,
    62.0,
    66.0,
    (
        {"types": ["Ride", "VirtualRide"], "ftp": 260, "lthr": 165, "max_hr": 188},
        {"types": ["Run"], "lthr": 172, "threshold_pace": 4.1},
    ),
)
START = TODAY + timedelta(days=1)
REQUEST = PlanRequest(
    start=START,
    goals=(Goal(START + timedelta(days=7 * 16 - 2), "A"), Goal(START + timedelta(days=7 * 9 - 2), "B")),
    weekly_hours=9.0,
    weekly_load=None,
    availability=Availability({0: 60, 1: 75, 2: 90, 3: 75, 5: 240, 6: 180}, long_day=5),
    sports={"Ride": 0.7, "Run": 0.3},
)


def run(report) -> None:
    cold = []
    for _ in range(3):
        _render.cache_clear()
        t = time.perf_counter()
        plan = build_plan(REQUEST, ATHLETE)
        cold.append(time.perf_counter() - t)
    warm = []
    for _ in range(10):
        t = time.perf_counter()
        plan = build_plan(REQUEST, ATHLETE)
        warm.append(time.perf_counter() - t)
    report("16-week block: weeks / sessions", f"{len(plan.weeks)} / {len(plan.sessions())}")
    report("build 16 weeks, cold (median of 3)", statistics.median(cold) * 1000, "ms (goal < 200)")
    report("build 16 weeks, warm (median of 10)", statistics.median(warm) * 1000, "ms")
    report("distinct rendered sessions", _render.cache_info().currsize, "")
    if plan.race_day_form:
        report("projected CTL on race day", plan.race_day_form["ctl"], "")
        report("projected TSB on race day", plan.race_day_form["tsb"], "")
    window = (START, START + timedelta(days=7 * 16 - 1))
    first = diff_plan(plan, [], window=window)
    report("writes per apply (empty calendar)", first.writes(), "events")
    applied = [{**event_body(s), "id": n} for n, s in enumerate(plan.sessions())]
    t = time.perf_counter()
    again = diff_plan(build_plan(REQUEST, ATHLETE), applied, window=window)
    report("writes per re-apply", again.writes(), "events")
    report("re-plan + diff, warm", (time.perf_counter() - t) * 1000, "ms")
