"""Training intensity distribution over a window: Seiler 3-zone TID, Treff polarization index, grey-zone %,
quality-intensity %, easy-time ratio, TID drift (7 vs 28 days), and the hard-day classifier.

Sources: Seiler & Kjerland 2006 (3 zones); Treff et al. 2019 Front Physiol 10:707
(PI = log10(z1/z2 * z3 * 100),
polarized if z1 > z3 > z2 and PI > 2; z2 = 0 -> 0.01; z3 = 0 -> PI 0). Windows are calendar days ending on
``today``; they never depend on how many days a report displays.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.inputs import ActivityInput, SportSettingsInput
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.zones import ActivityBands, activity_bands


def polarization_index(
    z1: float, z2: float, z3: float, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> float | None:
    """Treff PI from the three zone fractions (or any proportional amounts); None if all zero."""
    tot = z1 + z2 + z3
    if tot <= 0:
        return None
    f1, f2, f3 = z1 / tot, z2 / tot, z3 / tot
    if f3 <= 0 or f1 <= 0:
        return 0.0
    return math.log10(f1 / max(f2, settings.pi_z2_floor) * f3 * 100.0)


def classify_tid(
    z1: float, z2: float, z3: float, pi: float | None, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> str | None:
    """polarized / pyramidal / threshold / high_intensity / base / mixed (fractions or amounts)."""
    tot = z1 + z2 + z3
    if tot <= 0:
        return None
    f1, f2, f3 = z1 / tot, z2 / tot, z3 / tot
    if f3 < settings.tid_base_z3_max and f1 >= max(f2, f3):
        return "base"
    if f1 > f3 > f2 and pi is not None and pi > settings.polarized_pi:
        return "polarized"
    if f1 > f2 > f3:
        return "pyramidal"
    if f2 >= f1 and f2 >= f3:
        return "threshold"
    if f3 >= f1 and f3 >= f2:
        return "high_intensity"
    return "mixed"  # z1 > z3 > z2 but PI <= 2: not polarized by Treff's rule


@dataclass(frozen=True)
class Tid:
    start: date
    end: date
    family: str | None
    seconds: tuple[float, float, float]
    basis_counts: dict[str, int]
    polarization_index: Metric
    classification: str | None
    grey_zone_pct: Metric
    quality_pct: Metric
    easy_time_ratio: Metric
    activities: int
    without_zones: int
    notes: tuple[str, ...] = field(default=())

    @property
    def fractions(self) -> tuple[float, float, float] | None:
        t = sum(self.seconds)
        return None if t <= 0 else tuple(s / t for s in self.seconds)  # type: ignore[return-value]

    def to_dict(self) -> dict:
        fr = self.fractions
        return {
            "window": {"start": self.start.isoformat(), "end": self.end.isoformat(), "sport": self.family},
            "z1_pct": None if fr is None else round(100 * fr[0], 2),
            "z2_pct": None if fr is None else round(100 * fr[1], 2),
            "z3_pct": None if fr is None else round(100 * fr[2], 2),
            "hours": round(sum(self.seconds) / 3600, 3),
            "seconds": [round(x) for x in self.seconds],
            "polarization_index": self.polarization_index.to_dict(),
            "classification": self.classification,
            "grey_zone_pct": self.grey_zone_pct.to_dict(),
            "quality_intensity_pct": self.quality_pct.to_dict(),
            "easy_time_ratio": self.easy_time_ratio.to_dict(),
            "basis": self.basis_counts,
            "activities": self.activities,
            "without_zones": self.without_zones,
            "notes": list(self.notes),
        }


def tid(
    activities: Iterable[ActivityInput],
    start: date,
    end: date,
    family: str | None = None,
    sport_settings: Sequence[SportSettingsInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    bands: dict[str, ActivityBands | None] | None = None,
) -> Tid:
    """TID of the activities whose local day is within ``[start, end]`` (optionally one sport family).

    ``bands`` is an optional cache ``{activity id: ActivityBands}`` so a digest maps each activity once.
    """
    z = [0.0, 0.0, 0.0]
    easy = grey = quality = 0.0
    counts: dict[str, int] = {}
    n = missing = 0
    stubs = 0
    for a in activities:
        if not start <= a.day <= end or (family is not None and a.family != family):
            continue
        if a.is_stub:
            stubs += 1
            continue
        n += 1
        b = (
            bands[a.id]
            if bands is not None and a.id in bands
            else activity_bands(a, sport_settings, settings)
        )
        if b is None:
            missing += 1
            continue
        counts[b.basis] = counts.get(b.basis, 0) + 1
        for i in range(3):
            z[i] += b.seiler[i]
        easy, grey, quality = easy + b.easy, grey + b.grey, quality + b.quality
    total = sum(z)
    prov: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "sport": family or "all",
        "basis": counts,
        "activities": n,
    }
    notes = []
    if stubs:
        notes.append(f"{stubs} Strava stub(s) without zone data")
    if missing:
        notes.append(f"{missing} activity(ies) without usable zone times")
    if len(counts) > 1:
        notes.append("mixed bases: each activity's time is mapped on its own basis relative to threshold")
    if total <= 0:
        reason = "no zone time in the window"
        none = Metric.none
        return Tid(
            start,
            end,
            family,
            (0.0, 0.0, 0.0),
            counts,
            none("polarization_index", reason, "a.U.", **prov),
            None,
            none("grey_zone_pct", reason, "%", **prov),
            none("quality_intensity_pct", reason, "%", **prov),
            none("easy_time_ratio", reason, "ratio", **prov),
            n,
            missing,
            tuple(notes),
        )
    pi = polarization_index(z[0], z[1], z[2], settings=settings)
    return Tid(
        start,
        end,
        family,
        (z[0], z[1], z[2]),
        counts,
        Metric.of("polarization_index", pi, "a.U.", formula="log10(z1/z2 * z3 * 100) (Treff 2019)", **prov),
        classify_tid(z[0], z[1], z[2], pi=pi, settings=settings),
        Metric.of("grey_zone_pct", 100 * grey / total, "%", **prov),
        Metric.of("quality_intensity_pct", 100 * quality / total, "%", **prov),
        Metric.of("easy_time_ratio", easy / total, "ratio", **prov),
        n,
        missing,
        tuple(notes),
    )


@dataclass(frozen=True)
class TidDrift:
    short: Tid
    long: Tid
    pi_delta: float | None
    state: str | None  # consistent / shifting / acute_depolarization

    def to_dict(self) -> dict:
        return {
            "short": self.short.to_dict(),
            "long": self.long.to_dict(),
            "pi_delta": None if self.pi_delta is None else round(self.pi_delta, 3),
            "state": self.state,
        }


def tid_drift(
    activities: Sequence[ActivityInput],
    today: date,
    family: str | None = None,
    sport_settings: Sequence[SportSettingsInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    bands: dict[str, ActivityBands | None] | None = None,
) -> TidDrift:
    """Compare the 7-day and 28-day TID ending today."""
    s = settings
    short = tid(
        activities, today - timedelta(days=s.tid_short_days - 1), today, family, sport_settings, s, bands
    )
    long = tid(
        activities, today - timedelta(days=s.tid_long_days - 1), today, family, sport_settings, s, bands
    )
    p7, p28 = short.polarization_index.value, long.polarization_index.value
    if short.classification is None or long.classification is None or p7 is None or p28 is None:
        return TidDrift(short, long, None, None)
    if p7 < s.polarized_pi <= p28:
        state = "acute_depolarization"
    elif short.classification != long.classification:
        state = "shifting"
    else:
        state = "consistent"
    return TidDrift(short, long, p7 - p28, state)


def hard_day(
    day_bands: Sequence[ActivityBands], day_load: float | None, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> bool | None:
    """Is a day hard? Time at/above tempo, quality or threshold on any basis, or a very large load.

    Section 11's rules (§4.7) with zone indices replaced by threshold-relative bands, plus a load rule so a
    long endurance day also counts. None when there is neither zone data nor load. As in Section 11, time
    in the HR tempo band does not count towards the 30-minute rule: heart rate lags and drifts upwards over
    a long steady session (cardiac drift), so easy runs collect tempo-band HR minutes without being hard.
    """
    s = settings
    if not day_bands and day_load is None:
        return None
    tempo_plus = sum(b.grey + b.quality for b in day_bands if b.basis != "hr")
    quality = sum(b.quality for b in day_bands)
    above = sum(b.above_threshold for b in day_bands)
    return bool(
        tempo_plus >= s.hard_secs_above_grey_low
        or quality >= s.hard_secs_above_quality
        or above >= s.hard_secs_above_threshold
        or (day_load or 0) >= s.hard_load
    )
