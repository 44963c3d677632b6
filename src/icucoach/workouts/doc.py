"""Conversion between the model and the ``workout_doc`` JSON the Intervals.icu API returns, with totals.

Owns the field names (exactly as the API: ``duration``, ``distance``, ``reps``, ``steps``, ``text``,
``ramp``, ``freeride``, ``until_lap_press``, ``warmup``, ``cooldown``, ``intensity``, ``power``/``hr``/
``pace``/``cadence`` as ``{value}`` or ``{start,end}`` + ``units``, resolved ``_power``/``_hr``/``_pace``)
and the workout totals: duration, distance, load, intensity, joules and time in zones, computed against a
SportSettings dict. Load follows the real server's numbers (author's 4x8m VO2 example: load 116,
intensity 86.04798): normalised power from a 30 s rolling mean, and intensity derived back from the
rounded load.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from .model import CADENCE, HR, PACE, POWER, UNITS_BY_KIND, Distance, Repeat, Section, Step, Target, Workout
from .resolve import (
    DEFAULT_POWER_ZONES,
    Thresholds,
    hr_bpm,
    pace_speed,
    power_pct,
    step_metres,
    step_seconds,
)

_MAX_SERIES_SECS = 2 * 86400  # beyond this the 1 Hz series is skipped (absurd text must stay cheap)
_FLAG_KEYS = ("ramp", "freeride", "until_lap_press", "maxeffort", "hidepower")
# Older spellings of absolute pace units seen in third-party material; read, never written.
_PACE_ALIASES = {
    "MINS_KM": "secs/km",
    "MINS_MILE": "secs/mi",
    "SECS_100M": "secs/100m",
    "SECS_100Y": "secs/100y",
    "SECS_500M": "secs/500m",
    "SECS_400M": "secs/400m",
    "SECS_250M": "secs/250m",
    "secs/mile": "secs/mi",
}


def _clean(v: float) -> float | int:
    f = float(v)
    return int(f) if f.is_integer() else f


def target_to_json(t: Target) -> dict:
    d: dict = (
        {"value": _clean(t.start)} if t.end is None else {"start": _clean(t.start), "end": _clean(t.end)}
    )
    d["units"] = t.units
    if t.secs is not None:
        d["mmp_secs"] = t.secs  # icucoach's spelling of the MMP duration: the server's is not documented
    return d


def target_from_json(kind: str, d) -> Target | None:
    if not isinstance(d, dict):
        return None
    units = d.get("units")
    if isinstance(units, str):
        units = _PACE_ALIASES.get(units, units)
    if kind == POWER and units == "W":
        units = "w"
    if units not in UNITS_BY_KIND[kind]:
        return None
    secs = d.get("mmp_secs") if units == "%mmp" else None
    if units == "%mmp" and not (isinstance(secs, int | float) and secs >= 1):
        return None
    secs = int(secs) if secs is not None else None
    if d.get("start") is not None and d.get("end") is not None:
        return Target(kind, units, _clean(d["start"]), _clean(d["end"]), secs)
    if d.get("value") is not None:
        return Target(kind, units, _clean(d["value"]), secs=secs)
    return None


def _phase(section: str | None) -> str | None:
    s = (section or "").lower()
    if "warm" in s:
        return "warmup"
    if "cool" in s:
        return "cooldown"
    return None


def _resolved(s: Step, th: Thresholds) -> dict:
    out: dict = {}
    p = power_pct(s.power, th)
    if p and th.ftp:
        out["_power"] = _triple([th.ftp * x / 100 for x in p])
    h = hr_bpm(s.hr, th)
    if h:
        out["_hr"] = _triple(h)
    v = pace_speed(s.pace, th)
    if v:
        out["_pace"] = _triple(v)
    return out


def _triple(pair) -> dict:
    a, b = pair
    return {"value": round((a + b) / 2, 4), "start": round(a, 4), "end": round(b, 4)}


def step_to_json(s: Step, th: Thresholds, phase: str | None, resolve: bool = False) -> dict:
    d: dict = {}
    if s.text:
        d["text"] = s.text
    secs = step_seconds(s, th)
    if s.duration is not None or s.distance is not None:
        d["duration"] = secs
    if s.distance is not None:
        d["distance"] = _clean(round(s.distance.metres, 6))
    if phase:
        d[phase] = True
    if s.intensity:
        d["intensity"] = s.intensity
    for k in _FLAG_KEYS:
        if getattr(s, k):
            d[k] = True
    for t in s.targets:
        d[t.kind] = target_to_json(t)
    if resolve:
        d.update(_resolved(s, th))
    return d


def _distance_from_metres(m: float) -> Distance:
    m = float(m)
    if m >= 1000 and (m / 1000 * 1000).is_integer() and m % 1000 == 0:
        return Distance(_clean(m / 1000), "km")
    return Distance(_clean(m), "mtr")


def step_from_json(d: dict) -> Step:
    """One workout_doc step (not a repeat) -> Step. Unknown keys are ignored."""
    has_dist = isinstance(d.get("distance"), int | float) and d["distance"] > 0
    duration = None if has_dist else d.get("duration")
    kw: dict = {k: True for k in _FLAG_KEYS if d.get(k) is True}
    for kind in (POWER, HR, PACE, CADENCE):
        t = target_from_json(kind, d.get(kind))
        if t is not None:
            kw[kind] = t
    intensity = d.get("intensity")
    return Step(
        duration=int(duration) if isinstance(duration, int | float) else None,
        distance=_distance_from_metres(d["distance"]) if has_dist else None,
        intensity=intensity if isinstance(intensity, str) else None,
        text=d.get("text") if isinstance(d.get("text"), str) and d.get("text") else None,
        **kw,
    )


def from_workout_doc(doc: dict | None, sport: str | None = None) -> Workout:
    """A workout_doc -> model. Warmup/cooldown flags become ``Warmup``/``Cooldown`` sections."""
    items: list = []
    doc = doc if isinstance(doc, dict) else {}
    if isinstance(doc.get("description"), str) and doc["description"].strip():
        from .model import Note

        items.extend(Note(ln.strip()) for ln in doc["description"].splitlines() if ln.strip())
    current = None
    for d in doc.get("steps") or []:
        if not isinstance(d, dict):
            continue
        if isinstance(d.get("steps"), list):
            text = d.get("text") if isinstance(d.get("text"), str) else None
            reps = int(d.get("reps") or 1)
            if text and text.strip().lower() == f"{reps}x":
                text = None
            body = tuple(step_from_json(x) for x in d["steps"] if isinstance(x, dict) and "steps" not in x)
            items.append(Repeat(reps=reps, steps=body, text=text))
            current = None
            continue
        phase = "warmup" if d.get("warmup") else "cooldown" if d.get("cooldown") else None
        if phase and phase != current:
            items.append(Section("Warmup" if phase == "warmup" else "Cooldown"))
        elif not phase and current:
            items.append(Section("Main set"))
        current = phase
        items.append(step_from_json(d))
    return Workout(tuple(items), sport=sport)


@dataclass
class Totals:
    """Whole-workout numbers resolved against the athlete's settings."""

    duration: int = 0
    distance: float = 0.0
    load: int | None = None
    intensity: float | None = None  # percent
    joules: int | None = None
    joules_above_ftp: int | None = None
    normalized_power: float | None = None
    average_watts: float | None = None
    target: str | None = None
    zone_times: list[dict] = field(default_factory=list)
    hr_zone_times: list[int] | None = None
    pace_zone_times: list[int] | None = None


