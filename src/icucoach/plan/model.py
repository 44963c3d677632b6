"""The plan builder's data: what is asked (goals, availability, budget, rules), who it is for (the athlete's
fitness and thresholds) and what comes out (sessions, weeks, the projected fitness).

All frozen dataclasses with ``to_dict()``; dates are the athlete's local dates; loads are Intervals.icu
training load (what the server computes for the workout text), minutes are whole minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PRIORITIES = ("A", "B", "C")
INTENSITIES = ("easy", "moderate", "hard")
DISTRIBUTIONS = ("polarised", "pyramidal")
WEEK_KINDS = ("build", "recovery", "taper", "race")
EXTERNAL_ID_PREFIX = "icucoach-plan:"


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


@dataclass(frozen=True)
class Goal:
    """A race the plan aims at (A) or passes through (B, C)."""

    date: date
    priority: str  # "A" / "B" / "C"
    name: str | None = None

    def __post_init__(self) -> None:
        if self.priority not in PRIORITIES:
            raise ValueError(f"race priority {self.priority!r} is not one of A, B, C")

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "priority": self.priority, "name": self.name}


@dataclass(frozen=True)
class Availability:
    """Minutes the athlete can train per weekday (0 = Monday); a day absent or at 0 is a rest day."""

    days: dict[int, int]
    long_day: int | None = None

    def minutes(self, weekday: int) -> int:
        return max(0, int(self.days.get(weekday, 0)))

    def to_dict(self) -> dict[str, Any]:
        return {"days": {str(k): v for k, v in sorted(self.days.items())}, "long_day": self.long_day}


@dataclass(frozen=True)
class Recurrence:
    """One rule for every week: "long run every Sunday" (session) or "rest on Mondays" (rest)."""

    id: str
    weekday: int
    kind: str  # "rest" | "session"
    template: str | None = None
    minutes: int | None = None
    sport: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "weekday": self.weekday,
            "kind": self.kind,
            "template": self.template,
            "minutes": self.minutes,
            "sport": self.sport,
        }


@dataclass(frozen=True)
class PlanRequest:
    start: date
    goals: tuple[Goal, ...]
    weekly_hours: float | None
    weekly_load: float | None
    availability: Availability
    sports: dict[str, float]  # sport -> share of time, e.g. {"Ride": 0.7, "Run": 0.3}
    distribution: str = "polarised"  # or "pyramidal"
    recurrences: tuple[Recurrence, ...] = ()
    weeks: int | None = None  # None = up to the A race
    acwr_band: tuple[float, float] = (0.8, 1.3)
    max_monotony: float = 2.0
    allow_back_to_back_hard: bool = False

    def a_race(self) -> Goal | None:
        """The first A race on or after the start (the block's goal), else None."""
        a = sorted(
            (g for g in self.goals if g.priority == "A" and g.date >= self.start), key=lambda g: g.date
        )
        return a[0] if a else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "goals": [g.to_dict() for g in self.goals],
            "weekly_hours": self.weekly_hours,
            "weekly_load": self.weekly_load,
            "availability": self.availability.to_dict(),
            "sports": dict(self.sports),
            "distribution": self.distribution,
            "recurrences": [r.to_dict() for r in self.recurrences],
            "weeks": self.weeks,
            "acwr_band": list(self.acwr_band),
            "max_monotony": self.max_monotony,
            "allow_back_to_back_hard": self.allow_back_to_back_hard,
        }


@dataclass(frozen=True)
class AthleteState:
    """The athlete at plan time: end-of-day CTL/ATL of ``today`` and the API's sportSettings."""

    today: date
    ctl: float
    atl: float
    sport_settings: tuple[Mapping[str, Any], ...]
    recent_daily_load: tuple[float, ...] = ()  # last 28 days, oldest first, ``today`` last
    phase: str | None = None
    compliance_pct: float | None = None

    def settings_for(self, sport: str) -> dict[str, Any] | None:
        """The sportSettings entry whose ``types`` include ``sport`` (None when the athlete has none)."""
        for ss in self.sport_settings:
            types = ss.get("types") or []
            if sport in types:
                return dict(ss)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "ctl": self.ctl,
            "atl": self.atl,
            "sport_settings": [dict(s) for s in self.sport_settings],
            "recent_daily_load": list(self.recent_daily_load),
            "phase": self.phase,
            "compliance_pct": self.compliance_pct,
        }


@dataclass(frozen=True)
class PlannedSession:
    day: date
    sport: str
    template: str
    name: str
    minutes: int
    load: float
    intensity: str  # easy / moderate / hard
    workout_text: str
    workout_doc: Mapping[str, Any]
    external_id: str  # f"icucoach-plan:{day}:{slot}", stable so re-planning upserts
    key: bool = False
    recurrence_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "sport": self.sport,
            "template": self.template,
            "name": self.name,
            "minutes": self.minutes,
            "load": self.load,
            "intensity": self.intensity,
            "workout_text": self.workout_text,
            "workout_doc": dict(self.workout_doc),
            "external_id": self.external_id,
            "key": self.key,
            "recurrence_id": self.recurrence_id,
        }


@dataclass(frozen=True)
class PlanWeek:
    start: date
    kind: str  # build / recovery / taper / race
    target_load: float
    sessions: tuple[PlannedSession, ...]
    hours: float
    load: float
    monotony: float | None
    acwr_end: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "kind": self.kind,
            "target_load": round(self.target_load, 1),
            "sessions": [s.to_dict() for s in self.sessions],
            "hours": round(self.hours, 2),
            "load": round(self.load, 1),
            "monotony": None if self.monotony is None else round(self.monotony, 3),
            "acwr_end": None if self.acwr_end is None else round(self.acwr_end, 3),
        }


@dataclass(frozen=True)
class DayLoads:
    """Planned load per consecutive day from ``start`` (rest days 0)."""

    start: date
    loads: tuple[float, ...]


@dataclass(frozen=True)
class Projection:
    day: date
    ctl: float
    atl: float
    tsb: float
    load: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "ctl": round(self.ctl, 2),
            "atl": round(self.atl, 2),
            "tsb": round(self.tsb, 2),
            "load": round(self.load, 1),
        }


@dataclass(frozen=True)
class Plan:
    request: PlanRequest
    weeks: tuple[PlanWeek, ...]
    projection: tuple[Projection, ...]
    race_day_form: dict[str, float] | None  # {"ctl", "atl", "tsb"} on the A race day
    warnings: tuple[str, ...] = field(default=())

    def sessions(self) -> list[PlannedSession]:
        return [s for w in self.weeks for s in w.sessions]

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request.to_dict(),
            "weeks": [w.to_dict() for w in self.weeks],
            "projection": [p.to_dict() for p in self.projection],
            "race_day_form": self.race_day_form,
            "warnings": list(self.warnings),
        }
