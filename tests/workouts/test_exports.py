"""ZWO export/import and FIT export (decoded back with fit-tool)."""

import xml.etree.ElementTree as ET

import pytest
from fit_tool.profile.profile_type import WorkoutStepDuration, WorkoutStepTarget

from icucoach.workouts import parse, render
from icucoach.workouts.fit import read_fit_steps, to_fit
from icucoach.workouts.zwo import ZwoError, from_zwo, to_zwo

RIDE = (
    "Warmup\n- 10m ramp 45-70% 90rpm\n\nMain set 4x\n- 8m 95-105% 95rpm\n- 4m 50%\n\n"
    "- Spin 5m freeride\n\nCooldown\n- 8m ramp 65-45%\n"
)


def test_zwo_structure():
    root = ET.fromstring(to_zwo(parse(RIDE, "Ride"), "Threshold", "Ride", {"ftp": 250}))
    els = list(root.find("workout"))
    assert [e.tag for e in els] == ["Warmup", "IntervalsT", "FreeRide", "Cooldown"]
    iv = els[1]
    assert iv.get("Repeat") == "4" and iv.get("OnDuration") == "480" and iv.get("OffDuration") == "240"
    assert float(iv.get("OnPower")) == pytest.approx(1.0) and float(iv.get("OffPower")) == pytest.approx(0.5)
    assert els[0].get("PowerLow") == "0.45" and els[0].get("PowerHigh") == "0.7"
    assert els[2].find("textevent").get("message") == "Spin"
    assert root.findtext("name") == "Threshold" and root.findtext("sportType") == "bike"


def test_zwo_round_trip_keeps_the_structure():
    w = parse(RIDE, "Ride")
    back = from_zwo(to_zwo(w, "x", "Ride", {"ftp": 250}))
    text = render(back)
    assert "4x\n- 8m 100% 95rpm\n- 4m 50%" in text
    assert "- 10m ramp 45-70% 90rpm" in text and "- Spin 5m freeride" in text


def test_zwo_watts_resolved_with_ftp_and_unrollable_repeats_unrolled():
    w = parse("3x\n- 1m 300w\n- 1m 100w\n- 1m 200w\n", "Ride")
    root = ET.fromstring(to_zwo(w, "x", "Ride", {"ftp": 200}))
    steady = root.find("workout").findall("SteadyState")
    assert len(steady) == 9 and steady[0].get("Power") == "1.5"


def test_zwo_import_rejects_garbage():
    with pytest.raises(ZwoError, match="not valid XML"):
        from_zwo("<workout_file><workout>")
    with pytest.raises(ZwoError, match="expected <workout_file>"):
        from_zwo("<html/>")


def test_fit_export_decodes_to_the_steps():
    w = parse(RIDE, "Ride")
    steps = read_fit_steps(to_fit(w, "Threshold", "Ride", {"ftp": 250}))
    assert [s["index"] for s in steps] == list(range(6))
    warm, on, _off, rep, spin, cool = steps
    assert warm["duration_type"] == WorkoutStepDuration.TIME.value and warm["duration_time"] == 600
    assert warm["intensity"] == 2  # warmup
    assert (on["power_low"], on["power_high"]) == (95, 105)  # % FTP below 1000
    assert rep["duration_type"] == WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT.value
    assert rep["duration_step"] == 1 and rep["repeat_steps"] == 4
    assert spin["target_type"] == WorkoutStepTarget.OPEN.value and spin["name"] == "Spin"
    assert cool["intensity"] == 3


def test_fit_watts_hr_pace_and_lap_button():
    w = parse("- 5m 250w\n- 10m 150bpm\n- 1km 4:00/km Pace\n- Jog 2km press lap\n", "Run")
    s = read_fit_steps(to_fit(w, "x", "Run", {"threshold_pace": 4.0}))
    assert s[0]["power_low"] == 1250  # watts carry the +1000 offset
    assert s[1]["hr_low"] == 250  # bpm carry the +100 offset
    assert s[2]["duration_type"] == WorkoutStepDuration.DISTANCE.value and s[2]["duration_distance"] == 1000
    assert s[2]["speed_low"] == pytest.approx(1000 / 240, abs=0.01)
    assert s[3]["duration_type"] == WorkoutStepDuration.OPEN.value