def expand(w: Workout) -> list[tuple[Step, str | None]]:
    """Every step in execution order (repeats unrolled) with its warmup/cooldown phase."""
    out: list[tuple[Step, str | None]] = []
    section = None
    for it in w.items:
        if isinstance(it, Section):
            section = it.text
        elif isinstance(it, Repeat):
            out.extend((s, None) for _ in range(max(0, min(it.reps, 10_000))) for s in it.steps)
            section = None if it.text else section
        elif isinstance(it, Step):
            out.append((it, _phase(section)))
    return out


def _primary(steps: list[Step]) -> str | None:
    kinds = {t.kind for s in steps for t in s.targets}
    for k, name in ((POWER, "POWER"), (PACE, "PACE"), (HR, "HR")):
        if k in kinds:
            return name
    return None


def _zone_index(bounds: Sequence[float], v: float) -> int:
    for i, b in enumerate(bounds):
        if v <= b:
            return i
    return len(bounds) - 1


def compute_totals(w: Workout, th: Thresholds) -> Totals:
    run = expand(w)
    steps = [s for s, _ in run]
    secs = [step_seconds(s, th) for s in steps]
    tot = Totals(duration=int(sum(secs)), distance=round(sum(step_metres(s, th) for s in steps), 1))
    tot.target = _primary(steps)
    if not tot.duration:
        return tot
    hours = tot.duration / 3600
    if tot.target == "POWER":
        _power_totals(tot, steps, secs, th, hours)
    else:
        score = 0.0
        for s, n in zip(steps, secs, strict=True):
            score += n * _step_if(s, th) ** (3 if th.family == "swim" and tot.target == "PACE" else 2)
        tot.load = round(score / 36)
    if tot.load is not None and hours > 0:
        tot.intensity = round(100 * math.sqrt(tot.load / (hours * 100)), 5)
    if th.hr_zones and any(s.hr for s in steps):
        tz = [0] * len(th.hr_zones)
        for s, n in zip(steps, secs, strict=True):
            h = hr_bpm(s.hr, th)
            if h:
                tz[_zone_index(th.hr_zones, (h[0] + h[1]) / 2)] += n
        tot.hr_zone_times = tz
    if th.pace_zones and th.threshold_pace and any(s.pace for s in steps):
        tz = [0] * len(th.pace_zones)
        for s, n in zip(steps, secs, strict=True):
            v = pace_speed(s.pace, th)
            if v:
                tz[_zone_index(th.pace_zones, (v[0] + v[1]) / 2 / th.threshold_pace * 100)] += n
        tot.pace_zone_times = tz
    return tot


