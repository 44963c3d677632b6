"""Power-stream metrics (1 Hz, gaps already filled with 0): mean-maximal power, NP, xPower, IF, TSS, VI, EF.

Conventions (metrics.md §0, §6): coasting zeros are included; the TSS duration is the number of samples
(GoldenCheetah's choice; Intervals.icu's is undocumented); standard NP starts at the 30th sample and is None
for shorter series, the GoldenCheetah variant (``normalized_power_gc``) averages the first 29 samples as if
preceded by zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from icucoach.analytics.filters import first_order
from icucoach.analytics.result import Metric


def mean_max(
    values: Sequence[float] | np.ndarray, durations: Sequence[int], monotone: bool = False
) -> np.ndarray:
    """Best average of ``values`` over every window of each duration (samples at 1 Hz).

    Durations longer than the series give ``nan``. The exact curve is *not* always non-increasing: for
    ``[1, 0, 1]`` the best 2 s average is 0.5 but the 3 s average is 0.67 (a window contains shorter windows,
    but not necessarily the best one's average). What always holds is ``MMP(k*d) <= MMP(d)``. With
    ``monotone=True`` the result is the right-to-left running max over the requested durations ("the best
    average held for at least d"), the usual power-duration curve (sweat ``monotonic=True``).
    """
    x = np.asarray(values, dtype=float)
    csum = np.concatenate(([0.0], np.cumsum(x)))
    out = np.full(len(durations), np.nan)
    for i, d in enumerate(durations):
        if 0 < d <= len(x):
            out[i] = float(np.max(csum[d:] - csum[:-d]) / d)
    if monotone and len(out):
        order = np.argsort(np.asarray(durations), kind="stable")
        vals = out[order]
        filled = np.where(np.isnan(vals), -np.inf, vals)
        env = np.maximum.accumulate(filled[::-1])[::-1]
        out[order] = np.where(np.isnan(vals), np.nan, env)
    return out


def normalized_power(power: Sequence[float] | np.ndarray) -> float | None:
    """Coggan NP: 4th root of the mean 4th power of the 30 s rolling mean (standard form; None under 30 s)."""
    p = np.asarray(power, dtype=float)
    if len(p) < 30:
        return None
    csum = np.concatenate(([0.0], np.cumsum(p)))
    rolling = (csum[30:] - csum[:-30]) / 30.0
    return float(np.mean(rolling**4) ** 0.25)


def normalized_power_gc(power: Sequence[float] | np.ndarray, window: int = 30) -> float | None:
    """GoldenCheetah ``IsoPower``: the 30 s ring buffer starts full of zeros, so every sample counts."""
    p = np.asarray(power, dtype=float)
    if len(p) == 0:
        return None
    csum = np.concatenate((np.zeros(window), np.cumsum(p)))
    rolling = (csum[window:] - csum[:-window]) / window
    return float(np.mean(rolling**4) ** 0.25)


def xpower(power: Sequence[float] | np.ndarray, tau_s: float = 25.0) -> float | None:
    """Skiba xPower: EWMA ``W = W*25/26 + P/26`` from 0 at 1 Hz, then the 4th-power mean (GC BikeScore)."""
    p = np.asarray(power, dtype=float)
    if len(p) == 0:
        return None
    a = 1.0 / (tau_s + 1.0)
    w = first_order(p, 1.0 - a, a)
    return float(np.mean(w**4) ** 0.25)


def intensity_factor(np_watts: float | None, ftp: float | None) -> float | None:
    return None if not np_watts or not ftp else np_watts / ftp


def tss(seconds: float, np_watts: float | None, ftp: float | None) -> float | None:
    """``hours * IF^2 * 100`` (= t * NP * IF / (FTP * 3600) * 100)."""
    f = intensity_factor(np_watts, ftp)
    return None if f is None else seconds / 3600.0 * f * f * 100.0


def variability_index(np_watts: float | None, avg_watts: float | None) -> float | None:
    return None if not np_watts or not avg_watts else np_watts / avg_watts


def efficiency_factor(output: float | None, avg_hr: float | None) -> float | None:
    """Friel EF: NP (W) / avg HR for rides; NGP speed / avg HR for runs (units as given)."""
    return None if not output or not avg_hr else output / avg_hr


def power_summary(
    power: Sequence[float] | np.ndarray, ftp: float | None, hr: Sequence[float] | np.ndarray | None = None
) -> dict[str, Metric]:
    """NP, AP, IF, TSS, VI, xPower, work and EF for one 1 Hz power stream."""
    p = np.asarray(power, dtype=float)
    n = len(p)
    prov: dict[str, Any] = {
        "samples": n,
        "ftp": ftp,
        "np_form": "standard (first window at 30 s)",
        "zeros": "included",
    }
    ap = float(np.mean(p)) if n else None
    npw = normalized_power(p)
    f = intensity_factor(npw, ftp)
    avg_hr = None
    if hr is not None:
        h = np.asarray(hr, dtype=float)
        h = h[h > 0]
        avg_hr = float(np.mean(h)) if len(h) else None
    why = "under 30 s of data" if npw is None else "no FTP" if not ftp else None
    return {
        "avg_power": Metric.of("avg_power", ap, "W", reason=None if n else "no samples", **prov),
        "np": Metric.of("np", npw, "W", reason="under 30 s of data" if npw is None else None, **prov),
        "if": Metric.of("if", f, "ratio", reason=why, **prov),
        "tss": Metric.of("tss", tss(n, npw, ftp), "TSS", reason=why, **prov),
        "vi": Metric.of("vi", variability_index(npw, ap), "ratio", **prov),
        "xpower": Metric.of("xpower", xpower(p), "W", **prov),
        "work": Metric.of("work", float(np.sum(p)) / 1000.0 if n else None, "kJ", **prov),
        "ef": Metric.of(
            "ef", efficiency_factor(npw, avg_hr), "W/bpm", reason=None if avg_hr else "no heart rate", **prov
        ),
    }
