"""Foster (1998) training monotony and strain over the last 7 days, total and per sport (metrics.md §3).

monotony = mean(daily load) / SD(daily load), rest days counted as 0; strain = weekly load x monotony.
SD is the *sample* SD (``ddof=1``) by default, as Section 11 (``statistics.stdev``) and spreadsheet practice:
the paper does not say which, and the drop-in keeps Section 11's values (``monotony_ddof=0`` gives the
population SD, 8 % higher on a 7-day week: sqrt(7/6)). A week
with SD 0 (constant or all-rest) has no defined monotony: None with the reason, never infinity or a cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


@dataclass(frozen=True)
class Monotony:
    monotony: Metric
    strain: Metric
    weekly_load: float

    def to_dict(self) -> dict:
        return {
            "monotony": self.monotony.to_dict(),
            "strain": self.strain.to_dict(),
            "weekly_load": round(self.weekly_load, 2),
        }


def monotony(
    week: Sequence[float] | np.ndarray,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    min_active_days: int = 0,
    **prov,
) -> Monotony:
    """Monotony and strain of the given days (normally the last 7, today included)."""
    s = settings
    x = np.asarray(week, dtype=float)
    total = float(np.sum(x))
    base = {"days": len(x), "sd": "population" if s.monotony_ddof == 0 else "sample", **prov}
    reason = None
    if len(x) < s.monotony_days:
        reason = f"needs {s.monotony_days} days, have {len(x)}"
    elif total <= 0:
        reason = "no load in the window"
    elif int(np.count_nonzero(x > 0)) < min_active_days:
        reason = f"fewer than {min_active_days} days with load"
    sd = float(np.std(x, ddof=s.monotony_ddof)) if len(x) > s.monotony_ddof else 0.0
    # Float noise makes the SD of a constant week ~1e-15 instead of 0: treat a relative 1e-9 as zero.
    if reason is None and sd <= 1e-9 * max(1.0, abs(float(np.mean(x)))):
        reason = "daily load is constant (SD 0): monotony undefined"
    if reason is not None:
        none_m = Metric.none("monotony", reason, "ratio", **base)
        return Monotony(none_m, Metric.none("strain", reason, "load", **base), total)
    mono = float(np.mean(x)) / sd
    status = "red" if mono >= s.monotony_red else "amber" if mono >= s.monotony_amber else "ok"
    strain = total * mono
    return Monotony(
        Metric.of("monotony", mono, "ratio", status=status, mean=float(np.mean(x)), sd_value=sd, **base),
        Metric.of(
            "strain",
            strain,
            "load",
            status="red" if strain >= s.strain_red else "ok",
            weekly_load=total,
            **base,
        ),
        total,
    )


def effective_monotony(
    total: float | None,
    primary: float | None,
    multi_sport: bool,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> tuple[float | None, str | None]:
    """The monotony to judge (Section 11 §4.3) and its reading.

    With several sports, alternating them makes the *total* daily load vary less than any one sport's, so
    the primary sport's monotony is the one that says whether training is repetitive; otherwise the total.
    Reading: ``"elevated"`` at or above ``monotony_amber`` (Foster's 2.0), else ``"normal"``.
    """
    value = primary if multi_sport and primary is not None else total
    if value is None:
        return None, None
    label = "elevated" if value >= settings.monotony_amber else "normal"
    if multi_sport and primary is not None and total is not None and primary < total:
        label += f" (primary sport {primary:.2f}; total {total:.2f} raised by mixing sports)"
    return value, label
