"""The details of recent activities: every session's intervals in one bulk request (not one per activity),
with the same content the per-activity endpoint gives; an activity gone upstream or one the server cannot
serve is reported alone, and each hundred of a bulk fetch succeeds or fails on its own."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

import pytest

from icucoach.intervals import IntervalsClient
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.sandbox.faults import FaultConfig
from icucoach.sandbox.world import ActivityDetail
from icucoach.store.db import Store
from icucoach.store.sync import SyncOptions, details_due, fetch_details, sync_athlete
from mirror.sandbox_world import TODAY, settings_for


@pytest.fixture(scope="module")
def own_sb() -> Iterator[RunningSandbox]:
    """A sandbox of this module's own: one test deletes an activity from its world."""
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as running:
        yield running


async def _synced(client: IntervalsClient, store: Store, options: SyncOptions = SyncOptions()):
    """A first sync of the sandbox athlete; (athlete id, the details then due)."""
    _, report = await sync_athlete(client, store, today=TODAY)
    return report.athlete_id, details_due(store, report.athlete_id, TODAY, options)


def _paths(journal: list[tuple[str, str]]) -> list[str]:
    return [unquote(urlsplit(url).path) + "?" + urlsplit(url).query for url, _ in journal]


def test_intervals_of_every_recent_session_come_in_one_request(own_sb, tmp_path) -> None:
    store = Store.open(tmp_path / "s.sqlite")

    async def go():
        async with IntervalsClient(settings_for(own_sb)) as client:
            aid, due = await _synced(client, store)
            client.transport.journal = journal = []
            details = await fetch_details(client, store, aid, TODAY)
            client.transport.journal = None
            wanted = [str(a["id"]) for kind, a in due if kind == "intervals"]
            one_by_one = {i: await client.get_activity(i, intervals=True) for i in wanted[:3]}
            return aid, due, details, journal, wanted, one_by_one

    aid, due, details, journal, wanted, one_by_one = asyncio.run(go())
    paths = _paths(journal)
    assert len(wanted) > 5 and not details.failures
    bulk = [p for p in paths if p.startswith(f"/api/v1/athlete/{aid}/activities/")]
    assert len(bulk) == 1 and "intervals=true" in bulk[0]
    assert bulk[0].split("?")[0].rsplit("/", 1)[1].split(",") == wanted
    assert not [p for p in paths if "/activity/" in p and "intervals=" in p]
    streams = [p for p in paths if "/streams" in p]
    assert len(streams) == sum(1 for kind, _ in due if kind == "streams")
    assert len(paths) == 1 + len(streams)
    assert details.fetched_intervals == len(wanted)
    for activity_id, single in one_by_one.items():
        held = store.intervals(activity_id)
        assert held is not None
        expected = single.model_dump(mode="json", by_alias=True)
        assert held[0]["icu_intervals"] == expected["icu_intervals"]
        assert held[0]["icu_groups"] == (expected.get("icu_groups") or [])
    store.close()


def test_an_activity_gone_upstream_after_the_list_is_a_failure_the_rest_are_kept(own_sb, tmp_path) -> None:
    store = Store.open(tmp_path / "s.sqlite")

    async def go():
        async with IntervalsClient(settings_for(own_sb)) as client:
            aid, due = await _synced(client, store)
            gone = next(str(a["id"]) for kind, a in due if kind == "intervals")
            world = own_sb.world.store(aid)
            world.activities.pop(gone)
            return gone, due, await fetch_details(client, store, aid, TODAY)

    gone, due, details = asyncio.run(go())
    assert details.failures == [
        f"intervals of activity {gone}: activity {gone} not returned by Intervals.icu (HTTP 404)"
    ] + [f for f in details.failures if "streams" in f]
    assert details.failed[gone]["intervals"] == "NotFoundError: HTTP 404"
    kept = [str(a["id"]) for kind, a in due if kind == "intervals" and str(a["id"]) != gone]
    assert kept and all(store.intervals(i) is not None for i in kept)
    assert store.intervals(gone) is None
    store.close()


