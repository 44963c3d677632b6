"""Recovery signals from wellness: HRV (ln rMSSD, or ln SDNN when only SDNN exists), resting HR, sleep,
Recovery Index and subjective scales, each with minimum-sample gates.

HRV follows Plews et al. (2012, 2013) and Buchheit (2014): work on ln(rMSSD); compare today's reading with
the mean of the previous 7 days (today excluded: the day being judged is not its own baseline, unlike
Section 11, ``section11.md`` §7 item 5), and the rolling 7-day mean with a normal range of the 60-day mean
+- ``hrv_band_sd`` SD (the smallest worthwhile change). Devices that only record SDNN (Apple Watch) get the
same treatment on ln(SDNN) with the basis stated, instead of no HRV at all (Section 11 issue 25).
Values outside the plausible ranges in the settings are dropped as device glitches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from icucoach.analytics.inputs import WellnessInput
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


def _values(wellness: Iterable[WellnessInput], attr: str, lo: float, hi: float) -> dict[date, float]:
    out = {}
    for w in wellness:
        v = getattr(w, attr)
        if v is not None and lo <= v <= hi:
            out[w.day] = float(v)
    return out


def _window(values: dict[date, float], end: date, days: int) -> list[float]:
    """Values on the ``days`` days ending with ``end`` (inclusive)."""
    return [values[d] for d in (end - timedelta(days=i) for i in range(days)) if d in values]


@dataclass(frozen=True)
class HrvStatus:
    basis: str | None  # "rmssd" | "sdnn" | None
    today: Metric  # ms
    delta_pct: Metric  # today vs the previous 7 days (geometric mean), %
    baseline_7d: Metric  # ms, previous 7 days, today excluded
    rolling_7d_ln: Metric  # mean ln over the 7 days ending today
    normal_low_ln: float | None
    normal_high_ln: float | None
    trend: str | None  # below / within / above the normal range
    status: str  # green / amber / red / unavailable
    low_days: int  # consecutive days (ending today) with delta at or below the amber threshold
    reason: str | None = None

    def to_dict(self) -> dict:
        return {
            "basis": self.basis,
            "today": self.today.to_dict(),
            "delta_pct": self.delta_pct.to_dict(),
            "baseline_7d": self.baseline_7d.to_dict(),
            "rolling_7d_ln": self.rolling_7d_ln.to_dict(),
            "normal_range_ln": None
            if self.normal_low_ln is None
            else [round(self.normal_low_ln, 4), round(self.normal_high_ln, 4)],  # type: ignore[arg-type]
            "trend": self.trend,
            "status": self.status,
            "low_days": self.low_days,
            "reason": self.reason,
        }


def _hrv_delta(
    lnv: dict[date, float], d: date, s: AnalyticsSettings
) -> tuple[float | None, float | None, int]:
    """(delta %, baseline ln mean, n) for day ``d`` against the 7 days before it."""
    prior = _window(lnv, d - timedelta(days=1), s.hrv_short_days)
    if d not in lnv or len(prior) < s.hrv_min_short:
        return None, (float(np.mean(prior)) if prior else None), len(prior)
    base = float(np.mean(prior))
    return 100.0 * (math.exp(lnv[d] - base) - 1.0), base, len(prior)


def hrv_status(
    wellness: Sequence[WellnessInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> HrvStatus:
    s = settings
    lo, hi = s.hrv_valid_range
    rm = _values(wellness, "hrv", lo, hi)
    sd = _values(wellness, "hrv_sdnn", lo, hi)
    n_rm = len(_window(rm, today, s.hrv_long_days))
    n_sd = len(_window(sd, today, s.hrv_long_days))
    reason = None
    if n_rm == 0 and n_sd == 0:
        none = Metric.none("hrv", "no HRV readings in the last 60 days", "ms")
        return HrvStatus(None, none, none, none, none, None, None, None, "unavailable", 0, none.reason)
    if n_rm >= s.hrv_min_long or n_rm >= n_sd:
        basis, vals = "rmssd", rm
    else:
        basis, vals, reason = "sdnn", sd, "rmssd_missing_sdnn_available"
    lnv = {d: math.log(v) for d, v in vals.items()}
    prov: dict[str, Any] = {
        "basis": basis,
        "window_days": s.hrv_short_days,
        "today_excluded_from_baseline": True,
    }
    today_m = (
        Metric.of("hrv_today", vals[today], "ms", **prov)
        if today in vals
        else Metric.none("hrv_today", "no reading today", "ms", **prov)
    )
    delta, base_ln, n_base = _hrv_delta(lnv, today, s)
    base_m = (
        Metric.of("hrv_baseline_7d", math.exp(base_ln), "ms", n=n_base, **prov)
        if base_ln is not None and n_base >= s.hrv_min_short
        else Metric.none(
            "hrv_baseline_7d",
            f"needs {s.hrv_min_short} readings in the previous {s.hrv_short_days} days, have {n_base}",
            "ms",
            **prov,
        )
    )
    delta_m = (
        Metric.of("hrv_delta_pct", delta, "%", **prov)
        if delta is not None
        else Metric.none("hrv_delta_pct", today_m.reason or base_m.reason or "insufficient data", "%", **prov)
    )
    roll = _window(lnv, today, s.hrv_short_days)
    roll_m = (
        Metric.of("hrv_rolling_7d_ln", float(np.mean(roll)), "ln(ms)", n=len(roll), **prov)
        if len(roll) >= s.hrv_min_short
        else Metric.none("hrv_rolling_7d_ln", f"needs {s.hrv_min_short} readings in 7 days", "ln(ms)", **prov)
    )
    long = _window(lnv, today - timedelta(days=1), s.hrv_long_days)
    nlo = nhi = None
    trend = None
    if len(long) >= s.hrv_min_long:
        mu, sdv = float(np.mean(long)), float(np.std(long, ddof=1))
        nlo, nhi = mu - s.hrv_band_sd * sdv, mu + s.hrv_band_sd * sdv
        if roll_m.value is not None:
            trend = "below" if roll_m.value < nlo else "above" if roll_m.value > nhi else "within"
    low_days = 0
    for i in range(7):
        dd, _, _ = _hrv_delta(lnv, today - timedelta(days=i), s)
        if dd is None or dd > s.hrv_amber_pct:
            break
        low_days += 1
    if delta is None and trend is None:
        status = "unavailable"
    elif delta is not None and delta <= s.hrv_red_pct and (trend in (None, "below") or low_days >= 2):
        status = "red"
    elif (delta is not None and delta <= s.hrv_amber_pct) or trend == "below":
        status = "amber"
    else:
        status = "green"
    return HrvStatus(basis, today_m, delta_m, base_m, roll_m, nlo, nhi, trend, status, low_days, reason)


@dataclass(frozen=True)
class Signal:
    """One readiness input: its value, status (green / amber / red / unavailable) and why."""

    name: str
    status: str
    value: float | None = None
    unit: str = ""
    detail: dict | None = None
    persistence_days: int = 0

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "value": None if self.value is None else round(self.value, 3),
            "unit": self.unit,
            "persistence_days": self.persistence_days,
            **(self.detail or {}),
        }


def rhr_signal(
    wellness: Sequence[WellnessInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Signal:
    """Resting HR today minus the mean of the previous 7 days (bpm)."""
    s = settings
    v = _values(wellness, "resting_hr", *s.rhr_valid_range)

    def delta(d: date) -> tuple[float | None, float | None, int]:
        prior = _window(v, d - timedelta(days=1), s.hrv_short_days)
        if d not in v or len(prior) < s.rhr_min_baseline:
            return None, (float(np.mean(prior)) if prior else None), len(prior)
        b = float(np.mean(prior))
        return v[d] - b, b, len(prior)

    dv, base, n = delta(today)
    if dv is None:
        why = (
            "no resting HR today"
            if today not in v
            else f"needs {s.rhr_min_baseline} readings in 7 days, have {n}"
        )
        return Signal("rhr", "unavailable", None, "bpm", {"reason": why})
    days = 0
    for i in range(7):
        d, _, _ = delta(today - timedelta(days=i))
        if d is None or d < s.rhr_amber_bpm:
            break
        days += 1
    status = "red" if dv >= s.rhr_red_bpm else "amber" if dv >= s.rhr_amber_bpm else "green"
    return Signal(
        "rhr",
        status,
        dv,
        "bpm",
        {
            "today_bpm": v[today],
            "baseline_bpm": round(base, 2),  # type: ignore[arg-type]
            "n": n,
            "window_days": s.hrv_short_days,
        },
        days,
    )


def sleep_signal(
    wellness: Sequence[WellnessInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Signal:
    """Last night's sleep (today's record) in hours, with the 7-day mean for context."""
    s = settings
    lo, hi = s.sleep_valid_range_h
    v = {d: x / 3600.0 for d, x in _values(wellness, "sleep_secs", lo * 3600, hi * 3600).items()}
    if today not in v:
        return Signal("sleep", "unavailable", None, "h", {"reason": "no sleep recorded for last night"})
    h = v[today]
    week = _window(v, today, 7)
    status = "red" if h < s.sleep_red_h else "amber" if h < s.sleep_amber_h else "green"
    days = 0
    for i in range(7):
        d = today - timedelta(days=i)
        if d not in v or v[d] >= s.sleep_amber_h:
            break
        days += 1
    return Signal(
        "sleep", status, h, "h", {"mean_7d_h": round(float(np.mean(week)), 2), "n_7d": len(week)}, days
    )


def recovery_index(
    wellness: Sequence[WellnessInput],
    d: date,
    hrv_basis: str | None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Metric:
    """``(HRV / HRV baseline) / (RHR / RHR baseline)``; baselines: previous 7 days, >= 3 readings."""
    s = settings
    attr = "hrv_sdnn" if hrv_basis == "sdnn" else "hrv"
    hv = _values(wellness, attr, *s.hrv_valid_range)
    rv = _values(wellness, "resting_hr", *s.rhr_valid_range)
    hp = _window(hv, d - timedelta(days=1), s.hrv_short_days)
    rp = _window(rv, d - timedelta(days=1), s.hrv_short_days)
    prov: dict[str, Any] = {
        "date": d.isoformat(),
        "hrv_basis": hrv_basis or "rmssd",
        "baseline_days": s.hrv_short_days,
    }
    if d not in hv or d not in rv:
        return Metric.none("recovery_index", "needs today's HRV and resting HR", "ratio", **prov)
    if len(hp) < s.hrv_min_short or len(rp) < s.rhr_min_baseline:
        return Metric.none(
            "recovery_index",
            f"needs {s.hrv_min_short} HRV and {s.rhr_min_baseline} RHR readings in the previous 7 days",
            "ratio",
            **prov,
        )
    hb = math.exp(float(np.mean(np.log(hp))))
    rb = float(np.mean(rp))
    ri = (hv[d] / hb) / (rv[d] / rb)
    status = "red" if ri < s.ri_red else "amber" if ri < s.ri_amber else "green"
    return Metric.of("recovery_index", ri, "ratio", status=status, hrv_baseline=hb, rhr_baseline=rb, **prov)


def subjective_signal(
    wellness: Sequence[WellnessInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Signal:
    """Soreness, fatigue, stress, mood, motivation (1-4, 1 = good): amber if any is 4 or the mean >= 3."""
    rec = next((w for w in wellness if w.day == today), None)
    names = ("soreness", "fatigue", "stress", "mood", "motivation")
    vals = {n: getattr(rec, n) for n in names if rec is not None and getattr(rec, n) is not None}
    vals = {k: v for k, v in vals.items() if 1 <= v <= 4}
    if not vals:
        return Signal("subjective", "unavailable", None, "1-4", {"reason": "no subjective scores today"})
    mean = float(np.mean(list(vals.values())))
    amber = mean >= settings.subjective_amber or max(vals.values()) >= 4
    return Signal("subjective", "amber" if amber else "green", mean, "1-4 (1 = good)", {"scores": vals})


@dataclass(frozen=True)
class Recovery:
    hrv: HrvStatus
    rhr: Signal
    sleep: Signal
    recovery_index: Metric
    recovery_index_yesterday: Metric
    subjective: Signal

    def to_dict(self) -> dict:
        return {
            "hrv": self.hrv.to_dict(),
            "rhr": self.rhr.to_dict(),
            "sleep": self.sleep.to_dict(),
            "recovery_index": self.recovery_index.to_dict(),
            "recovery_index_yesterday": self.recovery_index_yesterday.to_dict(),
            "subjective": self.subjective.to_dict(),
        }


def recovery(
    wellness: Sequence[WellnessInput], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Recovery:
    h = hrv_status(wellness, today, settings)
    return Recovery(
        h,
        rhr_signal(wellness, today, settings),
        sleep_signal(wellness, today, settings),
        recovery_index(wellness, today, h.basis, settings),
        recovery_index(wellness, today - timedelta(days=1), h.basis, settings),
        subjective_signal(wellness, today, settings),
    )
