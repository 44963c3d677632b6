"""The digest entry point: empty/single/all-null inputs, the three-year synthetic athlete, JSON output."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import numpy as np
import pytest
from bench.bench_analytics import synthetic_athlete
from hypothesis import given, settings
from hypothesis import strategies as st

from icucoach.analytics.inputs import (
    from_api_activity,
    from_api_event,
    from_api_sport_settings,
    from_api_wellness,
)
from icucoach.analytics.load import pmc_series
from icucoach.analytics.settings import DEFAULT_SETTINGS
from icucoach.analytics.status import training_status

from .helpers import D0, act, acts_from_loads, well

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def athlete():
    return synthetic_athlete(seed=11, today=TODAY, days=400)


@pytest.fixture(scope="module")
def status(athlete):
    sps = [
        from_api_sport_settings(athlete["sport_settings"][0], athlete["ftp_history"]),
        from_api_sport_settings(athlete["sport_settings"][1]),
    ]
    return training_status(athlete["activities"], athlete["wellness"], athlete["events"], sps, TODAY)


def _json(st) -> dict:
    return json.loads(json.dumps(st.to_dict(), allow_nan=False))  # no nan/inf anywhere


def test_empty_inputs():
    st = training_status([], [], [], [], TODAY)
    out = _json(st)
    assert out["fitness"]["ctl"]["value"] == 0.0
    assert out["acwr"]["coupled"]["value"] is None and out["acwr"]["coupled"]["reason"]
    assert out["monotony"]["monotony"]["value"] is None
    assert out["tid"]["short"]["classification"] is None
    assert out["readiness"]["decision"] == "go" and out["readiness"]["confidence"] == "low"
    assert out["phase"]["phase"] is None


def test_single_reading():
    st = training_status([act(TODAY, 80)], [well(TODAY, hrv=60.0, resting_hr=50.0)], [], [], TODAY)
    out = _json(st)
    assert out["recovery"]["hrv"]["baseline_7d"]["value"] is None  # no baseline from one reading
    assert out["recovery"]["recovery_index"]["value"] is None
    assert out["acwr"]["coupled"]["inputs"]["unreliable"]
    assert out["fitness"]["ctl"]["value"] == pytest.approx(80 * (1 - np.exp(-1 / 42)), abs=1e-4)


def test_all_null_wellness_and_stubs_only():
    stubs = [
        act(TODAY - timedelta(days=i), None, "Run", id=f"s{i}", is_stub=True, source="STRAVA")
        for i in range(5)
    ]
    st = training_status(stubs, [well(TODAY - timedelta(days=i)) for i in range(10)], [], [], TODAY)
    out = _json(st)
    assert out["acwr"]["coupled"]["value"] is None
    assert {a["code"] for a in out["alerts"]} >= {"strava_stubs"}
    assert len(out["data_quality"]["strava_stubs"]) == 5


def test_digest_on_synthetic_athlete(status, athlete):
    out = _json(status)
    assert status.replay_max_delta == pytest.approx(0.0, abs=1e-6)  # replay reproduces wellness CTL/ATL
    assert out["fitness"]["form"]["value"] == pytest.approx(
        out["fitness"]["ctl"]["value"] - out["fitness"]["atl"]["value"], abs=1e-3
    )
    assert out["readiness"]["decision"] in ("go", "modify", "skip")
    assert out["phase"]["phase"] in ("base", "build", "peak", "taper", "recovery", "deload", "overreached")
    assert out["races"]["next_race"]["category"] == "RACE_A"
    assert out["data_quality"]["duplicates_removed"]  # the synthetic athlete has double uploads
    assert out["tid"]["long"]["classification"] is not None
    assert len(out["projection"]) == 15
    # Duplicates never double count: the digest's daily loads equal the generator's (which counts once).
    ctl, _ = pmc_series(athlete["daily_loads"])
    assert status.fitness.ctl.value == pytest.approx(float(ctl[-1]), abs=1e-9)


def test_typed_and_dict_inputs_agree(athlete):
    acts = [from_api_activity(a) for a in athlete["activities"]]
    wel = [from_api_wellness(w) for w in athlete["wellness"]]
    evs = [from_api_event(e) for e in athlete["events"]]
    a = training_status(acts, wel, evs, [], TODAY).to_dict()
    b = training_status(athlete["activities"], athlete["wellness"], athlete["events"], [], TODAY).to_dict()
    assert a == b


def test_windows_do_not_depend_on_history_shown():
    # Extra history older than every window changes neither ACWR nor monotony nor TID (but does change CTL).
    rng = np.random.default_rng(5)
    recent = rng.integers(0, 150, 60).astype(float)
    old = rng.integers(0, 150, 200).astype(float)
    today = D0 + timedelta(days=259)
    a1 = acts_from_loads(np.r_[np.zeros(200), recent])
    a2 = acts_from_loads(np.r_[old, recent])
    s1, s2 = training_status(a1, [], [], [], today), training_status(a2, [], [], [], today)
    assert s1.acwr.coupled.value == pytest.approx(s2.acwr.coupled.value)
    assert s1.acwr.uncoupled.value == pytest.approx(s2.acwr.uncoupled.value)
    assert s1.monotony.monotony.value == pytest.approx(s2.monotony.monotony.value)


def test_today_is_reported_as_intervals_icu_says_with_the_replay_beside_it():
    # The athlete sees Intervals.icu's values for today; the replay of the recorded load is a second view.
    loads = [60.0] * 100
    acts = acts_from_loads(loads)
    today = D0 + timedelta(days=99)
    ctl, atl = pmc_series(loads)
    wel = [well(D0 + timedelta(days=i), ctl=float(ctl[i]), atl=float(atl[i])) for i in range(99)]
    wel.append(well(today, ctl=float(ctl[-1]) + 5, atl=float(atl[-1]) + 20))
    st = training_status(acts, wel, [], [], today)
    assert st.fitness.ctl.value == pytest.approx(float(ctl[-1]) + 5)
    assert st.fitness_replay is not None and st.fitness_replay.ctl.value == pytest.approx(float(ctl[-1]))
    # Off: today's wellness is not the anchor, the replay is the value.
    replay = training_status(
        acts, wel, [], [], today, dataclasses.replace(DEFAULT_SETTINGS, fitness_from_wellness=False)
    )
    assert replay.fitness.ctl.value == pytest.approx(float(ctl[-1]))


def test_compact_digest_drops_provenance_only(status):
    full, compact = status.to_dict(), status.to_dict(compact=True)
    assert "inputs" in full["acwr"]["coupled"] and "inputs" not in compact["acwr"]["coupled"]
    assert compact["acwr"]["coupled"]["value"] == full["acwr"]["coupled"]["value"]
    assert len(json.dumps(compact)) < 0.7 * len(json.dumps(full))


_zone_lists = st.lists(st.integers(0, 3000), min_size=0, max_size=8)


@st.composite
def _api_activity(draw, i):
    day = TODAY - timedelta(days=draw(st.integers(0, 60)))
    if draw(st.booleans()) and draw(st.booleans()):
        return {
            "id": f"s{i}",
            "start_date_local": f"{day.isoformat()}T06:00:00",
            "type": "Run",
            "source": "STRAVA",
        }
    z = draw(_zone_lists)
    return {
        "id": f"a{i}",
        "start_date_local": f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:00:00",
        "type": draw(st.sampled_from(["Ride", "VirtualRide", "Run", "Swim", "WeightTraining", "Yoga"])),
        "moving_time": draw(st.one_of(st.none(), st.integers(60, 20000))),
        "icu_training_load": draw(st.one_of(st.none(), st.integers(0, 400))),
        "icu_zone_times": [{"id": f"Z{k + 1}", "secs": v} for k, v in enumerate(z)]
        + [{"id": "SS", "secs": 5}],
        "icu_power_zones": draw(st.one_of(st.none(), st.just([55, 75, 90, 105, 120, 150, 999]))),
        "icu_hr_zone_times": draw(_zone_lists),
        "icu_hr_zones": [130, 150, 160, 170, 190],
        "lthr": draw(st.one_of(st.none(), st.integers(140, 180))),
    }


@st.composite
def _inputs(draw):
    acts = [draw(_api_activity(i)) for i in range(draw(st.integers(0, 25)))]
    wel = []
    for k in range(draw(st.integers(0, 30))):
        wel.append(
            {
                "id": (TODAY - timedelta(days=k)).isoformat(),
                "hrv": draw(st.one_of(st.none(), st.floats(5, 300))),
                "hrvSDNN": draw(st.one_of(st.none(), st.floats(5, 300))),
                "restingHR": draw(st.one_of(st.none(), st.integers(20, 130))),
                "sleepSecs": draw(st.one_of(st.none(), st.integers(0, 50000))),
                "soreness": draw(st.one_of(st.none(), st.integers(1, 4))),
                "ctl": draw(st.one_of(st.none(), st.floats(0, 150))),
                "atl": draw(st.one_of(st.none(), st.floats(0, 200))),
            }
        )
    evs = []
    for k in range(draw(st.integers(0, 6))):
        d = TODAY + timedelta(days=draw(st.integers(-10, 30)))
        evs.append(
            {
                "id": k,
                "category": draw(st.sampled_from(["WORKOUT", "RACE_A", "RACE_B", "NOTE", "SICK"])),
                "type": draw(st.sampled_from(["Ride", "Run", None])),
                "start_date_local": f"{d.isoformat()}T00:00:00",
                "icu_training_load": draw(st.one_of(st.none(), st.integers(0, 300))),
                "moving_time": draw(st.one_of(st.none(), st.integers(600, 20000))),
            }
        )
    return acts, wel, evs


@given(_inputs())
@settings(max_examples=40, deadline=None)
def test_digest_never_crashes_and_is_strict_json(data):
    acts, wel, evs = data
    st_ = training_status(acts, wel, evs, [], TODAY)
    out = _json(st_)
    assert out["readiness"]["decision"] in ("go", "modify", "skip")
    assert out["acwr"]["coupled"]["value"] is None or out["acwr"]["coupled"]["value"] >= 0


def test_readiness_form_is_start_of_day():
    loads = [60.0] * 99 + [400.0]  # a huge session already done today must not turn today's readiness red
    today = D0 + timedelta(days=99)
    st_ = training_status(acts_from_loads(loads), [], [], [], today)
    c, a = pmc_series(loads)
    assert st_.readiness.signals["form"].value == pytest.approx(c[-2] - a[-2])
    assert st_.readiness.signals["acwr_start_of_day"].value == pytest.approx(1.0)


def test_fitness_from_wellness_reports_the_api_values_and_keeps_the_replay():
    # With fitness_from_wellness (the default), today's values are the wellness record's, exactly as
    # Intervals.icu shows them; the replay of the (de-duplicated) load is kept as fitness_replay.
    loads = [60.0] * 100
    acts = acts_from_loads(loads)
    today = D0 + timedelta(days=99)
    ctl, atl = pmc_series(loads)
    wel = [well(D0 + timedelta(days=i), ctl=float(ctl[i]), atl=float(atl[i])) for i in range(99)]
    wel.append(well(today, ctl=float(ctl[-1]) + 0.6, atl=float(atl[-1]) + 2.0, ramp_rate=1.25))
    s = dataclasses.replace(DEFAULT_SETTINGS, fitness_from_wellness=True)
    st = training_status(acts, wel, [], [], today, s)
    assert st.fitness.ctl.value == pytest.approx(float(ctl[-1]) + 0.6)
    assert st.fitness.atl.value == pytest.approx(float(atl[-1]) + 2.0)
    assert st.fitness.form.value == pytest.approx(float(ctl[-1] - atl[-1]) - 1.4)
    assert st.fitness.ramp_rate.value == pytest.approx(1.25)
    assert st.fitness_source == f"Intervals.icu wellness of {today.isoformat()}"
    assert st.fitness_replay is not None
    assert st.fitness_replay.ctl.value == pytest.approx(float(ctl[-1]))
    assert st.to_dict()["fitness_replay"]["ctl"]["value"] == pytest.approx(float(ctl[-1]), abs=1e-3)
    assert st.phase.to_dict()["basis"]["ctl"] == round(float(ctl[-1]) + 0.6, 1)
    # without a record for today, the replay stands and there is no second view
    st2 = training_status(acts, wel[:-1], [], [], today, s)
    assert st2.fitness.ctl.value == pytest.approx(float(ctl[-1])) and st2.fitness_replay is None
    # the default is the same: every adapter (MCP tools, mirror, service) reports what the athlete sees
    assert training_status(acts, wel, [], [], today).fitness.ctl.value == pytest.approx(float(ctl[-1]) + 0.6)
    replay_only = dataclasses.replace(DEFAULT_SETTINGS, fitness_from_wellness=False)
    assert "fitness_replay" not in training_status(acts, wel, [], [], today, replay_only).to_dict()
