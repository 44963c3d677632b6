"""Training summaries over any range: load, volume and intensity distribution per period and sport.

Periods are local calendar days, weeks (starting on ``week_start``, 0 = Monday) or months. Strava stubs are
counted separately (``hidden_activities``) and never as zero effort; duplicates recorded by two devices are
dropped first (``dedupe_activities``). Intensity distribution is the Seiler 3-zone split of time on each
activity's preferred basis (power, else HR, else pace), so sports with different zone models add up; next
to it, the easy / grey / quality bands (Section 11's zones 1+2 / 3 / 4+ on default zones, ``ActivityBands``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from icucoach.analytics.days import week_start as _week_start
from icucoach.analytics.inputs import ActivityInput, SportSettingsInput, WellnessInput, dedupe_activities
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.zones import ActivityBands, activity_bands

PERIODS = ("day", "week", "month")


@dataclass
class SportTotals:
    count: int = 0
    moving_time_s: float = 0.0
    distance_m: float = 0.0
    load: float = 0.0
    seiler_s: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # below LT1, LT1–LT2, above LT2
    band_s: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # easy, grey, quality
    zoned_s: float = 0.0  # time with a usable zone basis (the denominator of the split)

    def add(self, a: ActivityInput, bands: ActivityBands | None) -> None:
        self.count += 1
        self.moving_time_s += a.moving_time or 0.0
        self.distance_m += a.distance or 0.0
        self.load += a.load or 0.0
        if bands is not None:
            for i, secs in enumerate(bands.seiler):
                self.seiler_s[i] += secs
            for i, secs in enumerate((bands.easy, bands.grey, bands.quality)):
                self.band_s[i] += secs
            self.zoned_s += bands.total

    def to_dict(self) -> dict:
        split = [round(100 * s / self.zoned_s, 1) for s in self.seiler_s] if self.zoned_s else None
        zb = [round(100 * s / self.zoned_s, 1) for s in self.band_s] if self.zoned_s else None
        return {
            "count": self.count,
            "moving_time_s": round(self.moving_time_s),
            "distance_m": round(self.distance_m, 1) if self.distance_m else None,
            "load": round(self.load, 1),
            "seiler_pct": None if split is None else {"z1": split[0], "z2": split[1], "z3": split[2]},
            "zone_band_pct": None if zb is None else {"z1_z2": zb[0], "z3": zb[1], "z4_plus": zb[2]},
        }


@dataclass
class PeriodSummary:
    start: date
    end: date  # inclusive
    total: SportTotals = field(default_factory=SportTotals)
    by_sport: dict[str, SportTotals] = field(default_factory=lambda: defaultdict(SportTotals))
    hidden_activities: int = 0  # Strava stubs: happened, but no data via the API
    duplicates_dropped: int = 0

    def to_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total": self.total.to_dict(),
            "by_sport": {k: v.to_dict() for k, v in sorted(self.by_sport.items())},
            "hidden_activities": self.hidden_activities,
            "duplicates_dropped": self.duplicates_dropped,
        }


def period_start(d: date, period: str, week_start: int = 0) -> date:
    if period == "day":
        return d
    if period == "week":
        return _week_start(d, week_start)
    if period == "month":
        return d.replace(day=1)
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


def _period_end(start: date, period: str) -> date:
    if period == "day":
        return start
    if period == "week":
        return start + timedelta(days=6)
    nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def summarize(
    activities: Iterable[ActivityInput],
    start: date,
    end: date,
    period: str = "week",
    sport_settings: Sequence[SportSettingsInput] = (),
    week_start: int = 0,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> list[PeriodSummary]:
    """One summary per period overlapping [start, end] (local dates), oldest first; empty periods included."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    acts = [a for a in activities if start <= a.day <= end]
    dd = dedupe_activities(acts, settings)
    periods: dict[date, PeriodSummary] = {}
    p = period_start(start, period, week_start)
    while p <= end:
        periods[p] = PeriodSummary(p, _period_end(p, period))
        p = _period_end(p, period) + timedelta(days=1)
    kept_ids = {a.id for a in dd.kept}
    for a in acts:
        summary = periods[period_start(a.day, period, week_start)]
        if a.is_stub:
            summary.hidden_activities += 1
        elif a.id not in kept_ids:
            summary.duplicates_dropped += 1
    for a in dd.kept:
        if a.is_stub:
            continue
        summary = periods[period_start(a.day, period, week_start)]
        b = activity_bands(a, sport_settings, settings)
        summary.total.add(a, b)
        summary.by_sport[a.sport].add(a, b)
    return list(periods.values())


def day_basis(bases: Iterable[str]) -> str | None:
    """The zone basis of a day (Section 11's ``intensity_basis``): the one basis all its zoned activities
    used (``power``, ``hr`` or ``pace``), ``mixed`` when they differ, ``None`` when none had zones."""
    found = set(bases)
    if not found:
        return None
    return found.pop() if len(found) == 1 else "mixed"


def day_bases(
    activities: Iterable[ActivityInput],
    start: date,
    end: date,
    sport_settings: Sequence[SportSettingsInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict[date, str | None]:
    """``day_basis`` of every local day in [start, end], from each activity's preferred zone basis
    (activities already deduplicated; Strava stubs have none)."""
    seen: dict[date, list[str]] = {}
    for a in activities:
        if start <= a.day <= end:
            b = activity_bands(a, sport_settings, settings)
            seen.setdefault(a.day, [])
            if b is not None:
                seen[a.day].append(b.basis)
    out: dict[date, str | None] = {}
    d = start
    while d <= end:
        out[d] = day_basis(seen.get(d, []))
        d += timedelta(days=1)
    return out


def hard_day_bases(
    hard: dict[date, bool | None], bases: dict[date, str | None], days: Iterable[date]
) -> dict | None:
    """How many of the hard days among ``days`` were judged on each basis (Section 11's weekly
    ``intensity_basis_breakdown``: ``power``/``hr``, plus ``pace`` and ``mixed``); ``None`` without a
    hard day."""
    counts = {"power": 0, "hr": 0, "pace": 0, "mixed": 0}
    n = 0
    for d in days:
        if hard.get(d):
            n += 1
            b = bases.get(d)
            if b in counts:
                counts[b] += 1
    return counts if n else None


def active_days(counts: Iterable[int]) -> int:
    """Days with at least one activity, from per-day activity counts."""
    return sum(1 for c in counts if c)


def wellness_means(
    wellness: Iterable[WellnessInput], start: date, end: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> dict[str, float | None]:
    """Mean rMSSD and mean resting HR of the wellness records of [start, end] (``weekly_summary``). rMSSD
    outside ``settings.hrv_valid_range`` is a device glitch and left out, as Section 11 does; a resting HR of
    0 is no reading. Rounded to 0.1; ``None`` without a reading."""
    lo, hi = settings.hrv_valid_range
    rows = [w for w in wellness if start <= w.day <= end]
    hrv = [w.hrv for w in rows if w.hrv is not None and lo <= w.hrv <= hi]
    rhr = [w.resting_hr for w in rows if w.resting_hr]
    return {
        "avg_hrv": round(sum(hrv) / len(hrv), 1) if hrv else None,
        "avg_resting_hr": round(sum(rhr) / len(rhr), 1) if rhr else None,
    }
