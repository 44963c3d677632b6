"""Acute:chronic workload ratio, three ways (metrics.md §2), on daily load arrays whose last element is today.

- coupled rolling (Hulin 2014, Gabbett 2016): mean of the last 7 days / mean of the
  last 28 (which include them)
- uncoupled (Windt & Gabbett 2019, Lolli 2019): chronic = days 8-35 back, excluding the acute week
- EWMA (Williams et al. 2017): lambda = 2/(N+1), N = 7 and 28; seed stated in the result
- start of day: the same ratios as they stood before today's training, i.e. windows ending yesterday

Chronic 0 gives None (never inf). Ratios from less than 28 days of history are flagged unreliable. ACWR is
descriptive (Impellizzeri et al. 2020): it is reported with its inputs, not as an injury probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


def acwr_band(ratio: float | None, s: AnalyticsSettings = DEFAULT_SETTINGS) -> str | None:
    if ratio is None:
        return None
    if ratio >= s.acwr_red:
        return "red"
    if ratio >= s.acwr_amber:
        return "amber"
    if ratio < s.acwr_low:
        return "low"
    return "ok"


def ewma(loads: Sequence[float] | np.ndarray, n: int, seed: float) -> np.ndarray:
    """Williams 2017 EWMA with lambda = 2/(n+1); ``seed`` is the value before the first day."""
    lam = 2.0 / (n + 1.0)
    x = np.asarray(loads, dtype=float)
    out = np.empty_like(x)
    v = float(seed)
    for i, load in enumerate(x):
        v = load * lam + (1.0 - lam) * v
        out[i] = v
    return out


def ewma_seed(loads: np.ndarray, s: AnalyticsSettings) -> tuple[float, str]:
    if s.acwr_ewma_seed == "zero" or len(loads) == 0:
        return 0.0, "0"
    if s.acwr_ewma_seed == "first":
        return float(loads[0]), "first day's load"
    w = loads[: s.acwr_chronic_days]
    return float(np.mean(w)), f"mean load of the first {len(w)} day(s)"


def _ratio(name: str, acute: float, chronic: float, s: AnalyticsSettings, **prov) -> Metric:
    if chronic <= 0:
        return Metric.none(
            name, "chronic load is 0: ratio undefined", "ratio", acute=acute, chronic=chronic, **prov
        )
    r = acute / chronic
    return Metric.of(name, r, "ratio", status=acwr_band(r, s), acute=acute, chronic=chronic, **prov)


@dataclass(frozen=True)
class Acwr:
    coupled: Metric
    uncoupled: Metric
    ewma: Metric
    start_of_day: Metric

    def to_dict(self) -> dict:
        return {k: getattr(self, k).to_dict() for k in ("coupled", "uncoupled", "ewma", "start_of_day")}


def acwr(
    loads: Sequence[float] | np.ndarray,
    history_days: int | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    ewma_history: Sequence[float] | np.ndarray | None = None,
    **prov,
) -> Acwr:
    """All ACWR variants for the last day of ``loads`` (index -1 = today; earlier days may be 0-padded).

    ``history_days`` is how many of the trailing days are real history (defaults to ``len(loads)``);
    ``ewma_history`` lets the caller run the EWMA over a longer span than the rolling windows need.
    """
    s = settings
    x = np.asarray(loads, dtype=float)
    hist = len(x) if history_days is None else history_days
    a_n, c_n = s.acwr_acute_days, s.acwr_chronic_days
    flags = {}
    if hist < s.acwr_min_history_days:
        flags["unreliable"] = (
            f"only {hist} day(s) of history; a reliable ratio needs {s.acwr_min_history_days}"
        )
    base = {"acute_days": a_n, "chronic_days": c_n, "history_days": hist, **flags, **prov}

    def rolling(arr: np.ndarray, name: str, **extra) -> Metric:
        if len(arr) == 0 or hist <= 0:
            return Metric.none(name, "no load history", "ratio", **base, **extra)
        acute = float(np.sum(arr[-a_n:])) / a_n
        chronic = float(np.sum(arr[-c_n:])) / c_n
        return _ratio(name, acute, chronic, s, method="rolling mean, coupled", **base, **extra)

    coupled = rolling(x, "acwr_coupled")
    sod = rolling(x[:-1], "acwr_start_of_day", window_end="yesterday (today's load excluded)")
    if len(x) == 0 or hist <= 0:
        uncoupled = Metric.none("acwr_uncoupled", "no load history", "ratio", **base)
    else:
        acute = float(np.sum(x[-a_n:])) / a_n
        older = x[-(a_n + c_n) : -a_n] if len(x) > a_n else np.zeros(0)
        chronic = float(np.sum(older)) / c_n
        uf = (
            {}
            if hist >= a_n + c_n
            else {"unreliable": f"uncoupled chronic needs {a_n + c_n} days of history"}
        )
        uncoupled = _ratio(
            "acwr_uncoupled", acute, chronic, s, method="chronic = days 8-35 back", **{**base, **uf}
        )
    ex = np.asarray(ewma_history if ewma_history is not None else x, dtype=float)
    if len(ex) == 0 or hist <= 0:
        ew = Metric.none("acwr_ewma", "no load history", "ratio", **base)
    else:
        seed, seed_desc = ewma_seed(ex, s)
        ea, ec = ewma(ex, a_n, seed)[-1], ewma(ex, c_n, seed)[-1]
        ew = _ratio(
            "acwr_ewma",
            float(ea),
            float(ec),
            s,
            method="EWMA lambda=2/(N+1) (Williams 2017)",
            seed=seed_desc,
            **base,
        )
    return Acwr(coupled, uncoupled, ew, sod)
