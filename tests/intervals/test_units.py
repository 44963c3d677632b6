"""Pure pieces of the client: token bucket arithmetic, Retry-After parsing and backoff, local time, models.

(Everything that talks HTTP is tested against the sandbox in ``test_client_*.py``.)
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import pytest

from icucoach.intervals import (
    Activity,
    ActivityWithIntervals,
    DataCurveSetPowerCurve,
    Event,
    EventEx,
    Wellness,
    WithSportSettings,
    athlete_today,
    local_date,
    parse_local,
    parse_utc,
)
from icucoach.intervals.localtime import date_param, format_local
from icucoach.intervals.ratelimit import TokenBucket
from icucoach.intervals.retry import RetryPolicy, parse_retry_after

from .helpers import FakeTime


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------------------------------ token bucket
def test_bucket_burst_then_rate() -> None:
    clock = FakeClock()
    b = TokenBucket(10, 5, clock=clock)
    waits = [b.reserve() for _ in range(8)]
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:] == pytest.approx([0.1, 0.2, 0.3])
    clock.now += 10  # long idle: refills only up to the burst
    assert [b.reserve() for _ in range(5)] == [0] * 5
    assert b.reserve() == pytest.approx(0.1)


def test_bucket_never_exceeds_rate_over_any_window() -> None:
    clock = FakeClock()
    b = TokenBucket(10, 10, clock=clock)
    start = clock.now
    sends = [start + b.reserve() for _ in range(200)]
    # in any 1 s window at most rate + burst requests go out
    for t0 in sends:
        assert sum(1 for t in sends if t0 <= t < t0 + 1.0) <= 20
    assert sends[-1] - start >= (200 - 10) / 10 - 1e-9


def test_bucket_pause_holds_everyone() -> None:
    clock = FakeClock()
    b = TokenBucket(10, 10, clock=clock)
    b.pause(2.0)
    assert b.reserve() == pytest.approx(2.0)
    assert b.reserve() == pytest.approx(2.1)


def test_bucket_disabled_still_honours_pause() -> None:
    clock = FakeClock()
    b = TokenBucket(None, clock=clock)
    assert not b.enabled and b.reserve() == 0
    b.pause(1.5)
    assert b.reserve() == pytest.approx(1.5)


async def test_bucket_acquire_waits_on_the_injected_clock() -> None:
    clock = FakeTime()
    b = TokenBucket(10, 2, clock=clock, sleep=clock.sleep)
    assert [await b.acquire() for _ in range(4)] == pytest.approx([0, 0, 0.1, 0.1])
    assert clock.sleeps == pytest.approx([0.1, 0.1]) and b.total_wait == pytest.approx(0.2)
    fresh = TokenBucket(10, 2, clock=clock, sleep=clock.sleep)
    fresh.pause(3.0)  # a 429 holds every caller back
    assert await fresh.acquire() == pytest.approx(3.0) and clock.sleeps[-1] == pytest.approx(3.0)


# ------------------------------------------------------------------------------------------------ retry
def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.5 ") == 0.5
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(7.0)
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0


def test_backoff_full_jitter_bounds() -> None:
    p = RetryPolicy(backoff_base=0.5, backoff_cap=4.0, rng=random.Random(1))
    for attempt in range(1, 8):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        assert all(0 <= p.backoff(attempt) <= ceiling for _ in range(50))
    assert p.wait_for(1, 3.0) >= 3.0  # Retry-After is a floor


def test_retry_budget() -> None:
    p = RetryPolicy(max_retries=3, max_total_wait=5.0)
    assert p.may_retry(1, 0.0, 1.0) and p.may_retry(3, 3.0, 2.0)
    assert not p.may_retry(4, 0.0, 0.0)  # retries exhausted
    assert not p.may_retry(2, 4.0, 1.5)  # would cross the total wait budget
    assert p.is_retryable_method("GET") and p.is_retryable_method("PUT") and p.is_retryable_method("DELETE")
    assert not p.is_retryable_method("POST") and p.is_retryable_method("POST", idempotent=True)


# ------------------------------------------------------------------------------------------- local time
def test_athlete_today_depends_on_timezone() -> None:
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert athlete_today("UTC", now) == date(2026, 11, 23)
    assert athlete_today("Europe/Berlin", now) == date(2026, 11, 24)
    assert athlete_today("America/Los_Angeles", now) == date(2026, 11, 23)
    assert athlete_today("Asia/Almaty", datetime(2026, 11, 23, 20, 0, tzinfo=UTC)) == date(2026, 11, 24)
    assert athlete_today("Not/AZone", now) == date(2026, 11, 23)  # unknown zone → UTC
    assert athlete_today(None, datetime(2026, 11, 23, 23, 30)) == date(2026, 11, 23)  # naive = UTC


def test_timestamp_parsing() -> None:
    assert parse_local("2026-04-16T07:28:47") == datetime(2026, 4, 16, 7, 28, 47)
    assert parse_local("2026-04-16") == datetime(2026, 4, 16)
    assert local_date("2026-04-16T23:59:59") == date(2026, 4, 16)
    assert parse_utc("2026-04-16T05:28:47Z") == datetime(2026, 4, 16, 5, 28, 47, tzinfo=UTC)
    assert parse_utc("2026-04-16T06:37:39.861+00:00").microsecond == 861000
    assert parse_utc("2026-04-16T08:37:39+0200") == datetime(2026, 4, 16, 6, 37, 39, tzinfo=UTC)
    assert format_local(date(2026, 11, 24)) == "2026-11-24T00:00:00"
    assert format_local(datetime(2026, 11, 24, 6, 30, 5, 123)) == "2026-11-24T06:30:05"
    assert date_param(date(2026, 1, 2)) == "2026-01-02" and date_param("2026-01-02") == "2026-01-02"
    with pytest.raises(ValueError):
        date_param("02/01/2026")
    with pytest.raises(ValueError):
        date_param("2026-02-31")


# ----------------------------------------------------------------------------------------------- models
def test_activity_tolerates_nulls_and_keeps_unknown_fields() -> None:
    a = Activity.model_validate(
        {
            "id": "i1",
            "type": "Ride",
            "icu_zone_times": None,
            "icu_hr_zone_times": None,
            "tags": None,
            "brand_new_field": {"x": 1},
            "icu_training_load": 88,
        }
    )
    assert a.zone_times() == [] and a.hr_zone_secs() == [] and a.list_of("tags") == []
    assert a.brand_new_field == {"x": 1}  # type: ignore[attr-defined]
    assert a.get("brand_new_field") == {"x": 1}
    assert a.to_api()["brand_new_field"] == {"x": 1}
    assert not a.is_strava_stub


def test_zone_times_with_sweet_spot() -> None:
    zones = [{"id": f"Z{i}", "secs": 100 * i} for i in range(1, 8)] + [{"id": "SS", "secs": 211}]
    a = Activity.model_validate({"id": "i2", "icu_zone_times": zones, "icu_hr_zone_times": [1, 2, 3]})
    assert a.power_zone_secs() == [100, 200, 300, 400, 500, 600, 700]
    assert a.sweet_spot_secs() == 211
    assert a.hr_zone_secs() == [1, 2, 3]
    legacy = Activity.model_validate({"id": "i3", "icu_zone_times": [5, 6]})
    assert legacy.power_zone_secs() == [5, 6]


def test_strava_stub() -> None:
    stub = Activity.model_validate(
        {
            "id": "16589160080",
            "icu_athlete_id": "i1",
            "start_date_local": "2026-11-20T07:00:00",
            "source": "STRAVA",
            "_note": "STRAVA activities are not available via the API",
        }
    )
    assert stub.is_strava_stub and stub.type is None and stub.icu_training_load is None
    assert stub.note and stub.to_api()["_note"].startswith("STRAVA")
    assert stub.local_date == date(2026, 11, 20)
    wi = ActivityWithIntervals.model_validate({"id": 123, "icu_intervals": None})
    assert wi.id == "123" and wi.intervals() == []


def test_athlete_secret_fields_masked() -> None:
    a = WithSportSettings.model_validate(
        {"id": "i1", "icu_api_key": "supersecretkey123", "sportSettings": None, "timezone": "Europe/Oslo"}
    )
    assert "supersecretkey123" not in repr(a) and "supersecretkey123" not in a.model_dump_json()
    assert a.sport_settings() == [] and a.settings_for("Ride") is None


def test_wellness_and_event_shapes() -> None:
    w = Wellness.model_validate({"id": "2026-11-23", "ctl": 50.5, "atl": 60.0, "sportInfo": None})
    assert w.form == pytest.approx(-9.5) and w.sport_info() == [] and w.local_date == date(2026, 11, 23)
    e = Event.model_validate(
        {
            "id": 5,
            "category": "WORKOUT",
            "start_date_local": "2026-11-24T00:00:00",
            "paired_activity_id": None,
            "workout_doc": {"steps": [{"duration": 600}], "zoneTimes": None, "whatever": 1},
        }
    )
    assert e.local_date == date(2026, 11, 24) and e.is_workout
    assert e.workout_doc is not None and e.workout_doc.step_list()[0]["duration"] == 600
    body = EventEx(
        category="WORKOUT", start_date_local=date(2026, 11, 25), name="Z2", external_id="x1"
    ).to_api()
    assert body == {
        "category": "WORKOUT",
        "start_date_local": "2026-11-25T00:00:00",
        "name": "Z2",
        "external_id": "x1",
    }


def test_curve_set() -> None:
    cs = DataCurveSetPowerCurve.model_validate(
        {
            "list": [{"id": "42d", "secs": [1, 5], "values": [900, 700], "activity_id": ["i1", None]}],
            "activities": {"i1": {"id": "i1", "type": "Ride"}},
        }
    )
    c = cs.curve("42d")
    assert c is not None and c.points() == [(1, 900), (5, 700)]
    assert cs.activities is not None and cs.activities["i1"].type == "Ride"
