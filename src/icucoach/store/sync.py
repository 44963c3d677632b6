"""Incremental sync of one athlete's Intervals.icu records into the local ``Store``.

First run: the whole history (``history_days``, default three years) in yearly chunks, with progress.
Later runs fetch only a window from ``lookback_days`` before the last synced day to today: activities whose
``icu_sync_date``/``analyzed`` stamps changed are updated, new ones inserted, ones gone upstream deleted; an
activity that reaches Intervals.icu late (device → Garmin/Strava → Intervals.icu) is picked up as long as it
lands inside the lookback. A repeat run costs four requests (athlete, activities, wellness, events).

Details (``fetch_details``): per-interval data (laps or auto-intervals when unstructured) of recent
endurance sessions and the streams of recent activities (14 days; 28 for outdoor GPS activities, whose
terrain latest.json reports), each fetched once and refetched only when the activity's ``icu_sync_date``
changes. The intervals of all of them come in one request (``GET /athlete/{id}/activities/{ids}
?intervals=true``, up to a hundred ids), the streams one request per activity (the API has no bulk
streams); every activity's detail is counted in ``fetch_log`` (intervals.json
``fetch_state``). Strava stubs are never asked for details (the API refuses them). Duplicates (the same
session from two sources) are linked with ``analytics.inputs.dedupe_activities`` after every change.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from icucoach.analytics.inputs import dedupe_activities, from_api_activity, sport_family
from icucoach.analytics.terrain import OUTDOOR_TYPES
from icucoach.intervals import (
    IntervalsClient,
    IntervalsError,
    MalformedResponseError,
    NotFoundError,
    StravaRestrictedError,
    ValidationError,
    athlete_today,
)
from icucoach.intervals.activity_api import IDS_PER_REQUEST
from icucoach.store import fetch_log
from icucoach.store.db import Store, now_iso
from icucoach.tasks import cancel_and_wait

Json = dict[str, Any]
T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (task, done, total)
STREAM_TYPES = (
    *("time", "distance", "altitude", "latlng", "heartrate", "watts", "cadence", "velocity_smooth"),
    *("dfa_a1", "artifacts"),  # AlphaHRV's DFA a1 and its artifact rate (intervals.json dfa blocks)
)
SPLIT_BUDGET_PER_LEVEL = 4  # extra intervals requests per halving level of a failed bulk request
INTERVAL_FAMILIES = frozenset({"cycling", "run", "ski", "rowing", "swim"})  # Section 11's, structured or not


@dataclass(frozen=True)
class SyncOptions:
    history_days: int = 1095  # how far back the first sync goes
    lookback_days: int = 14  # re-read window before the last synced day (late arrivals, edits)
    events_back_days: int = 365  # calendar history on the first sync (sickness, past races)
    ahead_days: int = 90  # planned calendar horizon
    chunk_days: int = 366  # first-sync request size
    intervals_days: int = 14  # endurance sessions whose intervals are kept
    streams_days: int = 14  # activities whose streams are fetched (terrain, GPX/TCX export)
    terrain_days: int = 28  # outdoor GPS activities whose streams are fetched (latest.json's terrain window)
    detail_concurrency: int = 4  # intervals/streams requests in flight at once


@dataclass
class SyncReport:
    athlete_id: str
    today: date
    full: bool
    oldest: date
    requests: int = 0
    new: int = 0
    changed: int = 0
    deleted: int = 0
    wellness_changed: int = 0
    events: int = 0
    duplicates: dict[str, str] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> Json:
        return {
            "athlete_id": self.athlete_id,
            "today": self.today.isoformat(),
            "full": self.full,
            "oldest": self.oldest.isoformat(),
            "requests": self.requests,
            "new": self.new,
            "changed": self.changed,
            "deleted": self.deleted,
            "wellness_changed": self.wellness_changed,
            "events": self.events,
            "duplicates": self.duplicates,
        }


@dataclass
class DetailReport:
    fetched_intervals: int = 0
    fetched_streams: int = 0
    failures: list[str] = field(default_factory=list)
    failed: dict[str, dict[str, str]] = field(default_factory=dict)  # activity id -> kind -> message


def _chunks(oldest: date, newest: date, days: int) -> list[tuple[date, date]]:
    out = []
    start = oldest
    while start <= newest:
        end = min(newest, start + timedelta(days=days - 1))
        out.append((start, end))
        start = end + timedelta(days=1)
    return out


async def _all(calls: list[Awaitable[T]]) -> list[T]:
    """Await ``calls`` concurrently; if any fails, the first failure in list order is raised (whichever
    finished first), so an error report does not depend on timing."""
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes  # type: ignore[return-value]


def _dump(items: list[Any]) -> list[Json]:
    return [x.model_dump(mode="json", by_alias=True) if hasattr(x, "model_dump") else dict(x) for x in items]


async def sync_athlete(
    client: IntervalsClient,
    store: Store,
    *,
    athlete_id: str | None = None,
    today: date | None = None,
    options: SyncOptions = SyncOptions(),
    progress: Progress | None = None,
    full: bool | None = None,
) -> tuple[Json, SyncReport]:
    """Bring the store up to date for one athlete; returns the athlete record and what changed."""
    o = options
    start_requests = client.request_count
    athlete = (await client.get_athlete(athlete_id)).model_dump(mode="json", by_alias=True)
    aid = str(athlete.get("id") or athlete_id or client.athlete_id)
    day = today or athlete_today(athlete.get("timezone"))
    state = store.get_state(aid, "sync") or {}
    first_day = day - timedelta(days=o.history_days)
    covered = state.get("oldest") and date.fromisoformat(state["oldest"]) <= first_day
    is_full = bool(full) if full is not None else not (state.get("synced_through") and covered)
    if is_full:
        oldest = first_day
        ev_oldest = day - timedelta(days=o.events_back_days)
    else:
        last = min(date.fromisoformat(state["synced_through"]), day)
        oldest = max(min(day, last) - timedelta(days=o.lookback_days), first_day)
        ev_oldest = oldest
    report = SyncReport(aid, day, is_full, oldest)
    chunks = _chunks(oldest, day, o.chunk_days) if is_full else [(oldest, day)]
    total = 2 * len(chunks) + 1
    done = 0

    def tick(task: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(task, done, total)

    before = store.activity_stamps(aid, oldest.isoformat(), day.isoformat())
    ahead = day + timedelta(days=o.ahead_days)

    def keep_activities(acts: list[Json]) -> None:
        new, changed = store.upsert_activities(aid, acts)
        report.new += new
        report.changed += changed

    def keep_wellness(wel: list[Json]) -> None:
        report.wellness_changed += store.upsert_wellness(aid, wel)

    async def fetch(task: str, call: Awaitable[list[Any]], keep: Callable[[list[Json]], None]) -> list[Json]:
        records = _dump(await call)
        keep(records)  # stored as soon as it arrives: an interrupted first sync keeps what it got
        tick(task)
        return records

    # Every chunk and the calendar are independent: ask for them all at once (the client's token bucket
    # still paces them and retries each on its own).
    answers = await _all(
        [
            *(
                fetch(
                    f"activities {lo}..{hi}", client.list_activities(lo, hi, athlete_id=aid), keep_activities
                )
                for lo, hi in chunks
            ),
            *(
                fetch(f"wellness {lo}..{hi}", client.list_wellness(lo, hi, athlete_id=aid), keep_wellness)
                for lo, hi in chunks
            ),
            fetch("calendar", client.list_events(ev_oldest, ahead, athlete_id=aid), lambda _: None),
        ]
    )
    acts = [a for chunk in answers[: len(chunks)] for a in chunk]
    seen = {str(a["id"]) for a in acts}
    report.new_ids = [str(a["id"]) for a in acts if str(a["id"]) not in before]
    gone = [i for i in before if i not in seen]
    report.deleted = store.delete_activities(gone)
    report.events = store.replace_events(aid, ev_oldest.isoformat(), ahead.isoformat(), answers[-1])
    if report.new or report.changed or report.deleted or is_full:
        link_duplicates(store, aid)
    report.duplicates = store.duplicates(aid)
    store.set_state(aid, "athlete", athlete)
    store.set_state(
        aid,
        "sync",
        {
            "synced_through": day.isoformat(),
            "oldest": min(oldest, date.fromisoformat(state.get("oldest") or oldest.isoformat())).isoformat(),
            # to the microsecond: every sync writes its bookkeeping, also two within one second (a replay,
            # which never touches the store, is told from a full run by that write)
            "last_run": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "last_full": now_iso() if is_full else state.get("last_full"),
        },
    )
    report.requests = client.request_count - start_requests
    return athlete, report


def link_duplicates(store: Store, athlete_id: str) -> dict[str, str]:
    """Detect sessions recorded twice (two sources) over the whole archive and link them in the store."""
    acts = [from_api_activity(a) for a in store.activities(athlete_id)]
    dd = dedupe_activities(acts)
    store.set_duplicates(athlete_id, dd.duplicate_of)
    return dd.duplicate_of


def _wants_intervals(a: Json) -> bool:
    """Every session of an endurance family: unstructured ones have laps or auto-intervals too."""
    return sport_family(a.get("type")) in INTERVAL_FAMILIES


def _may_be_one_activity(exc: IntervalsError) -> bool:
    """Whether a failed bulk request may be the fault of one of its activities: an internal server error (not
    retried), an answer the client cannot read, a rejected request. Not an outage, a rate limit or a refused
    key, which asking for fewer activities would only repeat."""
    return isinstance(exc, MalformedResponseError | ValidationError) or exc.status == 500


def _wants_terrain(a: Json) -> bool:
    return a.get("type") in OUTDOOR_TYPES and "latlng" in (a.get("stream_types") or [])


def details_due(
    store: Store, athlete_id: str, today: date, options: SyncOptions = SyncOptions()
) -> list[tuple[str, Json]]:
    """The details ``fetch_details`` would fetch: ("intervals" | "streams", activity) of recent activities
    the store lacks or holds for an older ``icu_sync_date`` (reads the store only)."""
    newest = today.isoformat()
    todo: list[tuple[str, Json]] = []
    oldest = (
        today - timedelta(days=max(options.intervals_days, options.streams_days, options.terrain_days))
    ).isoformat()
    streams_from = (today - timedelta(days=options.streams_days)).isoformat()
    typed = [(a, from_api_activity(a)) for a in store.activities(athlete_id, oldest, newest)]
    recent = [(a, t.day.isoformat()) for a, t in typed if not t.is_stub]
    for kind, days, wanted in (
        ("intervals", options.intervals_days, lambda a, day: _wants_intervals(a)),
        (
            "streams",
            max(options.streams_days, options.terrain_days),
            lambda a, day: bool(a.get("stream_types")) and (day >= streams_from or _wants_terrain(a)),
        ),
    ):
        since = (today - timedelta(days=days)).isoformat()
        these = [a for a, day in recent if day >= since and wanted(a, day)]
        held = store.detail_stamps(kind, [str(a["id"]) for a in these])
        todo += [
            (kind, a)
            for a in these
            if str(a["id"]) not in held or held[str(a["id"])] != a.get("icu_sync_date")
        ]
    return todo


async def fetch_details(
    client: IntervalsClient,
    store: Store,
    athlete_id: str,
    today: date,
    *,
    options: SyncOptions = SyncOptions(),
    progress: Progress | None = None,
    due: list[tuple[str, Json]] | None = None,
) -> DetailReport:
    """Fetch intervals of recent endurance sessions and streams of recent activities that the store lacks
    (or holds for an older ``icu_sync_date``): ``due``, when the caller has asked ``details_due`` already.
    Failures are collected, never raised: the caller reports a partial export and keeps whatever is cached."""
    rep = DetailReport()
    todo = details_due(store, athlete_id, today, options) if due is None else due
    gate = asyncio.Semaphore(options.detail_concurrency)
    done = [0]
    got_intervals: list[tuple[str, Json, str | None]] = []
    got_streams: list[tuple[str, list[Json], str | None]] = []

    def tick(n: int = 1) -> None:
        done[0] += n
        if progress:
            progress("activity details", done[0], len(todo))

    async def bulk(these: list[Json], budget: list[int]) -> list[IntervalsError | None]:
        """One request for the intervals of ``these``; each activity's outcome: None, or the error. When the
        request fails in a way one activity can cause (an internal error, an unreadable answer), the halves
        are asked apart, so a broken activity costs only itself: 2 requests a level, 2 log2 n to find one.
        ``budget`` (shared by the halves) caps those extra requests, so a failure of every request (a
        server-wide 500) costs a few more requests, not 2n."""
        try:
            async with gate:
                rows = await client.get_activities(
                    [str(a["id"]) for a in these], intervals=True, athlete_id=athlete_id
                )
        except IntervalsError as exc:
            if len(these) > 1 and _may_be_one_activity(exc) and budget[0] >= 2:
                budget[0] -= 2
                half = len(these) // 2
                left, right = await asyncio.gather(bulk(these[:half], budget), bulk(these[half:], budget))
                return left + right
            return [exc] * len(these)
        by_id = {str(r.id): r.model_dump(mode="json", by_alias=True) for r in rows}
        outcomes: list[IntervalsError | None] = []
        for a in these:
            aid = str(a["id"])
            detail = by_id.get(aid)
            if detail is None:  # the server leaves out ids it does not have (deleted since the list)
                outcomes.append(NotFoundError(f"activity {aid} not returned by Intervals.icu", status=404))
                continue
            if not from_api_activity(detail).is_stub:  # a Strava stub has no intervals to give: skipped
                data = {
                    "icu_intervals": detail.get("icu_intervals") or [],
                    "icu_groups": detail.get("icu_groups") or [],
                }
                got_intervals.append((aid, data, a.get("icu_sync_date")))
            outcomes.append(None)
        return outcomes

    async def hundred(these: list[Json]) -> list[IntervalsError | None]:
        try:  # enough extra requests to find two broken activities
            return await bulk(these, [SPLIT_BUDGET_PER_LEVEL * math.ceil(math.log2(len(these)))])
        finally:
            tick(len(these))

    async def streams_of(a: Json) -> IntervalsError | None:
        """One activity's streams; the error if it failed (a Strava stub is skipped silently)."""
        aid = str(a["id"])
        try:
            async with gate:
                streams = _dump(await client.get_streams(aid, STREAM_TYPES))
            got_streams.append((aid, streams, a.get("icu_sync_date")))
        except StravaRestrictedError:
            return None
        except IntervalsError as exc:
            return exc
        finally:
            tick()
        return None

    when = now_iso()
    # A few at a time (the client's rate limit still applies). What arrived is stored in one transaction
    # (one commit, not one per detail), also when the run is interrupted; failures are reported in the order
    # of ``todo`` whatever order the answers came in.
    # The intervals of up to a hundred activities a request (``GET /athlete/{id}/activities/{ids}
    # ?intervals=true``) instead of one each: under the ~10 requests/s limit every request saved is 0.1 s of
    # a first export; each hundred succeeds or fails on its own. Their tasks are made before the streams'
    # so they are first through the gate and the token bucket (both serve in arrival order).
    wanted = [a for kind, a in todo if kind == "intervals"]
    hundreds = [
        asyncio.ensure_future(hundred(wanted[i : i + IDS_PER_REQUEST]))
        for i in range(0, len(wanted), IDS_PER_REQUEST)
    ]
    streams = [asyncio.ensure_future(streams_of(a)) for kind, a in todo if kind == "streams"]
    try:
        of_intervals = [outcome for got in await asyncio.gather(*hundreds) for outcome in got]
        by_kind = {"intervals": iter(of_intervals), "streams": iter(await asyncio.gather(*streams))}
        outcomes = [next(by_kind[kind]) for kind, _ in todo]
    finally:
        # An interrupted run stores what arrived (a cancelled task adds nothing more once cancelled), then
        # leaves no request behind.
        for task in (*hundreds, *streams):
            task.cancel()
        store.put_details(intervals=got_intervals, streams=got_streams)
        rep.fetched_intervals, rep.fetched_streams = len(got_intervals), len(got_streams)
        await cancel_and_wait(*hundreds, *streams)
    if todo:
        made = [
            (kind, str(a["id"]), a["start_date_local"][:10], exc is not None)
            for (kind, a), exc in zip(todo, outcomes, strict=True)
        ]
        fetch_log.record(store, athlete_id, made, when, today)
    for (kind, a), exc in zip(todo, outcomes, strict=True):
        if exc is not None:
            aid = str(a["id"])
            rep.failures.append(f"{kind} of activity {aid}: {exc.message} (HTTP {exc.status})")
            rep.failed.setdefault(aid, {})[kind] = f"{type(exc).__name__}: HTTP {exc.status}"
    return rep


__all__ = [
    "STREAM_TYPES",
    "DetailReport",
    "SyncOptions",
    "SyncReport",
    "details_due",
    "fetch_details",
    "link_duplicates",
    "sync_athlete",
]
