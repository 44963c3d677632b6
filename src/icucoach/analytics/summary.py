"""Training summaries over any range: load, volume and intensity distribution per period and sport.

Periods are local calendar days, weeks (starting on ``week_start``, 0 = Monday) or months. Strava stubs are
counted separately (``hidden_activities``) and never as zero effort; duplicates recorded by two devices are
dropped first (``dedupe_activities``). Intensity distribution is the Seiler 3-zone split of time on each
activity's preferred basis (power, else HR, else pace), so sports with different zone models add up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from icucoach.analytics.days import week_start as _week_start
from icucoach.analytics.inputs import ActivityInput, SportSettingsInput, dedupe_activities
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.zones import activity_bands

PERIODS = ("day", "week", "month")


@dataclass
class SportTotals:
    count: int = 0
    moving_time_s: float = 0.0
    distance_m: float = 0.0
    load: float = 0.0
    seiler_s: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # below LT1, LT1–LT2, above LT2
    zoned_s: float = 0.0  # time with a usable zone basis (the denominator of the split)

    def add(self, a: ActivityInput, bands: tuple[float, float, float] | None) -> None:
        self.count += 1
        self.moving_time_s += a.moving_time or 0.0
        self.distance_m += a.distance or 0.0
        self.load += a.load or 0.0
        if bands is not None:
            for i, secs in enumerate(bands):
                self.seiler_s[i] += secs
            self.zoned_s += sum(bands)

    def to_dict(self) -> dict:
        split = [round(100 * s / self.zoned_s, 1) for s in self.seiler_s] if self.zoned_s else None
        return {
            "count": self.count,
            "moving_time_s": round(self.moving_time_s),
            "distance_m": round(self.distance_m, 1) if self.distance_m else None,
            "load": round(self.load, 1),
            "seiler_pct": None if split is None else {"z1": split[0], "z2": split[1], "z3": split[2]},
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
        seiler = b.seiler if b is not None else None
        summary.total.add(a, seiler)
        summary.by_sport[a.sport].add(a, seiler)
    return list(periods.values())
