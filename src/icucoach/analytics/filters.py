"""First-order recursive filters (exponential smoothing, decaying sums) in closed form with numpy.

``y[n] = a*y[n-1] + b*x[n]`` is what scipy.signal.lfilter computes for a one-pole filter; importing
scipy.signal costs about half a second to every process that touches analytics (the demo, the MCP server),
so the few one-pole filters we need are done here instead, exactly (tests compare with lfilter).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def first_order(x: Sequence[float] | np.ndarray, a: float, b: float = 1.0, y0: float = 0.0) -> np.ndarray:
    """``y[n] = a*y[n-1] + b*x[n]`` with ``y[-1] = y0``.

    Within a chunk ``y[i] = a^(i+1)*y0 + b*a^i*cumsum(x[k]*a^-k)``; chunks are kept short enough that
    ``a^-k`` stays far from overflow (|a| in (0, 1); a = 0 or 1 are handled directly).
    """
    arr = np.asarray(x, dtype=float)
    out = np.empty(len(arr))
    if len(arr) == 0:
        return out
    if a == 0.0:
        return b * arr
    if a == 1.0:
        return y0 + b * np.cumsum(arr)
    chunk = max(1, int(200.0 / -np.log(abs(a))))
    state = float(y0)
    for s in range(0, len(arr), chunk):
        seg = arr[s : s + chunk]
        powers = a ** np.arange(len(seg))
        y = a * powers * state + b * powers * np.cumsum(seg / powers)
        out[s : s + len(seg)] = y
        state = float(y[-1])
    return out
