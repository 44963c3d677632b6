"""Capability trends from per-activity fields: aggregate aerobic decoupling (durability) and efficiency
factor, 7 days vs 28 days, with sample-size gates.

Inputs are Intervals.icu's own per-activity values (``decoupling``, ``icu_efficiency_factor``,
``icu_variability_index``), so no streams are needed. Only steady sessions qualify (VI <= 1.05). Section 11
reported these from one or two sessions and raised persistent false alarms (its issues 11/12); here a mean
needs ``capability_min_n_short`` / ``capability_min_n_long`` sessions and carries ``reliable`` and ``n``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from icucoach.analytics.inputs import ActivityInput
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


@dataclass(frozen=True)
class Trend:
    name: str
    mean_short: Metric
    mean_long: Metric
    trend: str | None  # improving / stable / declining
    reliable: bool
    high_count: int | None = None  # decoupling: sessions above the coupled threshold in 28 days
    high_count_short: int | None = None  # ... and in 7 days
    n_short: int = 0  # qualifying sessions in 7 days
    n_long: int = 0  # ... and in 28 days

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean_7d": self.mean_short.to_dict(),
            "mean_28d": self.mean_long.to_dict(),
            "trend": self.trend,
            "reliable": self.reliable,
            "high_count_28d": self.high_count,
        }


def _steady(a: ActivityInput, s: AnalyticsSettings) -> bool:
    vi = a.variability_index
    return not a.is_stub and vi is not None and 0 < vi <= s.decoupling_max_vi


def _trend(
    name: str,
    unit: str,
    values: Sequence[tuple[date, float]],
    today: date,
    band: float,
    higher_is_better: bool,
    s: AnalyticsSettings,
    **prov: Any,
) -> tuple[Metric, Metric, str | None, bool]:
    short = [v for d, v in values if (today - d).days < 7]
    long = [v for d, v in values if (today - d).days < 28]
    base = {"window_short_days": 7, "window_long_days": 28, **prov}

    def mean(xs: list[float], n_min: int, label: str) -> Metric:
        if len(xs) < max(2, n_min):
            return Metric.none(
                f"{name}_{label}",
                f"needs {max(2, n_min)} qualifying sessions, have {len(xs)}",
                unit,
                n=len(xs),
                **base,
            )
        return Metric.of(f"{name}_{label}", float(np.mean(xs)), unit, n=len(xs), **base)

    ms = mean(short, s.capability_min_n_short, "7d")
    ml = mean(long, s.capability_min_n_long, "28d")
    trend = None
    if ms.value is not None and ml.value is not None:
        diff = ms.value - ml.value
        if abs(diff) <= band:
            trend = "stable"
        else:
            trend = "improving" if (diff > 0) == higher_is_better else "declining"
    reliable = len(long) >= s.capability_min_n_long and len(short) >= s.capability_min_n_short
    return ms, ml, trend, reliable


def _qualifying(
    activities: Sequence[ActivityInput],
    start: date,
    end: date,
    field: str,
    min_s: float,
    s: AnalyticsSettings,
) -> list[tuple[date, float]]:
    """``(date, value of field)`` of the steady sessions of >= ``min_s`` between ``start`` and ``end``."""
    out = []
    for a in activities:
        v = getattr(a, field)
        if start <= a.day <= end and v is not None and _steady(a, s) and (a.duration or 0) >= min_s:
            out.append((a.day, float(v)))
    return out


def decoupling_values(
    activities: Sequence[ActivityInput],
    start: date,
    end: date,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> list[tuple[date, float]]:
    """``(date, decoupling %)`` of the steady sessions of >= 90 min between ``start`` and ``end``."""
    return _qualifying(activities, start, end, "decoupling", settings.capability_decoupling_min_s, settings)


def ef_values(
    activities: Sequence[ActivityInput],
    start: date,
    end: date,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> list[tuple[date, float]]:
    """``(date, EF)`` of the steady rides of >= 20 min between ``start`` and ``end``."""
    rides = [a for a in activities if a.family == "cycling"]
    return _qualifying(rides, start, end, "efficiency_factor", settings.capability_ef_min_s, settings)


def _counts(values: Sequence[tuple[date, float]], today: date) -> tuple[int, int]:
    return sum(1 for d, _ in values if (today - d).days < 7), len(values)


def decoupling_trend(
    activities: Sequence[ActivityInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Trend:
    """Mean aerobic decoupling (%) of steady sessions >= 90 min: lower is better."""
    s = settings
    vals = decoupling_values(activities, today - timedelta(days=27), today, s)
    ms, ml, trend, ok = _trend(
        "decoupling",
        "%",
        vals,
        today,
        s.capability_decoupling_band,
        False,
        s,
        min_duration_s=s.capability_decoupling_min_s,
        max_vi=s.decoupling_max_vi,
    )
    high = sum(1 for _, v in vals if v > s.decoupling_coupled_pct)
    high_short = sum(1 for d, v in vals if v > s.decoupling_coupled_pct and (today - d).days < 7)
    n7, n28 = _counts(vals, today)
    return Trend("decoupling", ms, ml, trend, ok, high, high_short, n7, n28)


def efficiency_trend(
    activities: Sequence[ActivityInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Trend:
    """Mean efficiency factor (NP / HR) of steady rides >= 20 min: higher is better."""
    s = settings
    vals = ef_values(activities, today - timedelta(days=27), today, s)
    ms, ml, trend, ok = _trend(
        "efficiency_factor",
        "W/bpm",
        vals,
        today,
        s.capability_ef_band,
        True,
        s,
        min_duration_s=s.capability_ef_min_s,
        max_vi=s.decoupling_max_vi,
    )
    n7, n28 = _counts(vals, today)
    return Trend("efficiency_factor", ms, ml, trend, ok, n_short=n7, n_long=n28)
