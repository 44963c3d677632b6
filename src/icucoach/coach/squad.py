"""The coach's squad: who the viewer may read (``roster_sources``), every athlete's snapshot fetched with
bounded concurrency through the per-process ``SquadCache`` (``coach.cache``: a reload asks only what
changed), and the squad landing view (``SquadView``: one ``SquadRow`` per athlete, sorted by
``analytics.triage.order_squad``) with its activity feed.

Every number comes from ``icucoach.analytics`` through ``insights.Snapshot``; this module only fetches,
caches and arranges. An athlete that fails to load is a row with ``error`` set, never a crashed squad.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icucoach.analytics.chips import Chip
from icucoach.analytics.inputs import from_api_event
from icucoach.analytics.load import fitness_zone
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.status import TrainingStatus
from icucoach.analytics.triage import AthleteTriage, order_squad
from icucoach.coach.cache import SQUAD_WINDOW, SquadCache
from icucoach.insights.snapshot import Snapshot, SnapshotSource, fetch_snapshot
from icucoach.intervals import IntervalsClient

Json = dict[str, Any]

# Triage reasons that are wellness alarms on the squad row (the rest are load and compliance reasons).
ALARM_CODES = ("sick", "injured", "hrv_low", "rhr_up", "sleep_poor", "sore")
CTL_SERIES_DAYS = 42


@dataclass(frozen=True)
class AthleteSource:
    """One athlete the viewer may read, with the client that reads them."""

    athlete_id: str
    name: str | None
    client: SnapshotSource
    access: str = "READ"  # READ / WRITE / OWNER


async def roster_sources(client: IntervalsClient) -> list[AthleteSource]:
    """The API key owner's shared athletes (``GET /athletes``), the owner excluded, in name order."""
    owner, listed = await asyncio.gather(client.get_athlete(0), client.list_athletes())
    rows = [a for a in listed if str(a.id) != str(owner.id)]
    rows.sort(key=lambda a: (str(a.name or ""), str(a.id)))
    return [AthleteSource(str(a.id), a.name, client, (a.icu_permission or "READ").upper()) for a in rows]


@dataclass(frozen=True)
class Alarm:
    """A wellness alarm on the squad row (HRV below range, resting HR up, sick/injured, poor sleep)."""

    code: str  # hrv_low / rhr_up / sick / injured / sleep_poor / sore
    severity: str  # alarm / warning
    sentence: str

    def to_dict(self) -> Json:
        return {"code": self.code, "severity": self.severity, "sentence": self.sentence}


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(float(x), nd)


@dataclass(frozen=True)
class SquadRow:
    athlete_id: str
    name: str | None
    readiness: str | None = None  # go / modify / skip
    readiness_why: str | None = None
    form_zone: str | None = None
    ctl: float | None = None  # the API's CTL (wellness), load/day
    ctl_trend_4w: float | None = None  # CTL today minus CTL 28 days ago
    acwr: float | None = None  # coupled 7:28
    form: float | None = None  # TSB = CTL - ATL
    atl: float | None = None
    chips: tuple[Chip, ...] = ()  # the last 7 days, today included
    alarms: tuple[Alarm, ...] = ()
    next_key_session: Json | None = None  # {"date", "name", "sport", "load", "duration_s", "intensity_pct"}
    next_race: Json | None = None  # {"date", "name", "category", "sport", "days_to"}
    triage: AthleteTriage | None = None
    ctl_series: tuple[tuple[date, float | None], ...] = ()  # the last 42 days, for a sparkline
    error: str | None = None  # the athlete could not be loaded: shown, never crashes the squad

    def to_dict(self) -> Json:
        return {
            "athlete_id": self.athlete_id,
            "name": self.name,
            "error": self.error,
            "readiness": self.readiness,
            "readiness_why": self.readiness_why,
            "form_zone": self.form_zone,
            "ctl": _r(self.ctl),
            "atl": _r(self.atl),
            "form": _r(self.form),
            "ctl_trend_4w": _r(self.ctl_trend_4w),
            "acwr": _r(self.acwr, 2),
            "chips": [c.to_dict() for c in self.chips],
            "alarms": [a.to_dict() for a in self.alarms],
            "next_key_session": self.next_key_session,
            "next_race": self.next_race,
            "triage": None if self.triage is None else self.triage.to_dict(),
            "ctl_series": [{"date": d.isoformat(), "ctl": _r(v)} for d, v in self.ctl_series],
        }


