"""Finding suitable records in the sandbox world (what a test should ask the API for)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from icucoach.sandbox import RunningSandbox

Json = dict[str, Any]


def activities(sb: RunningSandbox, athlete_id: str) -> list[Json]:
    store = sb.world.store(athlete_id)
    assert store is not None
    return sorted(store.activities.values(), key=lambda a: a.get("start_date_local") or "", reverse=True)


def find_activity(sb: RunningSandbox, athlete_id: str, pred: Callable[[Json], bool]) -> Json:
    for a in activities(sb, athlete_id):
        if pred(a):
            return a
    raise AssertionError(f"no activity of {athlete_id} matches")


def with_streams(sb: RunningSandbox, athlete_id: str, sport: str | None = None) -> Json:
    store = sb.world.store(athlete_id)
    assert store is not None

    def ok(a: Json) -> bool:
        d = store.details.get(str(a["id"]))
        return (
            a.get("source") != "STRAVA"
            and d is not None
            and d.streams is not None
            and (sport is None or a.get("type") == sport)
        )

    return find_activity(sb, athlete_id, ok)


def with_intervals(sb: RunningSandbox, athlete_id: str) -> Json:
    store = sb.world.store(athlete_id)
    assert store is not None

    def ok(a: Json) -> bool:
        d = store.details.get(str(a["id"]))
        return a.get("source") != "STRAVA" and d is not None and d.intervals is not None

    return find_activity(sb, athlete_id, ok)


def strava_stub(sb: RunningSandbox, athlete_id: str | None = None) -> tuple[str, Json]:
    for aid, store in sb.world.athletes.items():
        if athlete_id is not None and aid != athlete_id:
            continue
        for a in store.activities.values():
            if a.get("source") == "STRAVA":
                return aid, a
    raise AssertionError("no Strava stub in the world")


def shared_with(sb: RunningSandbox, coach_id: str, level: str) -> str:
    for aid, store in sb.world.athletes.items():
        if store.shared_with.get(coach_id) == level:
            return aid
    raise AssertionError(f"no athlete shares {level} with {coach_id}")


def has_route(path: str, method: str = "GET") -> bool:
    """Whether the sandbox app serves ``path`` (an API path template) — for endpoints still being added."""
    from starlette.routing import Route

    from icucoach.sandbox.routes import ROUTES

    return any(
        isinstance(r, Route) and r.path == "/api/v1" + path and method in (r.methods or ()) for r in ROUTES
    )


class FakeTime:
    """A clock and an async sleep for a client: ``sleep`` records each wait and advances ``now`` instantly.

    ``install(client)`` gives the client a token bucket on this clock, so every wait the client makes (token
    bucket, 429 pause, retry backoff) is recorded in ``sleeps`` and no test races real time.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    @property
    def waited(self) -> float:
        return sum(self.sleeps)

    def install(self, client: Any) -> None:
        from icucoach.intervals.ratelimit import TokenBucket

        settings = client.settings
        client.transport.bucket = TokenBucket(
            settings.rate_per_second, settings.burst, clock=self, sleep=self.sleep
        )
