"""Long (28-day) HRV and resting-HR baselines, the companions of the 7-day baselines in ``recovery``.

Same definitions as the 7-day ones so the two compare: the days *before* today (the morning being judged is
not part of its own baseline), HRV as the geometric mean of valid rMSSD (SDNN when the athlete only records
SDNN), RHR as the arithmetic mean of plausible readings, and a minimum number of readings. Section 11
averages raw values over the 28 days *including* today with no minimum (``section11.md`` §4.5, §7 item 5).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.inputs import WellnessInput
from icucoach.analytics.recovery import _values, _window
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

LONG_DAYS = 28
MIN_READINGS = 7  # a quarter of the window: fewer says more about the device than the athlete


def hrv_baseline(
    wellness: Sequence[WellnessInput],
    today: date,
    basis: str | None = "rmssd",
    days: int = LONG_DAYS,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Metric:
    """Geometric-mean HRV (ms) over the ``days`` days before ``today``."""
    attr = "hrv_sdnn" if basis == "sdnn" else "hrv"
    vals = _window(_values(wellness, attr, *settings.hrv_valid_range), today - timedelta(days=1), days)
    prov: dict[str, Any] = {
        "days": days,
        "end": (today - timedelta(days=1)).isoformat(),
        "n": len(vals),
        "basis": basis,
    }
    if len(vals) < MIN_READINGS:
        return Metric.none("hrv_baseline", f"needs {MIN_READINGS} readings, have {len(vals)}", "ms", **prov)
    return Metric.of("hrv_baseline", math.exp(sum(math.log(v) for v in vals) / len(vals)), "ms", **prov)


def rhr_baseline(
    wellness: Sequence[WellnessInput],
    today: date,
    days: int = LONG_DAYS,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Metric:
    """Mean resting HR (bpm) over the ``days`` days before ``today``."""
    vals = _window(
        _values(wellness, "resting_hr", *settings.rhr_valid_range), today - timedelta(days=1), days
    )
    prov: dict[str, Any] = {"days": days, "end": (today - timedelta(days=1)).isoformat(), "n": len(vals)}
    if len(vals) < MIN_READINGS:
        return Metric.none("rhr_baseline", f"needs {MIN_READINGS} readings, have {len(vals)}", "bpm", **prov)
    return Metric.of("rhr_baseline", sum(vals) / len(vals), "bpm", **prov)


__all__ = ["LONG_DAYS", "MIN_READINGS", "hrv_baseline", "rhr_baseline"]
