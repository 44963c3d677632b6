"""Client overhead per request: ``IntervalsClient`` calls vs raw pooled httpx GETs against the sandbox.

Both sides hold a pooled connection to a sandbox on an ephemeral port (rate limiting off) and send the same
request. Requests are interleaved one by one (raw, client, raw, client, …) and the *median* of each side is
compared, so load from other processes hits both sides alike. The client's extra time is its overhead: the
token bucket, retry bookkeeping, error mapping, JSON decoding into pydantic models and logging.

A second pair of figures replays a recorded sandbox answer through ``httpx.MockTransport`` (no network, no
server), which isolates the same overhead from the sandbox's own time: the steadiest number on a busy box.
"""

from __future__ import annotations

import asyncio
import base64
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import SandboxOptions, serve_in_thread

N = 500
TODAY = date(2026, 11, 23)
Report = Callable[[str, float, str], None]


async def _interleaved(n: int, raw: Callable[[], Awaitable[object]], client: Callable[[], Awaitable[object]]):
    raw_t: list[float] = []
    cli_t: list[float] = []
    for _ in range(10):  # warm-up
        await raw()
        await client()
    for _ in range(n):
        t0 = time.perf_counter()
        await raw()
        t1 = time.perf_counter()
        await client()
        t2 = time.perf_counter()
        raw_t.append(t1 - t0)
        cli_t.append(t2 - t1)
    return statistics.median(raw_t) * 1e6, statistics.median(cli_t) * 1e6


async def _sandbox_figures(base_url: str, api_key: str, report: Report) -> dict[str, bytes]:
    auth = "Basic " + base64.b64encode(f"API_KEY:{api_key}".encode()).decode()
    settings = ClientSettings(api_key=api_key, base_url=base_url, rate_per_second=None)
    oldest = (TODAY - timedelta(days=27)).isoformat()
    params = {"oldest": oldest, "newest": TODAY.isoformat()}
    async with (
        httpx.AsyncClient(base_url=base_url + "/api/v1", headers={"Authorization": auth}) as raw,
        IntervalsClient(settings) as icu,
    ):

        async def raw_athlete() -> object:
            r = await raw.get("/athlete/0")
            r.raise_for_status()
            return r.json()

        async def raw_activities() -> object:
            r = await raw.get("/athlete/0/activities", params=params)
            r.raise_for_status()
            return r.json()

        raw_a, cli_a = await _interleaved(N, raw_athlete, icu.get_athlete)
        report("sandbox raw httpx get athlete", raw_a, "µs/request (median)")
        report("sandbox client get_athlete", cli_a, "µs/request")
        report("sandbox overhead get_athlete", cli_a - raw_a, "µs")
        raw_l, cli_l = await _interleaved(N // 5, raw_activities, lambda: icu.list_activities(oldest, TODAY))
        report("sandbox raw httpx 4 weeks activities", raw_l, "µs/request")
        report("sandbox client list_activities", cli_l, "µs/request")
        report("sandbox overhead list_activities", cli_l - raw_l, "µs")
        report("sandbox requests counted by client", icu.request_count, "requests")
        return {
            "/api/v1/athlete/0": (await raw.get("/athlete/0")).content,
            "/api/v1/athlete/0/activities": (await raw.get("/athlete/0/activities", params=params)).content,
        }


async def _offline_figures(bodies: dict[str, bytes], report: Report) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=bodies[request.url.path], headers={"content-type": "application/json"}
        )

    settings = ClientSettings(api_key="bench", base_url="http://bench.invalid", rate_per_second=None)
    async with (
        httpx.AsyncClient(
            base_url="http://bench.invalid/api/v1", transport=httpx.MockTransport(handler)
        ) as raw,
        IntervalsClient(settings, transport=httpx.MockTransport(handler)) as icu,
    ):

        async def raw_athlete() -> object:
            return (await raw.get("/athlete/0")).json()

        async def raw_activities() -> object:
            return (await raw.get("/athlete/0/activities")).json()

        raw_a, cli_a = await _interleaved(N * 2, raw_athlete, icu.get_athlete)
        report("no-network overhead get_athlete", cli_a - raw_a, "µs")
        raw_l, cli_l = await _interleaved(N, raw_activities, lambda: icu.list_activities(TODAY))
        n = bodies["/api/v1/athlete/0/activities"].count(b'"icu_athlete_id"')
        report(f"no-network overhead list_activities ({n})", cli_l - raw_l, "µs")


def run(report: Report) -> None:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as sb:
        account = sb.account("athlete", 0)
        bodies = asyncio.run(_sandbox_figures(sb.base_url, account.api_key, report))
    asyncio.run(_offline_figures(bodies, report))
