"""The coach console's squad page for a 12-athlete sandbox squad, served by ``icucoach console``'s app over
real HTTP (the client's own ~10 requests/s limiter on; the sandbox itself does not rate-limit). Run:
``.venv/bin/python -m bench coach``.

Figures:

- **cold**: the first squad page of a new console: wall time and the snapshot requests it made to
  Intervals.icu (plus 2 for the roster), beside the time those take at a steady 10 requests/s (the goal:
  cold within what the limit allows, plus the analytics);
- **warm**: the page again while every snapshot is fresh (no request): median and p95 time to render,
  goal < 300 ms;
- **reload**: the page once the snapshots are no longer fresh and nothing changed upstream: the cheap
  probes only (requests and wall time);
- **athlete week / season**: one athlete's pages from the warm cache (time to render, charts included).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

import httpx

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import squad_ids
from icucoach.service.web.console_hosts import LocalProvider, local_app
from icucoach.serving import serve_in_background

TODAY = date(2026, 11, 23)
SQUAD = 12
WARM_RUNS = 15
RATE = 10.0  # requests/s, the client's default (Intervals.icu's documented limit)

Report = Callable[..., None]


def _timed(http: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    answer = http.get(path)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}")
    return elapsed


def run(report: Report) -> None:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False, squad=SQUAD)) as sb:
        coach = sb.account("coach")
        client = IntervalsClient(
            ClientSettings(api_key=coach.api_key, base_url=sb.base_url, rate_per_second=RATE)
        )
        provider = LocalProvider(client, today=TODAY)
        cache = provider.squad_cache
        with (
            serve_in_background(local_app(provider)) as port,
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as http,
        ):
            cold = _timed(http, "/coach/squad")
            cold_requests = cache.upstream_requests
            report("squad page, cold: wall time", cold, "s")
            report("squad page, cold: upstream requests (snapshots)", cold_requests)
            # the token bucket starts full, so a cold page may beat the steady rate
            report("squad page, cold: same requests at a steady 10/s", cold_requests / RATE, "s")

            warm = [_timed(http, "/coach/squad") for _ in range(WARM_RUNS)]
            report("squad page, warm: median time to render", statistics.median(warm) * 1e3, "ms")
            report("squad page, warm: p95", sorted(warm)[int(0.95 * (len(warm) - 1))] * 1e3, "ms")
            report("squad page, warm: upstream requests", cache.upstream_requests - cold_requests)

            cache.fresh_s = 0.0  # every snapshot stale: the next page probes what changed
            before = cache.upstream_requests
            reload = _timed(http, "/coach/squad")
            report("squad page, reload (nothing new): wall time", reload, "s")
            report("squad page, reload (nothing new): upstream requests", cache.upstream_requests - before)
            cache.fresh_s = 3600.0

            athlete = squad_ids(SQUAD)[0]
            _timed(http, f"/coach/athletes/{athlete}/week")
            week = [_timed(http, f"/coach/athletes/{athlete}/week") for _ in range(5)]
            season = [_timed(http, f"/coach/athletes/{athlete}/season") for _ in range(5)]
            report("athlete week page, warm: median", statistics.median(week) * 1e3, "ms")
            report("athlete season page, warm: median", statistics.median(season) * 1e3, "ms")


__all__ = ["run"]
