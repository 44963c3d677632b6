"""Anchor-duration shift of a mean-maximal curve between two windows, with a rotation index.

Power (5 s neuromuscular, 60 s anaerobic, 300 s MAP, 1200 s threshold, 3600 s endurance; Pinot & Grappe 2011,
Quod et al. 2010) and maximal sustained heart rate (60 s to 3600 s; a 5 s HR is just max HR). Per anchor:
``pct_change = 100 (current - previous) / previous``. The rotation index is
``mean(pct_change of the short anchors) - mean(pct_change of the long anchors)``: positive when the gains
(or, for heart rate, the shift) lean to the short end. A window with fewer than ``min_valid`` anchors
holding a value gives no comparison at all (Section 11 §4.13's guard).

Difference from Section 11: the rotation index is computed from the unrounded per-anchor changes (Section 11
averages the values already rounded to 0.1 %), so the two can differ by 0.1 at a rounding boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from icucoach.analytics.curves import curve_delta

POWER_ANCHORS: tuple[int, ...] = (5, 60, 300, 1200, 3600)
POWER_SHORT: tuple[int, ...] = (5, 60)
POWER_LONG: tuple[int, ...] = (1200, 3600)  # 300 s is transitional and in neither group
HR_ANCHORS: tuple[int, ...] = (60, 300, 1200, 3600)
HR_SHORT: tuple[int, ...] = (60, 300)
HR_LONG: tuple[int, ...] = (1200, 3600)
MIN_VALID_ANCHORS = 3


def value_at(secs: Sequence[float], values: Sequence[float | None], duration: int) -> float | None:
    """The curve's value at exactly ``duration`` seconds; None when the curve has no such point or it is
    missing, zero or not finite (an empty window)."""
    for i, x in enumerate(secs):
        if x == duration:
            v = values[i] if i < len(values) else None
            if v is None or not np.isfinite(v) or v <= 0:
                return None
            return float(v)
    return None


@dataclass(frozen=True)
class AnchorShift:
    current: dict[int, float | None]
    previous: dict[int, float | None]
    pct_change: dict[int, float | None]
    rotation_index: float | None
    valid_current: int
    valid_previous: int

    @property
    def comparable(self) -> bool:
        return self.valid_current >= MIN_VALID_ANCHORS and self.valid_previous >= MIN_VALID_ANCHORS


def anchor_shift(
    current: Mapping[int, float | None],
    previous: Mapping[int, float | None],
    anchors: Sequence[int],
    short: Sequence[int],
    long: Sequence[int],
) -> AnchorShift:
    """Per-anchor % change and the rotation index (None unless every short and long anchor has a change)."""
    d = curve_delta(
        anchors,
        [np.nan if current.get(a) is None else current[a] for a in anchors],  # type: ignore[misc]
        [np.nan if previous.get(a) is None else previous[a] for a in anchors],  # type: ignore[misc]
    )
    cur = dict(zip(anchors, d.current, strict=True))
    prev = dict(zip(anchors, d.previous, strict=True))
    pct = dict(zip(anchors, d.pct_change, strict=True))
    rot = None
    parts = [pct[a] for a in (*short, *long)]
    if all(p is not None for p in parts):
        s = [pct[a] for a in short]
        lg = [pct[a] for a in long]
        rot = float(np.mean(s)) - float(np.mean(lg))  # type: ignore[arg-type]
    return AnchorShift(
        cur,
        prev,
        pct,
        rot,
        sum(v is not None for v in cur.values()),
        sum(v is not None for v in prev.values()),
    )


__all__ = [
    "HR_ANCHORS",
    "HR_LONG",
    "HR_SHORT",
    "MIN_VALID_ANCHORS",
    "POWER_ANCHORS",
    "POWER_LONG",
    "POWER_SHORT",
    "AnchorShift",
    "anchor_shift",
    "value_at",
]
