"""``SquadCache`` over real HTTP: a reload asks only what changed, counted both by the cache and by the
client's own request counter; concurrency stays bounded."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from icucoach.coach.views import AthleteSource, SquadCache, SquadView, load_squad, roster_sources
from icucoach.insights.snapshot import DateLike
from icucoach.intervals import Activity, Event, IntervalsClient, Wellness, WithSportSettings
from icucoach.sandbox import RunningSandbox

from .conftest import PERSONA_ID, SQUAD, TODAY, coach_client


async def _loads(sb: RunningSandbox, cache: SquadCache, rounds: int) -> list[tuple[SquadView, int]]:
    """``rounds`` loads of the squad through one cache: each view with the client's requests it took."""
    out = []
    async with coach_client(sb) as client:
        sources = await roster_sources(client)
        for _ in range(rounds):
            before = client.request_count
            view = await load_squad(sources, today=TODAY, cache=cache)
            out.append((view, client.request_count - before))
    return out


def test_a_reload_with_nothing_new_asks_nothing_while_fresh(squad_world: RunningSandbox) -> None:
    (cold, cold_sent), (warm, warm_sent) = asyncio.run(_loads(squad_world, SquadCache(fresh_s=600), 2))
    assert cold.upstream_requests == cold_sent == 4 * SQUAD  # athlete, activities, wellness, events
    assert warm.upstream_requests == warm_sent == 0
    assert [r.athlete_id for r in warm.rows] == [r.athlete_id for r in cold.rows]


def test_a_stale_reload_probes_two_small_requests_per_athlete(squad_world: RunningSandbox) -> None:
    cache = SquadCache(fresh_s=0)
    (cold, cold_sent), (probe, probe_sent) = asyncio.run(_loads(squad_world, cache, 2))
    assert cold_sent == 4 * SQUAD
    assert probe.upstream_requests == probe_sent == 2 * SQUAD  # recent activities + wellness only
    assert cache.full_fetches == SQUAD and cache.probes == SQUAD
    assert [r.to_dict() for r in probe.rows] == [r.to_dict() for r in cold.rows]


def test_a_change_is_picked_up_by_the_probe(squad_world: RunningSandbox) -> None:
    aid = PERSONA_ID["compliant"]
    record = squad_world.world.athletes[aid].wellness[TODAY.isoformat()]
    saved = dict(record)
    cache = SquadCache(fresh_s=0)

    async def go() -> tuple[int, int, str | None]:
        async with coach_client(squad_world) as client:
            sources = [s for s in await roster_sources(client) if s.athlete_id == aid]
            await load_squad(sources, today=TODAY, cache=cache)
            record["comments"] = "legs heavy after the long ride"
            before = client.request_count
            view = await load_squad(sources, today=TODAY, cache=cache)
            snap = view.snapshots[aid]
            comment = next(w for w in snap.wellness if w["id"] == TODAY.isoformat())["comments"]
            return view.upstream_requests, client.request_count - before, comment

    try:
        counted, sent, comment = asyncio.run(go())
    finally:
        record.clear()
        record.update(saved)
    assert comment == "legs heavy after the long ride"
    assert counted == sent == 3  # the probe's two requests, then the calendar again (plans follow changes)


def test_invalidate_and_a_new_day_fetch_in_full(squad_world: RunningSandbox) -> None:
    cache = SquadCache(fresh_s=600)

    async def go() -> list[int]:
        counts = []
        async with coach_client(squad_world) as client:
            src = [s for s in await roster_sources(client) if s.athlete_id == PERSONA_ID["sick"]]
            for step in ("cold", "warm", "invalidated", "next day"):
                if step == "invalidated":
                    cache.invalidate(src[0].athlete_id)
                day = TODAY if step != "next day" else TODAY + timedelta(days=1)
                before = client.request_count
                await load_squad(src, today=day, cache=cache)
                counts.append(client.request_count - before)
        return counts

    assert asyncio.run(go()) == [4, 0, 4, 4]


class _InFlight:
    """The real client, with the number of its calls in flight recorded (no behaviour changed)."""

    def __init__(self, client: IntervalsClient) -> None:
        self.client = client
        self.now = 0
        self.peak = 0

    async def _track(self, call: Any) -> Any:
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            return await call
        finally:
            self.now -= 1

    async def get_athlete(self, athlete_id: str | int | None = None) -> WithSportSettings:
        return await self._track(self.client.get_athlete(athlete_id))  # type: ignore[no-any-return]

    async def list_activities(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
        *,
        athlete_id: str | int | None = None,
    ) -> list[Activity]:
        return await self._track(  # type: ignore[no-any-return]
            self.client.list_activities(oldest, newest, limit, fields, athlete_id=athlete_id)
        )

    async def list_wellness(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        *,
        fields: Sequence[str] | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Wellness]:
        return await self._track(  # type: ignore[no-any-return]
            self.client.list_wellness(oldest, newest, fields=fields, athlete_id=athlete_id)
        )

    async def list_events(
        self,
        oldest: DateLike | None = None,
        newest: DateLike | None = None,
        category: Sequence[str] | str | None = None,
        resolve: bool = False,
        *,
        limit: int | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Event]:
        return await self._track(  # type: ignore[no-any-return]
            self.client.list_events(oldest, newest, category, resolve, limit=limit, athlete_id=athlete_id)
        )


def test_concurrency_is_bounded(squad_world: RunningSandbox) -> None:
    async def go(concurrency: int) -> int:
        async with coach_client(squad_world) as client:
            tracked = _InFlight(client)
            sources = [AthleteSource(s.athlete_id, s.name, tracked) for s in await roster_sources(client)]
            view = await load_squad(sources, today=TODAY, concurrency=concurrency)
            assert not any(r.error for r in view.rows)
            return tracked.peak

    # a snapshot sends its activities, wellness and events requests together: 3 per athlete in flight
    assert asyncio.run(go(1)) <= 3
    assert asyncio.run(go(2)) <= 6


def test_without_a_pinned_day_the_athletes_own_today_keeps_the_cache(squad_world: RunningSandbox) -> None:
    cache = SquadCache(fresh_s=0)

    async def go() -> list[int]:
        counts = []
        async with coach_client(squad_world) as client:
            src = [s for s in await roster_sources(client) if s.athlete_id == PERSONA_ID["compliant"]]
            for _ in range(2):
                before = client.request_count
                await load_squad(src, cache=cache)
                counts.append(client.request_count - before)
        return counts

    assert asyncio.run(go()) == [4, 2]  # full, then a probe: the same local day
