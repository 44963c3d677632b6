"""The synthetic athletes must be believable and self-consistent: these are the checks a coach (and our
analytics) would trip over if the generator cut corners."""

from __future__ import annotations

import ast
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

import icucoach.sandbox
from icucoach.analytics.curves import envelope
from icucoach.analytics.load import pmc_series
from icucoach.analytics.power import mean_max, normalized_power
from icucoach.sandbox.analysis import power_curve
from icucoach.sandbox.generate import generate_world
from icucoach.sandbox.world import World

TODAY = date(2026, 11, 23)
MULTI, RUNNER, COACH = "i100001", "i100002", "i100003"


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(seed=42, today=TODAY)


def _streams(world: World, athlete: str, activity_id: str) -> dict[str, list]:
    detail = world.athletes[athlete].details[activity_id]
    assert detail.streams is not None
    return {s["type"]: s for s in detail.streams()}


def _recent(world: World, athlete: str, sport: str, n: int = 3) -> list[dict]:
    acts = [a for a in world.athletes[athlete].activities.values() if a.get("type") == sport]
    return sorted(acts, key=lambda a: a["start_date_local"])[-n:]


def test_accounts_are_deterministic_and_distinct() -> None:
    a = generate_world(seed=42, today=TODAY).accounts
    b = generate_world(seed=42, today=TODAY).accounts
    c = generate_world(seed=7, today=TODAY).accounts
    assert [x.to_json() for x in a] == [x.to_json() for x in b]
    assert {x.role for x in a} == {"athlete", "coach"}
    assert [x.api_key for x in a] != [x.api_key for x in c]
    assert len({x.api_key for x in a}) == 3


def test_history_ends_today_and_calendar_runs_eight_weeks_ahead(world: World) -> None:
    for athlete in (MULTI, RUNNER):
        store = world.athletes[athlete]
        assert max(store.wellness) == TODAY.isoformat()
        assert min(store.wellness) == (TODAY - timedelta(days=3 * 365 - 1)).isoformat()
        last = max(a["start_date_local"] for a in store.activities.values())
        assert last[:10] <= TODAY.isoformat()
        future = [e for e in store.events.values() if e["start_date_local"][:10] > TODAY.isoformat()]
        assert max(e["start_date_local"][:10] for e in future) >= (TODAY + timedelta(days=50)).isoformat()
        assert sum(1 for e in future if e["category"] == "WORKOUT") > 30


def test_wellness_ctl_is_the_replayed_load_model(world: World) -> None:
    """Replaying every activity's load (incl. ones the API hides) per local day gives the wellness CTL."""
    for athlete in (MULTI, RUNNER):
        store = world.athletes[athlete]
        days = sorted(store.wellness)
        index = {d: i for i, d in enumerate(days)}
        loads = np.zeros(len(days))
        for a in store.activities.values():
            if a.get("source") != "STRAVA":
                loads[index[a["start_date_local"][:10]]] += a["icu_training_load"] or 0
        for stub_id, load in store.hidden_loads.items():
            loads[index[store.activities[stub_id]["start_date_local"][:10]]] += load
        ctl, atl = pmc_series(loads)
        assert np.allclose(ctl, [store.wellness[d]["ctl"] for d in days], atol=1e-9)
        assert np.allclose(atl, [store.wellness[d]["atl"] for d in days], atol=1e-9)
        assert store.wellness[days[-1]]["rampRate"] == pytest.approx(ctl[-1] - ctl[-8])


def test_fitness_is_in_a_realistic_range(world: World) -> None:
    ctl = [w["ctl"] for w in world.athletes[MULTI].wellness.values()]
    assert 30 < max(ctl) < 130
    assert np.mean(ctl[-60:]) > 35


@pytest.mark.parametrize(
    ("athlete", "sport"),
    [
        (MULTI, "Ride"),
        (MULTI, "VirtualRide"),
        (MULTI, "Run"),
        (MULTI, "Swim"),
        (RUNNER, "Run"),
        (RUNNER, "TrailRun"),
    ],
)
def test_streams_agree_with_summaries(world: World, athlete: str, sport: str) -> None:
    for a in _recent(world, athlete, sport):
        s = _streams(world, athlete, a["id"])
        hr = np.array(s["heartrate"]["data"])
        assert len(s["time"]["data"]) == a["moving_time"]
        assert round(hr.mean()) == a["average_heartrate"]
        assert hr.max() == a["max_heartrate"]
        if "distance" in s:
            assert s["distance"]["data"][-1] == pytest.approx(a["distance"], abs=0.2)
        if "watts" in s:
            p = np.array(s["watts"]["data"], dtype=float)
            assert round(p.mean()) == a["icu_average_watts"]
            assert round(normalized_power(p)) == a["icu_weighted_avg_watts"]
            zones = {z["id"]: z["secs"] for z in a["icu_zone_times"]}
            assert sum(v for k, v in zones.items() if k != "SS") == a["moving_time"]
            assert zones["SS"] <= zones["Z3"] + zones["Z4"]  # sweet spot overlaps Z3/Z4, never adds to them
        assert sum(a["icu_hr_zone_times"]) == a["moving_time"]
        if a.get("pace_zone_times"):
            v = np.array(s["velocity_smooth"]["data"])
            assert sum(a["pace_zone_times"]) == int((v > 0).sum())


