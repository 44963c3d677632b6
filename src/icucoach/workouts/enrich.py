"""``enrich_event``: what the Intervals.icu server fills on a WORKOUT event from its ``description``.

Owns the contract the sandbox relies on: parse the text like the real server, build the ``workout_doc``
and the event numbers (``moving_time``, ``distance``, ``icu_training_load``, ``icu_intensity``,
``joules``, ``joules_above_ftp``, ``icu_ftp``). Text that yields no timed step gives the server's silent
failure: ``workout_doc.steps == []`` and null numbers. It never raises, whatever the input.
"""

from __future__ import annotations

from .doc import compute_totals, to_workout_doc
from .model import Repeat, Step
from .parse import parse_text
from .resolve import Thresholds


def _empty() -> dict:
    # The shape the real API returns for an event whose description did not parse (tp2intervals fixture).
    doc = {
        "steps": [],
        "locales": [],
        "options": {},
        "distance": 0,
        "duration": 0,
        "average_watts": None,
        "variability_index": None,
    }
    return {
        "workout_doc": doc,
        "moving_time": None,
        "distance": None,
        "icu_training_load": None,
        "icu_intensity": None,
        "joules": None,
        "joules_above_ftp": None,
        "icu_ftp": None,
    }


def _has_timed_step(items) -> bool:
    for it in items:
        steps = it.steps if isinstance(it, Repeat) else (it,) if isinstance(it, Step) else ()
        if any(s.duration is not None or s.distance is not None for s in steps):
            return True
    return False


def enrich_event(description: str | None, sport: str | None, sport_settings: dict | None) -> dict:
    """Event fields the server derives from a workout description (see module docstring)."""
    try:
        if not isinstance(description, str) or not description.strip():
            return _empty()
        result = parse_text(description, sport)
        if result.fatal or not _has_timed_step(result.workout.items):
            return _empty()
        ss = sport_settings if isinstance(sport_settings, dict) else None
        w = result.workout
        th = Thresholds.from_settings(ss, sport)
        tot = compute_totals(w, th)
        doc = to_workout_doc(w, sport, ss, totals=tot)  # the totals once: they dominate the cost
        uses_power = tot.target == "POWER"
        return {
            "workout_doc": doc,
            "moving_time": int(tot.duration),
            "distance": float(tot.distance),
            "icu_training_load": tot.load,
            "icu_intensity": tot.intensity,
            "joules": tot.joules if uses_power else None,
            "joules_above_ftp": tot.joules_above_ftp if uses_power else None,
            "icu_ftp": int(th.ftp) if th.ftp and uses_power else None,
        }
    except Exception:  # the sandbox must behave like the server: never a 500 for odd text
        return _empty()
