"""One athlete's month and season: the PMC series from wellness (the API's CTL and ATL, form = CTL - ATL as
Intervals.icu shows it, and the day's load), the projection ahead with the planned calendar, weekly volume
by sport, the detected training phase with its reasons and the suggested transition
(``analytics.phase_transition``), and races marked. Pure over a fetched ``Snapshot`` (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from icucoach.analytics.days import week_start as training_week_start
from icucoach.analytics.phase_transition import suggest_transition
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.week_compliance import ALL, done_volume
from icucoach.insights.snapshot import Snapshot

Json = dict[str, Any]
RACES = ("RACE_A", "RACE_B", "RACE_C")


def _r(x: Any, nd: int = 1) -> float | None:
    return None if x is None else round(float(x), nd)


@dataclass(frozen=True)
class PmcPoint:
    day: date
    ctl: float | None
    atl: float | None
    tsb: float | None  # form = CTL - ATL, as Intervals.icu shows it
    load: float | None  # the day's training load; planned load for projected days

    def to_dict(self) -> Json:
        return {
            "date": self.day.isoformat(),
            "ctl": _r(self.ctl),
            "atl": _r(self.atl),
            "tsb": _r(self.tsb),
            "load": _r(self.load),
        }


@dataclass(frozen=True)
class WeekVolume:
    week_start: date
    by_sport: dict[str, Json]  # family -> {"duration_s", "distance_m", "load", "sessions", "withheld"}
    total: Json

    def to_dict(self) -> Json:
        return {"week_start": self.week_start.isoformat(), "by_sport": self.by_sport, "total": self.total}


@dataclass(frozen=True)
class SeasonView:
    athlete_id: str
    name: str | None
    today: date
    start: date
    pmc: tuple[PmcPoint, ...]
    weekly: tuple[WeekVolume, ...]
    phase: str | None
    phase_confidence: str | None
    phase_reasons: tuple[str, ...]
    suggested_transition: str | None
    races: tuple[Json, ...]  # {"date", "name", "category", "sport", "done": bool | None, "days_to"}
    transition_why: str | None = None
    projection: tuple[PmcPoint, ...] = field(default=())  # from tomorrow, with the planned calendar

    def to_dict(self) -> Json:
        return {
            "athlete_id": self.athlete_id,
            "name": self.name,
            "today": self.today.isoformat(),
            "start": self.start.isoformat(),
            "pmc": [p.to_dict() for p in self.pmc],
            "projection": [p.to_dict() for p in self.projection],
            "weekly": [w.to_dict() for w in self.weekly],
            "phase": {
                "phase": self.phase,
                "confidence": self.phase_confidence,
                "reasons": list(self.phase_reasons),
                "suggested_transition": self.suggested_transition,
                "transition_why": self.transition_why,
            },
            "races": list(self.races),
        }

    def chart_series(self, *, with_projection: bool = False) -> PmcSeries | None:
        """What ``coach.charts.pmc_chart`` / ``pmc_png`` draw: the days' CTL, ATL, TSB and load (the API's,
        then the projection when asked) and the races inside them; None without a day."""
        points = [*self.pmc, *(self.projection if with_projection else ())]
        if not points:
            return None
        first, last = points[0].day, points[-1].day
        races = []
        for r in self.races:
            day = date.fromisoformat(str(r["date"])[:10])
            if first <= day <= last:
                races.append((day, str(r.get("name") or r.get("category") or "race")))
        return PmcSeries(
            (
                [p.day for p in points],
                [p.ctl for p in points],
                [p.atl for p in points],
                [p.tsb for p in points],
                [p.load for p in points],
            ),
            races,
        )


class PmcSeries(NamedTuple):
    series: tuple[list[date], list[float | None], list[float | None], list[float | None], list[float | None]]
    races: list[tuple[date, str]]


def _day_loads(snap: Snapshot) -> dict[str, float]:
    out: dict[str, float] = {}
    for a in snap.activities:
        load = a.get("icu_training_load")
        if load is not None:
            day = str(a.get("start_date_local") or "")[:10]
            out[day] = out.get(day, 0.0) + float(load)
    return out


def weeks_held(snap: Snapshot, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> int:
    """How many training weeks (the current one included) the snapshot's history holds."""
    this_week = training_week_start(snap.today, settings.week_start)
    return max(1, (this_week - snap.oldest).days // 7 + 1)


def athlete_season(
    snap: Snapshot, weeks: int = 16, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> SeasonView:
    """The last ``weeks`` training weeks (the current one included) plus the races and projection ahead."""
    start = training_week_start(snap.today, settings.week_start) - timedelta(days=7 * (weeks - 1))
    if start < snap.oldest:
        raise ValueError(f"{weeks} weeks start on {start}, before the snapshot's first day {snap.oldest}")
    status = snap.status(settings)
    well = {str(w.get("id")): w for w in snap.wellness}
    loads = _day_loads(snap)
    pmc = []
    for i in range((snap.today - start).days + 1):
        iso = (start + timedelta(days=i)).isoformat()
        w = well.get(iso, {})
        ctl, atl = w.get("ctl"), w.get("atl")
        # A day's load: the activities' loads; a Strava stub hides its load, wellness still counts it.
        load = loads.get(iso)
        if load is None and w.get("ctlLoad") is not None:
            load = w.get("ctlLoad")
        pmc.append(
            PmcPoint(
                start + timedelta(days=i), ctl, atl, None if ctl is None or atl is None else ctl - atl, load
            )
        )
    weekly = []
    for k in range(weeks):
        ws = start + timedelta(days=7 * k)
        lo, hi = ws.isoformat(), (ws + timedelta(days=6)).isoformat()
        vols = done_volume(
            a for a in snap.activities if lo <= str(a.get("start_date_local") or "")[:10] <= hi
        )
        weekly.append(
            WeekVolume(
                ws,
                {f: v.to_dict() for f, v in vols.items() if f != ALL},
                vols[ALL].to_dict(),
            )
        )
    acts_by_day: dict[str, list[Json]] = {}
    for a in snap.activities:
        acts_by_day.setdefault(str(a.get("start_date_local") or "")[:10], []).append(a)
    races: list[Json] = []
    for e in snap.events:
        if e.get("category") not in RACES:
            continue
        day = str(e.get("start_date_local") or "")[:10]
        if day < start.isoformat():
            continue
        d = date.fromisoformat(day)
        races.append(
            {
                "date": day,
                "name": e.get("name"),
                "category": e.get("category"),
                "sport": e.get("type"),
                "days_to": (d - snap.today).days,
                "done": bool(acts_by_day.get(day)) if d < snap.today else None,
            }
        )
    a_race = next((r for r in races if r["category"] == "RACE_A" and r["days_to"] >= 0), None)
    tr = suggest_transition(
        status.phase.phase,
        None if a_race is None else a_race["days_to"],
        status.phase.weeks,
        settings,
        unwell=bool(status.health.current),
    )
    projection = tuple(
        PmcPoint(p.day, p.ctl, p.atl, p.form, p.planned_load) for p in status.projection if p.day > snap.today
    )
    return SeasonView(
        athlete_id=snap.athlete_id,
        name=snap.athlete.get("name"),
        today=snap.today,
        start=start,
        pmc=tuple(pmc),
        weekly=tuple(weekly),
        phase=status.phase.phase,
        phase_confidence=status.phase.confidence,
        phase_reasons=status.phase.reasons,
        suggested_transition=tr.to,
        races=tuple(races),
        transition_why=tr.why,
        projection=projection,
    )