def test_mean_maximal_power_curves(world: World) -> None:
    """Raw mean-max can rise between non-multiple durations (300/0/300 W thirds: best 20' < best 30'), so
    the curve served is the monotone envelope; for integer multiples the raw values already never rise."""
    durations = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600]
    for a in _recent(world, MULTI, "Ride", 5) + _recent(world, MULTI, "VirtualRide", 5):
        p = _streams(world, MULTI, a["id"])["watts"]["data"]
        raw = mean_max(p, durations)
        served = envelope(raw)
        valid = served[~np.isnan(served)]
        assert np.all(np.diff(valid) <= 1e-9)
        assert valid[0] == max(p)
        for d in (5, 15, 30, 60, 300, 600):
            double = mean_max(p, [d, 2 * d])
            assert np.isnan(double[1]) or double[1] <= double[0] + 1e-9


def test_served_power_curves_are_the_analytics_mean_max(world: World) -> None:
    """The sandbox computes its curves itself; our analytics must agree with what it serves (the best power
    held for at least each duration, in whole watts)."""
    for a in _recent(world, MULTI, "Ride", 3) + _recent(world, MULTI, "VirtualRide", 3):
        served = power_curve(world.athletes[MULTI].details[a["id"]])
        assert served is not None
        watts = _streams(world, MULTI, a["id"])["watts"]["data"]
        rounded = [round(float(v)) for v in mean_max(watts, served["secs"])]
        assert served["values"] == [max(rounded[i:]) for i in range(len(rounded))]


def test_the_sandbox_never_computes_checked_numbers_with_our_analytics() -> None:
    """CTL/ATL, NP and mean-max served by the sandbox are checked against ``icucoach.analytics``; computed
    with it, a wrong window would agree with itself. Only the stream synthesis may borrow a filter."""
    src = Path(icucoach.sandbox.__file__).parent
    borrowed = set()
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("icucoach.analytics"):
                borrowed.add(node.module)
            elif isinstance(node, ast.Import):
                borrowed |= {n.name for n in node.names if n.name.startswith("icucoach.analytics")}
    assert borrowed <= {"icucoach.analytics.filters"}


def test_local_dates_and_utc_start_are_consistent(world: World) -> None:
    """Sydney mornings fall on the previous UTC day: the local date must stay the athlete's date."""
    tz = ZoneInfo("Australia/Sydney")
    crossed = 0
    for a in world.athletes[MULTI].activities.values():
        if a.get("source") == "STRAVA":
            continue
        local = datetime.fromisoformat(a["start_date_local"]).replace(tzinfo=tz)
        utc = datetime.fromisoformat(a["start_date"].replace("Z", "+00:00"))
        assert local == utc
        crossed += local.date() != utc.date()
    assert crossed > 100


def test_runner_has_sdnn_only_and_some_wellness_days_are_empty(world: World) -> None:
    runner = world.athletes[RUNNER].wellness.values()
    assert all(w["hrv"] is None for w in runner)
    assert sum(w["hrvSDNN"] is not None for w in runner) > 900
    multi = list(world.athletes[MULTI].wellness.values())
    empty = [w for w in multi if w["restingHR"] is None]
    assert 30 < len(empty) < 200
    assert all(w["ctl"] is not None for w in empty)  # fitness is still computed on days without readings


def test_calendar_has_races_illness_and_plans_done_skipped_and_changed(world: World) -> None:
    store = world.athletes[MULTI]
    cats = defaultdict(int)
    for e in store.events.values():
        cats[e["category"]] += 1
    assert cats["RACE_A"] >= 3 and cats["RACE_B"] >= 2 and cats["RACE_C"] >= 2
    assert cats["SICK"] >= 3 and cats["INJURED"] >= 1 and cats["NOTE"] >= 3
    past = [
        e
        for e in store.events.values()
        if e["category"] == "WORKOUT" and e["start_date_local"][:10] < TODAY.isoformat()
    ]
    done = [e for e in past if e["paired_activity_id"]]
    skipped = [e for e in past if not e["paired_activity_id"]]
    assert len(done) > 100 and len(skipped) > 10
    changed = [
        e for e in done if store.activities[e["paired_activity_id"]]["moving_time"] < 0.9 * e["moving_time"]
    ]
    assert len(changed) > 10


