"""Intervals.icu syntax that used to be refused: ``% MMP`` targets and custom zones (``CZ1``, ``CZ2-CZ3``),
end to end (parse, print, workout_doc, resolve, validate, export), plus zone and pace-order rules."""

from hypothesis import given, settings
from hypothesis import strategies as st

from icucoach.workouts import errors, from_workout_doc, parse, parse_text, render, to_workout_doc, validate
from icucoach.workouts.fit import read_fit_steps, to_fit
from icucoach.workouts.model import Step, Target, Workout
from icucoach.workouts.zwo import to_zwo

from .strategies import mmp

RIDE = {"ftp": 250, "mmp": {60: 400, 180: 320, 300: 300, 1200: 270}, "custom_zones": [60, 80, 95, 110, 999]}


def test_guide_examples_parse_to_targets_and_print_back():
    text = "- 10m 50-60% MMP 3m\n- 5m 60% MMP 5m\n- 20m CZ1\n- 10m CZ2-CZ3 90rpm\n"
    res = parse_text(text, "Ride")
    assert res.issues == []
    powers = [s.power for s in res.workout.flat_steps()]
    assert powers == [
        Target("power", "%mmp", 50, 60, secs=180),
        Target("power", "%mmp", 60, secs=300),
        Target("power", "custom_zone", 1),
        Target("power", "custom_zone", 2, 3),
    ]
    assert render(res.workout) == text


@settings(max_examples=300, deadline=None)
@given(mmp, st.integers(1, 12), st.integers(0, 3), st.integers(1, 20000))
def test_mmp_and_custom_zone_steps_round_trip_through_text_and_workout_doc(t, z, span, secs):
    cz = Target("power", "custom_zone", z, z + span if span else None)
    w = Workout((Step(duration=secs, power=t), Step(duration=secs, power=cz, ramp=bool(span))))
    assert parse(render(w)) == w
    doc = to_workout_doc(w, "Ride", RIDE)
    assert doc["steps"][0]["power"]["units"] == "%mmp" and doc["steps"][0]["power"]["mmp_secs"] == t.secs
    assert from_workout_doc(doc, "Ride") == w


def test_mmp_resolves_from_the_power_curve_interpolating_never_extrapolating():
    doc = to_workout_doc(
        parse("- 10m 50-60% MMP 3m\n- 4m 100% MMP 4m\n- 1m 100% MMP 2h\n"), "Ride", RIDE, True
    )
    first, second, third = doc["steps"]
    assert first["_power"] == {"value": 176.0, "start": 160.0, "end": 192.0}  # 50-60 % of 320 W
    assert second["_power"]["value"] == 310.0  # 4 min: halfway between 320 W (3 min) and 300 W (5 min)
    assert "_power" not in third  # the curve ends at 20 min: no best 2 h power is invented
    issues = validate("- 1m 100% MMP 2h\n", "Ride", RIDE)
    assert [i.code for i in errors(issues)] == ["mmp-needs-curve"]


def test_mmp_without_the_curve_names_the_line_and_both_fixes():
    (issue,) = errors(validate("- 10m 90%\n- 10m 50-60% MMP 3m\n", "Ride", {"ftp": 250}))
    assert issue.line == 2 and "best power for 3m" in issue.message
    assert "INTERVALS_API_KEY" in issue.fix and "--mmp 3m=WATTS" in issue.fix


def test_mmp_without_duration_is_an_error_not_a_silent_drop():
    (issue,) = errors(validate("- 10m 50% MMP\n", "Ride", RIDE))
    assert issue.code == "mmp-without-duration" and "'50% MMP 3m'" in issue.fix


def test_custom_zones_resolve_from_the_api_zone_set_and_refuse_zones_that_do_not_exist():
    ss = {
        "ftp": 200,
        "custom_zones": [
            {"code": "SST", "zones": [{"id": "CZ1", "start": 0, "end": 70}, {"id": "CZ2", "start": 70}]}
        ],
    }
    doc = to_workout_doc(parse("- 10m CZ1\n"), "Ride", ss, resolve=True)
    assert doc["steps"][0]["_power"] == {"value": 70.0, "start": 0.0, "end": 140.0}
    (issue,) = errors(validate("- 10m CZ3\n", "Ride", ss))
    assert issue.code == "zone-out-of-range" and "only 2 custom zones" in issue.message
    assert "CZ1 and CZ2" in issue.fix


def test_unknown_custom_zones_warn_on_check_and_block_exports():
    issues = validate("- 10m CZ2\n", "Ride", {"ftp": 250})
    assert [i.code for i in issues] == ["custom-zones-unknown"] and not errors(issues)
    assert [i.code for i in errors(validate("- 10m CZ2\n", "Ride", {"ftp": 250}, export="zwo"))] == [
        "cannot-export"
    ]


def test_zwo_and_fit_carry_the_resolved_numbers():
    w = parse("- 10m 50-60% MMP 3m\n- 5m CZ2\n", "Ride")
    assert 'Power="0.704"' in to_zwo(w, "x", "Ride", RIDE)  # 55 % of 320 W over 250 W FTP
    steps = read_fit_steps(to_fit(w, "x", "Ride", {"mmp": {180: 320}, "custom_zones": [60, 80, 999]}))
    assert (steps[0]["power_low"], steps[0]["power_high"]) == (1160, 1192)  # watts: 1000 + W, no FTP needed
    assert (steps[1]["power_low"], steps[1]["power_high"]) == (60, 80)  # % FTP


def test_a_power_zone_the_athlete_does_not_have_is_refused_even_without_their_zone_list():
    (issue,) = errors(validate("- 10m Z2\n- 5m Z9\n", "Ride", {"ftp": 250}))
    assert issue.line == 2 and issue.code == "zone-out-of-range"
    assert "only 7 power zones" in issue.message and "Z7 150+%" in issue.message
    doc = to_workout_doc(parse("- 5m Z9\n"), "Ride", {"ftp": 250}, resolve=True)
    assert "_power" not in doc["steps"][0]  # no intensity extrapolated past the last zone


def test_fast_to_slow_pace_range_runs_the_same_so_it_is_not_warned():
    ss = {"threshold_pace": 1.2, "pace_units": "SECS_100M", "pace_zones": [80, 90, 95, 100, 104, 110, 999]}
    fast_first = "- 400mtr 3:00/100m-4:00/100m Pace\n"
    slow_first = "- 400mtr 4:00/100m-3:00/100m Pace\n"
    assert validate(fast_first, "Swim", ss) == [] and validate(slow_first, "Swim", ss) == []
    a, b = (to_workout_doc(parse(t, "Swim"), "Swim", ss) for t in (fast_first, slow_first))
    assert a["duration"] == b["duration"] == 840 and a["paceZoneTimes"] == b["paceZoneTimes"]
