"""Hypothesis strategies for the plan builder: athletes (CTL 10-120, sport settings with or without FTP),
goals and availabilities, and the constraint checks every generated plan must pass."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from icucoach.analytics.acwr import acwr
from icucoach.plan import AthleteState, Availability, Goal, Plan, PlanRequest
from icucoach.workouts import errors, validate

TODAY = date(2026, 11, 23)
START = TODAY + timedelta(days=1)


@st.composite
def athletes(draw: st.DrawFn) -> AthleteState:
    ctl = draw(st.floats(10, 120))
    atl = ctl * draw(st.floats(0.7, 1.3))
    ride: dict[str, Any] = {"types": ["Ride", "VirtualRide"], "lthr": draw(st.integers(145, 180))}
    if draw(st.booleans()):
        ride["ftp"] = draw(st.integers(120, 380))
    run: dict[str, Any] = {"types": ["Run"], "lthr": draw(st.integers(150, 185))}
    if draw(st.booleans()):
        run["threshold_pace"] = draw(st.floats(2.8, 5.0))
    recent: tuple[float, ...] = ()
    if draw(st.booleans()):  # a recent month consistent with the CTL: a weekly pattern at 60-140 % of it
        level = ctl * draw(st.floats(0.6, 1.4))
        week = draw(st.lists(st.floats(0, 2.5), min_size=7, max_size=7).filter(lambda w: sum(w) > 1))
        recent = tuple(level * 7 * x / sum(week) for x in week * 4)
    return AthleteState(TODAY, ctl, atl, (ride, run), recent_daily_load=recent)


@st.composite
def requests(draw: st.DrawFn, athlete: AthleteState) -> PlanRequest:
    days = draw(st.sets(st.integers(0, 6), min_size=3, max_size=7))
    minutes = {d: draw(st.sampled_from([45, 60, 75, 90, 120, 150, 180, 240])) for d in days}
    avail_h = sum(minutes.values()) / 60
    # A budget near what the athlete trains now (about CTL x 7 load a week at ~55 load an hour) and within
    # the time available: the hours rule is then reachable and ACWR does not have to hold the whole block.
    hours = min(avail_h * 0.85, max(2.0, athlete.ctl * 7 / 55 * draw(st.floats(0.85, 1.15))))
    weeks_to_race = draw(st.integers(3, 16))
    race = START + timedelta(days=7 * weeks_to_race - 1 - draw(st.integers(0, 6)))
    goals = [Goal(race, "A")]
    if weeks_to_race > 6 and draw(st.booleans()):
        goals.append(
            Goal(
                race - timedelta(days=7 * draw(st.integers(3, weeks_to_race - 2))),
                draw(st.sampled_from("BC")),
            )
        )
    mix = draw(
        st.sampled_from([{"Ride": 1.0}, {"Run": 1.0}, {"Ride": 0.7, "Run": 0.3}, {"Ride": 0.5, "Run": 0.5}])
    )
    long_day = draw(st.sampled_from(sorted(days))) if draw(st.booleans()) else None
    return PlanRequest(
        start=START,
        goals=tuple(goals),
        weekly_hours=round(hours, 1),
        weekly_load=None,
        availability=Availability(minutes, long_day),
        sports=mix,
        distribution=draw(st.sampled_from(["polarised", "pyramidal"])),
    )


def history(athlete: AthleteState) -> list[float]:
    known = list(athlete.recent_daily_load)
    return [athlete.ctl] * (28 - len(known)) + known


def _warned(plan: Plan, day: date) -> bool:
    return any(day.isoformat() in x for x in plan.warnings)


def constraint_failures(plan: Plan, athlete: AthleteState) -> list[str]:
    """Every rule a plan must keep, as readable failures (empty = all kept)."""
    req = plan.request
    out: list[str] = []
    budget = req.weekly_hours or 0.0
    loads = history(athlete)
    a = req.a_race()
    assert a is not None
    hard_days = {s.day for s in plan.sessions() if s.intensity == "hard"}
    for i, w in enumerate(plan.weeks):
        if w.hours > budget * 1.1 + 1e-9:
            out.append(f"{w.start} {w.kind}: {w.hours:.2f} h over the {budget} h budget")
        full = w.start.weekday() == 0  # calendar weeks: a first week from a later start keeps its last days
        if full and w.kind == "build" and w.hours < budget * 0.9 and not _warned(plan, w.start):
            out.append(f"{w.start} build: {w.hours:.2f} h under the {budget} h budget without a warning")
        days = [w.start + timedelta(days=k) for k in range(7 - w.start.weekday())]
        week = [sum(s.load for s in w.sessions if s.day == d) for d in days]
        loads += week
        ratio = acwr(loads[-28:]).coupled.value
        if i > 0 and ratio is not None:
            # Taper and race weeks fall by design (checked against the build weeks below); a ratio there
            # only says the weeks before were lighter still.
            if ratio > req.acwr_band[1] and w.kind in ("build", "recovery"):
                out.append(f"{w.start}: ACWR {ratio:.2f} above the band")
            if w.kind == "build" and ratio < req.acwr_band[0] and not _warned(plan, w.start):
                out.append(f"{w.start}: ACWR {ratio:.2f} below the band in a build week on budget")
        if w.monotony is not None and w.monotony >= req.max_monotony:
            out.append(f"{w.start}: monotony {w.monotony:.2f}")
        for s in w.sessions:
            cap = req.availability.minutes(s.day.weekday())
            if s.minutes > cap:
                out.append(f"{s.day}: {s.minutes} min on a day with {cap} available")
            if s.day == a.date or s.day > a.date:
                out.append(f"{s.day}: a session on or after the A race")
            if s.intensity == "hard" and s.day + timedelta(days=1) in hard_days:
                out.append(f"{s.day}: hard two days in a row")
            if s.intensity == "hard" and 0 < (a.date - s.day).days <= 2:
                out.append(f"{s.day}: hard session in the 48 h before the race")
            issues = errors(validate(s.workout_text, s.sport, athlete.settings_for(s.sport)))
            if issues:
                out.append(f"{s.day} {s.template}: does not validate: {issues[0]}")
    taper = [w for w in plan.weeks if w.kind in ("taper", "race")]
    # whole build weeks: a first week from a later start keeps only its last days
    builds = [w.load for w in plan.weeks if w.kind == "build" and w.start.weekday() == 0]
    builds_max = max(builds, default=None)
    if builds_max is not None and any(w.load > builds_max * 1.05 for w in taper):
        out.append("a taper or race week heavier than the biggest build week")
    if not taper or taper[-1].start > a.date:
        out.append("no taper / race week before the A race")
    race_week = [w for w in plan.weeks if w.kind == "race"]
    if builds_max is not None and race_week and race_week[0].load > 0.8 * builds_max:
        out.append(f"race week load {race_week[0].load:.0f} not under 80 % of the biggest build week's")
    return out
