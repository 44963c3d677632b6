"""``SquadCache``: the coach console's per-process store of athletes' snapshots, so a reload of the squad
asks Intervals.icu only what changed.

Per athlete, a reload is one of:

* **fresh** (fetched less than ``fresh_s`` ago): no request at all;
* **probe**: the activities and wellness of the last fetch's day and the day before, two small requests.
  Records equal to the ones held mean nothing changed. Otherwise those days are replaced in the snapshot and
  the calendar is fetched again (plans and notes change with new activities). The calendar is also fetched
  again once it is older than ``events_max_age_s``: a coach's edit to a plan does not show in the probe;
* **full**: the first load, a new local day (every window moves), or after ``invalidate``: four requests
  (``insights.fetch_snapshot``).

``upstream_requests`` counts the API calls the cache made (a retry inside the client is one call).
Entries are guarded per athlete by an ``asyncio.Lock`` of the running loop (one per loop, since the CLI
and tests run several ``asyncio.run``), and the table itself by a thread lock, so concurrent callers of
one athlete share one fetch.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from icucoach.insights.snapshot import DateLike, Snapshot, SnapshotSource, SnapshotWindow, fetch_snapshot
from icucoach.intervals import Activity, Event, Wellness, WithSportSettings, athlete_today

# Every coach view's needs: 16 weeks of history for the season plus the 42-day CTL warm-up the status
# digest wants (ACWR, phase). The calendar goes back as far: the week page offers weeks back to the 4 weeks
# before the snapshot's first day, the season page lists its 16 weeks' races, and a sickness entered long
# ago may still cover today; a shorter look-back showed old weeks' sessions as unplanned (one request either
# way). 26 weeks ahead: the next A race of a season is usually further out than the planned weeks.
SQUAD_HISTORY_DAYS = 16 * 7 + 42
SQUAD_WINDOW = SnapshotWindow(
    history_days=SQUAD_HISTORY_DAYS, events_back_days=SQUAD_HISTORY_DAYS, ahead_days=182
)


class _Counted:
    """A ``SnapshotSource`` that counts its calls into the cache."""

    def __init__(self, inner: SnapshotSource, cache: SquadCache) -> None:
        self._inner = inner
        self._cache = cache

    async def get_athlete(self, athlete_id: str | int | None = None) -> WithSportSettings:
        self._cache._count()
        return await self._inner.get_athlete(athlete_id)

    async def list_activities(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
        *,
        athlete_id: str | int | None = None,
    ) -> list[Activity]:
        self._cache._count()
        return await self._inner.list_activities(oldest, newest, limit, fields, athlete_id=athlete_id)

    async def list_wellness(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        *,
        fields: Sequence[str] | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Wellness]:
        self._cache._count()
        return await self._inner.list_wellness(oldest, newest, fields=fields, athlete_id=athlete_id)

    async def list_events(
        self,
        oldest: DateLike | None = None,
        newest: DateLike | None = None,
        category: Sequence[str] | str | None = None,
        resolve: bool = False,
        *,
        limit: int | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Event]:
        self._cache._count()
        return await self._inner.list_events(
            oldest, newest, category, resolve, limit=limit, athlete_id=athlete_id
        )


@dataclass
class _Entry:
    snap: Snapshot
    checked_at: float  # clock time of the last fetch or probe
    events_at: float  # clock time the calendar was fetched


def _day(record: dict[str, Any], key: str) -> str:
    return str(record.get(key) or "")[:10]


class SquadCache:
    """Snapshots per athlete, in memory for one process (see the module docstring)."""

    def __init__(
        self,
        fresh_s: float = 60.0,
        window: SnapshotWindow = SQUAD_WINDOW,
        events_max_age_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fresh_s = fresh_s
        self.window = window
        self.events_max_age_s = events_max_age_s
        self.upstream_requests = 0
        self.full_fetches = 0
        self.probes = 0
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}
        self._mutex = threading.Lock()

    def _count(self) -> None:
        with self._mutex:
            self.upstream_requests += 1

    def invalidate(self, athlete_id: str | None = None) -> None:
        """Forget one athlete (or all): the next load fetches them in full."""
        with self._mutex:
            if athlete_id is None:
                self._entries.clear()
            else:
                self._entries.pop(str(athlete_id), None)

    def cached(self, athlete_id: str) -> Snapshot | None:
        """The snapshot held for an athlete, however old, without asking anything."""
        with self._mutex:
            entry = self._entries.get(str(athlete_id))
        return None if entry is None else entry.snap

    def _lock(self, athlete_id: str) -> asyncio.Lock:
        key = (id(asyncio.get_running_loop()), athlete_id)
        with self._mutex:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = asyncio.Lock()
            return lock

    async def snapshot(self, client: SnapshotSource, athlete_id: str, today: date | None = None) -> Snapshot:
        """The athlete's snapshot: held, probed or fetched (see the module docstring)."""
        aid = str(athlete_id)
        async with self._lock(aid):
            with self._mutex:
                entry = self._entries.get(aid)
            now = self._clock()
            counted = _Counted(client, self)
            # Without a pinned day, the athlete's own local date decides (it turns at their midnight).
            day = today if today is not None or entry is None else athlete_today(entry.snap.timezone)
            if entry is None or day != entry.snap.today:
                return self._store(aid, await self._full(counted, aid, today), now)
            if now - entry.checked_at < self.fresh_s:
                return entry.snap
            return await self._probe(counted, entry, now)

    async def _full(self, client: SnapshotSource, aid: str, today: date | None) -> Snapshot:
        with self._mutex:
            self.full_fetches += 1
        return await fetch_snapshot(client, aid, self.window, today=today)

    def _store(self, aid: str, snap: Snapshot, now: float, events_at: float | None = None) -> Snapshot:
        with self._mutex:
            self._entries[aid] = _Entry(snap, now, now if events_at is None else events_at)
        return snap

    async def _probe(self, client: SnapshotSource, entry: _Entry, now: float) -> Snapshot:
        snap = entry.snap
        aid = snap.athlete_id
        with self._mutex:
            self.probes += 1
        since = snap.today - timedelta(days=1)
        acts, wel = await asyncio.gather(
            client.list_activities(since, snap.today, athlete_id=aid),
            client.list_wellness(since, snap.today, athlete_id=aid),
        )
        new_acts = [a.model_dump(mode="json", by_alias=True) for a in acts]
        new_wel = [w.model_dump(mode="json", by_alias=True) for w in wel]
        first = since.isoformat()
        old_acts = [a for a in snap.activities if _day(a, "start_date_local") >= first]
        old_wel = [w for w in snap.wellness if _day(w, "id") >= first]
        changed = _keyed(new_acts) != _keyed(old_acts) or _keyed(new_wel) != _keyed(old_wel)
        stale_events = now - entry.events_at >= self.events_max_age_s
        if not changed and not stale_events:
            return self._store(aid, snap, now, entry.events_at)
        listed = await client.list_events(
            snap.today - timedelta(days=self.window.events_back_days),
            snap.today + timedelta(days=self.window.ahead_days),
            athlete_id=aid,
        )
        kept_acts = [a for a in snap.activities if _day(a, "start_date_local") < first]
        kept_wel = [w for w in snap.wellness if _day(w, "id") < first]
        recent = sorted(new_acts, key=lambda a: str(a.get("start_date_local")), reverse=True)
        # ``replace`` builds a new Snapshot, so its cached derivations (activity inputs) start afresh.
        fresh = replace(
            snap,
            activities=recent + kept_acts,
            wellness=kept_wel + new_wel,
            events=[e.model_dump(mode="json", by_alias=True) for e in listed],
        )
        return self._store(aid, fresh, now)


def _keyed(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r.get("id")): r for r in records}
