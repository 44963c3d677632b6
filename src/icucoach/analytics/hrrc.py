"""Heart-rate recovery (HRRc) trend: the mean of Intervals.icu's per-activity ``icu_hrr`` over 7 and 28 days.

HRRc is the largest 60 s heart-rate drop (bpm) after heart rate held above threshold for over a minute; it is
recorded only when that happened and the cooldown was recorded, so sessions select themselves. Higher is
faster parasympathetic recovery (HRR60 reliability: Fecchio et al. 2019, ICC up to 0.99; Lamberts et al.
2024, TEM 4.3 % in cyclists). The 7-day mean needs one session and the 28-day mean three; the trend compares
them with a +-10 % band, wide because field HRR varies 10-15 % with session type (Section 11 §4.12's gates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

MIN_N_7D = 1
MIN_N_28D = 3
TREND_BAND = 0.10


def hrr_value(raw: Any) -> float | None:
    """``icu_hrr`` as a positive number of bpm: a plain number, or an object with ``value`` (or ``hrr``);
    anything else (missing, zero, negative, text) is None."""
    if isinstance(raw, dict):
        v = raw.get("value")
        raw = raw.get("hrr") if v is None else v
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    x = float(raw)
    return x if x > 0 and x == x and x != float("inf") else None


@dataclass(frozen=True)
class HrrcTrend:
    mean_7d: float | None
    mean_28d: float | None
    n_7d: int
    n_28d: int
    trend: str | None


def hrrc_trend(values: Sequence[tuple[date, float]], today: date) -> HrrcTrend:
    """``values``: ``(activity date, HRRc bpm)``; windows are the 7 and 28 days ending today."""
    v7 = [v for d, v in values if 0 <= (today - d).days < 7]
    v28 = [v for d, v in values if 0 <= (today - d).days < 28]
    m7 = sum(v7) / len(v7) if len(v7) >= MIN_N_7D else None
    m28 = sum(v28) / len(v28) if len(v28) >= MIN_N_28D else None
    trend = None
    if m7 is not None and m28 is not None and m28 > 0:
        change = (m7 - m28) / m28
        trend = "improving" if change > TREND_BAND else "declining" if change < -TREND_BAND else "stable"
    return HrrcTrend(m7, m28, len(v7), len(v28), trend)


__all__ = ["MIN_N_7D", "MIN_N_28D", "TREND_BAND", "HrrcTrend", "hrr_value", "hrrc_trend"]
