"""One athlete's week: planned vs done per day and for the week (duration, distance and load per sport),
planned vs done time in zones, missed sessions, compliance, comments and notes, compared with the previous
week and with the 4-week average. Pure over a fetched ``Snapshot`` (no I/O); the arithmetic lives in
``analytics.week_compliance``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from icucoach.analytics.chips import Chip
from icucoach.insights.snapshot import Snapshot

Json = dict[str, Any]


@dataclass(frozen=True)
class Volume:
    """Duration, distance and load of a set of sessions; ``None`` where nothing could be known."""

    duration_s: float | None = None
    distance_m: float | None = None
    load: float | None = None
    sessions: int = 0

    def to_dict(self) -> Json:
        return {
            "duration_s": self.duration_s,
            "distance_m": self.distance_m,
            "load": self.load,
            "sessions": self.sessions,
        }


@dataclass(frozen=True)
class ZoneTimes:
    """Seconds per zone (Z1 first) on one basis, planned (from ``workout_doc``) and done (the activity's
    zone times)."""

    basis: str | None  # power / hr / pace
    planned_s: tuple[int, ...] = ()
    done_s: tuple[int, ...] = ()
    planned_unassigned_s: int = 0

    def to_dict(self) -> Json:
        return {
            "basis": self.basis,
            "planned_s": list(self.planned_s),
            "done_s": list(self.done_s),
            "planned_unassigned_s": self.planned_unassigned_s,
        }


@dataclass(frozen=True)
class WeekDay:
    day: date
    planned: dict[str, Volume]  # per sport family
    done: dict[str, Volume]
    chips: tuple[Chip, ...]
    notes: tuple[
        Json, ...
    ] = ()  # {"kind": "note" | "activity_description" | "wellness_comment", "text", ...}

    def to_dict(self) -> Json:
        raise NotImplementedError


@dataclass(frozen=True)
class WeekView:
    athlete_id: str
    name: str | None
    week_start: date
    today: date
    days: tuple[WeekDay, ...]
    planned: dict[str, Volume]  # per sport family, and "all"
    done: dict[str, Volume]
    zones: dict[str, ZoneTimes]  # per sport family
    missed: tuple[Chip, ...]
    compliance_pct: float | None  # judged plans done (done + done_unverified + changed) / judged plans
    on_plan_pct: float | None  # plans done as planned / judged plans
    previous_week: dict[str, Volume] = field(default_factory=dict)
    avg_4w: dict[str, Volume] = field(default_factory=dict)  # the 4 weeks before this one, per week

    def to_dict(self) -> Json:
        raise NotImplementedError


def athlete_week(snap: Snapshot, week_start: date | None = None) -> WeekView:
    """The week starting ``week_start`` (default: the Monday of the athlete's today)."""
    raise NotImplementedError
