"""Zone mapping: any zone model (3, 5, 7 ... zones; power, HR or pace) -> bands relative to threshold.

Zones are mapped by their *boundaries* as fractions of threshold (power / FTP, HR / LTHR, speed / threshold
speed), never by index: Section 11 pushes 5-zone HR arrays through the 7-zone Coggan map (``section11.md``
§7 item 8). A zone that straddles a band border is split in proportion to its overlap (time is assumed
spread evenly inside a zone); the open top zone goes wholly to the band holding its lower edge.

Per activity, the basis is chosen by the sport's preference (power, else HR, else pace; overridable per
sport family in ``AnalyticsSettings.basis_preference_by_sport``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from icucoach.analytics.inputs import ActivityInput, SportSettingsInput, settings_for
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

# Intervals.icu default power zones (Coggan, % FTP upper bounds), used only when an activity carries power
# zone times but no boundaries and the count is 7 (the default model).
DEFAULT_POWER_ZONES = (55.0, 75.0, 90.0, 105.0, 120.0, 150.0, 999.0)
# Top of the recovery zone (Z1 of the 7-zone model) as a fraction of threshold, per basis: Coggan power
# < 55 % FTP, Friel HR < 81 % LTHR, Intervals.icu run pace Z1 < 77.5 % threshold pace. Splits "easy" time
# into Z1 and Z2 for zone hours (``zone_hours``).
RECOVERY_BOUNDS = {"power": 0.55, "hr": 0.81, "pace": 0.775}


def zone_ranges(upper_bounds: Sequence[float], threshold: float, floor: float) -> list[tuple[float, float]]:
    """Upper bounds in basis units -> ``[(lo, hi)]`` as fractions of ``threshold``; the top zone is open."""
    ranges = []
    lo = floor
    for i, ub in enumerate(upper_bounds):
        hi = math.inf if i == len(upper_bounds) - 1 else ub / threshold
        ranges.append((min(lo, hi) if i == 0 else lo, hi))
        lo = hi
    return ranges


def split_secs(
    secs: Sequence[float], ranges: Sequence[tuple[float, float]], borders: Sequence[float]
) -> np.ndarray:
    """Seconds per band between ``borders`` (ascending): ``len(borders) + 1`` bands."""
    edges = [-math.inf, *borders, math.inf]
    out = np.zeros(len(edges) - 1)
    for t, (lo, hi) in zip(secs, ranges, strict=False):
        if not t:
            continue
        if math.isinf(hi) or hi <= lo:
            out[int(np.searchsorted(borders, lo, side="right"))] += t
            continue
        for b in range(len(out)):
            overlap = min(hi, edges[b + 1]) - max(lo, edges[b])
            if overlap > 0:
                out[b] += t * overlap / (hi - lo)
    return out


@dataclass(frozen=True)
class ActivityBands:
    """One activity's time split into the bands every intensity metric needs (seconds)."""

    basis: str
    seiler: tuple[float, float, float]  # below LT1, LT1-LT2, above LT2
    easy: float  # below the grey zone
    grey: float
    quality: float  # at or above the quality floor
    above_threshold: float  # at or above threshold (1.0)
    recovery: float = 0.0  # below the recovery-zone top (``RECOVERY_BOUNDS``), a part of ``easy``

    @property
    def total(self) -> float:
        return float(sum(self.seiler))


def _source(
    a: ActivityInput, basis: str, ss: SportSettingsInput | None
) -> tuple[tuple[float, ...], tuple[float, ...], float] | None:
    """(zone secs, upper bounds, threshold in the bounds' units) for a basis, or None if unusable."""
    if basis == "power":
        secs = a.power_zone_secs
        bounds = a.power_zones or (ss.power_zones if ss else ())
        if secs and not bounds and len(secs) == len(DEFAULT_POWER_ZONES):
            bounds = DEFAULT_POWER_ZONES
        thr = 100.0  # bounds are % FTP
    elif basis == "hr":
        secs = a.hr_zone_secs
        bounds = a.hr_zones or (ss.hr_zones if ss else ())
        thr = a.lthr or (ss.lthr if ss else None)  # type: ignore[assignment]
    else:
        secs = a.pace_zone_secs
        bounds = a.pace_zones or (ss.pace_zones if ss else ())
        thr = 100.0  # bounds are % threshold pace (speed)
    if not secs or not any(secs) or not bounds or not thr:
        return None
    n = min(len(secs), len(bounds))
    return tuple(secs[:n]), tuple(bounds[:n]), float(thr)


def _snap(border: float, ranges: Sequence[tuple[float, float]], tol: float) -> float:
    """``border`` moved onto the nearest zone edge within ``tol`` (else unchanged)."""
    edges = [hi for _, hi in ranges if not math.isinf(hi)]
    near = min(edges, key=lambda e: abs(e - border), default=None)
    return near if near is not None and abs(near - border) <= tol else border


def activity_bands(
    a: ActivityInput,
    sport_settings: Sequence[SportSettingsInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    basis: str | None = None,
) -> ActivityBands | None:
    """Bands for one activity on its preferred basis (or the given ``basis``); None without usable zones."""
    if a.is_stub:
        return None
    ss = settings_for(sport_settings, a.sport)
    order = (basis,) if basis else settings.preference_for(a.family)
    for b in order:
        src = _source(a, b, ss)
        if src is None:
            continue
        secs, bounds, thr = src
        lt1, lt2 = settings.seiler_for(b, a.family)
        ranges = zone_ranges(bounds, thr, settings.zone_floor_frac)
        g_lo, g_hi = (_snap(g, ranges, settings.zone_edge_snap) for g in settings.grey_bounds[b])
        rec = min(RECOVERY_BOUNDS[b], g_lo)
        borders = sorted({rec, lt1, lt2, g_lo, g_hi, 1.0})
        fine = split_secs(secs, ranges, borders)
        edges = [-math.inf, *borders]  # lower edge of each fine band

        def between(lo: float, hi: float, fine=fine, edges=edges) -> float:
            return float(sum(t for t, e in zip(fine, edges, strict=True) if lo <= e < hi))

        return ActivityBands(
            b,
            (between(-math.inf, lt1), between(lt1, lt2), between(lt2, math.inf)),
            between(-math.inf, g_lo),
            between(g_lo, g_hi),
            between(g_hi, math.inf),
            between(1.0, math.inf),
            between(-math.inf, rec),
        )
    return None
