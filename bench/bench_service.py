"""The hosted service under load: two worker processes (``uvicorn --factory``, as ``icucoach serve --workers
2`` runs them) on one PostgreSQL database and one Redis (SQLite and no Redis when those are unreachable), the
sandbox as upstream in a third process. Run: ``.venv/bin/python -m bench service``.

Figures:

- **service overhead per tool call** at 100 concurrent MCP sessions (the official ``mcp`` client, 50 on each
  worker, one athlete's personal URL): each session calls ``icu_get_wellness`` with a date range no other
  call uses, then thinks 2-4 s (an AI client spends seconds generating between tool calls; ~33 calls/s in
  all). Overhead of a call = its latency at the client minus the upstream's own
  time for it: the sandbox logs how long it took to handle each ``/api/v1`` request (from the request
  arriving at its ASGI app to the answer sent), and the call's requests are found by their unique
  ``oldest=``. What remains is everything the service adds: MCP transport, token lookup (database), rate
  limit and upstream budget (Redis), grant check, audit row, the tool's own work, the HTTP hop to the
  upstream. Goal: p95 <= 25 ms. The limits are set high so no call waits on them.
- **memory per idle MCP session**: RSS of a worker the load has not touched, after 100 sessions to warm it,
  before and after 400 more are opened (``initialize`` + ``notifications/initialized``) and left idle,
  divided by 400. RSS moves in pages and the heap grows in steps, so this varies by ~2x between runs.
- **iCal feed requests/s** over both workers (20 concurrent fetches, 5 s), when ``/ical/{token}.ics`` is
  mounted.
- **per-call costs** behind the design choices in ``service/limits.py``: the principal lookup by token hash
  (database) and one rate-limit hit (Redis).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 100
MEASURE_SECONDS = 20.0
IDLE_SESSIONS = 400
THINK = (2.0, 4.0)  # seconds between one session's calls
ATHLETE = "i100001"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def _load(
    urls: list[str], report: Any, sessions: int = SESSIONS, seconds: float = MEASURE_SECONDS
) -> list[tuple[str, float]]:
    """``sessions`` sessions calling for ``seconds``; returns (unique oldest date, latency s) per measured
    call."""
    from service.service_helpers import mcp_client, structured

    start_day = date(2026, 11, 1)
    counter = iter(range(1, 1_000_000))
    calls: list[tuple[str, float]] = []
    errors = [0]
    ready = asyncio.Event()
    opened = [0]

    async def session(url: str) -> None:
        async with mcp_client(url) as client:
            structured(await client.call_tool("icu_get_profile", {}))  # warm this worker's profile cache
            opened[0] += 1
            if opened[0] == sessions:
                ready.set()
            await ready.wait()
            deadline = time.monotonic() + seconds
            await asyncio.sleep(random.uniform(0, THINK[1]) if sessions > 1 else 0)
            while time.monotonic() < deadline:
                oldest = start_day - timedelta(days=next(counter))
                args = {"oldest": oldest.isoformat(), "newest": (oldest + timedelta(days=6)).isoformat()}
                began = time.perf_counter()
                result = await client.call_tool("icu_get_wellness", args)
                took = time.perf_counter() - began
                if result.is_error:
                    errors[0] += 1
                else:
                    calls.append((oldest.isoformat(), took))
                await asyncio.sleep(random.uniform(*THINK) if sessions > 1 else 0.02)

    await asyncio.gather(*(session(urls[i % len(urls)]) for i in range(sessions)))
    if errors[0]:
        report("tool calls that failed", errors[0])
    return calls


def _upstream_times(log_path: Path) -> dict[str, float]:
    """Seconds the sandbox spent on the wellness requests of each ``oldest`` date."""
    spent: dict[str, float] = {}
    for line in log_path.read_text().splitlines():
        _, seconds, _, target = line.split("\t")
        if "/wellness" in target and "oldest=" in target:
            oldest = target.split("oldest=", 1)[1][:10]
            spent[oldest] = spent.get(oldest, 0.0) + float(seconds)
    return spent


async def _idle_sessions(url: str, count: int) -> list[str]:
    """Open ``count`` MCP sessions (initialize + initialized) and leave them idle; return their ids."""
    headers = {"accept": "application/json, text/event-stream"}
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "b", "version": "1"},
        },
    }
    ids: list[str] = []
    async with httpx.AsyncClient(timeout=60, headers=headers) as http:
        for _ in range(count):
            answer = await http.post(url, json=init)
            answer.raise_for_status()
            sid = answer.headers.get("mcp-session-id", "")
            await http.post(
                url,
                json={"jsonrpc": "2.0", "method": "notifications/initialized"},
                headers={"mcp-session-id": sid, "mcp-protocol-version": "2025-06-18"},
            )
            ids.append(sid)
    return ids


async def _ical_rate(
    urls: list[str], seconds: float = 5.0, concurrency: int = 20
) -> tuple[int, float] | None:
    async with httpx.AsyncClient(timeout=30) as http:
        first = await http.get(urls[0])
        if first.status_code == 404:
            return None
        first.raise_for_status()
        done = [0]
        deadline = time.monotonic() + seconds

        async def fetch(i: int) -> None:
            while time.monotonic() < deadline:
                (await http.get(urls[i % len(urls)])).raise_for_status()
                done[0] += 1

        began = time.monotonic()
        await asyncio.gather(*(fetch(i) for i in range(concurrency)))
        return done[0], time.monotonic() - began


def _micro(store: Any, url_token: str, redis_url: str | None, prefix: str) -> tuple[float, float | None]:
    """Median ms of a principal lookup (database) and of one rate-limit hit (Redis)."""
    lookups = []
    for _ in range(200):
        began = time.perf_counter()
        assert store.athlete_for_token(url_token, "mcp") is not None
        lookups.append(time.perf_counter() - began)
    if not redis_url:
        return statistics.median(lookups) * 1000, None
    from icucoach.service.limits import Limiter, aclose, storage_for

    async def hits() -> float:
        storage = storage_for(redis_url, prefix)
        limiter = Limiter(storage, 1_000_000)
        took = []
        for _ in range(200):
            began = time.perf_counter()
            await limiter.hit_token("bench")
            took.append(time.perf_counter() - began)
        await aclose(storage)
        return statistics.median(took)

    return statistics.median(lookups) * 1000, asyncio.run(hits()) * 1000


def run(report: Any) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "tests" / "service"))
    from cluster import (
        REDIS_URL,
        Unavailable,
        new_keys,
        pg_database,
        redis_prefix,
        sandbox_process,
        service_env,
        workers,
    )

    from icucoach.service.crypto import Vault
    from icucoach.service.store import ServiceStore
    from service.service_helpers import sandbox_token

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-service-")))
        redis_url: str | None = REDIS_URL
        try:
            db = stack.enter_context(pg_database())
            prefix = stack.enter_context(redis_prefix())
            report("backing", "PostgreSQL + Redis")
        except Unavailable as exc:
            db, redis_url, prefix = f"sqlite:///{tmp / 'service.db'}", None, "icucoach"
            report("backing", f"SQLite, no Redis ({exc})")
        log_path = tmp / "sandbox.log"
        sandbox = stack.enter_context(sandbox_process(log_path))
        keys = new_keys()
        store = ServiceStore(db, Vault([keys]))
        stack.callback(store.close)
        store.migrate()
        token, scope = sandbox_token(SimpleNamespace(base_url=sandbox.url), ATHLETE)  # type: ignore[arg-type]
        store.upsert_account(ATHLETE, None, None, token, scope)
        mcp_token = store.url_token(ATHLETE, "mcp")
        ical_token = store.url_token(ATHLETE, "ical")
        extra = {
            "SCALE_REDIS_PREFIX": prefix,
            "SCALE_RATE_PER_MINUTE": 10**6,
            "SCALE_UPSTREAM_PER_SECOND": 10**4,
        }
        if redis_url:
            extra["ICUCOACH_REDIS_URL"] = redis_url
        env = service_env(sandbox.url, db, keys, **extra)
        pair = stack.enter_context(workers(2, env, tmp))

        urls = [f"{w.url}/u/{mcp_token}/mcp" for w in pair]
        alone = asyncio.run(_load(urls[:1], report, sessions=1, seconds=3.0))
        upstream = _upstream_times(log_path)
        solo = [(took - upstream[oldest]) * 1000 for oldest, took in alone if oldest in upstream]
        report(
            "service overhead, one session alone p50 / p95",
            f"{_pct(solo, 0.5):.1f} / {_pct(solo, 0.95):.1f}",
            "ms",
        )

        b = pair[1]  # not used yet: its heap is not grown by a load phase first
        asyncio.run(_idle_sessions(f"{b.url}/u/{mcp_token}/mcp", 100))  # warm: imports, pools, heap
        before = _rss_kib(b.pid)
        asyncio.run(_idle_sessions(f"{b.url}/u/{mcp_token}/mcp", IDLE_SESSIONS))
        after = _rss_kib(b.pid)
        report("worker RSS before / after idle sessions", f"{before / 1024:.1f} / {after / 1024:.1f}", "MiB")
        report(
            f"memory per idle MCP session ({IDLE_SESSIONS} opened)", (after - before) / IDLE_SESSIONS, "KiB"
        )

        began = time.monotonic()
        cpu_before = [_cpu_seconds(w.pid) for w in pair]
        own_cpu = time.process_time()
        calls = asyncio.run(_load(urls, report))
        load_cpu = time.process_time() - own_cpu
        worker_cpu = sum(_cpu_seconds(w.pid) - b for w, b in zip(pair, cpu_before, strict=True))
        upstream = _upstream_times(log_path)
        overhead = [(took - upstream[oldest]) * 1000 for oldest, took in calls if oldest in upstream]
        latency = [took * 1000 for _, took in calls]
        own = [upstream[oldest] * 1000 for oldest, _ in calls if oldest in upstream]
        report("sessions (official mcp client, 2 workers)", SESSIONS)
        report("tool calls measured", len(overhead), f"in {MEASURE_SECONDS:.0f} s")
        report("tool calls per second", len(calls) / MEASURE_SECONDS, "calls/s")
        report("call latency p50 / p95", f"{_pct(latency, 0.5):.1f} / {_pct(latency, 0.95):.1f}", "ms")
        report("upstream's own time p50 / p95", f"{_pct(own, 0.5):.1f} / {_pct(own, 0.95):.1f}", "ms")
        report("service overhead p50", _pct(overhead, 0.5), "ms")
        report("service overhead p95 (goal <= 25)", _pct(overhead, 0.95), "ms")
        report("worker CPU per call (both workers)", worker_cpu / max(1, len(calls)) * 1000, "ms")
        report("load generator CPU per call (the 100 clients)", load_cpu / max(1, len(calls)) * 1000, "ms")
        report("machine load average (1 min) after the load", os.getloadavg()[0])
        report("load phase wall time", time.monotonic() - began, "s")

        rate = asyncio.run(_ical_rate([f"{w.url}/ical/{ical_token}.ics" for w in pair]))
        if rate is None:
            report("iCal feed", "not mounted on this build (/ical/{token}.ics answered 404)")
        else:
            report("iCal feed (2 workers, 20 concurrent)", rate[0] / rate[1], "requests/s")

        lookup_ms, hit_ms = _micro(store, mcp_token, redis_url, prefix)
        report("principal lookup by token hash (database)", lookup_ms, "ms median")
        if hit_ms is not None:
            report("rate-limit hit (Redis)", hit_ms, "ms median")
