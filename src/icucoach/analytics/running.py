"""Running and swimming: Riegel and Daniels-Gilbert VDOT race predictions, training paces, rTSS, sTSS
(metrics.md §8, §15).

VDOT (Daniels & Gilbert 1979 as transcribed in GoldenCheetah ``VDOTCalculator``; v in m/min, t in min):
``VO2 = -4.6 + 0.182258 v + 0.000104 v^2``;
``%max = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)``;
``VDOT = VO2 / %max``; ``vVDOT = 29.54 + 5.000663 VDOT - 0.007546 VDOT^2``. Equivalent times solve
VDOT(d, t) = V by Brent's method. Training paces: M from the marathon equivalent, T/I/R as fractions of
vVDOT (GoldenCheetah: 0.90 / 0.98 / 1.05), E as a range of %VO2max fitted to Daniels' table.
"""

from __future__ import annotations

import math

from scipy.optimize import brentq

from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

MARATHON_M = 42195.0
HALF_M = 21097.5


def riegel(
    time_s: float, distance_m: float, target_m: float, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Metric:
    """``T2 = T1 (D2/D1)^1.06``; flagged (still given) beyond ``riegel_max_ratio`` x the known distance."""
    if time_s <= 0 or distance_m <= 0 or target_m <= 0:
        return Metric.none("riegel", "time and distances must be positive", "s")
    ratio = max(target_m / distance_m, distance_m / target_m)
    extra = (
        {"caution": f"extrapolates {ratio:.1f}x the known distance"}
        if ratio > settings.riegel_max_ratio
        else {}
    )
    return Metric.of(
        "riegel",
        time_s * (target_m / distance_m) ** settings.riegel_exponent,
        "s",
        exponent=settings.riegel_exponent,
        known_m=distance_m,
        known_s=time_s,
        target_m=target_m,
        **extra,
    )


def vo2_cost(v_m_min: float) -> float:
    return -4.6 + 0.182258 * v_m_min + 0.000104 * v_m_min**2


def pct_max(t_min: float) -> float:
    return 0.8 + 0.1894393 * math.exp(-0.012778 * t_min) + 0.2989558 * math.exp(-0.1932605 * t_min)


def vdot(distance_m: float, time_s: float) -> float | None:
    if distance_m <= 0 or time_s <= 0:
        return None
    t = time_s / 60.0
    return vo2_cost(distance_m / t) / pct_max(t)


def vvdot(v: float) -> float:
    """Velocity at VO2max (m/min) for a VDOT."""
    return 29.54 + 5.000663 * v - 0.007546 * v * v


def speed_for_vo2(vo2: float) -> float:
    """Invert the VO2 cost equation: speed (m/min) whose cost is ``vo2``."""
    a, b, c = 0.000104, 0.182258, -4.6 - vo2
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def equivalent_time(v: float, distance_m: float) -> float | None:
    """Race time (s) at ``distance_m`` for VDOT ``v``: solve VDOT(d, t) = v for t."""
    if v <= 0 or distance_m <= 0:
        return None

    def f(t_min: float) -> float:
        return vo2_cost(distance_m / t_min) / pct_max(t_min) - v

    try:
        return 60.0 * brentq(f, 0.5, 2000.0, xtol=1e-9)
    except ValueError:
        return None


def training_paces(
    v: float, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> dict[str, float | list[float]]:
    """Daniels paces in seconds per km: E (slow, fast), M, T, I, R."""
    vv = vvdot(v)
    lo, hi = settings.daniels_easy_vo2
    m_time = equivalent_time(v, MARATHON_M)
    out: dict[str, float | list[float]] = {
        "E": [60000.0 / speed_for_vo2(lo * v), 60000.0 / speed_for_vo2(hi * v)],
        "M": (m_time or math.nan) / (MARATHON_M / 1000.0),
    }
    for k, frac in settings.daniels_vvdot.items():
        out[k] = 60000.0 / (vv * frac)
    return out


def rtss(seconds: float, ngp_speed: float, threshold_speed: float) -> float | None:
    """Run TSS from normalised graded speed (m/s): ``hours * (NGP / threshold)^2 * 100``."""
    if seconds <= 0 or ngp_speed <= 0 or threshold_speed <= 0:
        return None
    return seconds / 3600.0 * (ngp_speed / threshold_speed) ** 2 * 100.0


def stss(distance_m: float, moving_s: float, elapsed_s: float, threshold_m_min: float) -> float | None:
    """Swim TSS (Elevate): ``(NSS / threshold)^3 * elapsed hours * 100``, NSS = distance / moving minutes."""
    if moving_s <= 0 or threshold_m_min <= 0:
        return None
    nss = distance_m / (moving_s / 60.0)
    return (nss / threshold_m_min) ** 3 * elapsed_s / 3600.0 * 100.0
