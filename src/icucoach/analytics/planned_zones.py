"""Planned time in zones from a workout's structure (``workout_doc``), on the athlete's own zones.

The structure is read with ``icucoach.workouts`` (repeats unrolled, distance steps given a duration from their
pace target, as the server does). Each step's target is put on one basis:

- power: % FTP (``%ftp``, watts, power zones, % MMP) against the power zones (upper bounds, % FTP);
- hr: bpm (``bpm``, % LTHR, % max HR, HR zones) against the HR zones (upper bounds, bpm);
- pace: % of threshold speed (absolute paces, % pace, pace zones) against the pace zones (upper bounds).

A steady step's seconds go to the zone of its target's middle (Intervals.icu's convention for a range
target, e.g. "88-94%" counts at 91 %); a ramp's seconds are spread over the zones its range crosses in
proportion to the overlap (a 60->80 % warm-up spends a quarter of its time above 75 %). A rest step
(``intensity=rest``) counts in zone 1. A step whose target is on another basis, or has no target, cannot be
placed and is reported as ``unassigned_secs`` — never guessed. Zone upper bounds are inclusive (a step at
exactly 75 % FTP is zone 2 with bounds [55, 75, ...]), as the server's zone times are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from icucoach.workouts.doc import expand, from_workout_doc
from icucoach.workouts.model import HR, PACE, POWER
from icucoach.workouts.resolve import (
    DEFAULT_POWER_ZONES,
    Thresholds,
    hr_bpm,
    pace_speed,
    power_pct,
    step_seconds,
)

BASES = ("power", "hr", "pace")


@dataclass(frozen=True)
class PlannedZones:
    basis: str | None  # power / hr / pace, or None when the workout has no resolvable target
    zone_secs: tuple[int, ...]  # seconds per zone (Z1 first), on the athlete's zones of this basis
    zone_tops: tuple[float, ...]  # the zones' upper bounds used (% FTP, bpm, or % threshold speed)
    unassigned_secs: int  # steps without a target on this basis (or unresolvable)
    total_secs: int
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "zone_secs": list(self.zone_secs),
            "zone_tops": list(self.zone_tops),
            "unassigned_secs": self.unassigned_secs,
            "total_secs": self.total_secs,
            **({"reason": self.reason} if self.reason else {}),
        }


def primary_basis(workout_doc: Mapping[str, Any] | None, sport: str | None = None) -> str | None:
    """The basis the workout is written in: power first, then pace, then HR (the server's order)."""
    if not workout_doc:
        return None
    kinds = {t.kind for s, _ in expand(from_workout_doc(dict(workout_doc), sport)) for t in s.targets}
    for kind, name in ((POWER, "power"), (PACE, "pace"), (HR, "hr")):
        if kind in kinds:
            return name
    return None


def _zones_for(basis: str, th: Thresholds) -> list[float] | None:
    if basis == "power":
        return list(th.power_zones or DEFAULT_POWER_ZONES)
    if basis == "hr":
        return list(th.hr_zones) if th.hr_zones else None
    return list(th.pace_zones) if th.pace_zones and th.threshold_pace else None


def _range(step: Any, basis: str, th: Thresholds) -> tuple[float, float] | None:
    if basis == "power":
        return power_pct(step.power, th)
    if basis == "hr":
        return hr_bpm(step.hr, th)
    v = pace_speed(step.pace, th)
    if v is None or not th.threshold_pace:
        return None
    return 100.0 * v[0] / th.threshold_pace, 100.0 * v[1] / th.threshold_pace


def zone_index(tops: Sequence[float], v: float) -> int:
    """0-based zone of value ``v`` with inclusive upper bounds; above the last top is the last zone."""
    for i, top in enumerate(tops):
        if v <= top:
            return i
    return len(tops) - 1


def spread(tops: Sequence[float], lo: float, hi: float, secs: int) -> list[int]:
    """``secs`` of a ramp from ``lo`` to ``hi`` spread over zones by overlap (integers summing to ``secs``).

    Largest-remainder rounding: each zone gets its exact share rounded down, leftovers go to the largest
    fractions (ties to the lower zone)."""
    a, b = min(lo, hi), max(lo, hi)
    out = [0] * len(tops)
    if secs <= 0:
        return out
    if b - a <= 1e-9:
        out[zone_index(tops, a)] = secs
        return out
    shares: list[float] = []
    prev = float("-inf")
    for i, top in enumerate(tops):
        upper = float("inf") if i == len(tops) - 1 else top
        overlap = max(0.0, min(b, upper) - max(a, prev))
        shares.append(secs * overlap / (b - a))
        prev = upper
    floors = [int(x) for x in shares]
    left = secs - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def planned_zone_times(
    workout_doc: Mapping[str, Any] | None,
    sport: str | None,
    sport_settings: Mapping[str, Any] | None,
    basis: str | None = None,
) -> PlannedZones:
    """Seconds per zone the workout plans, on ``basis`` (default: the workout's own primary basis)."""
    if basis is not None and basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if not workout_doc:
        return PlannedZones(None, (), (), 0, 0, "no workout structure")
    th = Thresholds.from_settings(dict(sport_settings) if sport_settings else None, sport)
    steps = [s for s, _ in expand(from_workout_doc(dict(workout_doc), sport))]
    secs = [step_seconds(s, th) for s in steps]
    total = int(sum(secs))
    basis = basis or primary_basis(workout_doc, sport)
    if basis is None:
        return PlannedZones(None, (), (), total, total, "no step has a power, HR or pace target")
    tops = _zones_for(basis, th)
    if not tops:
        return PlannedZones(basis, (), (), total, total, f"the athlete has no {basis} zones for this sport")
    zone = [0] * len(tops)
    unassigned = 0
    for step, n in zip(steps, secs, strict=True):
        if n <= 0:
            continue
        r = _range(step, basis, th)
        if r is None:
            if step.intensity == "rest" and not (step.power or step.hr or step.pace):
                zone[0] += n
            else:
                unassigned += n
            continue
        if step.ramp:
            for i, x in enumerate(spread(tops, r[0], r[1], n)):
                zone[i] += x
        else:
            zone[zone_index(tops, (r[0] + r[1]) / 2)] += n
    return PlannedZones(basis, tuple(zone), tuple(float(t) for t in tops), unassigned, total)
