"""``icucoach.intervals.cache.CachedClient`` against the sandbox over real HTTP: rarely-changing data is
served from memory, writes invalidate what they change, expired entries are fetched again."""

from __future__ import annotations

from datetime import date

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.intervals.cache import CachedClient, CacheTtl


async def test_cache_hits_and_invalidation(sandbox):
    acc = sandbox.account("athlete", 0)
    now = [0.0]
    async with IntervalsClient(ClientSettings(api_key=acc.api_key, base_url=sandbox.base_url)) as raw:
        icu = CachedClient(raw, clock=lambda: now[0])
        a1 = await icu.get_athlete()
        a2 = await icu.get_athlete(a1.id)  # "0" and the owner's id share the entry
        assert a1 is a2 and raw.request_count == 1
        acts = await icu.get_activity("i40001123", intervals=True)
        await icu.get_activity("i40001123", intervals=True)
        await icu.get_streams("i40001123", ["heartrate"])
        await icu.get_streams("i40001123", ["heartrate"])
        assert acts.intervals() and raw.request_count == 3
        past = await icu.list_wellness(date(2026, 11, 1), date(2026, 11, 7))
        assert await icu.list_wellness(date(2026, 11, 1), date(2026, 11, 7)) is past
        assert raw.request_count == 4

        before = await icu.list_events(date(2026, 12, 20), date(2026, 12, 20))
        event = {
            "category": "NOTE",
            "start_date_local": "2026-12-20T00:00:00",
            "name": "cache test",
            "external_id": "cache-test-1",
        }
        await icu.bulk_upsert_events([event])
        after = await icu.list_events(date(2026, 12, 20), date(2026, 12, 20))
        assert len(after) == len(before) + 1, "a calendar write invalidates the event lists"
        count = raw.request_count
        await icu.get_athlete()
        assert raw.request_count == count, "a calendar write leaves the profile cached"

        now[0] += CacheTtl().profile + 1
        await icu.get_athlete()
        assert raw.request_count == count + 1, "expired entries are fetched again"
        assert icu.hits >= 5 and icu.misses >= 7


async def test_cache_stays_bounded_under_many_distinct_ranges(sandbox):
    """A client asking for ever new ranges cannot grow the cache without bound; fresh entries survive."""
    acc = sandbox.account("athlete", 0)
    now = [0.0]
    async with IntervalsClient(ClientSettings(api_key=acc.api_key, base_url=sandbox.base_url)) as raw:
        icu = CachedClient(raw, clock=lambda: now[0], max_entries=8)
        athlete = await icu.get_athlete()
        for day in range(1, 21):
            await icu.list_wellness(date(2026, 10, day), date(2026, 10, day))
            now[0] += 1
        assert len(icu._entries) <= 8
        count = raw.request_count
        assert await icu.list_wellness(date(2026, 10, 20), date(2026, 10, 20))
        assert raw.request_count == count, "the newest entry is still served from memory"
        now[0] += CacheTtl().profile + 1
        await icu.list_wellness(date(2026, 9, 1), date(2026, 9, 1))
        assert len(icu._entries) <= 8 and athlete.id
