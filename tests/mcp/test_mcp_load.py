"""The MCP server under concurrent load, counted at the sandbox (functional, never timed): identical
requests in flight coalesce into one upstream request, derived analytics are reused exactly while their
inputs are the same and rebuilt when a write changes them, and nothing is ever shared across athletes."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import date

import httpx2
import pytest
from mcp.client.streamable_http import streamable_http_client

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.intervals.cache import CachedClient
from icucoach.mcp.context import Session
from icucoach.mcp.derived import analysis
from icucoach.mcp.server import http_app
from icucoach.sandbox import RunningSandbox, SandboxOptions
from icucoach.sandbox.faults import FaultPlan
from icucoach.sandbox.runner import build_app, build_world
from icucoach.serving import serve_in_background
from mcp import Client

TODAY = date(2026, 11, 23)
Seen = list[tuple[str, str, str]]


@pytest.fixture(scope="module")
def counted() -> Iterator[tuple[RunningSandbox, Seen]]:
    """A sandbox (fresh world) that records every API request it receives: (method, path, query)."""
    options = SandboxOptions(seed=42, today=TODAY, rate_limit=False)
    world, faults = build_world(options), FaultPlan()
    app = build_app(world, options, faults)
    seen: Seen = []

    async def recording(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"].startswith("/api/v1"):
            seen.append((scope["method"], scope["path"], scope["query_string"].decode()))
        await app(scope, receive, send)

    with serve_in_background(recording, name="counted-sandbox", lifespan="off") as port:
        yield RunningSandbox(f"http://127.0.0.1:{port}", world, faults, options), seen


def settings_for(sb: RunningSandbox, role: str, index: int = 0) -> ClientSettings:
    key = sb.account(role, index).api_key
    return ClientSettings(api_key=key, base_url=sb.base_url, rate_per_second=None)  # type: ignore[arg-type]


def duplicates(seen: Seen) -> dict[tuple[str, str, str], int]:
    return {k: n for k, n in Counter(seen).items() if n > 1}


async def test_identical_concurrent_misses_send_one_request_per_athlete(counted):
    sb, seen = counted
    maya, tomas = sb.account("athlete", 0).athlete_id, sb.account("athlete", 1).athlete_id
    async with IntervalsClient(settings_for(sb, "coach")) as raw:
        icu = CachedClient(raw)
        seen.clear()
        calls = [
            icu.list_wellness(date(2026, 11, 2), date(2026, 11, 8), athlete_id=a) for a in [maya, tomas] * 20
        ]
        answers = await asyncio.gather(*calls)
    paths = sorted(p for _, p, _ in seen)
    assert paths == [f"/api/v1/athlete/{maya}/wellness", f"/api/v1/athlete/{tomas}/wellness"], seen
    for athlete, rows in zip([maya, tomas] * 20, answers, strict=True):
        store = sb.world.store(athlete).wellness
        assert [w.restingHR for w in rows] == [store[w.id]["restingHR"] for w in rows]
        assert rows is answers[0 if athlete == maya else 1], "every caller shares the one answer"
    assert answers[0] is not answers[1]


async def test_a_failed_fetch_reaches_every_waiter_and_is_not_cached(counted):
    sb, seen = counted
    async with IntervalsClient(settings_for(sb, "athlete")) as raw:
        icu = CachedClient(raw)
        seen.clear()
        sb.faults.enqueue("500", "500", "500", "500", "500")
        results = await asyncio.gather(
            *[icu.list_wellness(date(2026, 10, 1), date(2026, 10, 3)) for _ in range(10)],
            return_exceptions=True,
        )
        assert all(isinstance(r, Exception) for r in results), results
        failed = len(seen)
        sb.faults.clear()
        rows = await icu.list_wellness(date(2026, 10, 1), date(2026, 10, 3))
        assert [w.id for w in rows] == ["2026-10-01", "2026-10-02", "2026-10-03"]
        assert len(seen) == failed + 1, (
            "the error was not cached; the ten waiters shared one fetch (+ retries)"
        )
        assert len({(m, p, q) for m, p, q in seen}) == 1


async def test_derived_analysis_follows_its_inputs(counted):
    sb, seen = counted
    async with IntervalsClient(settings_for(sb, "coach")) as raw:
        icu = CachedClient(raw)
        maya, tomas = sb.account("athlete", 0).athlete_id, sb.account("athlete", 1).athlete_id
        seen.clear()
        first, *others = await asyncio.gather(*[analysis(icu, maya, TODAY) for _ in range(10)])
        assert all(o is first for o in others) and duplicates(seen) == {}
        fetched = len(seen)
        again = await analysis(icu, maya, TODAY)
        assert again is first and len(seen) == fetched, "served again without a request"
        status = first.status()
        assert first.status() is status, "the digest is computed once per analysis"

        theirs = await analysis(icu, tomas, TODAY)
        assert theirs is not first and theirs.snapshot.athlete_id == tomas
        assert first.snapshot.athlete_id == maya

        day = "2026-11-20"
        old = next(w for w in first.snapshot.wellness if w["id"] == day)["restingHR"]
        await icu.update_wellness(day, {"restingHR": old + 17}, athlete_id=maya)
        changed = await analysis(icu, maya, TODAY)
        assert changed is not first, "a write to an input rebuilds the analysis"
        assert next(w for w in changed.snapshot.wellness if w["id"] == day)["restingHR"] == old + 17
        assert await analysis(icu, tomas, TODAY) is theirs, "another athlete's analysis is untouched"


async def test_twenty_clients_on_a_cold_server_each_request_once(counted):
    sb, seen = counted
    token = secrets.token_urlsafe(24)
    session = Session(lambda: settings_for(sb, "athlete"))
    session.fixed_today = TODAY
    with serve_in_background(http_app(token, session=session), name="mcp-load-test") as port:
        url = f"http://127.0.0.1:{port}/mcp"

        async def one() -> dict:
            async with (
                httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=120) as http,
                Client(streamable_http_client(url, http_client=http), mode="legacy") as client,  # type: ignore[arg-type]
            ):
                result = await client.call_tool("icu_get_fitness", {})
                assert not result.is_error, result.content
                return result.structured_content  # type: ignore[return-value]

        seen.clear()
        answers = await asyncio.gather(*[one() for _ in range(20)])
        await session.aclose()
    assert all(a == answers[0] for a in answers)
    assert answers[0]["athlete"]["id"] == sb.account("athlete", 0).athlete_id
    assert seen and duplicates(seen) == {}, f"identical upstream requests: {duplicates(seen)}"
    assert len(seen) <= 5, seen  # athlete, the series' wellness, and the analysis' three lists


async def test_derived_result_expires_with_its_inputs_and_reads_only_the_cache(counted):
    sb, seen = counted
    now = [0.0]
    maya = sb.account("athlete", 0).athlete_id
    async with IntervalsClient(settings_for(sb, "athlete")) as raw:
        icu = CachedClient(raw, clock=lambda: now[0])
        first = await analysis(icu, maya, TODAY)
        seen.clear()
        now[0] += 60  # inside every TTL: served as is, nothing fetched to check it
        assert await analysis(icu, maya, TODAY) is first and seen == []
        now[0] += 3600  # the calendar list (2 min) and the recent lists (5 min) expired
        rebuilt = await analysis(icu, maya, TODAY)
        assert rebuilt is not first and seen, "expired inputs are fetched again and the analysis rebuilt"
        assert duplicates(seen) == {}

        async def sneaky(source):  # a read the cache cannot vouch for later
            return await source.get_event(1)

        with pytest.raises(AttributeError, match="reads through the cache only"):
            await icu.derive(("sneaky",), sneaky)