def test_planned_workouts_carry_text_and_parsed_structure(world: World) -> None:
    for athlete in (MULTI, RUNNER):
        future = [
            e
            for e in world.athletes[athlete].events.values()
            if e["category"] == "WORKOUT" and e["start_date_local"][:10] > TODAY.isoformat()
        ]
        for e in future:
            assert e["description"]
            assert e["workout_doc"]["steps"], e["description"]
            assert e["moving_time"] and e["moving_time"] > 0
    with_route = [e for e in world.athletes[MULTI].events.values() if e["attachments"]]
    assert with_route and all(
        world.files[a["url"].removeprefix("/files/")][1].startswith(b"<?xml")
        for e in with_route
        for a in e["attachments"]
    )


def test_strava_stubs_and_a_two_source_duplicate_exist(world: World) -> None:
    store = world.athletes[MULTI]
    stubs = [a for a in store.activities.values() if a.get("source") == "STRAVA"]
    assert len(stubs) >= 3
    assert all(set(s) == {"id", "icu_athlete_id", "start_date_local", "source", "_note"} for s in stubs)
    assert all(not s["id"].startswith("i") for s in stubs)
    wahoo = [a for a in store.activities.values() if a.get("source") == "WAHOO"]
    assert len(wahoo) == 1
    twin = [
        a
        for a in store.activities.values()
        if a.get("source") == "GARMIN_CONNECT"
        and a["start_date_local"][:16] == wahoo[0]["start_date_local"][:16]
    ]
    assert len(twin) == 1 and twin[0]["moving_time"] == wahoo[0]["moving_time"]


def test_thresholds_change_over_time(world: World) -> None:
    history = world.athletes[MULTI].ftp_history
    assert len({ftp for _, ftp in history}) >= 5
    ftps = {a["icu_ftp"] for a in world.athletes[MULTI].activities.values() if a.get("icu_ftp")}
    assert max(ftps) - min(ftps) >= 10


def test_coach_shares(world: World) -> None:
    assert world.access(COACH, MULTI) == "WRITE"
    assert world.access(COACH, RUNNER) == "READ"
    assert world.access(MULTI, RUNNER) is None


def test_sensor_streams_on_recent_runs(world: World) -> None:
    run = _recent(world, RUNNER, "Run", 1)[0]
    s = _streams(world, RUNNER, run["id"])
    sensors = {"stance_time", "vertical_oscillation", "dfa_a1", "artifacts", "core_temperature", "latlng"}
    assert sensors <= set(s)
    assert len(s["latlng"]["data"]) == len(s["latlng"]["data2"]) == run["moving_time"]
    assert run["average_stance_time"] == pytest.approx(np.mean(s["stance_time"]["data"]), abs=0.06)


def test_route_attachments_are_served_over_http() -> None:
    import httpx

    from icucoach.sandbox import SandboxOptions, serve_in_thread

    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as sb:
        store = sb.world.athletes[MULTI]
        event = next(e for e in store.events.values() if e["attachments"])
        auth = httpx.BasicAuth("API_KEY", sb.account("athlete", 0).api_key)
        api = f"{sb.base_url}/api/v1/athlete/{MULTI}/events"
        served = httpx.get(f"{api}/{event['id']}", auth=auth).raise_for_status().json()
        day = event["start_date_local"][:10]
        listed = httpx.get(api, params={"oldest": day, "newest": day}, auth=auth).raise_for_status().json()
        urls = {a["url"] for a in served["attachments"]}
        urls |= {a["url"] for e in listed if e["id"] == event["id"] for a in e["attachments"]}
        # absolute, as the real service's are: a plain GET (no credentials, no base URL) fetches the file
        assert urls == {sb.base_url + event["attachments"][0]["url"]}
        r = httpx.get(urls.pop())
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/gpx+xml")
        assert b"<trkpt" in r.content
        assert httpx.get(sb.base_url + "/files/nope.gpx").status_code == 404


def test_each_call_gets_an_independent_world() -> None:
    """Worlds are cached per process, but a test that mutates its world must never leak into another's."""
    first = generate_world(seed=42, today=TODAY)
    second = generate_world(seed=42, today=TODAY)
    first.athletes[MULTI].events.clear()
    first.athletes[MULTI].wellness[TODAY.isoformat()]["restingHR"] = 999
    assert second.athletes[MULTI].events
    assert second.athletes[MULTI].wellness[TODAY.isoformat()]["restingHR"] != 999
    assert generate_world(seed=42, today=TODAY).athletes[MULTI].events