def _step_if(s: Step, th: Thresholds) -> float:
    """Intensity factor of one step for HR/pace-based load; untargeted steps count as easy."""
    v = pace_speed(s.pace, th)
    if v and th.threshold_pace:
        return (v[0] + v[1]) / 2 / th.threshold_pace
    h = hr_bpm(s.hr, th)
    lthr = th.lthr or (th.max_hr * 0.9 if th.max_hr else None)
    if h and lthr:
        return (h[0] + h[1]) / 2 / lthr
    p = power_pct(s.power, th)
    if p:
        return (p[0] + p[1]) / 200
    if s.intensity == "rest":
        return 0.0
    return 0.5


def _power_series(steps: list[Step], secs: list[int], th: Thresholds) -> list[float]:
    """Planned power second by second, as a fraction of FTP (untargeted steps at 50 %, rest at 0)."""
    out: list[float] = []
    for s, n in zip(steps, secs, strict=True):
        if n <= 0:
            continue
        p = power_pct(s.power, th)
        if p is None:
            out.extend([0.0 if s.intensity == "rest" else 0.5] * n)
        elif s.ramp:
            a, b = p[0] / 100, p[1] / 100
            out.extend(a + (b - a) * i / (n - 1) for i in range(n)) if n > 1 else out.append(a)
        else:
            out.extend([(p[0] + p[1]) / 200] * n)
    return out


def _np_and_mean(p: list[float]) -> tuple[float, float]:
    """Normalised power (30 s rolling mean, 4th-power mean) and mean of a 1 Hz series, as fractions."""
    c = [0.0, *accumulate(p)]
    fourth = (((c[i] - c[max(0, i - 30)]) / min(i, 30)) ** 4 for i in range(1, len(c)))
    return (math.fsum(fourth) / len(p)) ** 0.25, math.fsum(p) / len(p)


