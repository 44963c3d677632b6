"""W' balance (Skiba): the integral form (Skiba et al. 2012) and the differential form (Skiba et al. 2015 /
Froncioni-Clarke), on a 1 Hz power stream with gaps filled (metrics.md §11).

Integral: ``W'bal(t) = W' - sum_{u<=t} max(0, P(u) - CP) * e^(-(t-u)/tau)``, the current sample included,
``tau = 546 e^(-0.01 D_CP) + 316`` with ``D_CP = CP - mean(P | P < CP)`` (``D_CP = CP`` when no sample is
below CP), computed once per activity and floored to an integer as GoldenCheetah does. The sum is a
first-order recursive filter, so there is no ``e^(t/tau)`` overflow on long activities.
Differential: below CP ``W'bal += (CP - P)(W' - W'bal)/W'``, at or above CP ``W'bal -= P - CP``.
A negative minimum is reported and flagged (CP or W' too low), never clamped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from icucoach.analytics.filters import first_order
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


def skiba_tau(d_cp: float) -> float:
    """Recovery time constant (s): ``546 e^(-0.01 D_CP) + 316`` (862 s at D_CP 0)."""
    return 546.0 * math.exp(-0.01 * d_cp) + 316.0


def d_cp(power: Sequence[float] | np.ndarray, cp: float) -> float:
    p = np.asarray(power, dtype=float)
    below = p[p < cp]
    return float(cp - np.mean(below)) if len(below) else float(cp)


@dataclass(frozen=True)
class WbalResult:
    series: np.ndarray  # J, one value per sample
    form: str
    tau: float | None
    min_wbal: float
    max_depletion: float  # W' - min
    negative: bool  # CP or W' probably too low

    def to_dict(self) -> dict:
        return {
            "form": self.form,
            "tau_s": self.tau,
            "min_wbal_j": round(self.min_wbal, 1),
            "max_depletion_j": round(self.max_depletion, 1),
            "negative": self.negative,
        }


def _result(series: np.ndarray, w_prime: float, form: str, tau: float | None) -> WbalResult:
    mn = float(np.min(series)) if len(series) else w_prime
    return WbalResult(series, form, tau, mn, w_prime - mn, mn < 0)


def wbal_integral(
    power: Sequence[float] | np.ndarray,
    cp: float,
    w_prime: float,
    tau: float | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> WbalResult:
    p = np.asarray(power, dtype=float)
    if tau is None:
        tau = skiba_tau(d_cp(p, cp))
        if settings.wbal_tau_floor:
            tau = float(int(tau))
    above = np.clip(p - cp, 0.0, None)
    spent = first_order(above, math.exp(-1.0 / tau)) if len(p) else np.zeros(0)
    return _result(w_prime - spent, w_prime, "integral", tau)


def wbal_differential(power: Sequence[float] | np.ndarray, cp: float, w_prime: float) -> WbalResult:
    p = np.asarray(power, dtype=float)
    out = np.empty_like(p)
    w = float(w_prime)
    for i, x in enumerate(p.tolist()):
        if x < cp:
            w += (cp - x) * (w_prime - w) / w_prime
        else:
            w -= x - cp
        out[i] = w
    return _result(out, w_prime, "differential", None)
