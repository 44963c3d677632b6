"""Small changes to a running sandbox's world and a way to count what reaches it, shared by the tests and
``make bench`` (so a figure and the test that guards it measure the same thing)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import httpx

from icucoach.sandbox.runner import RunningSandbox


class CountingTransport(httpx.AsyncHTTPTransport):
    """The real HTTP transport, counting requests by method (what reached the server)."""

    def __init__(self) -> None:
        super().__init__()
        self.methods: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.methods[request.method] += 1
        return await super().handle_async_request(request)

    def writes(self) -> int:
        return sum(n for m, n in self.methods.items() if m != "GET")


def move_next_a_race(sb: RunningSandbox, athlete_id: str, today: date, weeks: int) -> dict[str, Any]:
    """Move the athlete's next A race to ``weeks`` weeks after ``today``, as if they had entered a later one
    (the generated one is about 6 weeks out, too close for a block with build, recovery and taper weeks)."""
    store = sb.world.store(athlete_id)
    assert store is not None
    race = min(
        (
            e
            for e in store.events.values()
            if e["category"] == "RACE_A" and e["start_date_local"][:10] > str(today)
        ),
        key=lambda e: e["start_date_local"],
    )
    race["start_date_local"] = f"{today + timedelta(weeks=weeks)}T00:00:00"
    return race