def _power_totals(tot: Totals, steps: list[Step], secs: list[int], th: Thresholds, hours: float) -> None:
    p: list[float] | None = None
    if tot.duration <= _MAX_SERIES_SECS:
        p = _power_series(steps, secs, th)
        np_frac, avg = _np_and_mean(p)
    else:
        mids = [sum(power_pct(s.power, th) or (50.0, 50.0)) / 200 for s in steps]
        total = float(sum(secs))
        np_frac = (math.fsum(n * m**4 for n, m in zip(secs, mids, strict=True)) / total) ** 0.25
        avg = math.fsum(n * m for n, m in zip(secs, mids, strict=True)) / total
    tot.load = round(hours * np_frac**2 * 100)
    zones = th.power_zones or DEFAULT_POWER_ZONES
    tz = [0] * len(zones)
    ss = 0
    for s, n in zip(steps, secs, strict=True):
        pr = power_pct(s.power, th)
        if pr is None:
            continue
        mid = (pr[0] + pr[1]) / 2
        tz[_zone_index(zones, mid)] += n
        if th.sweet_spot_min <= mid <= th.sweet_spot_max:
            ss += n
    tot.zone_times = [{"id": f"Z{i + 1}", "secs": v} for i, v in enumerate(tz)] + [{"id": "SS", "secs": ss}]
    if th.ftp:
        tot.normalized_power = round(np_frac * th.ftp, 1)
        tot.average_watts = round(avg * th.ftp, 1)
        if p is not None:
            ftp = th.ftp
            tot.joules = round(math.fsum(x * ftp for x in p))
            tot.joules_above_ftp = round(math.fsum(max(0.0, x * ftp - ftp) for x in p))


def to_workout_doc(
    w: Workout,
    sport: str | None = None,
    sport_settings: dict | None = None,
    resolve: bool = False,
    totals: Totals | None = None,
) -> dict:
    """The workout_doc the API would return for this workout (``resolve`` adds ``_power`` etc.);
    ``totals``: ``compute_totals`` of the same workout and settings, when the caller has it already."""
    th = Thresholds.from_settings(sport_settings, sport or w.sport)
    tot = totals if totals is not None else compute_totals(w, th)
    steps: list[dict] = []
    section = None
    for it in w.items:
        if isinstance(it, Section):
            section = it.text
        elif isinstance(it, Step):
            steps.append(step_to_json(it, th, _phase(section), resolve))
        elif isinstance(it, Repeat):
            body = [step_to_json(s, th, None, resolve) for s in it.steps]
            reps = max(0, it.reps)
            rep: dict = {
                "text": it.text or f"{it.reps}x",
                "reps": it.reps,
                "steps": body,
                "duration": reps * sum(step_seconds(s, th) for s in it.steps),
            }
            dist = reps * sum(step_metres(s, th) for s in it.steps)
            if dist:
                rep["distance"] = _clean(round(dist, 1))
            steps.append(rep)
    doc: dict = {}
    if w.description:
        doc["description"] = w.description
    doc.update(
        {
            "steps": steps,
            "duration": tot.duration,
            "distance": _clean(tot.distance),
            "locales": [],
            "options": {},
        }
    )
    if th.ftp:
        doc["ftp"] = _clean(th.ftp)
    if th.lthr:
        doc["lthr"] = _clean(th.lthr)
    if th.threshold_pace:
        doc["threshold_pace"] = th.threshold_pace
        doc["pace_units"] = th.pace_units or ("SECS_100M" if th.family == "swim" else "MINS_KM")
    if tot.target:
        doc["target"] = tot.target
    if tot.zone_times:
        doc["zoneTimes"] = tot.zone_times
    if tot.hr_zone_times is not None:
        doc["hrZoneTimes"] = tot.hr_zone_times
    if tot.pace_zone_times is not None:
        doc["paceZoneTimes"] = tot.pace_zone_times
    doc["average_watts"] = tot.average_watts
    doc["normalized_power"] = tot.normalized_power
    doc["variability_index"] = (
        round(tot.normalized_power / tot.average_watts, 3)
        if tot.normalized_power and tot.average_watts
        else None
    )
    return doc
