"""Sandbox throughput: requests/s served over real HTTP to one pooled httpx client (rate limit off).

Uses the generated world (seed 42, today 2026-11-23). Figures: start-up (generate + serve), the coach's
12-athlete squad (``sandbox --squad 12``: its 10 generated athletes built from scratch), then GETs of a
30-day activity list, a 30-day wellness list, the default events week, athlete power curves (cached after
the first call) and a mixed run of 2,000 requests.
"""

from __future__ import annotations

import time
from datetime import date

import httpx

from icucoach.sandbox import SandboxOptions, serve_in_thread

TODAY = date(2026, 11, 23)


def _rate(client: httpx.Client, paths: list[tuple[str, dict]], n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        path, params = paths[i % len(paths)]
        r = client.get(path, params=params)
        r.raise_for_status()
    return n / (time.perf_counter() - started)


def _squad(report) -> None:
    """The coach's 12-athlete squad (``--squad 12``): the 10 generated athletes, built from scratch."""
    import itertools

    from icucoach.sandbox.generate.squad import add_squad

    started = time.perf_counter()
    athletes: dict = {}
    add_squad(athletes, 42, TODAY, 12, itertools.count(1))
    report("generate squad of 12 (10 generated athletes, 12 weeks each)", time.perf_counter() - started, "s")


def run(report) -> None:
    from icucoach.sandbox.generate import generate_world

    started = time.perf_counter()
    world = generate_world(seed=42, today=TODAY)
    report("generate world (seed 42)", time.perf_counter() - started, "s")
    _squad(report)
    owner = next(a for a in world.accounts if a.role == "athlete")
    with (
        serve_in_thread(SandboxOptions(rate_limit=False), world=world) as sb,
        httpx.Client(
            base_url=sb.base_url + "/api/v1", auth=httpx.BasicAuth("API_KEY", owner.api_key), timeout=60
        ) as client,
    ):
        activities = ("/athlete/0/activities", {"oldest": "2026-10-24", "newest": "2026-11-23"})
        wellness = ("/athlete/0/wellness", {"oldest": "2026-10-24", "newest": "2026-11-23"})
        events = ("/athlete/0/events", {})
        one = ("/athlete/0", {})
        curves = ("/athlete/0/power-curves", {"type": "Ride", "curves": "42d"})
        started = time.perf_counter()
        client.get(*curves[:1], params=curves[1]).raise_for_status()
        report("power curves 42d, first call (computes)", time.perf_counter() - started, "s")
        report("GET activities (30 days)", _rate(client, [activities], 500), "req/s")
        report("GET wellness (30 days)", _rate(client, [wellness], 500), "req/s")
        report("GET events (default week)", _rate(client, [events], 500), "req/s")
        report("GET athlete", _rate(client, [one], 500), "req/s")
        report("GET power curves 42d (cached)", _rate(client, [curves], 200), "req/s")
        mixed = _rate(client, [activities, wellness, events], 2000)
        report("mixed activities/wellness/events, 2,000 GETs", mixed, "req/s")
