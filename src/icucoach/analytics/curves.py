"""Mean-maximal curves (power, HR or speed), their monotone envelope, season curves, curve deltas between
windows, and durability (metrics.md §13, §14).

Durability (Maunder et al. 2021; Spragg et al. 2022): best efforts using only the windows that start after
cumulative work reaches X kJ, compared with the fresh best efforts (windows that end before X kJ).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from icucoach.analytics.power import mean_max
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


def stream_anchors(
    time: Sequence[float | None] | None,
    values: Sequence[float | None] | None,
    durations: Sequence[int],
    zero_is_missing: bool = True,
) -> list[float | None]:
    """Mean-maximal value of one activity stream at each duration (s), or None where it is shorter.

    Missing samples are dropped, and with ``zero_is_missing`` (heart rate: 0 is no reading; not for power,
    where 0 is coasting) so are zeros; the rest is resampled to 1 Hz by linear interpolation over ``time``
    (s from the start; sample index when absent), so a recording at another rate gives the same curve.
    """
    if not values:
        return [None] * len(durations)
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    t = (
        np.array([np.nan if x is None else x for x in time], dtype=float)
        if time is not None and len(time) == len(values)
        else np.arange(len(v), dtype=float)
    )
    ok = np.isfinite(v) & np.isfinite(t) & ((v > 0) if zero_is_missing else (v >= 0))
    if ok.sum() < 2:
        return [None] * len(durations)
    tt, vv = t[ok], v[ok]
    order = np.argsort(tt, kind="stable")
    tt, vv = tt[order], vv[order]
    grid = np.arange(tt[0], tt[-1] + 1.0, 1.0)
    best = mean_max(np.interp(grid, tt, vv), durations)
    return [None if not np.isfinite(x) else float(x) for x in best]


def duration_grid(max_s: int) -> list[int]:
    """1-60 s every second, to 10 min every 5 s, to 1 h every 30 s, then every 5 min (log-like spacing)."""
    grid = (
        list(range(1, 61))
        + list(range(65, 601, 5))
        + list(range(630, 3601, 30))
        + list(range(3900, 36001, 300))
    )
    return [d for d in grid if d <= max_s]


def envelope(curve: Sequence[float] | np.ndarray) -> np.ndarray:
    """Monotone non-increasing envelope (right-to-left running max), nan kept where there is no data."""
    c = np.asarray(curve, dtype=float)
    filled = np.where(np.isnan(c), -np.inf, c)
    env = np.maximum.accumulate(filled[::-1])[::-1]
    return np.where(np.isnan(c), np.nan, env)


def season_curve(curves: Iterable[Sequence[float]]) -> np.ndarray:
    """Pointwise max of per-activity curves on the same duration grid (nan where no activity is that long)."""
    arr = np.asarray(list(curves), dtype=float)
    if arr.size == 0:
        return np.zeros(0)
    with np.errstate(all="ignore"):
        out = np.where(
            np.all(np.isnan(arr), axis=0), np.nan, np.nanmax(np.where(np.isnan(arr), -np.inf, arr), axis=0)
        )
    return out


@dataclass(frozen=True)
class CurveDelta:
    durations: tuple[int, ...]
    current: tuple[float | None, ...]
    previous: tuple[float | None, ...]
    pct_change: tuple[float | None, ...]

    def to_dict(self) -> dict:
        return {
            "anchors": [
                {"secs": d, "current": c, "previous": p, "pct_change": None if x is None else round(x, 2)}
                for d, c, p, x in zip(
                    self.durations, self.current, self.previous, self.pct_change, strict=True
                )
            ]
        }


def curve_delta(durations: Sequence[int], current: Sequence[float], previous: Sequence[float]) -> CurveDelta:
    """Per-duration change of a curve between two windows: ``100 (cur - prev) / prev``; None where missing."""

    def clean(v: float) -> float | None:
        return None if v is None or not np.isfinite(v) or v <= 0 else float(v)

    cur = tuple(clean(v) for v in current)
    prev = tuple(clean(v) for v in previous)
    pct = tuple(
        None if c is None or p is None else 100.0 * (c - p) / p for c, p in zip(cur, prev, strict=True)
    )
    return CurveDelta(tuple(durations), cur, prev, pct)


def durability(
    power: Sequence[float] | np.ndarray,
    hr: Sequence[float] | np.ndarray | None = None,
    kj: float | None = None,
    durations: Sequence[int] | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict[str, Metric]:
    """Per duration: % change of best power after ``kj`` of work vs before; plus the power/HR ratio change."""
    s = settings
    kj = s.durability_kj if kj is None else kj
    durs = tuple(durations or s.durability_durations)
    p = np.asarray(power, dtype=float)
    work = np.cumsum(p) / 1000.0
    idx = int(np.searchsorted(work, kj))  # first sample at which cumulative work reaches kj
    prov: dict[str, Any] = {
        "kj": kj,
        "reached_at_s": idx if idx < len(p) else None,
        "windows": "fresh end before X, late start after",
    }
    out: dict[str, Metric] = {}
    if idx >= len(p):
        for d in durs:
            out[f"power_{d}s"] = Metric.none(f"durability_{d}s", f"ride never reached {kj:g} kJ", "%", **prov)
        out["power_hr"] = Metric.none("durability_power_hr", f"ride never reached {kj:g} kJ", "%", **prov)
        return out
    fresh, late = p[:idx], p[idx:]
    mf, ml = mean_max(fresh, durs), mean_max(late, durs)
    for d, f, lt in zip(durs, mf, ml, strict=True):
        if np.isnan(f) or np.isnan(lt) or f <= 0:
            out[f"power_{d}s"] = Metric.none(
                f"durability_{d}s", f"not {d} s of data on both sides of {kj:g} kJ", "%", **prov
            )
        else:
            out[f"power_{d}s"] = Metric.of(
                f"durability_{d}s", 100.0 * (lt - f) / f, "%", fresh_w=float(f), late_w=float(lt), **prov
            )
    if hr is None:
        out["power_hr"] = Metric.none("durability_power_hr", "no heart rate", "%", **prov)
    else:
        h = np.asarray(hr, dtype=float)[: len(p)]
        hf, hl = h[:idx], h[idx:]
        ok_f, ok_l = hf > 0, hl > 0
        if ok_f.sum() < s.min_half_s or ok_l.sum() < s.min_half_s:
            out["power_hr"] = Metric.none(
                "durability_power_hr", "under 1 min of heart rate on a side", "%", **prov
            )
        else:
            r1 = float(np.mean(fresh[ok_f[: len(fresh)]]) / np.mean(hf[ok_f]))
            r2 = float(np.mean(late[ok_l[: len(late)]]) / np.mean(hl[ok_l]))
            out["power_hr"] = Metric.of(
                "durability_power_hr",
                100.0 * (r2 - r1) / r1,
                "%",
                fresh_w_per_bpm=r1,
                late_w_per_bpm=r2,
                **prov,
            )
    return out
