"""Performance-management load model: CTL (fitness), ATL (fatigue), TSB (form) from daily load.

Intervals.icu runs an exponentially weighted average over *daily summed* load in the athlete's local days,
with gain ``1 - exp(-1/tau)`` (tau 42 d for CTL, 7 d for ATL); see ``shared/reference/metrics.md`` §1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

CTL_DAYS = 42
ATL_DAYS = 7


def gain(tau_days: float) -> float:
    """Daily gain of the exp-form EWMA: ``1 - e^(-1/tau)`` (0.0235283 for 42 d, 0.1331221 for 7 d)."""
    return 1.0 - math.exp(-1.0 / tau_days)


def pmc_series(
    daily_loads: Sequence[float] | np.ndarray,
    ctl0: float = 0.0,
    atl0: float = 0.0,
    ctl_days: float = CTL_DAYS,
    atl_days: float = ATL_DAYS,
) -> tuple[np.ndarray, np.ndarray]:
    """CTL and ATL at the end of each day, for consecutive days of summed load (rest days = 0).

    ``ctl0``/``atl0`` are the values at the end of the day before the first load.
    """
    loads = np.asarray(daily_loads, dtype=float)
    kc, ka = gain(ctl_days), gain(atl_days)
    ctl = np.empty_like(loads)
    atl = np.empty_like(loads)
    c, a = float(ctl0), float(atl0)
    for i, load in enumerate(loads):
        c += (load - c) * kc
        a += (load - a) * ka
        ctl[i] = c
        atl[i] = a
    return ctl, atl
