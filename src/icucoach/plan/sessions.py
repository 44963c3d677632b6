"""One planned session from the template library: which template plays which role for a sport, the workout
text resolved against the athlete's thresholds, and its load as the Intervals.icu server computes it.

A template whose targets the athlete's settings cannot resolve (power without FTP, pace without threshold
pace) fails ``workouts.validate``; the next candidate for the role is tried, then the template's text with
its targets rewritten to % LTHR, then its durations without targets. Rendering and the server-side load are
cached per (template, minutes, settings): a 16-week block reuses a few dozen distinct sessions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from icucoach.workouts import enrich_event, errors, validate
from icucoach.workouts.templates import get

from .model import EXTERNAL_ID_PREFIX, PlannedSession

# Role -> template keys per sport, best first; "hard" and "moderate" rotate week by week for variety.
ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "Ride": {
        "long": ("ride-endurance",),
        "easy": ("ride-endurance",),
        "recovery": ("ride-recovery",),
        "hard": ("ride-vo2max", "ride-threshold", "ride-over-under", "ride-30-30"),
        "moderate": ("ride-sweet-spot", "ride-tempo"),
        "opener": ("ride-opener",),
    },
    "Run": {
        "long": ("run-long",),
        "easy": ("run-easy", "run-recovery"),
        "recovery": ("run-recovery", "run-easy"),
        "hard": ("run-vo2max", "run-cruise", "run-hills", "run-track-800"),
        "moderate": ("run-tempo", "run-progression"),
        "opener": ("run-opener",),
    },
    "Swim": {
        "long": ("swim-pull", "swim-easy"),
        "easy": ("swim-easy", "swim-drills"),
        "recovery": ("swim-easy",),
        "hard": ("swim-css", "swim-css-400"),
        "moderate": ("swim-css-400",),
        "opener": ("swim-opener",),
    },
}
SPORTS = tuple(ROLES)
ROLE_INTENSITY = {
    "long": "easy",
    "easy": "easy",
    "recovery": "easy",
    "hard": "hard",
    "moderate": "moderate",
    "opener": "moderate",
    "fixed": "easy",
}
MIN_MINUTES = {"long": 45, "easy": 25, "recovery": 20, "hard": 40, "moderate": 40, "opener": 25, "fixed": 10}
_PCT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?%(?! ?(?:LTHR|HR|Pace|MMP))")
_PACE_PCT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?% Pace")
_TARGET_TOKENS = re.compile(
    r"\s(?:ramp |maxeffort )?\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?%(?: (?:LTHR|HR|Pace|MMP))?"
)


@dataclass(frozen=True)
class Rendered:
    template: str
    name: str
    text: str
    doc: Mapping[str, Any]
    load: float
    minutes: int
    fallback: str | None  # None, "lthr" or "untargeted"


def _lthr_line(m: re.Match[str], f: Any) -> str:
    lo = f(float(m.group(1)))
    hi = f(float(m.group(2))) if m.group(2) else None
    return f"{lo}-{hi}% LTHR" if hi is not None and hi != lo else f"{lo}% LTHR"


def _clamp(v: float) -> int:
    # HR lags and caps in short efforts: nothing above 108 % LTHR is a target a heart can hold.
    return int(max(55, min(108, round(v))))


def to_lthr(text: str) -> str:
    """Power (% FTP) and pace (% threshold pace) targets rewritten as % LTHR, for an athlete who has a
    threshold heart rate but not the threshold the template was written for. Z2 power (65-75 %) lands at
    ~86-90 % LTHR, threshold at ~98-100 %: the usual power/HR zone correspondence (Coggan, Friel)."""
    text = text.replace("maxeffort ", "")
    text = _PACE_PCT.sub(lambda m: _lthr_line(m, lambda p: _clamp(25 + 0.75 * p)), text)
    return _PCT.sub(lambda m: _lthr_line(m, lambda p: _clamp(27 + 0.74 * p)), text)


def untargeted(text: str) -> str:
    """The template's durations without targets: what is left when the athlete has no threshold at all."""
    return "\n".join(_TARGET_TOKENS.sub("", line).replace(" ramp", "") for line in text.splitlines()) + "\n"


def _settings_key(ss: Mapping[str, Any] | None) -> str:
    return json.dumps(ss, sort_keys=True, default=str) if ss is not None else "null"


@lru_cache(maxsize=4096)
def _render(key: str, minutes: int, sport: str, ss_json: str, mode: str) -> tuple[str, str, str] | None:
    """(text, workout_doc JSON, load) for template ``key`` at ``minutes`` in ``mode``; None if invalid."""
    ss = json.loads(ss_json)
    t = get(key)
    text = t.text(minutes)
    if mode == "lthr":
        text = to_lthr(text)
    elif mode == "untargeted":
        text = untargeted(text)
    if errors(validate(text, sport, ss)):
        return None
    derived = enrich_event(text, sport, ss)
    if not derived.get("moving_time"):
        return None
    return text, json.dumps(derived["workout_doc"]), json.dumps(derived.get("icu_training_load"))


def render(
    sport: str, role: str, minutes: int, settings: Mapping[str, Any] | None, rotation: int = 0
) -> Rendered | None:
    """The session for ``role`` on ``sport`` lasting about ``minutes``, valid for ``settings``."""
    cands = ROLES.get(sport, {}).get(role) or ROLES.get(sport, {}).get("easy") or ()
    if not cands:
        return None
    order = cands[rotation % len(cands) :] + cands[: rotation % len(cands)]
    return render_keys(order, sport, minutes, settings)


def render_keys(
    order: tuple[str, ...], sport: str, minutes: int, settings: Mapping[str, Any] | None
) -> Rendered | None:
    """The first of ``order`` (templates) that validates for ``settings``, natively, then in % LTHR, then
    without targets."""
    ss_json = _settings_key(settings if settings is not None else {})
    minutes = max(10, min(600, int(minutes)))
    for mode in ("native", "lthr", "untargeted"):
        for key in order:
            got = _render(key, minutes, sport, ss_json, mode)
            if got is not None:
                text, doc_json, load_json = got
                load = json.loads(load_json)
                doc = json.loads(doc_json)
                secs = int(doc.get("duration") or minutes * 60)
                return Rendered(
                    key,
                    get(key).name,
                    text,
                    doc,
                    float(load or 0.0),
                    max(1, round(secs / 60)),
                    None if mode == "native" else mode,
                )
    return None


def external_id(day: date, slot: str) -> str:
    return f"{EXTERNAL_ID_PREFIX}{day.isoformat()}:{slot}"


def session(
    day: date,
    sport: str,
    role: str,
    r: Rendered,
    *,
    slot: str = "1",
    key: bool = False,
    recurrence_id: str | None = None,
) -> PlannedSession:
    return PlannedSession(
        day=day,
        sport=sport,
        template=r.template,
        name=r.name,
        minutes=r.minutes,
        load=r.load,
        intensity=ROLE_INTENSITY.get(role, "easy"),
        workout_text=r.text,
        workout_doc=r.doc,
        external_id=external_id(day, slot),
        key=key,
        recurrence_id=recurrence_id,
    )


def role_of_template(key: str) -> str:
    """The role a library template plays (for a recurrence naming a template)."""
    for roles in ROLES.values():
        for role, keys in roles.items():
            if key in keys and role != "easy":
                return role
    return "easy"
