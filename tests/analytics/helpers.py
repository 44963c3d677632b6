"""Small builders for analytics tests (typed inputs without API plumbing)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from icucoach.analytics.inputs import ActivityInput, PlannedInput, WellnessInput

D0 = date(2026, 3, 2)  # a Monday


def act(
    day: date, load: float | None = 50.0, sport: str = "Ride", hour: int = 8, secs: float = 3600, **kw
) -> ActivityInput:
    start = datetime.combine(day, time(hour, 0))
    ident = kw.pop("id", f"{sport}-{day.isoformat()}-{hour}")
    return ActivityInput(id=ident, start=start, sport=sport, load=load, moving_time=secs, **kw)


def acts_from_loads(loads, start: date = D0, sport: str = "Ride") -> list[ActivityInput]:
    return [act(start + timedelta(days=i), x, sport) for i, x in enumerate(loads) if x]


def well(day: date, **kw) -> WellnessInput:
    return WellnessInput(day=day, **kw)


def plan(
    day: date, load: float | None = 60.0, sport: str = "Ride", category: str = "WORKOUT", **kw
) -> PlannedInput:
    ident = kw.pop("id", f"e-{sport}-{day.isoformat()}-{category}")
    return PlannedInput(id=ident, day=day, category=category, sport=sport, load=load, **kw)
