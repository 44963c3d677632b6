"""Workout review end to end: the planted squad over real HTTP, reviewed through ``IntervalsClient`` with the
coach's key (sandbox/generate/squad.py plants the personas)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from icucoach.analytics.settings import DEFAULT_SETTINGS as S
from icucoach.coach.review import ReviewError, WorkoutReview, workout_review
from icucoach.intervals.errors import NotFoundError
from icucoach.sandbox import RunningSandbox

from .conftest import PERSONA_ID, TODAY, coach_client


@pytest.fixture(scope="module")
def sb(squad_world: RunningSandbox) -> RunningSandbox:
    """The session's planted squad (conftest): nothing here changes it."""
    return squad_world


async def _reviews(sb: RunningSandbox, persona: str, days: int = 10) -> list[WorkoutReview]:
    aid = PERSONA_ID[persona]
    async with coach_client(sb) as client:
        acts = await client.list_activities(TODAY - timedelta(days=days), TODAY, athlete_id=aid)
        return [await workout_review(client, aid, str(a.id)) for a in acts]


@pytest.fixture(scope="module")
def reviews(sb: RunningSandbox) -> dict[str, list[WorkoutReview]]:
    async def all_() -> dict[str, list[WorkoutReview]]:
        out = {}
        for p in ("compliant", "too_hard", "no_power", "strava_only"):
            out[p] = await _reviews(sb, p)
        return out

    return asyncio.run(all_())


def _work(rv: WorkoutReview) -> list[Any]:
    return [s for s in rv.steps.steps if s.kind == "work"]


def test_compliant_athletes_reps_are_hit(reviews: dict[str, list[WorkoutReview]]) -> None:
    structured = [rv for rv in reviews["compliant"] if rv.steps.reps_total >= 2]
    assert len(structured) >= 2
    for rv in structured:
        assert rv.planned is not None and rv.chip is not None and rv.chip.kind == "done"
        assert all(s.verdict == "hit" for s in _work(rv)), rv.activity["name"]
        assert rv.steps.reps_hit == rv.steps.reps_total
        assert rv.steps.notes[0] == f"{rv.steps.reps_total} of {rv.steps.reps_total} work reps on target."
    # every compliant session, steady or structured, is on target step by step
    judged = [s for rv in reviews["compliant"] for s in rv.steps.steps if s.verdict != "not_judged"]
    assert judged and all(s.verdict == "hit" for s in judged)


def test_too_hard_athletes_reps_are_over(reviews: dict[str, list[WorkoutReview]]) -> None:
    structured = [rv for rv in reviews["too_hard"] if rv.steps.reps_total >= 2]
    assert structured
    for rv in structured:
        assert rv.chip is not None and (rv.chip.kind, rv.chip.reason) == ("changed", "over_target")
        assert all(s.verdict == "over" and s.delta_pct is not None and s.delta_pct > 5 for s in _work(rv))
        assert rv.steps.reps_hit == 0
    steady = [s for rv in reviews["too_hard"] for s in rv.steps.steps if s.kind == "steady"]
    assert steady and all(s.verdict == "over" for s in steady)


def test_power_targets_are_the_athletes_watts(reviews: dict[str, list[WorkoutReview]]) -> None:
    rv = next(rv for rv in reviews["compliant"] if rv.activity["sport"] in ("Ride", "VirtualRide"))
    ftp = rv.activity["ftp_w"]
    s = next(s for s in rv.steps.steps if s.target_unit == "w")
    assert ftp and s.target_lo is not None and 0.4 * ftp < s.target_lo < 1.3 * ftp
    assert s.actual == s.actual_power_w  # NP per step


def test_no_power_athlete_is_reviewed_on_heart_rate(reviews: dict[str, list[WorkoutReview]]) -> None:
    structured = [rv for rv in reviews["no_power"] if rv.steps.reps_total >= 2]
    assert structured
    for rv in structured:
        assert rv.steps.basis == "hr"
        assert all(s.target_unit == "bpm" and s.verdict == "hit" for s in _work(rv))
        assert all(s.actual_power_w is None for s in rv.steps.steps)


