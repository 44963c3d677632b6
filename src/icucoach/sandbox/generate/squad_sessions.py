"""The squad's planned sessions and what each persona does of them: scaled (too hard), shortened, the
overreaching athlete's daily camp ride, sessions written in % LTHR for the athlete without a power meter, the
coach's WORKOUT events that carry them (``squad``), and the weather of the outdoor sessions."""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.sandbox.generate import calendar as cal
from icucoach.sandbox.generate.history import _free_text
from icucoach.sandbox.generate.profiles import Thresholds
from icucoach.sandbox.generate.sessions import Block, Session, Step, workout_text


def scaled(session: Session, factor: float, secs: float = 1.0) -> Session:
    """The session done ``factor`` above its targets (and ``secs`` longer): what the too-hard athlete does."""
    blocks = [
        Block(
            b.title,
            tuple(
                Step(int(round(st.secs * secs)), st.lo * factor, st.hi * factor, st.kind, None)
                for st in b.steps
            ),
            b.reps,
        )
        for b in session.blocks
    ]
    return replace(session, blocks=blocks, tags=["too hard"])


def shortened(session: Session) -> Session:
    """Fewer repeats, or a steady session cut to 70 %."""
    if any(b.reps > 2 for b in session.blocks):
        blocks = [b if b.reps <= 2 else Block(b.title, b.steps, b.reps - 2) for b in session.blocks]
    else:
        blocks = [
            Block(b.title, tuple(replace(st, secs=int(st.secs * 0.7), metres=None) for st in b.steps), b.reps)
            for b in session.blocks
        ]
    return replace(session, blocks=blocks, tags=["shortened"])


def camp_ride(rng: np.random.Generator) -> Session:
    mins = 170 * float(rng.uniform(0.8, 1.2))
    return Session(
        "ride_long",
        "Ride",
        "Camp endurance ride",
        [Block("Endurance", (Step(int(mins * 60), 0.72, 0.72),))],
        False,
        8.0,
        terrain="hilly",
    )


def hr_frac(rel: float, th: Thresholds, lthr: int) -> float:
    """The heart rate (fraction of LTHR) the stream model settles at for an intensity, with ~1 h of drift."""
    return (th.resting_hr + (lthr - th.resting_hr) * (0.28 + 0.72 * rel)) * 1.02 / lthr


def hr_workout_text(session: Session, th: Thresholds, lthr: int) -> str:
    """Workout text with % LTHR targets: how a coach plans for an athlete without a power meter."""

    def target(st: Step) -> str:
        lo, hi = round(100 * hr_frac(st.lo, th, lthr)), round(100 * hr_frac(st.hi, th, lthr))
        return f"{lo}% LTHR" if lo == hi else f"ramp {lo}-{hi}% LTHR"

    return workout_text(session, target)


def quantized(session: Session) -> Session:
    """A steady session planned in whole 5 minutes (10 from an hour up), as a coach writes it."""
    steps = session.segments()
    if len(steps) != 1 or steps[0].metres is not None:
        return session
    st = steps[0]
    unit = 600 if st.secs >= 3600 else 300
    secs = max(300, unit * round(st.secs / unit))
    return replace(session, blocks=[Block(session.blocks[0].title, (replace(st, secs=secs),))])


def steady_text(session: Session) -> str:
    """An unstructured session planned as one steady step at its time-weighted intensity (the base
    generator's ``_free_text`` takes the first step's, which under-plans a swim starting with a warm-up)."""
    steps = session.segments()
    secs = sum(st.secs for st in steps)
    if session.sport == "WeightTraining" or len(steps) == 1:
        return _free_text(session)
    rel = sum(st.secs * (st.lo + st.hi) / 2 for st in steps) / max(1, secs)
    return f"Steady\n- {max(1, round(secs / 60))}m {round(rel * 100)}% Pace"


def workout_event(
    event_id: int,
    athlete_id: str,
    day: date,
    session: Session,
    text: str,
    settings: dict[str, Any] | None,
    tz: ZoneInfo,
    creator: str,
    enriched: dict[tuple[str, str], dict[str, Any]],
) -> dict[str, Any]:
    """A WORKOUT event as ``calendar.workout_event`` makes it, with this text; the server-side parse is done
    once per distinct text (an athlete's settings are fixed over the squad's history)."""
    created = datetime(day.year, day.month, day.day, 8, tzinfo=tz) - timedelta(days=7)
    ev = cal.base_event(event_id, athlete_id, day, "WORKOUT", session.name, created, creator)
    ev.update({"type": session.sport, "description": text, "indoor": session.indoor, "target": "AUTO"})
    key = (text, session.sport)
    if key not in enriched:
        enriched[key] = cal.enrich(text, session.sport, settings)
    ev.update(copy.deepcopy(enriched[key]))
    return ev


OUTSIDE = ("Ride", "Run", "TrailRun", "GravelRide", "MountainBikeRide", "Walk", "Hike")


def weather(act: dict[str, Any], day: date, seed: int) -> None:
    """Intervals.icu's weather fields on an outdoor activity, for the workout review's conditions: a seasonal
    air temperature (northern hemisphere, coldest in January) with day-to-day noise, wind (m/s, the account's
    default unit) and the share of it in the rider's face. Its own generator: the rest of the squad's draws
    stay as they were."""
    if act.get("type") not in OUTSIDE or act.get("trainer"):
        return
    rng = np.random.default_rng(seed)
    season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365)
    temp = round(11 + 9 * season + rng.normal(0, 2.5), 1)
    wind = round(float(rng.uniform(0.5, 7.0)), 1)
    head = round(float(rng.uniform(15, 55)), 1)
    act.update(
        {
            "has_weather": True,
            "average_weather_temp": temp,
            "average_feels_like": round(temp - 0.7 * wind, 1),
            "average_wind_speed": wind,
            "headwind_percent": head,
            "tailwind_percent": round(float(rng.uniform(10, 100 - head)), 1),
            "average_temp": round(temp + 4 + rng.normal(0, 1), 1),  # the head unit reads warm in the sun
        }
    )
