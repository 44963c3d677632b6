"""The sandbox squad (``--squad N``).

Deterministic by seed, the default world untouched, and every planted persona visible in the API-shaped
records a coach reads (activities, wellness, events with ``workout_doc``)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from tests.cli.harness import assert_clean_failure, run

from icucoach.exitcodes import Exit
from icucoach.sandbox.generate import generate_world, list_accounts
from icucoach.sandbox.generate.squad import PERSONAS, persona_of, squad_ids, squad_members
from icucoach.sandbox.world import World

TODAY = date(2026, 11, 23)
SQUAD = 12
IDS = dict(zip(PERSONAS, squad_ids(SQUAD), strict=False))
COACH = "i100003"


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(seed=42, today=TODAY, squad=SQUAD)


def _dump(world: World, aid: str) -> str:
    st = world.athletes[aid]
    return json.dumps([st.activities, st.wellness, st.events, st.sport_settings, st.athlete], sort_keys=True)


def test_roster_and_accounts(world: World) -> None:
    shared = [a for a, st in world.athletes.items() if st.shared_with.get(COACH)]
    assert len(shared) == SQUAD
    assert [a.athlete_id for a in world.accounts][3:] == squad_ids(SQUAD)
    assert list_accounts(42, SQUAD) == world.accounts
    assert [persona_of(k) for k in range(10)] == [*PERSONAS, "ordinary", "ordinary", "ordinary"]
    assert len(generate_world(seed=42, today=TODAY).accounts) == 3  # the default world is unchanged
    with pytest.raises(ValueError):
        generate_world(seed=42, today=TODAY, squad=1)


def test_deterministic_by_seed(world: World) -> None:
    again = generate_world(seed=42, today=TODAY, squad=SQUAD)
    for aid in squad_ids(SQUAD):
        assert _dump(world, aid) == _dump(again, aid)
    other = squad_members(7, SQUAD)
    assert [m.profile.thresholds for m in other] != [m.profile.thresholds for m in squad_members(42, SQUAD)]


def test_every_session_is_a_coach_planned_workout_with_structure(world: World) -> None:
    for aid in squad_ids(SQUAD):
        st = world.athletes[aid]
        workouts = [e for e in st.events.values() if e["category"] == "WORKOUT"]
        assert workouts and all(e["workout_doc"] and e["created_by_id"] == COACH for e in workouts)
        assert all(e["moving_time"] for e in workouts)
        assert any(e["start_date_local"][:10] > TODAY.isoformat() for e in workouts)  # the plan ahead
        for a in st.activities.values():
            if a.get("paired_event_id"):
                assert st.events[a["paired_event_id"]]["paired_activity_id"] == a["id"]
        assert min(st.wellness) == (TODAY - timedelta(days=83)).isoformat() and max(st.wellness) == str(TODAY)


def _last(world: World, persona: str, days: int) -> list[dict]:
    st = world.athletes[IDS[persona]]
    return [st.wellness[(TODAY - timedelta(days=k)).isoformat()] for k in reversed(range(days))]


def test_overreaching_is_in_the_wellness_and_the_load(world: World) -> None:
    rows = _last(world, "overreaching", 8)
    hrv = [r["hrv"] or r["hrvSDNN"] for r in rows]
    rhr = [r["restingHR"] for r in rows]
    assert hrv == sorted(hrv, reverse=True) and hrv[0] > hrv[-1] * 1.2
    assert rhr == sorted(rhr) and rhr[-1] - rhr[0] >= 5
    assert rows[-1]["atl"] - rows[-1]["ctl"] > 30  # form deep negative
    st = world.athletes[IDS["overreaching"]]
    days = {a["start_date_local"][:10] for a in st.activities.values()}
    assert all((TODAY - timedelta(days=k)).isoformat() in days for k in range(10))  # no rest day


def test_sick_event_and_flags(world: World) -> None:
    st = world.athletes[IDS["sick"]]
    (sick,) = [e for e in st.events.values() if e["category"] == "SICK"]
    assert sick["start_date_local"][:10] == (TODAY - timedelta(days=3)).isoformat()
    assert sick["end_date_local"][:10] == (TODAY + timedelta(days=1)).isoformat()  # exclusive end
    for r in _last(world, "sick", 4):
        assert r["comments"] and r["soreness"] == 4 and r["fatigue"] == 4
    assert not [
        a for a in st.activities.values() if a["start_date_local"][:10] >= sick["start_date_local"][:10]
    ]


def test_no_power_rides_are_hr_only(world: World) -> None:
    st = world.athletes[IDS["no_power"]]
    ride = st.sport_settings_for("Ride")
    assert ride is not None and ride["ftp"] is None and ride["power_zones"] is None and ride["lthr"]
    rides = [a for a in st.activities.values() if a["type"] in ("Ride", "VirtualRide")]
    assert rides and all(
        a.get("icu_average_watts") is None and "watts" not in a["stream_types"] for a in rides
    )
    recent = [a for a in rides if a["id"] in st.details]
    assert (
        recent
        and all(
            "watts" not in {s["type"] for s in st.details[a["id"]].streams()}  # type: ignore[misc]
            for a in recent[:2]
        )
    )
    plans = [e for e in st.events.values() if e["category"] == "WORKOUT" and e["type"] == "Ride"]
    assert plans and all("LTHR" in e["description"] for e in plans)


def test_strava_only_history_is_stubs_with_hidden_loads(world: World) -> None:
    st = world.athletes[IDS["strava_only"]]
    assert st.activities and all(
        set(a) == {"id", "icu_athlete_id", "start_date_local", "source", "_note"} and a["source"] == "STRAVA"
        for a in st.activities.values()
    )
    assert set(st.hidden_loads) == set(st.activities) and all(v > 0 for v in st.hidden_loads.values())
    assert st.wellness[str(TODAY)]["ctl"] > 20


def test_skipper_and_too_hard_are_in_the_records(world: World) -> None:
    st = world.athletes[IDS["skipper"]]
    window = [
        e
        for e in st.events.values()
        if e["category"] == "WORKOUT"
        and (TODAY - timedelta(days=21)).isoformat() < e["start_date_local"][:10] < str(TODAY)
    ]
    unpaired = [e for e in window if not e.get("paired_activity_id")]
    assert len(unpaired) >= len(window) // 2 - 1
    hard = world.athletes[IDS["too_hard"]]
    paired = [
        (a, hard.events[a["paired_event_id"]]) for a in hard.activities.values() if a.get("paired_event_id")
    ]
    assert paired and all(a["icu_training_load"] > 1.15 * e["icu_training_load"] for a, e in paired)


def test_cli_squad_accounts_and_bad_value() -> None:
    result = run("sandbox", "--accounts", "--squad", "12")
    assert result.returncode == 0, result.stderr
    accounts = json.loads(result.stdout)
    assert [a["athlete_id"] for a in accounts][3:] == squad_ids(12)
    assert_clean_failure(run("sandbox", "--squad", "1"), Exit.USAGE, "--squad")
