"""``resolve=true`` for planned workouts: absolute targets (``_power`` W, ``_hr`` bpm, ``_pace`` m/s) on every
step of a ``workout_doc`` that lacks them, from the doc's own ftp/lthr/threshold_pace or the sport settings.

Relative targets: ``%ftp`` / ``%hr`` (of max HR) / ``%lthr`` / ``%pace`` (of threshold speed); zone targets
use the zone's range from the settings (``power_zones``/``pace_zones`` in % of threshold, ``hr_zones`` in bpm,
zone N spans from the previous upper bound to its own). Absolute ``w`` power is copied as is.
"""

from __future__ import annotations

import copy
from typing import Any

Json = dict[str, Any]


def _zone_range(bounds: list[float] | None, zone: float) -> tuple[float, float] | None:
    if not bounds:
        return None
    z = int(zone)
    if z < 1 or z > len(bounds):
        return None
    lo = float(bounds[z - 2]) if z >= 2 else 0.0
    hi = float(bounds[z - 1])
    if hi >= 999:
        hi = lo * 1.2 if lo else hi
    return lo, hi


def _value(
    target: Json, scale: float, bounds: list[float] | None, zone_units: str, absolute: bool
) -> Json | None:
    units = target.get("units")
    if units == zone_units:
        if "value" in target and target["value"] is not None:
            rng = _zone_range(bounds, target["value"])
        else:
            a = _zone_range(bounds, target.get("start", 0))
            b = _zone_range(bounds, target.get("end", 0))
            rng = (a[0], b[1]) if a and b else None
        if rng is None:
            return None
        f = 1.0 if absolute else scale / 100.0
        lo, hi = rng[0] * f, rng[1] * f
        return {"value": round((lo + hi) / 2, 3), "start": round(lo, 3), "end": round(hi, 3)}
    out: Json = {}
    for key in ("value", "start", "end"):
        if target.get(key) is not None:
            out[key] = round(float(target[key]) * (1.0 if absolute else scale / 100.0), 3)
    if "value" not in out and "start" in out and "end" in out:
        out["value"] = round((out["start"] + out["end"]) / 2, 3)
    if "value" in out:
        out.setdefault("start", out["value"])
        out.setdefault("end", out["value"])
    return out or None


def _resolve_step(
    step: Json, ftp: float | None, lthr: float | None, max_hr: float | None, tp: float | None, ss: Json
) -> None:
    power, hr, pace = step.get("power"), step.get("hr"), step.get("pace")
    if isinstance(power, dict) and "_power" not in step:
        units = power.get("units")
        if units == "w":
            resolved = _value(power, 1.0, None, "power_zone", absolute=True)
        elif ftp:
            resolved = _value(power, ftp, ss.get("power_zones"), "power_zone", absolute=False)
        else:
            resolved = None
        if resolved:
            step["_power"] = {k: round(v) for k, v in resolved.items()}
    if isinstance(hr, dict) and "_hr" not in step:
        units = hr.get("units")
        resolved = None
        if units == "hr_zone":
            resolved = _value(hr, 1.0, ss.get("hr_zones"), "hr_zone", absolute=True)
        elif units == "%lthr" and lthr:
            resolved = _value(hr, lthr, None, "hr_zone", absolute=False)
        elif units == "%hr" and max_hr:
            resolved = _value(hr, max_hr, None, "hr_zone", absolute=False)
        if resolved:
            step["_hr"] = {k: round(v) for k, v in resolved.items()}
    if isinstance(pace, dict) and "_pace" not in step and tp and pace.get("units") in ("%pace", "pace_zone"):
        resolved = _value(pace, tp, ss.get("pace_zones"), "pace_zone", absolute=False)
        if resolved:
            step["_pace"] = resolved
    for sub in step.get("steps") or []:
        if isinstance(sub, dict):
            _resolve_step(sub, ftp, lthr, max_hr, tp, ss)


def resolve_doc(doc: Json | None, sport_settings: Json | None) -> Json | None:
    """A copy of ``doc`` with absolute targets added where missing (``doc`` itself is not changed)."""
    if not isinstance(doc, dict):
        return doc
    out = copy.deepcopy(doc)
    ss = sport_settings or out.get("sportSettings") or {}
    ftp = out.get("ftp") or ss.get("ftp")
    lthr = out.get("lthr") or ss.get("lthr")
    tp = out.get("threshold_pace") or ss.get("threshold_pace")
    max_hr = ss.get("max_hr")
    for step in out.get("steps") or []:
        if isinstance(step, dict):
            _resolve_step(step, ftp, lthr, max_hr, tp, ss)
    return out