def test_strava_stub_is_listed_never_judged(reviews: dict[str, list[WorkoutReview]]) -> None:
    rvs = reviews["strava_only"]
    assert rvs
    for rv in rvs:
        assert rv.chip is not None and rv.chip.kind == "done_unverified"
        assert rv.planned is not None  # the plan it paired with is still shown
        assert all(s.verdict == "not_judged" for s in rv.steps.steps)
        assert rv.activity["load"] is None and rv.conditions["temperature"] is None


def test_review_dict_is_json_with_units(reviews: dict[str, list[WorkoutReview]]) -> None:
    rv = next(rv for rv in reviews["compliant"] if rv.steps.reps_total >= 2)
    d = json.loads(json.dumps(rv.to_dict()))
    assert d["athlete_id"] == PERSONA_ID["compliant"]
    assert set(d) == {"athlete_id", "activity", "planned", "chip", "review", "conditions"}
    assert {"duration_s", "distance_m", "np_w", "avg_hr_bpm", "if_pct", "load", "date_local"} <= set(
        d["activity"]
    )
    assert str(d["planned"]["id"]) == d["chip"]["planned_id"]  # the API's integer event id
    assert d["chip"]["colour"] == "green"
    assert {"temperature", "elevation_gain_m", "indoor", "terrain"} <= set(d["conditions"])
    assert all("verdict" in s and "target_unit" in s for s in d["review"]["steps"])


def test_unknown_activity_is_a_clear_error(sb: RunningSandbox) -> None:
    async def go() -> None:
        async with coach_client(sb) as client:
            await workout_review(client, PERSONA_ID["compliant"], "i999999999")

    with pytest.raises(ReviewError, match="no activity 'i999999999'") as err:
        asyncio.run(go())
    assert isinstance(err.value, NotFoundError)


def test_activity_of_another_athlete_is_refused(sb: RunningSandbox) -> None:
    async def go() -> None:
        async with coach_client(sb) as client:
            acts = await client.list_activities(
                TODAY - timedelta(days=3), TODAY, athlete_id=PERSONA_ID["compliant"]
            )
            await workout_review(client, PERSONA_ID["too_hard"], str(acts[0].id))

    with pytest.raises(ReviewError, match="is not athlete"):
        asyncio.run(go())


def test_docs_state_the_review_thresholds() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "coach.md").read_text()
    review = doc[doc.index("## Workout review") :]
    assert f"**±{round(100 * S.chip_target_margin)} %**" in review
    assert f"Under **{S.decoupling_coupled_pct:g} %** counts as coupled" in review


def test_conditions_are_what_the_activity_records(reviews: dict[str, list[WorkoutReview]]) -> None:
    rvs = reviews["compliant"] + reviews["too_hard"] + reviews["no_power"]
    outdoor = [
        rv for rv in rvs if rv.conditions["indoor"] is False and rv.activity["sport"] in ("Ride", "Run")
    ]
    indoor = [rv for rv in rvs if rv.conditions["indoor"]]
    assert outdoor and indoor
    for rv in outdoor:
        c = rv.conditions
        assert c["temperature_source"] == "weather" and -15 < c["temperature"] < 40
        assert c["temperature_unit"] == "C" and c["wind_speed_unit"] == "MPS" and c["wind_speed"] > 0
        assert c["terrain"] in ("flat", "rolling", "hilly", "mountain")
        assert c["elevation_gain_m_per_km"] == pytest.approx(
            c["elevation_gain_m"] / (rv.activity["distance_m"] / 1000), abs=0.05
        )
    for rv in indoor:  # a trainer ride has no weather and no terrain: null, never 0
        assert rv.conditions["temperature"] is None and rv.conditions["wind_speed"] is None
        assert rv.conditions["terrain"] is None
