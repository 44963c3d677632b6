"""Consistency index: the share of days with a planned workout on which the athlete trained (Section 11
§4.17), over a fixed 7-day window ending today.

Days, not sessions, are matched (several workouts may be planned on one day, and a swapped session still
counts as showing up). Section 11 takes the window from its ``--days`` display range (``section11.md`` §7
item 1); ours is always the last 7 local days, today included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Consistency:
    value: float | None  # matched / planned days, None when nothing was planned
    planned_dates: tuple[date, ...]
    completed_dates: tuple[date, ...]

    @property
    def matched_dates(self) -> tuple[date, ...]:
        done = set(self.completed_dates)
        return tuple(d for d in self.planned_dates if d in done)

    def details(self) -> dict:
        """Section 11's ``consistency_details`` shape (ISO dates, ascending)."""
        out: dict = {
            "planned_days": len(self.planned_dates),
            "completed_days": len(self.completed_dates),
            "matched_days": len(self.matched_dates),
            "planned_dates": [d.isoformat() for d in self.planned_dates],
            "completed_dates": [d.isoformat() for d in self.completed_dates],
        }
        if not self.planned_dates:
            out["note"] = "no planned workouts in the window"
        return out


def consistency_index(
    planned_days: Iterable[date], completed_days: Iterable[date], start: date, end: date
) -> Consistency:
    """Days in ``[start, end]`` with a planned workout, and how many of them had any activity."""
    planned = tuple(sorted({d for d in planned_days if start <= d <= end}))
    done = tuple(sorted({d for d in completed_days if start <= d <= end}))
    if not planned:
        return Consistency(None, planned, done)
    hit = len(set(planned) & set(done))
    return Consistency(round(hit / len(planned), 2), planned, done)


__all__ = ["Consistency", "consistency_index"]
