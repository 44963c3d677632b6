"""The planned-training feed: the sandbox athlete's real calendar read over HTTP through the real client,
rendered, compared with a golden file, and parsed back with icalendar to check what a calendar app shows.

Regenerate the golden file after an intended change:
    ICUCOACH_UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/service/test_ical.py
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import RunningSandbox
from icucoach.service.ical import SHOWN_CATEGORIES, fetch_feed_events, render_feed, subscribe_links

GOLDEN = Path(__file__).parent / "golden" / "feed.ics"
UPDATE = os.environ.get("ICUCOACH_UPDATE_GOLDENS") == "1"
TODAY = date(2026, 11, 23)  # the sandbox's pinned today (tests/conftest.py)
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=ZoneInfo("UTC"))
FEED_URL = "https://coach.example/ical/feed-token.ics"
TIMED_START = "2026-11-24T18:30:00"


@pytest.fixture(scope="module")
def feed(sb: RunningSandbox) -> dict[str, Any]:
    """The first demo athlete's feed, after adding one timed session through the API (the generated
    calendar only has all-day items)."""
    return asyncio.run(_read_feed(sb))


async def _read_feed(sb: RunningSandbox) -> dict[str, Any]:
    account = sb.account("athlete", 0)
    settings = ClientSettings(base_url=sb.base_url, api_key=account.api_key, rate_per_second=None)
    async with IntervalsClient(settings) as icu:
        athlete = await icu.get_athlete()
        created = await icu.create_event(
            {
                "category": "WORKOUT",
                "type": "Run",
                "name": "Track session",
                "start_date_local": TIMED_START,
                "description": "Warmup\n- 15m Z2 HR\n\nMain set 6x\n- 800mtr 95% Pace\n- 90s Z1 HR\n",
            }
        )
        events = await fetch_feed_events(icu, account.athlete_id, TODAY)
    for ev in events:
        if ev.get("id") == created.id:
            ev.pop("updated", None)  # the sandbox stamps writes with the wall clock: pin it via `now`
    body = render_feed(
        athlete_name=athlete.name or account.name,
        timezone=athlete.timezone,
        events=events,
        feed_url=FEED_URL,
        now=NOW,
    )
    return {"body": body, "events": events, "created": created.id, "tz": athlete.timezone}


def _vevents(body: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_golden(feed: dict[str, Any]) -> None:
    if UPDATE:
        GOLDEN.write_bytes(feed["body"])
    assert GOLDEN.exists(), f"missing golden {GOLDEN}; run with ICUCOACH_UPDATE_GOLDENS=1"
    assert feed["body"] == GOLDEN.read_bytes(), "feed changed; regenerate with ICUCOACH_UPDATE_GOLDENS=1"


def test_calendar_header(feed: dict[str, Any]) -> None:
    cal = Calendar.from_ical(feed["body"])
    assert str(cal["X-WR-CALNAME"]) == "Maya Lindqvist — planned training (icucoach)"
    assert str(cal["X-WR-TIMEZONE"]) == feed["tz"] == "Australia/Sydney"
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H" in feed["body"]
    assert [tz.tz_name for tz in cal.timezones] == ["Australia/Sydney"]


def test_every_shown_event_once_with_stable_uid(feed: dict[str, Any]) -> None:
    events = _vevents(feed["body"])
    expected = {f"{e['id']}@icucoach" for e in feed["events"] if e["category"] in SHOWN_CATEGORIES}
    assert set(events) == expected
    assert len(expected) > 50  # two weeks back + twelve ahead of a real plan


def test_workout_steps_in_description(feed: dict[str, Any]) -> None:
    sweet = next(e for e in feed["events"] if e.get("name") == "Sweet spot 2x15m")
    vev = _vevents(feed["body"])[f"{sweet['id']}@icucoach"]
    assert str(vev["SUMMARY"]) == "✓ Sweet spot 2x15m (Ride)"  # done: paired with a recorded ride
    desc = str(vev["DESCRIPTION"])
    assert desc.startswith(
        "Warmup 15m ramp 50–70% FTP · 2x (15m 90% FTP / 5m 55% FTP) · Cooldown 10m 55% FTP"
    )
    assert "duration 1h05m" in desc and "training load 65" in desc
    assert "km" not in desc  # the ride has no planned distance: nothing like "0 km"
    assert vev["DTSTART"].dt == date(2026, 11, 12)  # all-day
    assert vev["DTEND"].dt == date(2026, 11, 13)


def test_done_workouts_are_ticked(feed: dict[str, Any]) -> None:
    vevents = _vevents(feed["body"])
    for ev in feed["events"]:
        if ev["category"] == "WORKOUT":
            ticked = str(vevents[f"{ev['id']}@icucoach"]["SUMMARY"]).startswith("✓ ")
            assert ticked == bool(ev.get("paired_activity_id")), ev["name"]
    assert any(ev.get("paired_activity_id") for ev in feed["events"])


def test_swim_distances_in_metres(feed: dict[str, Any]) -> None:
    swim = next(e for e in feed["events"] if e.get("type") == "Swim" and e.get("workout_doc"))
    desc = str(_vevents(feed["body"])[f"{swim['id']}@icucoach"]["DESCRIPTION"])
    assert "Warmup 400 m 82% pace" in desc and "x (100 m 100% pace / 20s rest)" in desc


def test_race_is_all_day_and_marked(feed: dict[str, Any]) -> None:
    race = next(e for e in feed["events"] if e["category"] == "RACE_A")
    vev = _vevents(feed["body"])[f"{race['id']}@icucoach"]
    assert str(vev["SUMMARY"]) == "🏁 A race: Alpine Gran Fondo (Ride)"
    assert vev["DTSTART"].dt == date(2027, 1, 7) and not isinstance(vev["DTSTART"].dt, datetime)
    assert "Race" in [str(c) for c in vev["CATEGORIES"].cats]
    desc = str(vev["DESCRIPTION"])
    assert "Race, priority A." in desc and "Target: distance 120 km." in desc
    assert "Planned: distance" not in desc  # a planned distance equal to the target is not repeated


def test_timed_event_in_athlete_timezone(feed: dict[str, Any]) -> None:
    vev = _vevents(feed["body"])[f"{feed['created']}@icucoach"]
    start = vev["DTSTART"].dt
    assert start == datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("Australia/Sydney"))
    assert start.utcoffset() == timedelta(hours=11)  # AEDT: the VTIMEZONE carries the DST rule
    assert vev["DTSTART"].params["TZID"] == "Australia/Sydney"
    assert vev["DURATION"].dt > timedelta(minutes=30)  # from the server-parsed moving_time
    assert str(vev["SUMMARY"]) == "Track session (Run)"
    assert "Warmup 15m Z2 HR · 6x (800 m 95% pace / 1m30s Z1 HR)" in str(vev["DESCRIPTION"])


def test_note_shown_without_numbers(feed: dict[str, Any]) -> None:
    note = next(e for e in feed["events"] if e["category"] == "NOTE")
    vev = _vevents(feed["body"])[f"{note['id']}@icucoach"]
    assert str(vev["SUMMARY"]) == f"Note: {note['name']}"
    assert str(vev["DESCRIPTION"]) == note["description"]


def test_hidden_health_and_model_items_left_out() -> None:
    base = {"start_date_local": "2026-11-25T00:00:00", "name": "x"}
    events = [
        {**base, "id": 1, "category": "SICK"},
        {**base, "id": 2, "category": "INJURED"},
        {**base, "id": 3, "category": "SET_EFTP"},
        {**base, "id": 4, "category": "WORKOUT", "hide_from_athlete": True},
        {**base, "id": 5, "category": "HOLIDAY", "end_date_local": "2026-11-28T00:00:00"},
    ]
    vevs = _vevents(render_feed(athlete_name="A", timezone="Europe/Oslo", events=events))
    assert list(vevs) == ["5@icucoach"]
    assert vevs["5@icucoach"]["DTEND"].dt == date(2026, 11, 28)  # midnight end is exclusive
    assert b"VTIMEZONE" not in render_feed(athlete_name="A", timezone="Europe/Oslo", events=events)


def test_unknown_timezone_gives_floating_times() -> None:
    ev = {"id": 9, "category": "WORKOUT", "start_date_local": "2026-11-25T07:00:00", "moving_time": None}
    body = render_feed(athlete_name="A", timezone="Mars/Olympus", events=[ev])
    vev = _vevents(body)["9@icucoach"]
    assert vev["DTSTART"].dt == datetime(2026, 11, 25, 7, 0) and "DURATION" not in vev
    assert b"X-WR-TIMEZONE" not in body


def test_subscribe_links() -> None:
    links = subscribe_links(FEED_URL, "Maya's training")
    assert links["webcal"] == "webcal://coach.example/ical/feed-token.ics"
    assert links["https"] == FEED_URL
    google = urlsplit(links["google"])
    assert (google.netloc, google.path) == ("calendar.google.com", "/calendar/render")
    assert parse_qs(google.query)["cid"] == [links["webcal"]]
    outlook = urlsplit(links["outlook"])
    assert outlook.path == "/calendar/0/addfromweb"
    assert parse_qs(outlook.query) == {"url": [FEED_URL], "name": ["Maya's training"]}
    assert unquote(links["outlook"]).count("://") == 2


# ------------------------------------------------------------------------------------------ hypothesis
_odd = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
_target = st.one_of(
    _odd,
    st.fixed_dictionaries(
        {},
        optional={
            "value": _odd,
            "start": _odd,
            "end": _odd,
            "units": st.sampled_from(["%ftp", "w", "power_zone", "%hr", "hr_zone", "%pace", "MINS_KM", "zz"]),
        },
    ),
)
_step_keys = {
    "duration": _odd,
    "distance": _odd,
    "text": _odd,
    "warmup": _odd,
    "cooldown": _odd,
    "ramp": _odd,
    "freeride": _odd,
    "intensity": _odd,
    "power": _target,
    "pace": _target,
    "hr": _target,
    "cadence": _target,
    "reps": _odd,
}
_step = st.fixed_dictionaries({}, optional=_step_keys)
_steps = st.lists(
    st.one_of(_odd, _step, st.fixed_dictionaries({"steps": st.lists(st.one_of(_step, _odd), max_size=3)},
                                                   optional={"reps": _odd, "text": _odd})),
    max_size=5,
)  # fmt: skip
_date = st.one_of(
    _odd,
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.isoformat()}T00:00:00"),
)
_event = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(_odd, st.integers(min_value=1, max_value=2**31)),
        "category": st.one_of(
            st.sampled_from(["WORKOUT", "RACE_A", "NOTE", "HOLIDAY", "SICK", "TARGET"]), _odd
        ),
        "start_date_local": _date,
        "end_date_local": _date,
        "type": st.one_of(st.sampled_from(["Ride", "Swim", "VirtualRun"]), _odd),
        "name": _odd,
        "description": _odd,
        "moving_time": _odd,
        "distance": _odd,
        "distance_target": _odd,
        "time_target": _odd,
        "load_target": _odd,
        "icu_training_load": _odd,
        "icu_intensity": _odd,
        "indoor": _odd,
        "hide_from_athlete": _odd,
        "updated": st.one_of(_odd, st.just("2026-11-01T10:00:00.000+00:00")),
        "workout_doc": st.one_of(_odd, st.fixed_dictionaries({"steps": _steps}, optional={"duration": _odd})),
    },
)


@given(
    events=st.lists(_event, max_size=6),
    tz=st.sampled_from([None, "", "Europe/Berlin", "Australia/Sydney", "Nowhere/Else", "../etc"]),
    name=st.text(max_size=20),
)
def test_any_events_give_a_parseable_calendar(events: list[dict], tz: str | None, name: str) -> None:
    body = render_feed(athlete_name=name, timezone=tz, events=events, feed_url=FEED_URL, now=NOW)
    cal = Calendar.from_ical(body)
    assert cal.get_missing_tzids() == set()
    readable = [
        e
        for e in events
        if e.get("category") in SHOWN_CATEGORIES
        and e.get("hide_from_athlete") is not True
        and isinstance(e.get("id"), int | str)
        and not isinstance(e.get("id"), bool)
        and str(e["id"]).strip()
        and isinstance(e.get("start_date_local"), str)
        and _is_iso(e["start_date_local"])
    ]
    vevents = cal.walk("VEVENT")
    assert len(vevents) == len(readable)  # nothing valid is silently dropped
    for vev in vevents:  # our numbers (not the athlete's free text) never show a 0, NaN or infinity
        ours = [
            p for p in str(vev.get("DESCRIPTION", "")).split("\n\n") if p.startswith(("Planned:", "Target:"))
        ]
        for line in ours:
            assert not re.search(r"\b0 (km|m)\b|load 0\b|\b0s\b|nan|inf", line), line


def _is_iso(v: str) -> bool:
    try:
        datetime.fromisoformat(v.strip())
    except ValueError:
        return False
    return True
