"""Test helpers: planned sessions as the calendar events the server returns after an apply."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from icucoach.plan import AthleteState, PlannedSession, event_body

TODAY = date(2026, 11, 23)
SETTINGS = (
    {"types": ["Ride", "VirtualRide"], "ftp": 260, "lthr": 165, "max_hr": 188},
    {"types": ["Run"], "lthr": 172, "threshold_pace": 4.1},
)
ATHLETE = AthleteState(TODAY, 60.0, 62.0, SETTINGS)


def as_events(sessions: Iterable[PlannedSession], first_id: int = 1000) -> list[dict[str, Any]]:
    """The events an apply leaves in the calendar: our POST body plus what the server derives."""
    out = []
    for n, s in enumerate(sessions):
        ev = event_body(s)
        ev.update(
            id=first_id + n,
            moving_time=s.minutes * 60,
            icu_training_load=round(s.load),
            workout_doc=dict(s.workout_doc),
        )
        out.append(ev)
    return out
