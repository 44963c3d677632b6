"""Heart-rate load and coupling: Banister TRIMP, HRSS (hrTSS), Edwards and Lucia TRIMP, aerobic decoupling
(Pw:HR, Pa:HR) and HR drift (metrics.md §7, §9, §10).

TRIMP sums per sample (Elevate) by default, because e^(k*HRr) is convex and a session average understates
variable sessions; ``trimp_avg`` gives GoldenCheetah's session-average form. Samples with HR 0 are dropped;
HR below rest counts as 0. HRSS normalises TRIMP so that one hour at LTHR scores 100; it is not
TrainingPeaks' proprietary hrTSS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


def _k(sex: str, s: AnalyticsSettings) -> float:
    return s.trimp_k_female if sex.upper().startswith("F") else s.trimp_k_male


def _hrr(hr: np.ndarray | float, rest: float, mx: float) -> np.ndarray:
    return np.clip((np.asarray(hr, dtype=float) - rest) / (mx - rest), 0.0, None)


def trimp(
    hr: Sequence[float] | np.ndarray,
    hr_rest: float,
    hr_max: float,
    sex: str = "M",
    sample_s: float = 1.0,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> float:
    """Banister TRIMP summed per sample: ``sum(minutes * HRr * 0.64 * e^(k HRr))``."""
    h = np.asarray(hr, dtype=float)
    h = h[h > 0]
    x = _hrr(h, hr_rest, hr_max)
    return float(np.sum(sample_s / 60.0 * x * 0.64 * np.exp(_k(sex, settings) * x)))


def trimp_avg(
    avg_hr: float,
    minutes: float,
    hr_rest: float,
    hr_max: float,
    sex: str = "M",
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> float:
    """Session-average TRIMP (GoldenCheetah ``TRIMPPoints``): 0 when the average is below rest."""
    x = float(_hrr(avg_hr, hr_rest, hr_max))
    return minutes * x * 0.64 * math.exp(_k(sex, settings) * x)


def hrss(
    trimp_value: float,
    hr_rest: float,
    hr_max: float,
    lthr: float | None = None,
    sex: str = "M",
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> float:
    """``100 * TRIMP / TRIMP(1 h at LTHR)``; without LTHR, LTHR = rest + 0.85 (max - rest) (Elevate)."""
    if lthr is None:
        lthr = hr_rest + settings.lthr_default_hrr * (hr_max - hr_rest)
    x = (lthr - hr_rest) / (hr_max - hr_rest)
    return 100.0 * trimp_value / (60.0 * x * 0.64 * math.exp(_k(sex, settings) * x))


def edwards_trimp(minutes_in_zones: Sequence[float]) -> float:
    """Minutes in 50-60/60-70/70-80/80-90/90-100 % HRmax weighted 1..5 (Edwards 1993)."""
    return float(sum((i + 1) * m for i, m in enumerate(minutes_in_zones[:5])))


def lucia_trimp(minutes_in_zones: Sequence[float]) -> float:
    """Minutes below VT1, VT1-VT2, above VT2 weighted 1/2/3 (Lucia et al. 2003)."""
    return float(sum((i + 1) * m for i, m in enumerate(minutes_in_zones[:3])))


def decoupling_pct(out1: float, hr1: float, out2: float, hr2: float) -> float:
    """``100 (r1 - r2) / r1`` with r = output / HR; positive = HR rose or output fell."""
    r1, r2 = out1 / hr1, out2 / hr2
    return 100.0 * (r1 - r2) / r1


def decoupling(
    output: Sequence[float] | np.ndarray,
    hr: Sequence[float] | np.ndarray,
    kind: str = "Pw:HR",
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    check_steady: bool = True,
) -> Metric:
    """Aerobic decoupling of a steady effort: first vs second half after the warm-up (samples with HR > 0).

    ``kind`` is ``"Pw:HR"`` (power) or ``"Pa:HR"`` (speed). Gates: at least ``decoupling_min_s`` after the
    warm-up, and for power a VI <= ``decoupling_max_vi``; failing a gate gives None with the reason.
    """
    s = settings
    p = np.asarray(output, dtype=float)
    h = np.asarray(hr, dtype=float)
    n = min(len(p), len(h))
    p, h = p[s.decoupling_warmup_s : n], h[s.decoupling_warmup_s : n]
    prov: dict[str, Any] = {
        "kind": kind,
        "warmup_excluded_s": s.decoupling_warmup_s,
        "samples": len(p),
        "split": "half of the samples",
    }
    if len(p) < s.decoupling_min_s:
        return Metric.none("decoupling", f"needs >= {s.decoupling_min_s} s after the warm-up", "%", **prov)
    if check_steady and kind == "Pw:HR":
        mean_p = float(np.mean(p))
        from icucoach.analytics.power import normalized_power  # local: power imports nothing from here

        npw = normalized_power(p)
        vi = npw / mean_p if npw and mean_p > 0 else None
        prov["vi"] = vi
        if vi is None or vi > s.decoupling_max_vi:
            return Metric.none("decoupling", f"not a steady effort (VI > {s.decoupling_max_vi})", "%", **prov)
    half = len(p) // 2
    halves = []
    for sl in (slice(0, half), slice(half, len(p))):
        ph, hh = p[sl], h[sl]
        ok = hh > 0
        if not ok.any() or np.mean(ph[ok]) <= 0:
            return Metric.none("decoupling", "a half has no heart rate or no output", "%", **prov)
        halves.append((float(np.mean(ph[ok])), float(np.mean(hh[ok]))))
    val = decoupling_pct(halves[0][0], halves[0][1], halves[1][0], halves[1][1])
    status = "coupled" if val < s.decoupling_coupled_pct else "decoupled"
    return Metric.of("decoupling", val, "%", status=status, **prov)


def hr_drift(hr: Sequence[float] | np.ndarray, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> Metric:
    """Cardiac drift ``100 (HR2 - HR1) / HR1`` between halves after the warm-up (steady output)."""
    h = np.asarray(hr, dtype=float)[settings.decoupling_warmup_s :]
    h1, h2 = h[: len(h) // 2], h[len(h) // 2 :]
    h1, h2 = h1[h1 > 0], h2[h2 > 0]
    if len(h1) < settings.min_half_s or len(h2) < settings.min_half_s:
        return Metric.none("hr_drift", "under 2 min of heart rate per half", "%")
    m1, m2 = float(np.mean(h1)), float(np.mean(h2))
    return Metric.of("hr_drift", 100.0 * (m2 - m1) / m1, "%", first_half_bpm=m1, second_half_bpm=m2)
