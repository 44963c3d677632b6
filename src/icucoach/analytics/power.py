"""Power-stream metrics: mean-maximal power and Normalized Power (1 Hz streams, gaps already filled)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def mean_max(values: Sequence[float] | np.ndarray, durations: Sequence[int]) -> np.ndarray:
    """Best average of ``values`` over every window of each duration (samples at 1 Hz).

    Durations longer than the series give ``nan``. The result never increases with duration when the
    durations are ascending (a longer window's best average cannot beat a shorter one's: it contains one).
    """
    x = np.asarray(values, dtype=float)
    csum = np.concatenate(([0.0], np.cumsum(x)))
    out = np.full(len(durations), np.nan)
    for i, d in enumerate(durations):
        if 0 < d <= len(x):
            out[i] = float(np.max(csum[d:] - csum[:-d]) / d)
    return out


def normalized_power(power: Sequence[float] | np.ndarray) -> float | None:
    """Coggan NP: 4th root of the mean 4th power of the 30 s rolling mean (standard form; None under 30 s)."""
    p = np.asarray(power, dtype=float)
    if len(p) < 30:
        return None
    csum = np.concatenate(([0.0], np.cumsum(p)))
    rolling = (csum[30:] - csum[:-30]) / 30.0
    return float(np.mean(rolling**4) ** 0.25)
