"""Weekly stress tolerance and load-recovery ratio (Section 11 §4.4), from the 7-day load and the Recovery
Index.

* ``stress_tolerance = weekly load / 100``. Section 11 writes it as ``(strain / monotony) / 100``; since
  strain = weekly load x monotony that is the same number, but theirs is undefined whenever monotony is
  (a rest week, or a week of identical days), ours only when there is no load history at all.
* ``load_recovery_ratio = weekly load / (RI x 100)``: Section 11's code formula (its prose omits the x100 and
  quotes a < 2.5 band that the code's scale cannot meet; we keep the code's scale so values are comparable
  and quote no band). None without a Recovery Index.
"""

from __future__ import annotations


def stress_tolerance(load_7d: float | None) -> float | None:
    if load_7d is None:
        return None
    return round(load_7d / 100.0, 1)


def load_recovery_ratio(load_7d: float | None, recovery_index: float | None) -> float | None:
    if load_7d is None or not recovery_index or recovery_index <= 0:
        return None
    return round(load_7d / (recovery_index * 100.0), 1)


__all__ = ["load_recovery_ratio", "stress_tolerance"]
