"""What the sandbox derives from an activity's 1 Hz streams, as Intervals.icu does on its side: mean-maximal
curves (power, heart rate), best-time-for-distance pace curves, best efforts and histograms.

Everything is computed from the streams the generator provides (``ActivityDetail.streams``) and cached per
activity (``ActivityDetail.cached``), so a curve is computed once however often it is asked for. Mean-max
values come from the sandbox's own ``generate.reference.best_mean`` (never the analytics under test); a
mean-max curve never increases with duration and a pace curve's time never decreases with distance, by
construction.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from icucoach.sandbox.generate.reference import best_mean
from icucoach.sandbox.world import ActivityDetail, Json

# Durations (s) of the power/HR curves the sandbox reports.
CURVE_SECS: tuple[int, ...] = (
    1,
    2,
    3,
    4,
    5,
    6,
    8,
    10,
    12,
    15,
    20,
    25,
    30,
    40,
    45,
    50,
    60,
    75,
    90,
    105,
    120,
    150,
    180,
    210,
    240,
    270,
    300,
    360,
    420,
    480,
    540,
    600,
    720,
    900,
    1080,
    1200,
    1500,
    1800,
    2100,
    2400,
    2700,
    3000,
    3600,
    4500,
    5400,
    6300,
    7200,
    9000,
    10800,
    12600,
    14400,
    18000,
    21600,
)
# Distances (m) of pace curves when the sport settings name none.
RUN_DISTANCES: tuple[float, ...] = (
    100.0,
    200.0,
    400.0,
    800.0,
    1000.0,
    1500.0,
    1609.34,
    2000.0,
    3000.0,
    5000.0,
    10000.0,
    15000.0,
    21097.5,
    30000.0,
    42195.0,
)
SWIM_DISTANCES: tuple[float, ...] = (25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1500.0, 1900.0, 3800.0)


_RECENT_MAX = (
    8  # activities whose raw streams stay in memory (streams are regenerated on demand, curves cached)
)
_recent: OrderedDict[int, tuple[ActivityDetail, dict[str, Json]]] = OrderedDict()
_recent_lock = threading.Lock()


def streams_by_type(detail: ActivityDetail | None) -> dict[str, Json]:
    """The activity's streams keyed by type ({} when it has none).

    Raw streams are big and the generator makes them on demand, so only the last few activities' streams are
    kept (an LRU holding the detail itself, so ids cannot be reused while cached); derived curves are cached
    on the activity for good.
    """
    if detail is None or detail.streams is None:
        return {}
    key = id(detail)
    with _recent_lock:
        hit = _recent.get(key)
        if hit is not None and hit[0] is detail:
            _recent.move_to_end(key)
            return hit[1]
    by_type = {str(s.get("type")): s for s in detail.streams()}
    with _recent_lock:
        _recent[key] = (detail, by_type)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)
    return by_type


def series(detail: ActivityDetail | None, kind: str) -> np.ndarray | None:
    """One stream as floats (nulls → 0), or None if the activity does not have it."""
    stream = streams_by_type(detail).get(kind)
    if stream is None or stream.get("allNull") or not stream.get("data"):
        return None
    data = stream["data"]
    try:
        return np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return np.array([0.0 if v is None else float(v) for v in data])


def _mean_max_curve(x: np.ndarray, secs: tuple[int, ...]) -> Json:
    durations = [d for d in secs if d <= len(x)]
    best = [best_mean(x, d) for d in durations]
    starts = [start for _, start in best]
    ends = [s + d for s, d in zip(starts, durations, strict=True)]
    rounded = [round(value) for value, _ in best]
    # Exact mean-max can rise slightly with duration when one length is not a multiple of another
    # (e.g. [10, 0, 10]: best 2 s = 5, best 3 s = 6.7). Curves report the best power held for *at least* that
    # long, as Intervals.icu's curves do: carry a longer window's value (and its indices) back where higher.
    for i in range(len(rounded) - 2, -1, -1):
        if rounded[i + 1] > rounded[i]:
            rounded[i], starts[i], ends[i] = rounded[i + 1], starts[i + 1], ends[i + 1]
    return {"secs": durations, "values": rounded, "start_index": starts, "end_index": ends}


def _mean_max_of(detail: ActivityDetail | None, kind: str) -> Json | None:
    if detail is None or detail.streams is None:
        return None

    def make() -> Json | None:
        x = series(detail, kind)
        return None if x is None else _mean_max_curve(x, CURVE_SECS)

    return detail.cached(f"curve:{kind}", make)  # type: ignore[no-any-return]


def power_curve(detail: ActivityDetail | None) -> Json | None:
    """Mean-max power (``secs``, ``values`` W, window indices), or None without a power stream."""
    return _mean_max_of(detail, "watts")


def hr_curve(detail: ActivityDetail | None) -> Json | None:
    """Mean-max heart rate (``secs``, ``values`` bpm, window indices), or None without heart rate."""
    return _mean_max_of(detail, "heartrate")


def _pace_points(dist: np.ndarray, t: np.ndarray | None, distances: tuple[float, ...]) -> Json:
    d = np.maximum.accumulate(dist)
    tt = t if t is not None and len(t) == len(d) else np.arange(len(d), dtype=float)
    out: Json = {"distance": [], "values": [], "start_index": [], "end_index": []}
    for target in distances:
        ends = np.searchsorted(d, d + target, side="left")
        valid = ends < len(d)
        if not valid.any():
            break
        starts = np.nonzero(valid)[0]
        times = tt[ends[valid]] - tt[starts]
        best = int(np.argmin(times))
        out["distance"].append(float(target))
        out["values"].append(math.ceil(float(times[best]) - 1e-9))
        out["start_index"].append(int(starts[best]))
        out["end_index"].append(int(ends[valid][best]))
    # a longer distance can never be covered faster (guards the ceil against float noise)
    out["values"] = [int(v) for v in np.maximum.accumulate(out["values"])] if out["values"] else []
    return out


def pace_curve(detail: ActivityDetail | None, distances: tuple[float, ...]) -> Json | None:
    """Best time (s) to cover each distance, with the window's indices; distances longer than the activity
    are left out. None without a distance stream."""
    if detail is None or detail.streams is None:
        return None

    def make() -> Json | None:
        dist = series(detail, "distance")
        return None if dist is None else _pace_points(dist, series(detail, "time"), distances)

    return detail.cached("curve:pace:" + ",".join(f"{d:g}" for d in distances), make)  # type: ignore[no-any-return]


def best_efforts(
    detail: ActivityDetail | None,
    stream: str,
    *,
    duration: int | None,
    distance: float | None,
    count: int,
    min_value: float | None,
    start_index: int = 0,
    end_index: int = 0,
) -> list[Json] | None:
    """The ``count`` best non-overlapping windows of ``duration`` s (or covering ``distance`` m) by mean
    ``stream`` value, best first. None if the stream is missing."""
    x = series(detail, stream)
    if x is None:
        return None
    n = len(x)
    lo = max(0, start_index)
    hi = n if end_index <= 0 else min(n, end_index)
    dist = series(detail, "distance")
    d = np.maximum.accumulate(dist) if dist is not None else None
    csum = np.concatenate(([0.0], np.cumsum(x)))
    windows: list[tuple[float, int, int]] = []
    if duration:
        if duration > hi - lo:
            return []
        starts = np.arange(lo, hi - duration + 1)
        means = (csum[starts + duration] - csum[starts]) / duration
        windows = [(float(m), int(s), int(s) + duration) for s, m in zip(starts, means, strict=True)]
    elif distance and d is not None:
        ends = np.searchsorted(d, d[lo:hi] + distance, side="left")
        for i, e in enumerate(ends):
            s = lo + i
            if e >= hi or e <= s:
                continue
            windows.append((float((csum[e] - csum[s]) / (e - s)), s, int(e)))
    else:
        return []
    windows.sort(key=lambda w: -w[0])
    taken: list[tuple[int, int]] = []
    out: list[Json] = []
    for mean, s, e in windows:
        if len(out) >= count:
            break
        if min_value is not None and mean < min_value:
            break
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        covered = float(d[min(e, n - 1)] - d[s]) if d is not None else None
        out.append(
            {
                "start_index": s,
                "end_index": e,
                "average": round(mean, 2),
                "duration": e - s,
                "distance": covered,
            }
        )
    return out


def histogram(
    detail: ActivityDetail | None, stream: str, bucket: float, *, transform: Any = None
) -> list[Json] | None:
    """Seconds per bucket of ``stream`` (``start`` = lower bound), contiguous from lowest to highest."""
    x = series(detail, stream)
    if x is None:
        return None
    moving = series(detail, "velocity_smooth")
    values = transform(x) if transform else x
    keep = np.isfinite(values)
    if not keep.any():
        return []
    idx = np.floor(values[keep] / bucket).astype(int)
    lo, hi = int(idx.min()), int(idx.max())
    counts = np.bincount(idx - lo, minlength=hi - lo + 1)
    if moving is not None and len(moving) == len(x):
        mov = np.bincount(idx - lo, weights=(moving[keep] > 0.3).astype(float), minlength=hi - lo + 1)
    else:
        mov = counts
    return [
        {"start": int(round((lo + i) * bucket)), "secs": int(c), "movingSecs": int(m)}
        for i, (c, m) in enumerate(zip(counts, mov, strict=True))
    ]