def test_one_activity_the_server_cannot_serve_costs_only_itself(own_sb, tmp_path) -> None:
    """A server error caused by one activity (here its intervals raise inside the sandbox: HTTP 500) fails
    the bulk request; the halves are asked apart, so only that activity is reported and the rest are kept,
    with a few more requests instead of one per activity. Intervals of 200 days: two bulk requests."""
    store = Store.open(tmp_path / "s.sqlite")
    wide = SyncOptions(intervals_days=200, streams_days=0, terrain_days=0)

    async def go():
        async with IntervalsClient(settings_for(own_sb)) as client:
            aid, due = await _synced(client, store, wide)
            world = own_sb.world.store(aid)
            broken = str(due[-5][1]["id"])  # in the second hundred
            held = world.details[broken]
            world.details[broken] = ActivityDetail(streams=held.streams, intervals=lambda: 1 / 0)
            client.transport.journal = journal = []
            try:
                details = await fetch_details(client, store, aid, TODAY, options=wide)
            finally:
                world.details[broken] = held
            return broken, due, details, journal

    broken, due, details, journal = asyncio.run(go())
    assert len(due) > 100 and all(kind == "intervals" for kind, _ in due)
    [failure] = details.failures
    assert failure.startswith(f"intervals of activity {broken}: Intervals.icu failed with HTTP 500")
    kept = [str(a["id"]) for _, a in due if str(a["id"]) != broken]
    assert all(store.intervals(i) is not None for i in kept) and store.intervals(broken) is None
    assert 3 <= len(journal) <= 2 + 2 * math.ceil(math.log2(len(due) - 100))  # not one per activity
    store.close()


def test_each_hundred_succeeds_or_fails_on_its_own(own_sb, tmp_path) -> None:
    """An outage answer (503 on every attempt) of one bulk request fails its hundred only: the other's
    intervals are stored. One request at a time makes the first hundred the one that meets the faults."""
    store = Store.open(tmp_path / "s.sqlite")
    wide = SyncOptions(intervals_days=200, streams_days=0, terrain_days=0, detail_concurrency=1)

    async def go():
        async with IntervalsClient(settings_for(own_sb)) as client:
            aid, due = await _synced(client, store, wide)
            own_sb.faults.enqueue("503", "503", "503")  # the first request's three attempts (max_retries=2)
            return due, await fetch_details(client, store, aid, TODAY, options=wide)

    due, details = asyncio.run(go())
    ids = [str(a["id"]) for _, a in due]
    assert len(ids) > 100 and not own_sb.faults._script
    assert sorted(details.failed) == sorted(ids[:100])
    assert all("HTTP 503" in f for f in details.failures)
    assert all(store.intervals(i) is not None for i in ids[100:])
    store.close()


def test_a_failure_of_every_intervals_request_costs_a_bounded_number_of_requests(own_sb, tmp_path) -> None:
    """A server-wide HTTP 500 (the sandbox answers every request so; a 500 is not retried, so each request is
    one attempt) is not one activity's fault: the halving stops at its budget (4 extra requests a level)
    instead of asking each activity; every one is reported, none stored."""
    store = Store.open(tmp_path / "s.sqlite")
    only_intervals = SyncOptions(streams_days=0, terrain_days=0)

    async def go():
        async with IntervalsClient(settings_for(own_sb)) as client:
            aid, due = await _synced(client, store, only_intervals)
            before = client.request_count
            own_sb.faults.configure(FaultConfig(p500=1.0))
            try:
                details = await fetch_details(client, store, aid, TODAY, options=only_intervals)
            finally:
                own_sb.faults.clear()
            return due, details, client.request_count - before

    due, details, requests = asyncio.run(go())
    wanted = [str(a["id"]) for kind, a in due if kind == "intervals"]
    streams = sum(1 for kind, _ in due if kind == "streams")  # today's, one failed request each
    assert len(wanted) > 8 and sorted(details.failed) == sorted({str(a["id"]) for _, a in due})
    assert all("HTTP 500" in f for f in details.failures)
    assert all(store.intervals(i) is None for i in wanted)
    assert requests - streams <= 1 + 4 * math.ceil(math.log2(len(wanted))) < 2 * len(wanted) - 1
    store.close()
