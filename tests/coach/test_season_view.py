"""The athlete season on the planted squad: the PMC is the API's wellness values, the weekly volume adds
up to the week view's, the overreaching athlete's phase and its suggested transition, races marked."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from icucoach.coach.views import athlete_season, athlete_week
from icucoach.insights.snapshot import Snapshot
from icucoach.sandbox import RunningSandbox

from .conftest import PERSONA_ID, TODAY, coach_client


def test_pmc_equals_the_api_wellness_values(squad_world: RunningSandbox, snaps: dict[str, Snapshot]) -> None:
    season = athlete_season(snaps["compliant"], weeks=16)

    async def wellness() -> dict[str, dict]:
        async with coach_client(squad_world) as client:
            rows = await client.list_wellness(season.start, TODAY, athlete_id=PERSONA_ID["compliant"])
        return {str(w.id): w.model_dump(by_alias=True) for w in rows}

    api = asyncio.run(wellness())
    assert season.pmc[0].day == season.start and season.pmc[-1].day == TODAY
    assert len(season.pmc) == (TODAY - season.start).days + 1
    with_values = 0
    for p in season.pmc:
        w = api.get(p.day.isoformat())
        if w is None:  # the squad has 12 weeks of history: earlier days have no record, and stay null
            assert p.ctl is None and p.atl is None and p.tsb is None
            continue
        with_values += 1
        assert (p.ctl, p.atl) == (w["ctl"], w["atl"])
        assert p.tsb == pytest.approx(w["ctl"] - w["atl"])
    assert with_values >= 80


def test_weekly_volume_agrees_with_the_week_view(snaps: dict[str, Snapshot]) -> None:
    snap = snaps["skipper"]
    season = athlete_season(snap, weeks=16)
    assert len(season.weekly) == 16 and season.weekly[-1].week_start == TODAY
    last = season.weekly[-2]
    week = athlete_week(snap, last.week_start)
    assert last.total == week.done["all"].to_dict()
    assert set(last.by_sport) == {f for f in week.done if f != "all"}


def test_overreaching_phase_suggests_recovery(snaps: dict[str, Snapshot]) -> None:
    season = athlete_season(snaps["overreaching"])
    assert season.phase == "overreached" and season.phase_reasons
    assert season.suggested_transition == "recovery" and season.transition_why


def test_sick_athlete_is_told_to_recover(snaps: dict[str, Snapshot]) -> None:
    season = athlete_season(snaps["sick"])
    assert season.suggested_transition == "recovery" and "sick" in (season.transition_why or "")


def test_races_are_marked_and_the_projection_runs_ahead(snaps: dict[str, Snapshot]) -> None:
    season = athlete_season(snaps["compliant"])
    a_races = [r for r in season.races if r["category"] == "RACE_A"]
    assert a_races and a_races[0]["days_to"] > 0 and a_races[0]["done"] is None
    assert season.projection and season.projection[0].day == TODAY + timedelta(days=1)
    data = json.loads(json.dumps(season.to_dict()))
    assert data["phase"]["phase"] == season.phase and len(data["pmc"]) == len(season.pmc)


def test_strava_only_days_keep_their_wellness_load(snaps: dict[str, Snapshot]) -> None:
    season = athlete_season(snaps["strava_only"])
    assert all(w.total["load"] is None for w in season.weekly if w.total["sessions"])
    recent = [p for p in season.pmc if p.ctl is not None]
    assert recent and recent[-1].ctl is not None and recent[-1].ctl > 20  # CTL still counts hidden loads
