"""``recent_activities[]`` entries and terrain blocks carry Section 11's names and value formats
(``section11.md`` §3.1, §3.4): compact durations, ``z1_time`` zones, km/h speeds labelled ``KPH``, weather in
the athlete's units, ``display`` blocks; routes.json summaries get the same display blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.mirror.activity_fields import activity_entry, format_duration
from icucoach.mirror.display import Units
from icucoach.mirror.files import script_hash
from icucoach.mirror.terrain_fields import with_display
from icucoach.mirror.weather import weather_block

Json = dict[str, Any]
IMPERIAL_ATHLETE = {"measurement_preference": "feet", "fahrenheit": True, "wind_speed": "MPH", "rain": "IN"}


@dataclass
class Ctx:
    """The parts of ``ExportContext`` an activity entry reads."""

    athlete: Json = field(default_factory=dict)
    today: date = date(2026, 11, 29)
    intervals: dict[str, Json] = field(default_factory=dict)
    streams: dict[str, list[Json]] = field(default_factory=dict)
    duplicates: dict[str, str] = field(default_factory=dict)

    @property
    def units(self) -> Units:
        return Units.of(self.athlete)

    @property
    def timezone(self) -> str | None:
        return "UTC"


RIDE: Json = {
    "id": "i1",
    "start_date_local": "2026-11-20T07:30:00",
    "type": "Ride",
    "moving_time": 6001,
    "distance": 42195.0,
    "total_elevation_gain": 512.4,
    "average_speed": 7.5,  # m/s -> 27.0 km/h
    "max_speed": 15.0,  # -> 54.0 km/h
    "stream_types": ["time", "latlng", "altitude"],
    "icu_hr_zone_times": [60, 1200, 300, None, 0, 0, 0],
    "icu_zone_times": [{"id": "Z1", "secs": 100}, {"id": "Z2", "secs": 200}, {"id": "SS", "secs": 50}],
    "has_weather": True,
    "average_weather_temp": 12.345,
    "average_temp": 20.0,
    "average_wind_speed": 4.2,
    "headwind_percent": 40.0,
}


@pytest.mark.parametrize(
    ("secs", "text"),
    [(6001, "1h40m1s"), (3180, "53m"), (1569, "26m9s"), (3600, "1h"), (7205, "2h5s"), (59, "59s"), (0, None)],
)
def test_duration_formatted_is_section_11s(secs: int, text: str | None) -> None:
    assert format_duration(secs) == text
    assert format_duration(None) is None


@given(st.integers(1, 100 * 3600))
def test_duration_formatted_reads_back_to_the_seconds(secs: int) -> None:
    text = format_duration(secs)
    assert text is not None
    total, num = 0, ""
    for ch in text:
        if ch.isdigit():
            num += ch
        else:
            total += int(num) * {"h": 3600, "m": 60, "s": 1}[ch]
            num = ""
    assert total == secs


def test_ride_entry_fields_and_formats() -> None:
    e = activity_entry(Ctx(athlete={"measurement_preference": "meters"}), RIDE)
    assert e["duration_formatted"] == "1h40m1s" and e["duration_hours"] == 1.67
    assert (e["avg_speed"], e["avg_speed_unit"], e["max_speed"], e["max_speed_unit"]) == (
        27.0,
        "KPH",
        54.0,
        "KPH",
    )
    assert e["avg_pace"] is None  # pace is for runs
    assert e["display"] == {
        "distance": {"value": 42.2, "unit": "km"},
        "elevation": {"value": 512, "unit": "m"},
        "avg_speed": {"value": 27.0, "unit": "km/h"},
        "max_speed": {"value": 54.0, "unit": "km/h"},
    }
    hr, power = e["zone_distribution"]["hr_zones"], e["zone_distribution"]["power_zones"]
    assert hr == {
        "z1_time": 60,
        "z2_time": 1200,
        "z3_time": 300,
        "z4_time": None,
        "z5_time": 0,
        "z6_time": 0,
        "z7_time": 0,
    }
    assert power["z1_time"] == 100 and power["z2_time"] == 200 and power["z3_time"] is None
    assert "ss_time" not in power and e["zone_distribution"]["pace_zones"] is None
    # the weather model's temperature first, the device's only without it; units from the athlete record
    assert (e["avg_temp"], e["avg_temp_unit"], e["wind_speed"], e["wind_speed_unit"]) == (
        12.345,
        "C",
        4.2,
        "MPS",
    )
    assert e["humidity"] is None and e["weather"] is None  # the API has no such fields
    ws = e["weather_summary"]
    assert ws["source"] == "intervals_open_meteo" and ws["units"] == {
        "wind": "m/s",
        "temp": "c",
        "rain": "mm",
    }
    assert ws["avg_temp"] == 12.35 and ws["avg_temp_device"] == 20.0 and ws["headwind_pct"] == 40.0
    assert e["weather_status"] is None
    # GPS in the stream list but no streams stored: honest not_fetched
    assert e["terrain_summary"] is None and e["terrain_status"] == "not_fetched"


def test_imperial_athlete_sees_imperial_display_and_unit_labels() -> None:
    e = activity_entry(Ctx(athlete=IMPERIAL_ATHLETE), RIDE)
    assert e["display"]["distance"] == {"value": 26.22, "unit": "mi"}
    assert e["display"]["avg_speed"] == {"value": 16.8, "unit": "mph"}
    assert e["avg_speed"] == 27.0 and e["avg_speed_unit"] == "KPH"  # canonical km/h, as Section 11
    assert e["avg_temp_unit"] == "F" and e["wind_speed_unit"] == "MPH"
    assert e["weather_summary"]["units"] == {"wind": "mph", "temp": "f", "rain": "in"}


def test_run_pace_indoor_weather_and_missing_gps() -> None:
    run = {
        "id": "i2",
        "start_date_local": "2026-11-21T07:00:00",
        "type": "Run",
        "moving_time": 1800,
        "average_speed": 3.0,
        "stream_types": ["time"],
    }
    e = activity_entry(Ctx(), run)
    assert e["avg_pace"] == "5:33/km" == e["pace"]
    assert e["weather_status"] == "unavailable" and e["weather_summary"] is None
    assert e["terrain_status"] == "no_gps"  # the activity's own stream list has no latlng
    indoor = {
        "id": "i3",
        "start_date_local": "2026-11-21T18:00:00",
        "type": "VirtualRide",
        "moving_time": 1800,
    }
    e = activity_entry(Ctx(), indoor)
    assert e["weather_status"] is None and e["terrain_status"] is None and e["zone_distribution"] is None
    assert weather_block({"type": "VirtualRide", "has_weather": True}, Units()) == {
        "weather_summary": None,
        "weather_status": None,
    }


def test_terrain_display_blocks_follow_the_athlete_units() -> None:
    summary = {
        "total_distance_km": 80.5,
        "total_elevation_m": 1200,
        "elevation_per_km": 14.9,
        "climbs": [{"position_km": 10.0, "distance_km": 5.2, "elevation_m": 310}],
        "descents": [{"position_km": 20.0, "distance_km": 4.0, "elevation_m": -300}],
    }
    imperial = with_display(summary, Units.of(IMPERIAL_ATHLETE))
    assert imperial is not None and "display" not in summary  # the cached analysis is not changed
    assert imperial["display"] == {
        "total_distance": {"value": 50.02, "unit": "mi"},
        "total_elevation": {"value": 3937, "unit": "ft"},
        "elevation_per_distance": {"value": 79, "unit": "ft/mi"},
    }
    assert imperial["climbs"][0]["display"]["elevation"] == {"value": 1017, "unit": "ft"}
    assert imperial["descents"][0]["display"]["elevation"] == {"value": -984, "unit": "ft"}
    assert with_display({"error": "x"}, Units()) == {"error": "x"} and with_display(None, Units()) is None


def test_script_hash_is_short_and_stable() -> None:
    assert script_hash() == script_hash() and len(script_hash()) == 12
    int(script_hash(), 16)


def test_streams_with_gps_dropouts_and_a_short_altitude_stream() -> None:
    from icucoach.mirror.terrain_fields import activity_terrain

    n = 400
    lat = [45.0 + i * 50 / 111_195.0 for i in range(n)]
    lat[10] = lat[11] = None  # GPS dropout
    streams = [
        {"type": "latlng", "data": lat, "data2": [7.0] * n},
        {"type": "altitude", "data": [100.0 + (i // 20) for i in range(n - 50)]},  # ends early
    ]
    summary, status = activity_terrain(streams)
    assert status is None and summary is not None
    assert summary["source"] == "activity_streams" and summary["total_distance_km"] == pytest.approx(
        17.5, abs=0.1
    )
    assert activity_terrain([{**streams[0]}, {"type": "altitude", "data": [None] * n}]) == (
        None,
        "no_elevation",
    )
