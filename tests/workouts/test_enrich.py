"""enrich_event: the event fields the server derives from a description (the sandbox's contract)."""

import pytest

from icucoach.workouts import enrich_event

RIDE = {"ftp": 250}


def test_author_4x8m_numbers():
    ev = enrich_event("- 20m 60% 90-100rpm\n\nMain set 4x\n- 8m 110%\n- 8m 50%\n\n- 10m 60%\n", "Ride", RIDE)
    assert ev["moving_time"] == 5640
    assert ev["icu_training_load"] == 116
    assert ev["icu_intensity"] == pytest.approx(86.04798, abs=1e-5)
    assert ev["icu_ftp"] == 250
    # joules: 1200 s at 150 W + 4 x (480 s at 275 W + 480 s at 125 W) + 600 s at 150 W
    assert ev["joules"] == 1200 * 150 + 4 * (480 * 275 + 480 * 125) + 600 * 150
    assert ev["joules_above_ftp"] == 4 * 480 * 25
    assert ev["workout_doc"]["steps"][1]["reps"] == 4


@pytest.mark.parametrize(
    ("text", "sport", "expect"),
    [
        ("- 10m 55-75%", "Ride", {"duration": 600, "power": {"start": 55, "end": 75, "units": "%ftp"}}),
        ("- 10m ramp 50-75%", "Ride", {"duration": 600, "ramp": True}),
        ("- 5m 250w", "Ride", {"power": {"value": 250, "units": "w"}}),
        ("- 20m freeride", "Ride", {"duration": 1200, "freeride": True}),
        ("- 1km Z2 Pace", "Run", {"distance": 1000, "pace": {"value": 2, "units": "pace_zone"}}),
    ],
)
def test_reference_mapping_examples(text, sport, expect):
    step = enrich_event(
        text,
        sport,
        {"ftp": 250, "threshold_pace": 3.5, "pace_zones": [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999]},
    )["workout_doc"]["steps"][0]
    for k, v in expect.items():
        assert step[k] == v


def test_distance_step_gets_duration_from_pace():
    ev = enrich_event("- 1km 80% Pace\n", "Run", {"threshold_pace": 4.0})
    assert ev["workout_doc"]["steps"][0]["duration"] == 312  # 1000 m at 3.2 m/s
    assert ev["distance"] == 1000.0 and ev["moving_time"] == 312
    assert ev["icu_ftp"] is None and ev["joules"] is None


@pytest.mark.parametrize("text", [None, "", "Just ride around.", "- 30 secs 50% Pace", "Warmup\nMain\n"])
def test_unparseable_gives_silent_failure(text):
    ev = enrich_event(text, "Ride", RIDE)
    assert ev["workout_doc"]["steps"] == []
    assert ev["moving_time"] is None and ev["icu_training_load"] is None and ev["distance"] is None


def test_hr_and_pace_workouts_have_load_without_ftp():
    hr = enrich_event("- 60m 80% LTHR\n", "Run", {"lthr": 170})
    assert hr["icu_training_load"] == 64 and hr["workout_doc"]["target"] == "HR"
    swim = enrich_event("- 1000mtr 100% Pace\n", "Swim", {"threshold_pace": 1.0})
    assert swim["moving_time"] == 1000 and swim["icu_training_load"] == 28


def test_resolved_doc_values():
    from icucoach.workouts import parse, to_workout_doc

    doc = to_workout_doc(
        parse("- 3m ramp 35-55% 85rpm\n- 10m 95% LTHR\n"), "Ride", {"ftp": 280, "lthr": 160}, resolve=True
    )
    assert doc["steps"][0]["_power"] == {"value": 126.0, "start": 98.0, "end": 154.0}
    assert doc["steps"][1]["_hr"]["value"] == 152.0
