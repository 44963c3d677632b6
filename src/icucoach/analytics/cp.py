"""Critical power models and FTP progression (metrics.md §12).

- 2-parameter (Monod & Scherrer 1965), fitted in the work-time form ``W = CP t + W'`` by least squares on
  maximal efforts of ``cp_min_s``-``cp_max_s`` (2-20 min, Jones et al. 2010).
- 3-parameter (Morton 1996), ``P(t) = CP + W'/(t + k)``, ``k = W'/(Pmax - CP)``, by scipy ``curve_fit``.
- Benchmark index: FTP now vs the latest FTP on or before 8 weeks ago (Section 11 needs an entry within
  56 +- 7 days and so rarely resolves, ``section11.md`` §7 item 3).

Intervals.icu's eFTP cannot be reproduced (its curve family is not public); quote its own value instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


@dataclass(frozen=True)
class CpFit:
    model: str  # "2p" or "3p"
    cp: float | None
    w_prime: float | None
    p_max: float | None = None
    k: float | None = None
    points: int = 0
    rmse_w: float | None = None
    reason: str | None = None

    def power(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        tt = np.asarray(t, dtype=float)
        if self.cp is None or self.w_prime is None:
            return np.full(tt.shape, np.nan)
        return self.cp + self.w_prime / (tt + (self.k or 0.0))

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "cp_w": self.cp,
            "w_prime_j": self.w_prime,
            "p_max_w": self.p_max,
            "points": self.points,
            "rmse_w": self.rmse_w,
            "reason": self.reason,
        }


def cp2(t: Sequence[float] | np.ndarray, cp: float, w_prime: float) -> np.ndarray:
    return cp + w_prime / np.asarray(t, dtype=float)


def cp3(t: Sequence[float] | np.ndarray, cp: float, w_prime: float, k: float) -> np.ndarray:
    return cp + w_prime / (np.asarray(t, dtype=float) + k)


def _points(
    durations: Sequence[float] | np.ndarray, powers: Sequence[float] | np.ndarray, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(durations, dtype=float)
    p = np.asarray(powers, dtype=float)
    ok = np.isfinite(t) & np.isfinite(p) & (p > 0) & (t >= lo) & (t <= hi)
    return t[ok], p[ok]


def fit_cp2(
    durations: Sequence[float] | np.ndarray,
    powers: Sequence[float] | np.ndarray,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> CpFit:
    """Linear work-time fit (slope CP, intercept W'); needs >= 2 distinct durations in the fitting range."""
    t, p = _points(durations, powers, settings.cp_min_s, settings.cp_max_s)
    if len(np.unique(t)) < 2:
        return CpFit(
            "2p",
            None,
            None,
            points=len(t),
            reason=f"needs 2 efforts of {settings.cp_min_s}-{settings.cp_max_s} s",
        )
    slope, intercept = np.polyfit(t, p * t, 1)
    if slope <= 0 or intercept <= 0:
        return CpFit("2p", None, None, points=len(t), reason="fit gave non-physical CP or W'")
    rmse = float(np.sqrt(np.mean((cp2(t, slope, intercept) - p) ** 2)))
    return CpFit("2p", float(slope), float(intercept), points=len(t), rmse_w=rmse)


def fit_cp3(
    durations: Sequence[float] | np.ndarray,
    powers: Sequence[float] | np.ndarray,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> CpFit:
    """Morton 3-parameter nonlinear least squares; needs >= 3 distinct durations (ideally ~5 s, 3-5 and
    10-30 min)."""
    t, p = _points(durations, powers, settings.cp3_min_s, settings.cp3_max_s)
    if len(np.unique(t)) < 3:
        return CpFit("3p", None, None, points=len(t), reason="needs 3 efforts of distinct durations")
    start = fit_cp2(t, p, settings)
    cp0 = start.cp or float(np.min(p)) * 0.9
    w0 = start.w_prime or 20000.0
    from scipy.optimize import curve_fit  # here, not at module level: scipy is ~0.3 s of every start-up

    try:
        (cp, w, k), _ = curve_fit(
            cp3, t, p, p0=(cp0, w0, 10.0), bounds=([0.0, 0.0, 0.0], [np.max(p), 1e6, 1e4]), maxfev=5000
        )
    except (RuntimeError, ValueError) as exc:
        return CpFit("3p", None, None, points=len(t), reason=f"fit did not converge: {exc}")
    rmse = float(np.sqrt(np.mean((cp3(t, cp, w, k) - p) ** 2)))
    pmax = cp + w / k if k > 0 else None
    return CpFit("3p", float(cp), float(w), None if pmax is None else float(pmax), float(k), len(t), rmse)


@dataclass(frozen=True)
class ModelVsObserved:
    durations: tuple[int, ...]
    observed: tuple[float | None, ...]
    modelled: tuple[float | None, ...]
    divergence_pct: tuple[float | None, ...]

    def to_dict(self) -> dict:
        return {
            "anchors": [
                {
                    "secs": d,
                    "observed_w": o,
                    "model_w": None if m is None else round(m, 1),
                    "divergence_pct": None if x is None else round(x, 2),
                }
                for d, o, m, x in zip(
                    self.durations, self.observed, self.modelled, self.divergence_pct, strict=True
                )
            ]
        }


def model_vs_observed(fit: CpFit, durations: Sequence[int], observed: Sequence[float]) -> ModelVsObserved:
    """``100 (observed - model) / model`` per duration (positive: the athlete beat the model)."""
    model = fit.power(durations)
    obs, mod, div = [], [], []
    for o, m in zip(observed, model, strict=True):
        o_ok = o is not None and np.isfinite(o) and o > 0
        m_ok = np.isfinite(m) and m > 0
        obs.append(float(o) if o_ok else None)
        mod.append(float(m) if m_ok else None)
        div.append(100.0 * (o - m) / m if o_ok and m_ok else None)
    return ModelVsObserved(tuple(durations), tuple(obs), tuple(mod), tuple(div))


def value_on(history: Sequence[tuple[date, float]], d: date) -> tuple[date, float] | None:
    """The latest ``(date, value)`` dated on or before ``d``."""
    best = None
    for day, v in history:
        if day <= d and (best is None or day >= best[0]):
            best = (day, v)
    return best


def benchmark_index(
    history: Sequence[tuple[date, float]],
    today: date,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    current: float | None = None,
    **prov,
) -> Metric:
    """FTP progression: ``FTP_now / FTP_then - 1`` (%), FTP_then = latest on/before today - 8 weeks."""
    then_day = today - timedelta(days=settings.benchmark_days)
    then = value_on(history, then_day)
    now = value_on(history, today)
    now_v = current if current is not None else (now[1] if now else None)
    base = {"window_days": settings.benchmark_days, "reference_date": then_day.isoformat(), **prov}
    if then is None:
        return Metric.none(
            "benchmark_index", f"no FTP value on or before {then_day.isoformat()}", "%", **base
        )
    if not now_v:
        return Metric.none("benchmark_index", "no current FTP", "%", **base)
    return Metric.of(
        "benchmark_index",
        100.0 * (now_v / then[1] - 1.0),
        "%",
        ftp_now=now_v,
        ftp_then=then[1],
        ftp_then_set_on=then[0].isoformat(),
        **base,
    )


def ftp_history_from_activities(
    activities: Sequence[Any], family: str = "cycling"
) -> list[tuple[date, float]]:
    """``(date, FTP)`` change points from the FTP each activity was analysed with (``icu_ftp``).

    Used for the benchmark index when no explicit FTP history is supplied; stubs and activities without
    ``icu_ftp`` are skipped.
    """
    out: list[tuple[date, float]] = []
    for a in sorted(activities, key=lambda a: a.start):
        if a.is_stub or a.ftp is None or a.family != family:
            continue
        if not out or out[-1][1] != a.ftp:
            out.append((a.day, float(a.ftp)))
    return out
