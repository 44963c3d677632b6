"""``CachedClient``: a caching wrapper around ``IntervalsClient`` for data that rarely changes.

    async with IntervalsClient(settings) as raw:
        icu = CachedClient(raw)
        athlete = await icu.get_athlete()          # one request
        athlete = await icu.get_athlete()          # served from memory

What is cached, per athlete (or per activity) and for how long (``CacheTtl``):

- the athlete with sport settings/zones, the coach's athlete list, sport settings: ``profile`` (10 min);
- one activity, its intervals, streams, best efforts, per-activity curves and histograms: ``activity``
  (1 h; a completed activity's recording does not change, and edits made through this wrapper invalidate);
- activity and wellness lists: ``past`` (1 h) when the range ends before the athlete's today (past days are
  stable), ``recent`` (5 min) when it includes today;
- athlete-level curves: ``curves`` (10 min); calendar lists: ``events`` (2 min).

Never cached: ``get_event`` (a write's read-back must see the server), every write. Writes invalidate what
they can change: calendar writes drop that athlete's event lists (and, being planned load, nothing else);
``update_activity``/``add_message`` drop the activity and activity lists; ``update_wellness`` drops wellness.
Keys are per athlete (``0`` and the owner's own id are treated as the same athlete once the owner is known).

Returned models are shared between callers: treat them as read-only. Everything not listed passes through
to the wrapped client unchanged (``request_count`` included, so benchmarks see real upstream requests).

Concurrency: identical requests in flight coalesce (singleflight): twenty concurrent misses on one key send
one upstream request and all twenty get its answer (or its error); the fetch runs as its own task, so a
caller that gives up does not cancel it for the others. A write's invalidation also detaches the fetches in
flight for what it changed: their answers reach the callers already waiting, never the cache.

Derived results (``derive``): a value computed from cached reads (the analytics snapshot and the digests
made from it) is kept with the entries it read and the objects they held. It is served again only while
each of those entries still holds the very same object, so it is recomputed exactly when an input was
refetched, expired or invalidated by a write (checking never fetches), and it lives, like every entry,
within this one client's credentials and under keys naming the athletes read.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from icucoach.intervals.client import IntervalsClient
from icucoach.intervals.config import normalize_athlete_id
from icucoach.intervals.localtime import athlete_today, date_param


@dataclass(frozen=True)
class CacheTtl:
    """Seconds each kind of entry stays fresh."""

    profile: float = 600.0
    activity: float = 3600.0
    past: float = 3600.0
    recent: float = 300.0
    curves: float = 600.0
    events: float = 120.0


@dataclass
class _Entry:
    value: Any
    expires: float
    athlete: str
    kind: str


T = TypeVar("T")
Read = tuple[tuple[Any, ...], Any]  # an entry's key and the object it held when a derivation read it
MAX_DERIVED = 32  # derived results kept (LRU); a snapshot of ~400 days is a few MB
MAX_ENTRIES = 4096  # beyond this, expired entries go first, then the oldest (distinct ranges are unbounded)
# The reads of the derivation running in this task (None outside one); tasks it starts share the list.
_READS: ContextVar[list[Read] | None] = ContextVar("icucoach_cache_reads", default=None)


@dataclass
class _Derived:
    value: Any
    reads: list[Read]


class _CachedReads:
    """The cached client as a derivation sees it: its cached reads only. A pass-through method (say
    ``get_event``) is refused: what it returned could not be checked later, so the result could go stale."""

    def __init__(self, cache: CachedClient) -> None:
        self._cache = cache

    def __getattr__(self, name: str) -> Any:
        if not name.startswith(("get_", "list_")) or name not in type(self._cache).__dict__:
            raise AttributeError(f"a derivation reads through the cache only; {name} is not a cached read")
        return getattr(self._cache, name)


def _norm(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return tuple(_norm(v) for v in value)
    return value


class CachedClient:
    """Caching facade over an ``IntervalsClient`` (see the module docstring)."""

    def __init__(
        self,
        client: IntervalsClient,
        ttl: CacheTtl | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.client = client
        self.max_entries = max_entries
        self.ttl = ttl or CacheTtl()
        self._clock = clock
        self._entries: dict[tuple[Any, ...], _Entry] = {}
        self._inflight: dict[tuple[Any, ...], asyncio.Task[Any]] = {}
        self._derived: OrderedDict[tuple[Any, ...], _Derived] = OrderedDict()
        self._owner: str | None = None  # the key owner's id once seen (so "0" and "i123" share entries)
        self._tz: dict[str, str | None] = {}
        self.hits = 0
        self.misses = 0
        self.coalesced = 0  # callers served by a fetch another caller had already started

    # ------------------------------------------------------------------------------------ plumbing
    def __getattr__(self, name: str) -> Any:  # uncached methods and attributes pass through
        return getattr(self.client, name)

    @property
    def request_count(self) -> int:
        return self.client.request_count

    @property
    def settings(self) -> Any:
        return self.client.settings

    def _athlete(self, athlete_id: str | int | None) -> str:
        aid = normalize_athlete_id(athlete_id) if athlete_id is not None else self.client.settings.athlete_id
        return self._owner if aid == "0" and self._owner else aid

    async def _cached(
        self, kind: str, athlete: str, key: tuple[Any, ...], ttl: float, fetch: Callable[[], Awaitable[Any]]
    ) -> Any:
        full = (kind, athlete, *(_norm(k) for k in key))
        now = self._clock()
        entry = self._entries.get(full)
        if entry is not None and entry.expires > now:
            self.hits += 1
            value = entry.value
        else:
            task = self._join(full, lambda: self._fill(full, athlete, kind, ttl, fetch))
            value = await asyncio.shield(task)
        reads = _READS.get()
        if reads is not None:
            reads.append((full, value))
        return value

    def _join(self, full: tuple[Any, ...], start: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
        """The task already computing ``full``, or a new one: identical concurrent requests share one."""
        task = self._inflight.get(full)
        if task is not None:
            self.coalesced += 1
        else:
            self.misses += 1
            task = asyncio.ensure_future(start())
            self._inflight[full] = task
            task.add_done_callback(_retrieve)
        return task

    async def _fill(
        self, full: tuple[Any, ...], athlete: str, kind: str, ttl: float, fetch: Callable[[], Awaitable[Any]]
    ) -> Any:
        try:
            value = await fetch()
            if self._inflight.get(full) is asyncio.current_task():  # not invalidated while in flight
                self._entries[full] = _Entry(value, self._clock() + ttl, athlete, kind)
                if len(self._entries) > self.max_entries:
                    self._trim()
            return value
        finally:
            if self._inflight.get(full) is asyncio.current_task():
                del self._inflight[full]

    async def derive(self, key: tuple[Any, ...], compute: Callable[[Any], Awaitable[T]]) -> T:
        """``compute(source)`` once per distinct input: ``source`` offers this client's cached reads; the
        result is served again while every entry it read still holds the very object it read (module
        docstring). Checking never fetches: a missing or expired input means computing again."""
        full = ("derived", *key)
        kept = self._derived.get(full)
        if kept is not None and self._current(kept.reads):
            self.hits += 1
            self._derived.move_to_end(full)
        else:
            task = self._join(full, lambda: self._compute(full, compute))
            value, reads = await asyncio.shield(task)
            kept = _Derived(value, reads)
        outer = _READS.get()
        if outer is not None:  # a derivation inside another: the outer one depends on these inputs too
            outer.extend(kept.reads)
        return kept.value  # type: ignore[no-any-return]

    async def _compute(
        self, full: tuple[Any, ...], compute: Callable[[Any], Awaitable[Any]]
    ) -> tuple[Any, list[Read]]:
        try:
            reads: list[Read] = []
            _READS.set(reads)  # this task's own context: the caller's is untouched
            value = await compute(_CachedReads(self))
            self._derived[full] = _Derived(value, reads)
            self._derived.move_to_end(full)
            while len(self._derived) > MAX_DERIVED:
                self._derived.popitem(last=False)
            return value, reads
        finally:
            if self._inflight.get(full) is asyncio.current_task():
                del self._inflight[full]

    def _current(self, reads: list[Read]) -> bool:
        now = self._clock()
        for key, value in reads:
            entry = self._entries.get(key)
            if entry is None or entry.expires <= now or entry.value is not value:
                return False
        return True

    def _trim(self) -> None:
        """Keep at most ``max_entries``: drop expired entries, then the soonest to expire."""
        now = self._clock()
        for k in [k for k, e in self._entries.items() if e.expires <= now]:
            del self._entries[k]
        excess = len(self._entries) - self.max_entries
        if excess > 0:
            for k, _ in sorted(self._entries.items(), key=lambda kv: kv[1].expires)[:excess]:
                del self._entries[k]

    def invalidate(self, kind: str | None = None, athlete: str | int | None = None) -> int:
        """Drop entries of ``kind`` (all kinds if None) for ``athlete`` (all athletes if None)."""
        aid = None if athlete is None else self._athlete(athlete)
        doomed = [
            k
            for k, e in self._entries.items()
            if (kind is None or e.kind == kind) and (aid is None or e.athlete in (aid, "0"))
        ]
        for k in doomed:
            del self._entries[k]
        for k in [k for k in self._inflight if k[0] != "derived" and (kind is None or k[0] == kind)]:
            if aid is None or k[1] in (aid, "0", "*"):
                del self._inflight[k]  # its answer still reaches the callers waiting, never the cache
        return len(doomed)

    def clear(self) -> None:
        self._entries.clear()
        self._inflight.clear()
        self._derived.clear()

    def _today(self, athlete: str) -> date:
        return (
            athlete_today(self._tz.get(athlete)) if athlete in self._tz else date.today() - timedelta(days=1)
        )

    def _range_ttl(self, athlete: str, newest: Any) -> float:
        if newest is None:
            return self.ttl.recent
        try:
            end = date.fromisoformat(date_param(newest)[:10])
        except (TypeError, ValueError):
            return self.ttl.recent
        return self.ttl.past if end < self._today(athlete) else self.ttl.recent

    # ------------------------------------------------------------------------------- athlete/profile
    async def get_athlete(self, athlete_id: str | int | None = None) -> Any:
        aid = self._athlete(athlete_id)
        athlete = await self._cached(
            "profile", aid, ("athlete",), self.ttl.profile, lambda: self.client.get_athlete(athlete_id)
        )
        if athlete.id:
            if aid == "0" and self._owner is None:
                self._owner = str(athlete.id)
                entry = self._entries.get(("profile", "0", "athlete"))
                if entry is not None:  # serve later calls for the owner by id from the same entry
                    self._entries[("profile", self._owner, "athlete")] = entry
            self._tz[str(athlete.id)] = athlete.timezone
        self._tz[aid] = athlete.timezone
        return athlete

    async def today(self, athlete_id: str | int | None = None) -> date:
        athlete = await self.get_athlete(athlete_id)
        return athlete_today(athlete.timezone)

    async def list_athletes(self) -> Any:
        return await self._cached("profile", "*", ("athletes",), self.ttl.profile, self.client.list_athletes)

    async def list_sport_settings(self, athlete_id: str | int | None = None) -> Any:
        aid = self._athlete(athlete_id)
        return await self._cached(
            "profile",
            aid,
            ("sport-settings",),
            self.ttl.profile,
            lambda: self.client.list_sport_settings(athlete_id),
        )

    async def get_sport_settings(self, sport_or_id: str | int, athlete_id: str | int | None = None) -> Any:
        aid = self._athlete(athlete_id)
        return await self._cached(
            "profile",
            aid,
            ("sport-settings", sport_or_id),
            self.ttl.profile,
            lambda: self.client.get_sport_settings(sport_or_id, athlete_id),
        )

    # ---------------------------------------------------------------------------------- curves
    async def get_power_curves(self, *args: Any, **kwargs: Any) -> Any:
        return await self._curves("power", self.client.get_power_curves, args, kwargs)

    async def get_hr_curves(self, *args: Any, **kwargs: Any) -> Any:
        return await self._curves("hr", self.client.get_hr_curves, args, kwargs)

    async def get_pace_curves(self, *args: Any, **kwargs: Any) -> Any:
        return await self._curves("pace", self.client.get_pace_curves, args, kwargs)

    async def _curves(self, name: str, fn: Callable[..., Awaitable[Any]], args: tuple, kwargs: dict) -> Any:
        aid = self._athlete(kwargs.get("athlete_id"))
        key = (name, *args, *sorted(kwargs.items()))
        return await self._cached("curves", aid, key, self.ttl.curves, lambda: fn(*args, **kwargs))

    # ------------------------------------------------------------------------------ activities
    async def list_activities(
        self,
        oldest: Any,
        newest: Any = None,
        limit: int | None = None,
        fields: Any = None,
        *,
        athlete_id: str | int | None = None,
    ) -> Any:
        aid = self._athlete(athlete_id)
        return await self._cached(
            "activities",
            aid,
            ("list", oldest, newest, limit, fields),
            self._range_ttl(aid, newest),
            lambda: self.client.list_activities(oldest, newest, limit, fields, athlete_id=athlete_id),
        )

    async def get_activity(self, activity_id: str, intervals: bool = False) -> Any:
        return await self._cached(
            "activity",
            "*",
            (str(activity_id), "detail", bool(intervals)),
            self.ttl.activity,
            lambda: (
                self.client.get_activity(activity_id, intervals=True)
                if intervals
                else self.client.get_activity(activity_id)
            ),
        )

    async def get_intervals(self, activity_id: str) -> Any:
        return await self._cached(
            "activity",
            "*",
            (str(activity_id), "intervals"),
            self.ttl.activity,
            lambda: self.client.get_intervals(activity_id),
        )

    async def get_streams(self, activity_id: str, types: Any = None, **kwargs: Any) -> Any:
        key = (str(activity_id), "streams", types, *sorted(kwargs.items()))
        return await self._cached(
            "activity",
            "*",
            key,
            self.ttl.activity,
            lambda: self.client.get_streams(activity_id, types, **kwargs),
        )

    async def get_best_efforts(self, activity_id: str, *args: Any, **kwargs: Any) -> Any:
        key = (str(activity_id), "best-efforts", *args, *sorted(kwargs.items()))
        return await self._cached(
            "activity",
            "*",
            key,
            self.ttl.activity,
            lambda: self.client.get_best_efforts(activity_id, *args, **kwargs),
        )

    async def get_histogram(self, activity_id: str, kind: Any, **kwargs: Any) -> Any:
        key = (str(activity_id), "histogram", kind, *sorted(kwargs.items()))
        return await self._cached(
            "activity",
            "*",
            key,
            self.ttl.activity,
            lambda: self.client.get_histogram(activity_id, kind, **kwargs),
        )

    async def update_activity(self, activity_id: str, fields: Any) -> Any:
        try:
            return await self.client.update_activity(activity_id, fields)
        finally:
            self.invalidate("activity")
            self.invalidate("activities")

    async def add_message(self, activity_id: str, content: str) -> Any:
        try:
            return await self.client.add_message(activity_id, content)
        finally:
            self.invalidate("activity")

    # -------------------------------------------------------------------------------- wellness
    async def list_wellness(
        self, oldest: Any, newest: Any = None, *, fields: Any = None, athlete_id: str | int | None = None
    ) -> Any:
        aid = self._athlete(athlete_id)
        return await self._cached(
            "wellness",
            aid,
            ("list", oldest, newest, fields),
            self._range_ttl(aid, newest),
            lambda: self.client.list_wellness(oldest, newest, fields=fields, athlete_id=athlete_id),
        )

    async def update_wellness(self, day: Any, fields: Any, *, athlete_id: str | int | None = None) -> Any:
        try:
            return await self.client.update_wellness(day, fields, athlete_id=athlete_id)
        finally:
            self.invalidate("wellness", athlete_id)

    # -------------------------------------------------------------------------------- calendar
    async def list_events(
        self,
        oldest: Any = None,
        newest: Any = None,
        category: Any = None,
        resolve: bool = False,
        *,
        limit: int | None = None,
        athlete_id: str | int | None = None,
    ) -> Any:
        aid = self._athlete(athlete_id)
        return await self._cached(
            "events",
            aid,
            ("list", oldest, newest, category, resolve, limit),
            self.ttl.events,
            lambda: self.client.list_events(
                oldest, newest, category, resolve, limit=limit, athlete_id=athlete_id
            ),
        )

    async def _calendar_write(self, athlete_id: Any, call: Awaitable[Any]) -> Any:
        try:
            return await call
        finally:
            # ``athlete_id`` may be "0" while entries are keyed by the owner's id (or vice versa): drop all
            # event lists; they are cheap to refetch and a stale calendar after a write is never acceptable.
            self.invalidate("events")

    async def create_event(self, event: Any, **kwargs: Any) -> Any:
        return await self._calendar_write(kwargs.get("athlete_id"), self.client.create_event(event, **kwargs))

    async def update_event(self, event_id: int, fields: Any, **kwargs: Any) -> Any:
        return await self._calendar_write(
            kwargs.get("athlete_id"), self.client.update_event(event_id, fields, **kwargs)
        )

    async def delete_event(self, event_id: int, **kwargs: Any) -> Any:
        return await self._calendar_write(
            kwargs.get("athlete_id"), self.client.delete_event(event_id, **kwargs)
        )

    async def bulk_upsert_events(self, events: Any, **kwargs: Any) -> Any:
        return await self._calendar_write(
            kwargs.get("athlete_id"), self.client.bulk_upsert_events(events, **kwargs)
        )

    async def bulk_delete_events(self, ids: Any = (), external_ids: Any = (), **kwargs: Any) -> Any:
        return await self._calendar_write(
            kwargs.get("athlete_id"), self.client.bulk_delete_events(ids, external_ids, **kwargs)
        )

    async def delete_events_range(self, *args: Any, **kwargs: Any) -> Any:
        return await self._calendar_write(
            kwargs.get("athlete_id"), self.client.delete_events_range(*args, **kwargs)
        )

    def __repr__(self) -> str:
        return f"CachedClient({self.client!r}, entries={len(self._entries)})"


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a fetch's error as seen: every waiter already got it, or none was left to get it."""
    if not task.cancelled():
        task.exception()


__all__ = ["CacheTtl", "CachedClient"]
