"""The sandbox's own reference computations of what Intervals.icu derives: CTL/ATL, NP and mean-max power.

The tests compare ``icucoach.analytics`` with the values the sandbox serves, so the sandbox must never compute
them with the code under test: a wrong time constant or window there would agree with itself and pass. These
are written straight from the published definitions (``metrics.md`` §1 and §5), as plainly as possible, and
import nothing from ``icucoach.analytics``:

- CTL/ATL: an exponentially weighted average of daily load, from 0, with Intervals.icu's default time
  constants (42 and 7 days) and daily gain ``1 - e^(-1/days)``.
- NP (Coggan): the 4th root of the mean 4th power of the 30 s rolling average power; none under 30 s.
- Mean-max: the best average over any window of exactly ``d`` samples (1 Hz).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

CTL_DAYS = 42
ATL_DAYS = 7
NP_WINDOW_S = 30


def fitness_fatigue(daily_loads: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CTL and ATL at the end of each day of summed load (rest days 0), both starting from 0."""
    ctl_gain = 1.0 - math.exp(-1.0 / CTL_DAYS)
    atl_gain = 1.0 - math.exp(-1.0 / ATL_DAYS)
    ctl, atl = 0.0, 0.0
    ctls: list[float] = []
    atls: list[float] = []
    for load in daily_loads:
        ctl += (float(load) - ctl) * ctl_gain
        atl += (float(load) - atl) * atl_gain
        ctls.append(ctl)
        atls.append(atl)
    return np.array(ctls), np.array(atls)


def rolling_sums(values: np.ndarray, window: int) -> np.ndarray:
    """The sum of every run of ``window`` consecutive samples (empty when the series is shorter)."""
    running = np.concatenate(([0.0], np.cumsum(values, dtype=float)))
    return running[window:] - running[:-window]


def normalized_power(watts: Sequence[float] | np.ndarray) -> float | None:
    """Coggan NP of a 1 Hz power series; None when shorter than the 30 s window."""
    p = np.asarray(watts, dtype=float)
    if len(p) < NP_WINDOW_S:
        return None
    return float(np.mean((rolling_sums(p, NP_WINDOW_S) / NP_WINDOW_S) ** 4) ** 0.25)


def best_mean(values: np.ndarray, duration: int) -> tuple[float, int]:
    """The best average over ``duration`` consecutive samples, and where that window starts."""
    sums = rolling_sums(values, duration)
    start = int(np.argmax(sums))
    return float(sums[start] / duration), start
