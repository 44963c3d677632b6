"""Athlete thresholds and per-step resolution: targets -> watts / bpm / m/s, distances <-> durations.

Owns the reading of a SportSettings dict (the API's shape: ``ftp``, ``lthr``, ``max_hr``,
``threshold_pace`` in m/s, ``pace_units``, ``power_zones`` as %FTP upper bounds ending in 999,
``hr_zones`` as absolute bpm upper bounds, ``pace_zones`` as % of threshold pace) and the arithmetic that
turns one step into seconds, metres and absolute target values. Kept apart from ``doc.py`` so the
validator and the exporters (FIT, ZWO) can resolve steps without building a whole ``workout_doc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import PACE_UNIT_METRES, SETTINGS_PACE_UNITS, Step, Target, sport_family

DEFAULT_POWER_ZONES = [55, 75, 90, 105, 120, 150, 999]
# Speeds assumed when a distance step has no pace target (the real server answered 6:00/km on a run
# with no threshold pace set: 2 km -> 720 s, 800 m -> 288 s).
DEFAULT_SPEED = {"run": 1000 / 360, "swim": 100 / 120, "ride": 30 / 3.6, "row": 500 / 130, "ski": 1000 / 300}
EASY_FRACTION = 5 / 6  # untargeted distance step: 5/6 of threshold speed (5:00/km -> 6:00/km)


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f > 0 else None


def _zones(v) -> list[float] | None:
    if not isinstance(v, list | tuple) or not v:
        return None
    try:
        return [float(x) for x in v]
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Thresholds:
    """The athlete numbers a workout is resolved against (any may be missing)."""

    ftp: float | None = None
    lthr: float | None = None
    max_hr: float | None = None
    threshold_pace: float | None = None  # m/s
    pace_units: str | None = None  # SportSettings spelling, e.g. MINS_KM
    power_zones: list[float] | None = None
    hr_zones: list[float] | None = None
    pace_zones: list[float] | None = None
    sweet_spot_min: float = 84.0
    sweet_spot_max: float = 97.0
    family: str = "other"

    @classmethod
    def from_settings(cls, ss: dict | None, sport: str | None = None) -> Thresholds:
        ss = ss if isinstance(ss, dict) else {}
        return cls(
            ftp=_num(ss.get("ftp")),
            lthr=_num(ss.get("lthr")),
            max_hr=_num(ss.get("max_hr")),
            threshold_pace=_num(ss.get("threshold_pace")),
            pace_units=ss.get("pace_units") if isinstance(ss.get("pace_units"), str) else None,
            power_zones=_zones(ss.get("power_zones")),
            hr_zones=_zones(ss.get("hr_zones")),
            pace_zones=_zones(ss.get("pace_zones")),
            sweet_spot_min=_num(ss.get("sweet_spot_min")) or 84.0,
            sweet_spot_max=_num(ss.get("sweet_spot_max")) or 97.0,
            family=sport_family(sport),
        )

    @property
    def default_pace_units(self) -> str:
        if self.pace_units in SETTINGS_PACE_UNITS:
            return SETTINGS_PACE_UNITS[self.pace_units]
        return "secs/100m" if self.family == "swim" else "secs/km"


def zone_bounds(zones: Sequence[float], z: float, top_extra: float) -> tuple[float, float]:
    """Lower/upper bound of zone number ``z`` (1-based) given upper bounds; the 999 top is capped."""
    i = max(1, min(int(z), len(zones))) - 1
    lo = zones[i - 1] if i > 0 else 0.0
    hi = zones[i]
    if hi >= 999:
        hi = lo + top_extra
    return lo, hi


def _zone_span(zones: Sequence[float], t: Target, top_extra: float) -> tuple[float, float]:
    lo, hi = zone_bounds(zones, t.low, top_extra)
    if t.end is not None:
        _, hi = zone_bounds(zones, t.high, top_extra)
    return lo, hi


def power_pct(t: Target | None, th: Thresholds) -> tuple[float, float] | None:
    """(start, end) of a power target in % FTP, or None when it cannot be resolved."""
    if t is None:
        return None
    if t.units == "%ftp":
        return t.start, t.end if t.end is not None else t.start
    if t.units == "w":
        if not th.ftp:
            return None
        e = t.end if t.end is not None else t.start
        return t.start / th.ftp * 100, e / th.ftp * 100
    if t.units == "power_zone":
        lo, hi = _zone_span(th.power_zones or DEFAULT_POWER_ZONES, t, 30)
        return lo, hi
    return None


def hr_bpm(t: Target | None, th: Thresholds) -> tuple[float, float] | None:
    if t is None:
        return None
    e = t.end if t.end is not None else t.start
    if t.units == "bpm":
        return t.start, e
    if t.units == "%lthr" and th.lthr:
        return th.lthr * t.start / 100, th.lthr * e / 100
    if t.units == "%hr" and th.max_hr:
        return th.max_hr * t.start / 100, th.max_hr * e / 100
    if t.units == "hr_zone" and th.hr_zones:
        lo, hi = _zone_span(th.hr_zones, t, 10)
        return (lo + 1 if lo else hi * 0.8), hi
    return None


def pace_speed(t: Target | None, th: Thresholds) -> tuple[float, float] | None:
    """(start, end) of a pace target as speeds in m/s, or None."""
    if t is None:
        return None
    e = t.end if t.end is not None else t.start
    if t.units in PACE_UNIT_METRES:
        metres = PACE_UNIT_METRES[t.units]
        if t.start <= 0 or e <= 0:
            return None
        return metres / t.start, metres / e
    if not th.threshold_pace:
        return None
    if t.units == "%pace":
        return th.threshold_pace * t.start / 100, th.threshold_pace * e / 100
    if t.units == "pace_zone" and th.pace_zones:
        lo, hi = _zone_span(th.pace_zones, t, 10)
        return th.threshold_pace * lo / 100, th.threshold_pace * hi / 100
    return None


def mid_speed(t: Target | None, th: Thresholds) -> float | None:
    """Speed at the middle of a pace target, taken in the target's own units (what the server does:
    `4:15-3:55/km` over 800 m gave 196 s, i.e. 4:05/km)."""
    if t is None:
        return None
    if t.units in PACE_UNIT_METRES:
        mid = t.mid
        return PACE_UNIT_METRES[t.units] / mid if mid > 0 else None
    sp = pace_speed(t, th)
    return (sp[0] + sp[1]) / 2 if sp else None


def step_seconds(s: Step, th: Thresholds) -> int:
    """Planned seconds of one step; distance steps get a duration from their pace target."""
    if s.duration is not None:
        return max(0, int(s.duration))
    if s.distance is None:
        return 0
    speed = mid_speed(s.pace, th)
    if not speed:
        base = th.threshold_pace * EASY_FRACTION if th.threshold_pace else None
        speed = base or DEFAULT_SPEED.get(th.family, DEFAULT_SPEED["run"])
    metres = s.distance.metres
    secs = metres / speed if speed > 0 else 0
    return round(min(secs, 10_000_000))


def step_metres(s: Step, th: Thresholds) -> float:
    """Planned metres of one step: its distance, or its duration at its pace target (0 when unknown)."""
    if s.distance is not None:
        return max(0.0, s.distance.metres)
    if s.duration is not None and s.pace is not None:
        speed = mid_speed(s.pace, th)
        if speed:
            return speed * s.duration
    return 0.0
