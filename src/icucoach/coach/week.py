"""One athlete's week: planned vs done per day and for the week (duration, distance and load per sport),
planned vs done time in zones, missed sessions, compliance, comments and notes, compared with the previous
week and with the 4-week average. Pure over a fetched ``Snapshot`` (no I/O); the arithmetic lives in
``analytics.week_compliance``, the chips in ``analytics.chips``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.chips import Chip, session_chips
from icucoach.analytics.days import week_start as training_week_start
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.week_compliance import (
    Compliance,
    Volume,
    ZoneTimes,
    compliance,
    done_volume,
    mean_volume,
    planned_volume,
    zone_times,
)
from icucoach.coach.cache import SQUAD_WINDOW
from icucoach.insights.snapshot import Snapshot

Json = dict[str, Any]
AVG_WEEKS = 4

__all__ = ["Volume", "WeekDay", "WeekOutOfRange", "WeekView", "ZoneTimes", "athlete_week", "week_range"]


class WeekOutOfRange(ValueError):
    """A week the snapshot cannot show; ``first`` and ``last`` are the first days of the weeks it can."""

    def __init__(self, week: date, first: date, last: date) -> None:
        super().__init__(
            f"the week of {week} is outside the weeks this snapshot shows ({first} to {last});"
            " older weeks need a longer window"
        )
        self.week, self.first, self.last = week, first, last


def week_range(
    snap: Snapshot, settings: AnalyticsSettings = DEFAULT_SETTINGS, ahead_days: int = SQUAD_WINDOW.ahead_days
) -> tuple[date, date]:
    """The first days of the oldest and newest training weeks the snapshot can show: the oldest needs the
    4 weeks before it (the average), the newest is the last the calendar reaches (``ahead_days``)."""
    first = training_week_start(snap.oldest + timedelta(days=7 * AVG_WEEKS + 6), settings.week_start)
    last = training_week_start(snap.today + timedelta(days=ahead_days), settings.week_start)
    return first, max(first, last)


def _vols(v: Mapping[str, Volume]) -> Json:
    return {k: x.to_dict() for k, x in v.items()}


@dataclass(frozen=True)
class WeekDay:
    day: date
    planned: dict[str, Volume]  # per sport family, and "all"
    done: dict[str, Volume]
    chips: tuple[Chip, ...]
    notes: tuple[
        Json, ...
    ] = ()  # {"kind": "note" | "activity_description" | "wellness_comment", "text", ...}

    def to_dict(self) -> Json:
        return {
            "date": self.day.isoformat(),
            "planned": _vols(self.planned),
            "done": _vols(self.done),
            "chips": [c.to_dict() for c in self.chips],
            "notes": list(self.notes),
        }


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
    compliance_pct: float | None  # plans done (as planned, changed, no data, raced) / plans due, sick excused
    on_plan_pct: float | None  # plans done as planned / plans due whose metrics are known
    previous_week: dict[str, Volume] = field(default_factory=dict)  # done, per family and "all"
    avg_4w: dict[str, Volume] = field(default_factory=dict)  # done, mean of the 4 weeks before this one
    compliance: Compliance | None = None

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    def to_dict(self) -> Json:
        return {
            "athlete_id": self.athlete_id,
            "name": self.name,
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "today": self.today.isoformat(),
            "planned": _vols(self.planned),
            "done": _vols(self.done),
            "zones": {k: z.to_dict() for k, z in self.zones.items()},
            "missed": [c.to_dict() for c in self.missed],
            "compliance_pct": None if self.compliance_pct is None else round(self.compliance_pct, 1),
            "on_plan_pct": None if self.on_plan_pct is None else round(self.on_plan_pct, 1),
            "compliance": None if self.compliance is None else self.compliance.to_dict(),
            "previous_week": _vols(self.previous_week),
            "avg_4w": _vols(self.avg_4w),
            "days": [d.to_dict() for d in self.days],
        }


def _on(records: list[Json], key: str, first: date, last: date) -> list[Json]:
    lo, hi = first.isoformat(), last.isoformat()
    return [r for r in records if lo <= str(r.get(key) or "")[:10] <= hi]


def _notes(snap: Snapshot, day: date) -> tuple[Json, ...]:
    """The day's words: calendar NOTE events, activity descriptions and the wellness comment."""
    out: list[Json] = []
    for e in _on(snap.events, "start_date_local", day, day):
        if e.get("category") == "NOTE":
            out.append(
                {"kind": "note", "id": e.get("id"), "title": e.get("name"), "text": e.get("description")}
            )
    for a in _on(snap.activities, "start_date_local", day, day):
        if a.get("description"):
            out.append(
                {
                    "kind": "activity_description",
                    "activity_id": a.get("id"),
                    "title": a.get("name"),
                    "text": a.get("description"),
                }
            )
    for w in _on(snap.wellness, "id", day, day):
        if w.get("comments"):
            out.append({"kind": "wellness_comment", "title": None, "text": w.get("comments")})
    return tuple(out)


def athlete_week(
    snap: Snapshot, week_start: date | None = None, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> WeekView:
    """The training week holding ``week_start`` (default: the athlete's today). It must be within
    ``week_range`` (the snapshot holds the 4 weeks before it), else ``WeekOutOfRange``."""
    # any day names its training week: a Wednesday gave a Wednesday-to-Tuesday "week"
    ws = training_week_start(week_start or snap.today, settings.week_start)
    we = ws + timedelta(days=6)
    first, last = week_range(snap, settings)
    if not first <= ws <= last:
        raise WeekOutOfRange(ws, first, last)
    events = _on(snap.events, "start_date_local", ws, we)
    acts = _on(snap.activities, "start_date_local", ws, we)
    chips = session_chips(
        snap.events,
        acts,
        ws,
        we,
        snap.today,
        snap.sport_settings,
        None,
        settings,
        snap.timezone,
    )
    days = []
    for i in range(7):
        d = ws + timedelta(days=i)
        days.append(
            WeekDay(
                d,
                planned_volume(_on(events, "start_date_local", d, d)),
                done_volume(_on(acts, "start_date_local", d, d)),
                tuple(c for c in chips if c.day == d),
                _notes(snap, d),
            )
        )
    before = [
        done_volume(
            _on(
                snap.activities,
                "start_date_local",
                ws - timedelta(days=7 * k),
                ws - timedelta(days=7 * k - 6),
            )
        )
        for k in range(1, AVG_WEEKS + 1)
    ]
    comp = compliance(chips)
    return WeekView(
        athlete_id=snap.athlete_id,
        name=snap.athlete.get("name"),
        week_start=ws,
        today=snap.today,
        days=tuple(days),
        planned=planned_volume(events),
        done=done_volume(acts),
        zones=zone_times(events, acts, snap.sport_settings),
        missed=tuple(c for c in chips if c.kind == "missed"),
        compliance_pct=comp.compliance_pct,
        on_plan_pct=comp.on_plan_pct,
        previous_week=before[0],
        avg_4w=mean_volume(before),
        compliance=comp,
    )