@dataclass(frozen=True)
class SquadView:
    today: date
    rows: tuple[SquadRow, ...]  # sorted by triage.order_squad, failed athletes last
    fetched_at: datetime
    upstream_requests: int
    snapshots: dict[str, Snapshot] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> Json:
        return {
            "date": self.today.isoformat(),
            "fetched_at": self.fetched_at.isoformat(),
            "upstream_requests": self.upstream_requests,
            "athletes": len(self.rows),
            "failed": sum(1 for r in self.rows if r.error is not None),
            "rows": [r.to_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class FeedItem:
    """One session of the activity feed: what was done (or missed) against its plan, with its chip."""

    athlete_id: str
    name: str | None
    day: date
    chip: Chip
    activity: Json | None  # {"id", "name", "type", "start_date_local", "moving_time_s", "distance_m", "load"}
    planned: Json | None  # {"id", "name", "type", "moving_time_s", "distance_m", "load"}

    def to_dict(self) -> Json:
        return {
            "athlete_id": self.athlete_id,
            "name": self.name,
            "date": self.day.isoformat(),
            "chip": self.chip.to_dict(),
            "activity": self.activity,
            "planned": self.planned,
        }


async def load_athlete(
    source: AthleteSource, *, today: date | None = None, cache: SquadCache | None = None
) -> Snapshot:
    """One athlete's snapshot over ``SQUAD_WINDOW`` (or the cache's window), from the cache when fresh."""
    if cache is None:
        return await fetch_snapshot(source.client, source.athlete_id, SQUAD_WINDOW, today=today)
    return await cache.snapshot(source.client, source.athlete_id, today)


def _error_text(exc: BaseException) -> str:
    """What the row says: the client error's summary (never a payload), else the exception's type."""
    summary = getattr(exc, "summary", None)
    return str(summary) if summary else f"could not load this athlete ({type(exc).__name__})"


async def load_squad(
    sources: Sequence[AthleteSource],
    *,
    today: date | None = None,
    concurrency: int = 4,
    cache: SquadCache | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> SquadView:
    """Every athlete's row, at most ``concurrency`` athletes in flight (each snapshot is 4 requests, so 4
    athletes keep the client's ~10 req/s bucket busy without queueing a burst)."""
    cache = cache if cache is not None else SquadCache(fresh_s=0.0)
    before = cache.upstream_requests
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(src: AthleteSource) -> tuple[SquadRow, Snapshot | None]:
        async with gate:
            try:
                snap = await load_athlete(src, today=today, cache=cache)
            except Exception as exc:  # one athlete's failure is their row's error, never the squad's
                return SquadRow(src.athlete_id, src.name, error=_error_text(exc)), None
        try:
            return squad_row(snap, src.name, settings), snap
        except Exception as exc:
            return SquadRow(src.athlete_id, src.name, error=_error_text(exc)), snap

    loaded = await asyncio.gather(*(one(s) for s in sources))
    good = {r.athlete_id: r for r, _ in loaded if r.triage is not None}
    order = [good[t.athlete_id] for t in order_squad([r.triage for r in good.values() if r.triage])]
    failed = sorted((r for r, _ in loaded if r.triage is None), key=lambda r: (r.name or "", r.athlete_id))
    days = [s.today for _, s in loaded if s is not None]
    return SquadView(
        today=today or (max(days) if days else datetime.now(UTC).date()),
        rows=tuple(order + failed),
        fetched_at=datetime.now(UTC),
        upstream_requests=cache.upstream_requests - before,
        snapshots={s.athlete_id: s for _, s in loaded if s is not None},
    )


def _wellness_by_day(snap: Snapshot) -> dict[str, Json]:
    return {str(w.get("id")): w for w in snap.wellness}


def _next_key_session(snap: Snapshot, settings: AnalyticsSettings) -> Json | None:
    """The first planned workout from today on that is hard or long (``squad_key_session_*``), not done."""
    ahead = [
        e
        for e in (from_api_event(x) for x in snap.events)
        if e.category == "WORKOUT" and e.day >= snap.today and not e.paired_activity_id
    ]
    horizon = snap.today + timedelta(days=14)
    durations = [e.moving_time for e in ahead if e.day < horizon and e.moving_time]
    long_s = settings.squad_key_session_long * statistics.median(durations) if durations else None
    for e in sorted(ahead, key=lambda e: (e.day, e.id)):
        hard = e.intensity is not None and e.intensity >= settings.squad_key_session_if
        long = long_s is not None and e.moving_time is not None and e.moving_time >= long_s
        if hard or long:
            return {
                "date": e.day.isoformat(),
                "name": e.name or None,
                "sport": e.sport,
                "load": _r(e.load),
                "duration_s": _r(e.moving_time, 0),
                "intensity_pct": _r(100 * e.intensity, 0) if e.intensity is not None else None,
                "why": "hard" if hard else "long",
            }
    return None


def _fitness_today(
    well: Mapping[str, Json], snap: Snapshot, status: TrainingStatus, settings: AnalyticsSettings
) -> Json:
    """CTL, ATL, form and form zone from today's wellness record, the API's values as the athlete sees them
    in Intervals.icu. Without that record: the status digest's (a replay of the load) when the athlete has
    any data, else ``None`` (a replay from nothing gave 0.0)."""
    w = well.get(snap.today.isoformat(), {})
    ctl, atl = w.get("ctl"), w.get("atl")
    if (ctl is None or atl is None) and (snap.wellness or snap.activities):
        fit = status.fitness
        return {
            "ctl": fit.ctl.value,
            "atl": fit.atl.value,
            "form": fit.form.value,
            "form_zone": fit.form_zone,
        }
    if ctl is None or atl is None:
        return {"ctl": ctl, "atl": atl, "form": None, "form_zone": None}
    c, a = float(ctl), float(atl)
    return {"ctl": ctl, "atl": atl, "form": c - a, "form_zone": fitness_zone(c, a, settings)}


def _next_race(snap: Snapshot) -> Json | None:
    """The first race on or after the athlete's today anywhere in the fetched calendar (26 weeks ahead);
    the status digest's race guidance looks 90 days ahead only."""
    races = sorted(
        (e for e in snap.events if str(e.get("category") or "").startswith("RACE_")),
        key=lambda e: (str(e.get("start_date_local") or ""), str(e.get("id"))),
    )
    for e in races:
        day = str(e.get("start_date_local") or "")[:10]
        if day >= snap.today.isoformat():
            return {
                "date": day,
                "name": e.get("name"),
                "category": e.get("category"),
                "sport": e.get("type"),
                "days_to": (date.fromisoformat(day) - snap.today).days,
            }
    return None


def squad_row(
    snap: Snapshot, name: str | None = None, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> SquadRow:
    """The squad row of one loaded athlete (pure: no I/O)."""
    status = snap.status(settings)
    chips = snap.chips(settings.triage_days + 1, settings=settings)
    tri = snap.triage(status, chips, settings)
    # readiness with no data at all is unknown: the ladder said "go" from a load replay of nothing
    ready = status.readiness.decision if snap.wellness or snap.activities else None
    if (name and not tri.name) or ready != tri.readiness:
        tri = AthleteTriage(tri.athlete_id, name or tri.name, ready, tri.reasons)
    well = _wellness_by_day(snap)
    series = tuple(
        (d, well.get(d.isoformat(), {}).get("ctl"))
        for d in (snap.today - timedelta(days=k) for k in range(CTL_SERIES_DAYS - 1, -1, -1))
    )
    ctl_now = well.get(snap.today.isoformat(), {}).get("ctl")
    ctl_then = well.get((snap.today - timedelta(days=28)).isoformat(), {}).get("ctl")
    fit = _fitness_today(well, snap, status, settings)
    week_ago = snap.today - timedelta(days=6)
    return SquadRow(
        athlete_id=snap.athlete_id,
        name=name or snap.athlete.get("name"),
        readiness=ready,
        readiness_why=(status.readiness.rule or None) if ready else None,
        form_zone=fit["form_zone"],
        ctl=fit["ctl"],
        atl=fit["atl"],
        form=fit["form"],
        ctl_trend_4w=None if ctl_now is None or ctl_then is None else float(ctl_now) - float(ctl_then),
        acwr=status.acwr.coupled.value,
        chips=tuple(c for c in chips if c.day >= week_ago),
        alarms=tuple(Alarm(r.code, r.severity, r.sentence) for r in tri.reasons if r.code in ALARM_CODES),
        next_key_session=_next_key_session(snap, settings),
        next_race=_next_race(snap),
        triage=tri,
        ctl_series=series,
    )


def activity_json(a: Mapping[str, Any] | None) -> Json | None:
    """The few fields of an activity a feed or week view shows, units in the names."""
    if a is None:
        return None
    return {
        "id": a.get("id"),
        "name": a.get("name"),
        "type": a.get("type"),
        "start_date_local": a.get("start_date_local"),
        "moving_time_s": a.get("moving_time"),
        "distance_m": a.get("distance"),
        "load": a.get("icu_training_load"),
        "description": a.get("description"),
    }


def planned_json(e: Mapping[str, Any] | None) -> Json | None:
    """The few fields of a planned event a feed or week view shows, units in the names."""
    if e is None:
        return None
    return {
        "id": e.get("id"),
        "name": e.get("name"),
        "type": e.get("type"),
        "category": e.get("category"),
        "moving_time_s": e.get("moving_time"),
        "distance_m": e.get("distance"),
        "load": e.get("icu_training_load"),
    }


def activity_feed(squad: SquadView, days: int = 3) -> list[FeedItem]:
    """All athletes' sessions of the last ``days`` days (today included), newest first, each with its
    planned workout and chip. Plans not yet due (``pending``) are not sessions yet and are left out. The
    days are each athlete's own (an athlete a time zone behind is a day behind, not dropped)."""
    items: list[tuple[str, FeedItem]] = []
    for row in squad.rows:
        snap = squad.snapshots.get(row.athlete_id)
        if snap is None or row.error is not None:
            continue
        first = snap.today - timedelta(days=days - 1)
        chips = row.chips if days <= 7 else tuple(snap.chips(days))
        acts = {str(a.get("id")): a for a in snap.activities}
        events = {str(e.get("id")): e for e in snap.events}
        for c in chips:
            if c.day < first or c.kind == "pending":
                continue
            act = acts.get(c.activity_id or "")
            start = str(act.get("start_date_local") or "") if act else ""
            item = FeedItem(
                row.athlete_id,
                row.name,
                c.day,
                c,
                activity_json(act),
                planned_json(events.get(c.planned_id or "")),
            )
            items.append((start or c.day.isoformat(), item))
    items.sort(key=lambda t: (t[1].day, t[0], t[1].name or "", t[1].athlete_id), reverse=True)
    return [i for _, i in items]
