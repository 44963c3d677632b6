"""API converters (real Intervals.icu field names, intervals-api.md §5), Strava stubs, dedupe, days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.days import daily_loads, week_start
from icucoach.analytics.inputs import (
    dedupe_activities,
    from_api_activity,
    from_api_event,
    from_api_sport_settings,
    from_api_wellness,
    settings_for,
    sport_family,
)

from .helpers import D0, act

RIDE = {
    "id": "i123",
    "start_date_local": "2026-03-02T07:30:00",
    "start_date": "2026-03-02T06:30:00Z",
    "type": "VirtualRide",
    "source": "ZWIFT",
    "moving_time": 3600,
    "elapsed_time": 3700,
    "icu_training_load": 78,
    "icu_intensity": 86.05,
    "icu_weighted_avg_watts": 215,
    "icu_average_watts": 200,
    "average_heartrate": 142,
    "icu_ftp": 250,
    "lthr": 165,
    "icu_zone_times": [
        {"id": "Z1", "secs": 1619},
        {"id": "Z2", "secs": 900},
        {"id": "Z3", "secs": 600},
        {"id": "Z4", "secs": 300},
        {"id": "Z5", "secs": 100},
        {"id": "Z6", "secs": 50},
        {"id": "Z7", "secs": 8},
        {"id": "SS", "secs": 211},
    ],
    "icu_power_zones": [55, 75, 90, 105, 120, 150, 999],
    "icu_hr_zone_times": [1054, 2253, 0, 0, 0, 0, 0],
    "icu_hr_zones": [138, 153, 160, 169, 176, 181, 190],
    "icu_joules": 720000,
    "decoupling": 4.51,
    "icu_efficiency_factor": 1.053,
    "paired_event_id": 55,
}
STUB = {
    "id": "987",
    "start_date_local": "2026-03-02T18:00:00",
    "type": "Run",
    "source": "STRAVA",
    "_note": "STRAVA activities are not available via the API",
}


def test_activity_converter_uses_real_fields():
    a = from_api_activity(RIDE)
    assert a.start == datetime(2026, 3, 2, 7, 30) and a.day == date(2026, 3, 2)
    assert a.family == "cycling" and a.load == 78 and a.intensity == pytest.approx(0.8605)
    assert a.np == 215 and a.kj == 720 and a.paired_event_id == "55"
    assert a.power_zone_secs == (1619, 900, 600, 300, 100, 50, 8)  # SS bucket dropped, never added
    assert a.hr_zone_secs[:2] == (1054, 2253)
    assert not a.is_stub


def test_strava_stub_recognised():
    s = from_api_activity(STUB)
    assert s.is_stub and s.load is None and "STRAVA" in s.note
    dl = daily_loads([s], D0, D0)
    assert dl.loads[0] == 0 and dl.stubs == ("987",)


def test_local_day_from_utc_when_local_missing():
    d = {"id": "x", "start_date": "2026-03-01T23:30:00Z", "type": "Run", "icu_training_load": 40}
    assert from_api_activity(d, tz="Europe/Paris").day == date(2026, 3, 2)  # 00:30 local
    assert from_api_activity(d, tz="America/New_York").day == date(2026, 3, 1)
    with pytest.raises(ValueError):
        from_api_activity({"id": "y"})


def test_bucketing_uses_local_date_not_utc():
    # 23:30 local on the 1st is the 1st, whatever UTC says.
    d = dict(RIDE, start_date_local="2026-03-01T23:30:00", start_date="2026-03-02T04:30:00Z")
    dl = daily_loads([from_api_activity(d)], date(2026, 3, 1), date(2026, 3, 2))
    assert list(dl.loads) == [78, 0]


def test_wellness_and_event_converters():
    w = from_api_wellness(
        {
            "id": "2026-03-02",
            "ctl": 60.5,
            "atl": 70.1,
            "rampRate": 3.2,
            "hrv": 55,
            "hrvSDNN": None,
            "restingHR": 48,
            "sleepSecs": 27000,
            "soreness": 2,
            "sportInfo": [{"type": "Ride", "eftp": 250}],
        }
    )
    assert w.day == date(2026, 3, 2) and w.ramp_rate == 3.2 and w.hrv_sdnn is None and w.sleep_secs == 27000
    e = from_api_event(
        {
            "id": 7,
            "category": "RACE_A",
            "type": "Run",
            "name": "M",
            "icu_training_load": 300,
            "start_date_local": "2026-04-05T00:00:00",
            "paired_activity_id": "i9",
        }
    )
    assert e.is_race and e.is_training and e.paired_activity_id == "i9" and e.load == 300
    f = from_api_event(
        {
            "id": 8,
            "category": "FITNESS_DAYS",
            "ctl_days": 30,
            "atl_days": 5,
            "start_date_local": "2026-04-05T00:00:00",
        }
    )
    assert f.ctl_days == 30 and not f.is_training


def test_sport_settings():
    ss = from_api_sport_settings(
        {"types": ["Ride", "VirtualRide"], "ftp": 250, "lthr": 165},
        [("2026-01-01", 240), ("2025-06-01", 230)],
    )
    assert ss.ftp_history[0] == (date(2025, 6, 1), 230.0)
    assert settings_for([ss], "VirtualRide") is ss
    assert settings_for([ss], "GravelRide") is ss  # same family
    assert settings_for([ss], "Run") is None
    assert sport_family("VirtualRow") == "rowing" and sport_family("Nope") == "other"


def test_dedupe_keeps_the_richer_recording():
    garmin = act(D0, 80, secs=3600, id="g", source="GARMIN_CONNECT", power_zone_secs=(1, 2))
    strava = act(D0, 80, secs=3590, id="s", source="STRAVA")
    other = act(D0, 40, "Run", id="r")
    d = dedupe_activities([strava, garmin, other])
    assert {a.id for a in d.kept} == {"g", "r"}
    assert d.duplicate_of == {"s": "g"}


def test_dedupe_does_not_merge_distinct_sessions():
    a = act(D0, 50, hour=7, id="a")
    b = act(D0, 50, hour=17, id="b")  # same day, hours apart
    c = act(D0, 50, hour=7, secs=7200, id="c")  # same start, very different duration
    assert len(dedupe_activities([a, b]).kept) == 2
    assert len(dedupe_activities([a, c]).kept) == 2


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3), st.integers(0, 23), st.sampled_from(["Ride", "Run"]), st.integers(1, 200)
        ),
        max_size=12,
    ),
    st.integers(1, 3),
)
def test_dedupe_never_double_counts(sessions, copies):
    acts = []
    for k, (day, hour, sport, load) in enumerate(sessions):
        for c in range(copies):
            acts.append(act(D0 + timedelta(days=day), load, sport, hour=hour, id=f"{k}-{c}"))
    d = dedupe_activities(acts)
    kept_keys = [(a.day, a.start.hour, a.family) for a in d.kept]
    assert len(kept_keys) == len(set(kept_keys))  # one per session
    assert len(d.kept) + len(d.duplicate_of) == len(acts)  # nothing lost silently
    kept_ids = {a.id for a in d.kept}
    assert all(v in kept_ids for v in d.duplicate_of.values())


def test_week_start():
    assert week_start(date(2026, 3, 5)) == date(2026, 3, 2)
    assert week_start(date(2026, 3, 5), 6) == date(2026, 3, 1)
