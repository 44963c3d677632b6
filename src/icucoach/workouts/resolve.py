"""Athlete thresholds and per-step resolution: targets -> watts / bpm / m/s, distances <-> durations.

Owns the reading of a SportSettings dict (the API's shape: ``ftp``, ``lthr``, ``max_hr``,
``threshold_pace`` in m/s, ``pace_units``, ``power_zones`` as %FTP upper bounds ending in 999,
``hr_zones`` as absolute bpm upper bounds, ``pace_zones`` as % of threshold pace, ``custom_zones`` as the
API's ``ZoneSet`` list or plain % FTP upper bounds, and icucoach's own ``mmp`` key: best watts per duration
from the power curve, ``{secs: watts}``), Intervals.icu's default zone models, and the arithmetic that
turns one step into seconds, metres and absolute target values. Kept apart from ``doc.py`` so the
validator and the exporters (FIT, ZWO) can resolve steps without building a whole ``workout_doc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import PACE_UNIT_METRES, SETTINGS_PACE_UNITS, Step, Target, sport_family

# Intervals.icu's default zone models (what a new sport setting gets): power as % FTP (Coggan 7 zones), HR as
# % LTHR (Friel 7 zones, turned into bpm upper bounds capped by max HR), pace as % of threshold speed.
DEFAULT_POWER_ZONES: list[float] = [55, 75, 90, 105, 120, 150, 999]
DEFAULT_HR_ZONES_PCT_LTHR: list[float] = [81, 89, 93, 99, 102, 106, 999]
DEFAULT_PACE_ZONES: dict[str, list[float]] = {
    "run": [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999],
    "swim": [80, 90, 95, 100, 104, 110, 999],
}
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


def _custom_zones(v) -> list[float] | None:
    """Upper bounds (% FTP) of the custom zone set: the API's ``[{code, zones: [{id, start, end}]}]`` (first
    set with zones) or a plain list of upper bounds."""
    if isinstance(v, list | tuple) and v and isinstance(v[0], dict):
        for zone_set in v:
            zones = zone_set.get("zones") if isinstance(zone_set, dict) else None
            if isinstance(zones, list) and zones:
                return _zones([z.get("end") if z.get("end") is not None else 999 for z in zones])
        return None
    return _zones(v)


def _mmp(v) -> tuple[tuple[int, float], ...] | None:
    """Best power per duration as sorted ``(secs, watts)`` pairs, from ``{secs: watts}`` or pairs."""
    items = v.items() if isinstance(v, dict) else v if isinstance(v, list | tuple) else ()
    out: dict[int, float] = {}
    for item in items:
        try:
            secs, watts = int(float(item[0])), float(item[1])
        except (TypeError, ValueError, IndexError):
            continue
        if secs > 0 and watts > 0:
            out[secs] = watts
    return tuple(sorted(out.items())) or None


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
    custom_zones: list[float] | None = None
    mmp: tuple[tuple[int, float], ...] | None = None
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
            custom_zones=_custom_zones(ss.get("custom_zones")),
            mmp=_mmp(ss.get("mmp")),
            sweet_spot_min=_num(ss.get("sweet_spot_min")) or 84.0,
            sweet_spot_max=_num(ss.get("sweet_spot_max")) or 97.0,
            family=sport_family(sport),
        )

    @property
    def default_pace_units(self) -> str:
        if self.pace_units in SETTINGS_PACE_UNITS:
            return SETTINGS_PACE_UNITS[self.pace_units]
        return "secs/100m" if self.family == "swim" else "secs/km"

    def zones_for(self, units: str) -> list[float] | None:
        """The zone tops a zone target of ``units`` is read against (power falls back to the default)."""
        if units == "power_zone":
            return self.power_zones or DEFAULT_POWER_ZONES
        return {"hr_zone": self.hr_zones, "pace_zone": self.pace_zones, "custom_zone": self.custom_zones}.get(
            units
        )

    def mmp_watts(self, secs: int) -> float | None:
        """Best power for ``secs`` from the curve: exact, or interpolated between the two nearest durations
        (never extrapolated beyond the curve: that would invent a best effort)."""
        if not self.mmp:
            return None
        prev = None
        for s, w in self.mmp:
            if s == secs:
                return w
            if s > secs:
                if prev is None:
                    return None
                s0, w0 = prev
                return w0 + (w - w0) * (secs - s0) / (s - s0)
            prev = (s, w)
        return None


def default_zones(
    units: str, family: str, threshold: float | None = None, max_hr: float | None = None
) -> list[float] | None:
    """Intervals.icu's default zone upper bounds for a zone kind, in the settings' own units (bpm for HR)."""
    if units == "power_zone":
        return list(DEFAULT_POWER_ZONES)
    if units == "pace_zone":
        return list(DEFAULT_PACE_ZONES.get(family, DEFAULT_PACE_ZONES["run"]))
    if units == "hr_zone" and threshold:
        bpm: list[float] = [round(threshold * p / 100) for p in DEFAULT_HR_ZONES_PCT_LTHR[:-1]]
        return [*bpm, max_hr if max_hr and max_hr > bpm[-1] else 999]
    return None


def zone_bounds(zones: Sequence[float], z: float, top_extra: float) -> tuple[float, float] | None:
    """Lower/upper bound of zone number ``z`` (1-based) given upper bounds; the 999 top is capped.
    None for a zone the athlete does not have (no extrapolation)."""
    if not 1 <= z <= len(zones) or not float(z).is_integer():
        return None
    i = int(z) - 1
    lo = zones[i - 1] if i > 0 else 0.0
    hi = zones[i]
    if hi >= 999:
        hi = lo + top_extra
    return lo, hi


def _zone_span(zones: Sequence[float], t: Target, top_extra: float) -> tuple[float, float] | None:
    low, high = zone_bounds(zones, t.low, top_extra), zone_bounds(zones, t.high, top_extra)
    if low is None or high is None:
        return None
    return low[0], high[1]


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
    if t.units in ("power_zone", "custom_zone"):
        zones = th.zones_for(t.units)
        return _zone_span(zones, t, 30) if zones else None
    if t.units == "%mmp" and th.ftp and t.secs:
        best = th.mmp_watts(t.secs)
        if best is None:
            return None
        e = t.end if t.end is not None else t.start
        return t.start * best / th.ftp, e * best / th.ftp
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
        span = _zone_span(th.hr_zones, t, 10)
        if span is None:
            return None
        lo, hi = span
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
        span = _zone_span(th.pace_zones, t, 10)
        if span is None:
            return None
        return th.threshold_pace * span[0] / 100, th.threshold_pace * span[1] / 100
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
    # Round away float noise first, so a distance read back from workout_doc gives the same seconds.
    return round(round(min(secs, 10_000_000), 6))


def step_metres(s: Step, th: Thresholds) -> float:
    """Planned metres of one step: its distance, or its duration at its pace target (0 when unknown)."""
    if s.distance is not None:
        return max(0.0, s.distance.metres)
    if s.duration is not None and s.pace is not None:
        speed = mid_speed(s.pace, th)
        if speed:
            return speed * s.duration
    return 0.0
