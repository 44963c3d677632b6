"""What a plan is built from, read through the real client from the 12-athlete squad sandbox: CTL and ATL
are the API's wellness values of today, the last 28 days' loads are the activities', the goals are the
calendar's races, the phase is the status digest's, and the skipper's missed sessions show as low
compliance, which the plan warns about."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from icucoach.coach import plan_args, plan_io
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.plan import build_plan
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import PERSONAS, squad_ids

TODAY = date(2026, 11, 23)
PERSONA_ID = dict(zip(PERSONAS, squad_ids(12), strict=False))


@pytest.fixture(scope="module")
def squad() -> Iterator[RunningSandbox]:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False, squad=12)) as running:
        yield running


def read(sb: RunningSandbox, athlete_id: str) -> plan_io.Inputs:
    async def go() -> plan_io.Inputs:
        settings = ClientSettings(api_key=sb.account("coach").api_key, base_url=sb.base_url)
        async with IntervalsClient(settings) as client:
            return await plan_io.read_inputs(client, athlete_id, TODAY)

    return asyncio.run(go())


def test_state_is_the_apis_numbers_and_goals_are_the_calendars_races(squad: RunningSandbox) -> None:
    athlete = PERSONA_ID["compliant"]
    got = read(squad, athlete)
    store = squad.world.store(athlete)
    assert store is not None
    well = store.wellness[TODAY.isoformat()]
    assert (got.state.ctl, got.state.atl) == (well["ctl"], well["atl"])
    first = TODAY - timedelta(days=27)
    for offset in (0, 13, 27):
        day = (first + timedelta(days=offset)).isoformat()
        acts = [a for a in store.activities.values() if a["start_date_local"][:10] == day]
        assert got.state.recent_daily_load[offset] == pytest.approx(
            sum(a.get("icu_training_load") or 0 for a in acts)
        )
    races = {
        e["start_date_local"][:10]: e["category"][-1]
        for e in store.events.values()
        if e["category"].startswith("RACE_") and e["start_date_local"][:10] >= TODAY.isoformat()
    }
    assert {g.date.isoformat(): g.priority for g in got.races} == races
    assert got.state.compliance_pct is not None and got.state.compliance_pct >= 90
    assert got.state.phase == "build"  # analytics.phase over the snapshot, as the status digest says


def test_the_skippers_low_compliance_is_read_and_warned_about(squad: RunningSandbox) -> None:
    got = read(squad, PERSONA_ID["skipper"])
    assert got.state.compliance_pct is not None and got.state.compliance_pct < 70
    ask = plan_io.Ask(weekly_hours=6, availability=plan_args.days("tue,thu,sat,sun", 6, "sun"))
    plan = build_plan(plan_io.make_request(ask, got), got.state)
    assert any("compliance" in w for w in plan.warnings)
