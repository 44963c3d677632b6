"""The planted 12-athlete squad (sandbox/generate/squad.py) over real HTTP, shared by the coach view tests,
and the coach's client and loaded snapshots. Tests that change the world (a revoked share, a new wellness
comment) put it back before they finish."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date

import pytest

from icucoach.coach.views import AthleteSource, load_athlete
from icucoach.insights.snapshot import Snapshot
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import PERSONAS, squad_ids

TODAY = date(2026, 11, 23)
SQUAD = 12
PERSONA_ID = dict(zip(PERSONAS, squad_ids(SQUAD), strict=False))


@pytest.fixture(scope="session")
def squad_world() -> Iterator[RunningSandbox]:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False, squad=SQUAD)) as running:
        yield running


def coach_client(sb: RunningSandbox) -> IntervalsClient:
    return IntervalsClient(ClientSettings(api_key=sb.account("coach").api_key, base_url=sb.base_url))


@pytest.fixture(scope="session")
def snaps(squad_world: RunningSandbox) -> dict[str, Snapshot]:
    """One snapshot per planted persona, loaded once."""

    async def all_of() -> dict[str, Snapshot]:
        async with coach_client(squad_world) as client:
            got = await asyncio.gather(
                *(load_athlete(AthleteSource(PERSONA_ID[p], None, client), today=TODAY) for p in PERSONA_ID)
            )
        return dict(zip(PERSONA_ID, got, strict=True))

    return asyncio.run(all_of())
