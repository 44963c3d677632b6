"""The coach's squad: who the viewer may read (``roster_sources``), every athlete's snapshot fetched with
bounded concurrency and kept in a per-process ``SquadCache`` (a reload asks only what changed), and the
squad landing view (``SquadView``: one ``SquadRow`` per athlete, sorted by ``analytics.triage.order_squad``)
with its activity feed.

Every number comes from ``icucoach.analytics`` through ``insights.Snapshot``; this module only fetches,
caches and arranges. An athlete that fails to load is a row with ``error`` set, never a crashed squad.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from icucoach.analytics.chips import Chip
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.triage import AthleteTriage
from icucoach.insights.snapshot import Snapshot, SnapshotSource, SnapshotWindow
from icucoach.intervals import IntervalsClient

Json = dict[str, Any]

# What every coach view needs: 16 weeks of history for the season (plus the 42-day CTL warm-up the
# status digest wants for ACWR/phase), events two weeks back (sick entries, missed plans) and ahead to the
# next race of a typical plan (8 weeks).
SQUAD_WINDOW = SnapshotWindow(history_days=16 * 7 + 42, events_back_days=35, ahead_days=56)


@dataclass(frozen=True)
class AthleteSource:
    """One athlete the viewer may read, with the client that reads them."""

    athlete_id: str
    name: str | None
    client: SnapshotSource
    access: str = "READ"  # READ / WRITE / OWNER


async def roster_sources(client: IntervalsClient) -> list[AthleteSource]:
    """The API key owner's shared athletes (``GET /athletes``), the owner excluded, in name order."""
    raise NotImplementedError


class SquadCache:
    """Snapshots per athlete, in memory for one process. A reload within ``fresh_s`` seconds asks nothing;
    after that a cheap probe per athlete (records changed since the last fetch) decides whether to refetch.
    ``upstream_requests`` counts the HTTP requests the cache made. Safe for concurrent async callers."""

    def __init__(self, fresh_s: float = 60.0, window: SnapshotWindow = SQUAD_WINDOW) -> None:
        self.fresh_s = fresh_s
        self.window = window
        self.upstream_requests = 0

    def invalidate(self, athlete_id: str | None = None) -> None:
        """Forget one athlete (or all): the next load fetches them in full."""
        raise NotImplementedError


@dataclass(frozen=True)
class Alarm:
    """A wellness alarm on the squad row (HRV below range, resting HR up, sick/injured, poor sleep)."""

    code: str  # hrv_low / rhr_up / sick / injured / sleep_poor / sore
    severity: str  # alarm / warning
    sentence: str

    def to_dict(self) -> Json:
        return {"code": self.code, "severity": self.severity, "sentence": self.sentence}


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
    next_key_session: Json | None = None  # {"date", "name", "sport", "load", "duration_s"}
    next_race: Json | None = None  # {"date", "name", "category", "days_to"}
    triage: AthleteTriage | None = None
    ctl_series: tuple[tuple[date, float | None], ...] = ()  # the last 42 days, for a sparkline
    error: str | None = None  # the athlete could not be loaded: shown, never crashes the squad

    def to_dict(self) -> Json:
        raise NotImplementedError


@dataclass(frozen=True)
class SquadView:
    today: date
    rows: tuple[SquadRow, ...]  # sorted by triage.order_squad, failed athletes last
    fetched_at: datetime
    upstream_requests: int
    snapshots: dict[str, Snapshot] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> Json:
        raise NotImplementedError


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
        raise NotImplementedError


async def load_athlete(
    source: AthleteSource, *, today: date | None = None, cache: SquadCache | None = None
) -> Snapshot:
    """One athlete's snapshot over ``SQUAD_WINDOW`` (or the cache's window), from the cache when fresh."""
    raise NotImplementedError


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
    raise NotImplementedError


def squad_row(
    snap: Snapshot, name: str | None = None, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> SquadRow:
    """The squad row of one loaded athlete (pure: no I/O)."""
    raise NotImplementedError


def activity_feed(squad: SquadView, days: int = 3) -> list[FeedItem]:
    """All athletes' sessions of the last ``days`` days (today included), newest first, each with its
    planned workout and chip."""
    raise NotImplementedError
