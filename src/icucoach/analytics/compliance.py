"""Plan compliance: planned vs done per day and per week, pairing planned workouts with activities.

Pairing: an explicit ``paired_activity_id`` / ``paired_event_id`` first, then the same local day and sport
family (closest duration), then a Strava stub of the same day (stubs carry no sport: done, metrics unknown).
One activity pairs with at most one plan. Status per planned item: completed (>= 80 % of the planned load, or
of the time
when no load is planned), partial (>= 50 %), incomplete (less), missed, or pending (today or
later); activities without a plan are "unplanned".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from icucoach.analytics.days import week_start
from icucoach.analytics.inputs import ActivityInput, PlannedInput
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


@dataclass(frozen=True)
class Pair:
    day: date
    planned: PlannedInput | None
    done: ActivityInput | None
    status: str  # completed / partial / missed / unplanned / pending

    def to_dict(self) -> dict:
        p, d = self.planned, self.done
        return {
            "date": self.day.isoformat(),
            "status": self.status,
            "planned": None
            if p is None
            else {
                "id": p.id,
                "name": p.name,
                "sport": p.sport,
                "load": p.load,
                "moving_time_s": p.moving_time,
            },
            "done": None
            if d is None
            else {
                "id": d.id,
                "sport": d.sport,
                "load": d.load,
                "moving_time_s": d.moving_time,
                "strava_stub": d.is_stub,
            },
        }


def _status(p: PlannedInput, a: ActivityInput, s: AnalyticsSettings) -> str:
    if a.is_stub:
        return "completed"  # done, metrics unknown: never judged as zero effort
    if p.load and a.load is not None:
        r = a.load / p.load
    elif p.moving_time and a.duration:
        r = a.duration / p.moving_time
    else:
        return "completed"
    if r >= s.compliance_done_frac:
        return "completed"
    return "partial" if r >= s.compliance_partial_frac else "incomplete"


def pair(
    planned: Sequence[PlannedInput],
    done: Sequence[ActivityInput],
    start: date,
    end: date,
    today: date,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> list[Pair]:
    s = settings
    plans = sorted(
        (p for p in planned if p.category == "WORKOUT" and start <= p.day <= end), key=lambda p: p.day
    )
    acts = [a for a in done if start <= a.day <= end]
    by_id = {a.id: a for a in acts}
    used: set[str] = set()
    out: list[Pair] = []
    matched: dict[str, ActivityInput] = {}
    for p in plans:  # explicit links first
        a = by_id.get(p.paired_activity_id or "") or next(
            (x for x in acts if x.paired_event_id == p.id), None
        )
        if a is not None and a.id not in used:
            matched[p.id] = a
            used.add(a.id)
    for p in plans:
        if p.id in matched:
            continue
        cands = [a for a in acts if a.id not in used and a.day == p.day and a.family == p.family]
        if not cands:  # a Strava stub has no sport: it can only be known to be a session on that day
            cands = [a for a in acts if a.id not in used and a.day == p.day and a.is_stub]
        if cands:
            a = min(cands, key=lambda x: abs((x.duration or 0) - (p.moving_time or 0)))
            matched[p.id] = a
            used.add(a.id)
    for p in plans:
        a = matched.get(p.id)
        if a is not None:
            out.append(Pair(p.day, p, a, _status(p, a, s)))
        else:
            out.append(Pair(p.day, p, None, "pending" if p.day >= today else "missed"))
    out.extend(Pair(a.day, None, a, "unplanned") for a in acts if a.id not in used)
    out.sort(key=lambda x: (x.day, x.planned is None))
    return out


@dataclass(frozen=True)
class WeekCompliance:
    week_start: date
    planned_sessions: int
    completed_sessions: int
    partial_sessions: int
    missed_sessions: int
    unplanned_sessions: int
    planned_load: float
    done_load: float
    load_pct: float | None
    pairs: tuple[Pair, ...]

    def to_dict(self) -> dict:
        return {
            "week_start": self.week_start.isoformat(),
            "planned_sessions": self.planned_sessions,
            "completed": self.completed_sessions,
            "partial": self.partial_sessions,
            "missed": self.missed_sessions,
            "unplanned": self.unplanned_sessions,
            "planned_load": round(self.planned_load, 1),
            "done_load": round(self.done_load, 1),
            "load_pct": None if self.load_pct is None else round(self.load_pct, 1),
            "days": [p.to_dict() for p in self.pairs],
        }


def week_compliance(
    planned: Sequence[PlannedInput],
    done: Sequence[ActivityInput],
    any_day: date,
    today: date,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> WeekCompliance:
    """Compliance of the training week containing ``any_day``, judged up to ``today`` (later plans pending).

    The load percentage compares done load with planned load over days up to today only.
    """
    ws = week_start(any_day, settings.week_start)
    we = ws + timedelta(days=6)
    pairs = pair(planned, done, ws, we, today, settings)
    past = [p for p in pairs if p.day <= today]
    planned_load = sum((p.planned.load or 0.0) for p in past if p.planned is not None)
    done_load = sum((p.done.load or 0.0) for p in past if p.done is not None and p.planned is not None)

    def count(st: str) -> int:
        return sum(1 for p in pairs if p.status == st)

    return WeekCompliance(
        ws,
        sum(1 for p in pairs if p.planned is not None),
        count("completed"),
        count("partial"),
        count("missed"),
        count("unplanned"),
        planned_load,
        done_load,
        100.0 * done_load / planned_load if planned_load > 0 else None,
        tuple(pairs),
    )
