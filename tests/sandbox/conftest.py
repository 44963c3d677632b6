"""Fixtures for the sandbox HTTP tests: a small hand-made World (so the server can be tested without the
generator), servers over real HTTP on ephemeral ports, and httpx clients authenticated as each account.

World layout (ids are stable, tests rely on them):
- ``i1001`` Ana (multi-sport, API key ``key-ana``): a 1-hour ride with 1 Hz streams and intervals (``i5001``),
  a run with streams (``i5002``), an older ride without streams (``i5003``), a Strava stub (``16589160080``);
  wellness for the last 5 days; events (a WORKOUT today, a NOTE, a RACE_A); a folder with one workout; gear.
- ``i1002`` Ben (runner, ``key-ben``): a run with streams (``i6001``).
- ``i1003`` Cleo (coach, ``key-cleo``): Ana shared WRITE with Cleo, Ben shared READ.
- OAuth client ``icucoach-sandbox`` / secret ``sandbox-secret``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.runner import RunningSandbox
from icucoach.sandbox.world import Account, ActivityDetail, AthleteStore, OAuthClient, World

TODAY = date(2026, 11, 23)
STRAVA_ID = "16589160080"
CLIENT_ID = "icucoach-sandbox"
CLIENT_SECRET = "sandbox-secret"


def _athlete(aid: str, name: str, tz: str) -> dict:
    first, _, last = name.partition(" ")
    return {
        "id": aid,
        "name": name,
        "firstname": first,
        "lastname": last,
        "sex": "F",
        "city": "Town",
        "country": "Somewhere",
        "timezone": tz,
        "locale": "en",
        "icu_weight": 62.0,
        "weight": 62.0,
        "icu_resting_hr": 48,
        "icu_date_of_birth": "1990-04-01",
        "measurement_preference": "meters",
        "plan": "FREE",
        "icu_api_key": "secret-should-not-leak",
        "custom_items": [],
        "icu_coach": False,
        "email": f"{first.lower()}@example.org",
        "bio": None,
        "website": None,
        "visibility": "PRIVATE",
    }


def _settings(sid: int, aid: str, types: list[str], **kw) -> dict:
    base = {
        "id": sid,
        "athlete_id": aid,
        "types": types,
        "ftp": None,
        "indoor_ftp": None,
        "w_prime": None,
        "p_max": None,
        "power_zones": None,
        "power_zone_names": None,
        "sweet_spot_min": None,
        "sweet_spot_max": None,
        "lthr": None,
        "max_hr": None,
        "hr_zones": None,
        "hr_zone_names": None,
        "threshold_pace": None,
        "pace_units": None,
        "pace_zones": None,
        "pace_zone_names": None,
        "best_effort_distances": None,
        "created": "2024-01-01T00:00:00.000+00:00",
        "updated": "2024-01-01T00:00:00.000+00:00",
    }
    base.update(kw)
    return base


def _ride_streams(n: int = 3600) -> list[dict]:
    time_ = list(range(n))
    watts = []
    for t in time_:
        block = (t // 300) % 2  # 5 min on / 5 min off after a 10 min warm-up
        w = 140 + 0.05 * t if t < 600 else (290 if block == 0 else 150)
        watts.append(round(w + 8 * math.sin(t / 7.0)))
    hr = [round(100 + 0.6 * (w - 100) * (1 - math.exp(-t / 120.0))) for t, w in enumerate(watts)]
    speed = [8.0 + w / 100.0 for w in watts]
    dist, d = [], 0.0
    for v in speed:
        d += v
        dist.append(round(d, 1))
    lat = [47.0 + i * 1e-5 for i in time_]
    lng = [8.0 + i * 1e-5 for i in time_]
    return [
        {"type": "time", "name": None, "data": time_},
        {"type": "watts", "name": None, "data": watts},
        {"type": "heartrate", "name": None, "data": hr},
        {"type": "cadence", "name": None, "data": [90] * n},
        {"type": "distance", "name": None, "data": dist},
        {"type": "velocity_smooth", "name": None, "data": speed},
        {"type": "altitude", "name": None, "data": [400.0 + (i % 600) / 10 for i in time_]},
        {"type": "latlng", "name": None, "data": lat, "data2": lng, "valueTypeIsArray": True},
    ]


def _run_streams(n: int = 2400, speed0: float = 3.2) -> list[dict]:
    speed = [speed0 + (0.8 if 900 <= t < 1500 else 0.0) + 0.1 * math.sin(t / 11) for t in range(n)]
    dist, d = [], 0.0
    for v in speed:
        d += v
        dist.append(round(d, 2))
    return [
        {"type": "time", "name": None, "data": list(range(n))},
        {"type": "heartrate", "name": None, "data": [140 + (15 if 900 <= t < 1500 else 0) for t in range(n)]},
        {"type": "distance", "name": None, "data": dist},
        {"type": "velocity_smooth", "name": None, "data": speed},
    ]


def _intervals(activity_id: str) -> dict:
    work = [
        {
            "id": i + 1,
            "type": "WORK" if i % 2 == 0 else "RECOVERY",
            "label": None,
            "start_index": 600 + 300 * i,
            "end_index": 900 + 300 * i,
            "moving_time": 300,
            "elapsed_time": 300,
            "average_watts": 290 if i % 2 == 0 else 150,
            "intensity": 116 if i % 2 == 0 else 60,
            "group_id": "g1" if i % 2 == 0 else None,
        }
        for i in range(6)
    ]
    return {
        "id": activity_id,
        "analyzed": "2026-11-22T08:10:00.000+00:00",
        "icu_intervals": work,
        "icu_groups": [
            {"id": "g1", "count": 3, "start_index": 600, "moving_time": 900, "average_watts": 290}
        ],
    }


def _activity(aid: str, athlete: str, day: date, hour: int, type_: str, **kw) -> dict:
    local = f"{day.isoformat()}T{hour:02d}:00:00"
    base = {
        "id": aid,
        "icu_athlete_id": athlete,
        "start_date_local": local,
        "start_date": f"{day}T{hour - 1:02d}:00:00Z",
        "type": type_,
        "name": f"{type_} {day}",
        "description": None,
        "source": "GARMIN_CONNECT",
        "moving_time": 3600,
        "elapsed_time": 3700,
        "distance": 30000.0,
        "icu_training_load": 70,
        "icu_intensity": 82.5,
        "icu_ftp": 250,
        "average_heartrate": 140,
        "max_heartrate": 170,
        "trainer": False,
        "commute": False,
        "race": False,
        "icu_rpe": None,
        "feel": None,
        "tags": [],
        "icu_weight": 62.0,
        "icu_zone_times": [{"id": "Z1", "secs": 600}, {"id": "SS", "secs": 0}],
        "icu_hr_zone_times": [600, 3000],
        "pace_zone_times": None,
        "stream_types": ["time", "watts", "heartrate"],
        "created": "2026-11-22T08:00:00.000+00:00",
        "analyzed": "2026-11-22T08:10:00.000+00:00",
        "route_id": None,
        "paired_event_id": None,
    }
    base.update(kw)
    return base


def make_world() -> World:
    ana = AthleteStore(
        athlete=_athlete("i1001", "Ana Alpha", "America/Los_Angeles"),
        sport_settings=[
            _settings(
                11,
                "i1001",
                ["Ride", "VirtualRide"],
                ftp=250,
                lthr=165,
                max_hr=190,
                power_zones=[55, 75, 90, 105, 120, 150, 999],
                hr_zones=[130, 145, 155, 165, 172, 180, 190],
            ),
            _settings(
                12,
                "i1001",
                ["Run", "TrailRun"],
                lthr=170,
                max_hr=192,
                threshold_pace=3.9,
                pace_units="MINS_KM",
                pace_zones=[77.5, 87.7, 94.3, 100.0, 103.4, 111.5, 999.0],
            ),
            _settings(13, "i1001", ["Swim"], threshold_pace=1.2, pace_units="SECS_100M"),
        ],
    )
    y = TODAY - timedelta(days=1)
    ana.activities["i5001"] = _activity(
        "i5001", "i1001", y, 7, "Ride", name="Threshold 3x5", icu_training_load=80
    )
    ana.details["i5001"] = ActivityDetail(streams=_ride_streams, intervals=lambda: _intervals("i5001"))
    ana.activities["i5002"] = _activity(
        "i5002",
        "i1001",
        TODAY - timedelta(days=2),
        18,
        "Run",
        distance=8000.0,
        moving_time=2400,
        icu_ftp=None,
    )
    ana.details["i5002"] = ActivityDetail(streams=_run_streams)
    ana.activities["i5003"] = _activity(
        "i5003", "i1001", TODAY - timedelta(days=300), 9, "Ride", name="Old ride"
    )
    ana.details["i5003"] = ActivityDetail()
    ana.activities[STRAVA_ID] = {
        "id": STRAVA_ID,
        "icu_athlete_id": "i1001",
        "start_date_local": f"{TODAY - timedelta(days=3)}T06:30:00",
        "source": "STRAVA",
        "_note": "STRAVA activities are not available via the API",
    }
    for k in range(5):
        d = (TODAY - timedelta(days=k)).isoformat()
        ana.wellness[d] = {
            "id": d,
            "ctl": 50.0 + k,
            "atl": 55.0,
            "rampRate": 3.1,
            "ctlLoad": 70.0,
            "atlLoad": 70.0,
            "sportInfo": [{"type": "Ride", "eftp": 248.0, "wPrime": 18000.0, "pMax": 900.0}],
            "updated": "2026-11-23T06:00:00.000+00:00",
            "weight": 62.0,
            "restingHR": 48,
            "hrv": 70.0,
            "hrvSDNN": None,
            "sleepSecs": 27000,
            "soreness": 1,
            "fatigue": 2,
            "stress": 1,
            "mood": 1,
            "motivation": 2,
            "comments": None,
            "steps": None,
            "locked": None,
        }
    ana.wellness = dict(sorted(ana.wellness.items()))
    ana.events[7001] = {
        "id": 7001,
        "athlete_id": "i1001",
        "category": "WORKOUT",
        "type": "Ride",
        "name": "Sweet spot",
        "description": "- 10m 60%\n- 20m 90%\n- 10m 55%",
        "start_date_local": f"{TODAY}T00:00:00",
        "end_date_local": None,
        "moving_time": 2400,
        "icu_training_load": 40,
        "icu_intensity": 76.0,
        "workout_doc": {
            "steps": [
                {"duration": 600, "power": {"value": 60, "units": "%ftp"}},
                {"duration": 1200, "power": {"start": 88, "end": 92, "units": "%ftp"}},
                {"duration": 600, "hr": {"value": 2, "units": "hr_zone"}},
            ],
            "ftp": 250,
            "duration": 2400,
        },
        "external_id": None,
        "oauth_client_id": None,
        "created_by_id": "i1001",
        "paired_activity_id": None,
        "tags": [],
        "updated": "2026-11-20T10:00:00.000+00:00",
        "color": None,
        "indoor": True,
    }
    ana.events[7002] = {
        "id": 7002,
        "athlete_id": "i1001",
        "category": "NOTE",
        "type": None,
        "name": "Travel",
        "description": "Flight",
        "start_date_local": f"{TODAY + timedelta(days=2)}T00:00:00",
        "external_id": None,
        "oauth_client_id": None,
        "paired_activity_id": None,
        "tags": [],
    }
    ana.events[7003] = {
        "id": 7003,
        "athlete_id": "i1001",
        "category": "RACE_A",
        "type": "Ride",
        "name": "Gran Fondo",
        "start_date_local": f"{TODAY + timedelta(days=30)}T00:00:00",
        "external_id": None,
        "oauth_client_id": None,
        "paired_activity_id": None,
        "tags": [],
    }
    ana.events[7004] = {
        "id": 7004,
        "athlete_id": "i1001",
        "category": "WORKOUT",
        "type": "Ride",
        "name": "Done ride",
        "start_date_local": f"{y}T00:00:00",
        "paired_activity_id": "i5001",
        "external_id": None,
        "oauth_client_id": None,
        "tags": [],
    }
    ana.folders[8001] = {
        "id": 8001,
        "athlete_id": "i1001",
        "type": "FOLDER",
        "name": "Bike",
        "description": None,
        "visibility": "PRIVATE",
    }
    ana.workouts[8101] = {
        "id": 8101,
        "athlete_id": "i1001",
        "folder_id": 8001,
        "name": "VO2 5x3",
        "description": "- 3m 115%",
        "type": "Ride",
        "moving_time": 180,
        "tags": [],
        "workout_doc": {"steps": [{"duration": 180, "power": {"value": 115, "units": "%ftp"}}]},
    }
    ana.gear["b1"] = {
        "id": "b1",
        "athlete_id": "i1001",
        "type": "Bike",
        "name": "Road bike",
        "distance": 1.2e6,
        "time": 180000.0,
        "activities": 300,
        "retired": None,
        "component": False,
        "component_ids": [],
        "reminders": [],
        "purchased": "2023-03-01",
        "notes": None,
    }
    ana.messages["i5001"] = [
        {
            "id": 9001,
            "athlete_id": "i1003",
            "name": "Cleo Coach",
            "type": "TEXT",
            "content": "Nice work",
            "activity_id": "i5001",
            "created": "2026-11-22T12:00:00.000+00:00",
        }
    ]
    ana.shared_with["i1003"] = "WRITE"

    ben = AthleteStore(
        athlete=_athlete("i1002", "Ben Beta", "Australia/Sydney"),
        sport_settings=[_settings(21, "i1002", ["Run"], lthr=172, threshold_pace=4.1, pace_units="MINS_KM")],
    )
    ben.activities["i6001"] = _activity("i6001", "i1002", TODAY, 6, "Run", distance=9000.0, icu_ftp=None)
    ben.details["i6001"] = ActivityDetail(streams=lambda: _run_streams(3000, 3.5))
    ben.shared_with["i1003"] = "READ"

    cleo = AthleteStore(athlete=_athlete("i1003", "Cleo Coach", "Europe/Berlin"), sport_settings=[])
    cleo.athlete["icu_coach"] = True

    return World(
        today=TODAY,
        seed=0,
        accounts=[
            Account("i1001", "Ana Alpha", "athlete", "key-ana"),
            Account("i1002", "Ben Beta", "athlete", "key-ben"),
            Account("i1003", "Cleo Coach", "coach", "key-cleo"),
        ],
        athletes={"i1001": ana, "i1002": ben, "i1003": cleo},
        oauth_clients={
            CLIENT_ID: OAuthClient(CLIENT_ID, CLIENT_SECRET, "icucoach", ("https://app.example/callback",))
        },
    )


def key_auth(key: str) -> httpx.BasicAuth:
    return httpx.BasicAuth("API_KEY", key)


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A fresh world on its own server (tests may change it), rate limit off."""
    with serve_in_thread(SandboxOptions(rate_limit=False), world=make_world()) as sb:
        yield sb


@pytest.fixture(scope="module")
def ro_sandbox() -> Iterator[RunningSandbox]:
    """One server per module for tests that only read."""
    with serve_in_thread(SandboxOptions(rate_limit=False), world=make_world()) as sb:
        yield sb


def _client(sb: RunningSandbox, key: str | None) -> httpx.Client:
    return httpx.Client(base_url=sb.base_url + "/api/v1", auth=key_auth(key) if key else None, timeout=10)


@pytest.fixture
def ana(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox, "key-ana") as c:
        yield c


@pytest.fixture
def cleo(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox, "key-cleo") as c:
        yield c


@pytest.fixture
def ben(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox, "key-ben") as c:
        yield c


@pytest.fixture(scope="module")
def ro_ana(ro_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(ro_sandbox, "key-ana") as c:
        yield c


@pytest.fixture(scope="module")
def ro_cleo(ro_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(ro_sandbox, "key-cleo") as c:
        yield c
