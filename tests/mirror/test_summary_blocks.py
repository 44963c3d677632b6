"""Section 11's names for wellness rows, race rows and workout-summary counters (``mirror.wellness_fields``,
``mirror.status_blocks``, ``mirror.summary_block``), checked on hand-made records."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from icucoach.mirror.display import Units
from icucoach.mirror.status_blocks import ftp_setting_date, race_calendar
from icucoach.mirror.summary_block import workout_summary_stats
from icucoach.mirror.wellness_fields import (
    SHARED,
    clock,
    current_metrics,
    daily_wellness,
    wellness_row,
    wellness_scales,
)

KG = Units()
LB = Units(distance="imperial", weight="lb", height="in")
TODAY = date(2026, 11, 30)
API = {
    "id": "2026-11-30",
    "weight": 63.5,
    "restingHR": 48,
    "hrv": 63.7,
    "hrvSDNN": 80.1,
    "sleepSecs": 28330,
    "sleepScore": 73.0,
    "sleepQuality": 2,
    "bodyFat": 18.2,
    "abdomen": 71.0,
    "baevskySI": 95.0,
    "bloodGlucose": 5.1,
    "carbohydrates": 310.0,
    "protein": 120.0,
    "fatTotal": 70.0,
    "hydrationVolume": 2.5,
    "lactate": 1.2,
    "spO2": 97.0,
    "menstrualPhasePredicted": "LUTEAL",
    "kcalConsumed": 2600,
}


def test_clock_is_section_11s_text_cut_to_the_minute() -> None:
    assert clock(28330) == "7h52m"  # 7 h 52 min 10 s
    assert clock(3600) == "1h"
    assert clock(300) == "5m"
    assert clock(59) == "0s"
    assert clock(None) is None and clock(0) is None


def test_wellness_row_maps_every_field_to_the_api_record() -> None:
    row = wellness_row(API, KG)
    assert row["weight_kg"] == 63.5 and row["display"]["weight"] == {"value": 63.5, "unit": "kg"}
    assert (row["hrv_rmssd"], row["hrv_sdnn"]) == (63.7, 80.1)
    assert (row["sleep_hours"], row["sleep_formatted"]) == (7.87, "7h52m")
    assert row["body_fat_pct"] == 18.2 and row["abdomen_cm"] == 71.0 and row["baevsky_si"] == 95.0
    assert (row["carbohydrates_g"], row["protein_g"], row["fat_g"]) == (310.0, 120.0, 70.0)
    assert row["hydration_volume_l"] == 2.5 and row["spO2"] == 97.0 and row["blood_glucose"] == 5.1
    assert row["menstrual_phase_predicted"] == "LUTEAL" and row["menstrual_phase"] is None
    assert row["mental_energy"] is None
    assert wellness_row(API, LB)["display"]["weight"] == {"value": 140.0, "unit": "lb"}


def test_current_metrics_fall_back_to_the_profile() -> None:
    athlete = {"icu_weight": 61.5, "icu_resting_hr": 50}
    cm = current_metrics({"id": "2026-11-30", "hrv": 70.0}, athlete, KG)
    assert (cm["weight_kg"], cm["resting_hr"], cm["hrv"]) == (61.5, 50, 70.0)
    assert cm["display"]["weight"] == {"value": 61.5, "unit": "kg"}
    assert current_metrics(API, athlete, KG)["weight_kg"] == 63.5
    empty = current_metrics(None, {}, KG)
    assert empty["weight_kg"] is None and empty["display"]["weight"] is None and empty["date"] is None


def test_daily_rows_use_the_same_names() -> None:
    head, tail = daily_wellness(API, KG)
    assert head["sleep_score"] == 73.0 and head["sleep_quality"] == 2 and head["sleep_formatted"] == "7h52m"
    assert "sleepScore" not in head and set(tail) == set(SHARED)


def test_scales_number_every_value() -> None:
    scales = wellness_scales()
    for field in (
        "sleep_quality",
        "fatigue",
        "soreness",
        "stress",
        "mood",
        "motivation",
        "injury",
        "hydration",
    ):
        assert [k for k in scales[field] if k != "ui_note"] == ["1", "2", "3", "4"], field
    assert scales["injury"]["1"] == "NONE" and scales["motivation"]["1"] == "EXTREME"
    assert "OVULATING" in scales["menstrual"]


def test_ftp_setting_date_prefers_outdoor() -> None:
    assert ftp_setting_date(
        {"outdoor": {"2026-01-02": 250, "2026-05-01": 260}, "indoor": {"2026-09-01": 240}}
    ) == ("2026-05-01")
    assert ftp_setting_date({"outdoor": {}, "indoor": {"2026-09-01": 240}}) == "2026-09-01"
    assert ftp_setting_date(None) is None


def _ctx(events: list[dict]) -> SimpleNamespace:
    return SimpleNamespace(events=events, today=TODAY, units=KG)


def test_race_rows_carry_the_event_fields() -> None:
    ev = {
        "id": 7,
        "start_date_local": "2027-01-14T00:00:00",
        "category": "RACE_A",
        "type": "Ride",
        "distance": 120000.0,
        "moving_time": 14400,
        "attachments": [{"filename": "course.gpx"}],
    }
    row = {
        "id": "7",
        "date": "2027-01-14",
        "name": "Fondo",
        "category": "RACE_A",
        "sport": "Ride",
        "days_to": 45,
    }
    races = {"next_race": row, "races": [row], "taper_window": False, "race_week": None}
    cal = race_calendar(_ctx([ev]), races)  # type: ignore[arg-type]
    nxt = cal["next_race"]
    assert (nxt["type"], nxt["days_until"], nxt["distance_meters"], nxt["moving_time_seconds"]) == (
        "Ride",
        45,
        120000.0,
        14400,
    )
    assert nxt["display"]["distance"] == {"value": 120.0, "unit": "km"}
    assert nxt["has_terrain"] is True  # a GPX route attached (routes.json has its terrain)
    assert cal["taper_alert"] == {"active": False} and cal["race_week"] == {"active": False}
    empty = race_calendar(
        _ctx([]), {"next_race": None, "races": [], "taper_window": False, "race_week": None}
    )  # type: ignore[arg-type]
    assert empty == {
        "next_race": None,
        "all_races": [],
        "taper_alert": {"active": False},
        "race_week": {"active": False},
    }


def test_workout_counters_in_section_11s_names() -> None:
    events = [
        {"id": 1, "category": "WORKOUT", "workout_doc": {"steps": [{"reps": 4, "steps": [{}, {}]}]}},
        {"id": 2, "category": "WORKOUT", "workout_doc": {"steps": [{"duration": 3600}]}},
        {"id": 3, "category": "WORKOUT", "description": "easy spin, no structure"},
        {"id": 4, "category": "NOTE", "description": "travel"},
        {"id": 5, "category": "WORKOUT", "workout_doc": {"steps": [{"duration": 60}]}},
    ]
    planned = [
        {"id": 1, "workout_summary": "4x..."},
        {"id": 2, "workout_summary": "1h @ Z2"},
        {"id": 3, "workout_summary": None},
        {"id": 4, "workout_summary": None},
        {"id": 5, "workout_summary": None},
    ]
    counters = {"total": 5, "summarised": 2, "no_structure": 2, "failed": 1}
    out = workout_summary_stats(_ctx(events), planned, counters)  # type: ignore[arg-type]
    assert {k: out[k] for k in ("attempted", "success", "patternA", "patternB")} == {
        "attempted": 3,
        "success": 2,
        "patternA": 1,
        "patternB": 1,
    }
    assert out["bail_no_match"] == 1 and out["bail_no_workout_doc"] == 1
    assert out["total"] == 5
