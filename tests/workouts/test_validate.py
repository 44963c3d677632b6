"""Every validation rule, with the message users see (line number, what is wrong, the fix)."""

import pytest

from icucoach.workouts import errors, validate

FULL = {
    "ftp": 250,
    "lthr": 170,
    "max_hr": 190,
    "threshold_pace": 3.7,
    "hr_zones": [140, 150, 160, 170, 180],
    "pace_zones": [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999],
}


def only(issues, code):
    found = [i for i in issues if i.code == code]
    assert found, f"no {code} in {[str(i) for i in issues]}"
    return found[0]


def test_clean_workout_has_no_findings():
    assert (
        validate("Warmup\n- 10m 55%\n\nMain set 3x\n- 5m 100%\n- 3m 50%\n\n- 10m 50%\n", "Ride", FULL) == []
    )


@pytest.mark.parametrize(
    ("text", "sport", "ss", "code", "line", "words"),
    [
        ("- 10m 95%FTP\n", "Ride", FULL, "unknown-target", 1, ["'95%FTP'", "use e.g."]),
        ("- 10m 95% CSS\n", "Swim", FULL, "unknown-keyword", 1, ["'CSS' is not a target keyword"]),
        (
            "- 400mtr 80% Pace\n",
            "Swim",
            {},
            "pace-needs-threshold",
            1,
            ["needs a threshold pace", "--threshold-pace"],
        ),
        (
            "- 10m Z2 HR\n",
            "Run",
            {"lthr": 170},
            "no-zones",
            1,
            ["no HR zones", "define the zones", "--hr-zones"],
        ),
        ("- 10m Z3 Pace\n", "Run", {"threshold_pace": 3.5}, "no-zones", 1, ["no pace zones"]),
        (
            "- 10m Z9 HR\n",
            "Run",
            FULL,
            "zone-out-of-range",
            1,
            ["only 5 HR zones", "Z1 and Z5", "Z5 170-180 bpm"],
        ),
        (
            "- 400m 80% Pace\n",
            "Swim",
            FULL,
            "minutes-not-metres",
            1,
            ["400 minutes, not 400 metres", "400mtr"],
        ),
        ("Main set\n\n4x\n\n- 5m 90%\n", "Ride", FULL, "empty-repeat", 3, ["has no steps", "directly under"]),
        ("- 10m 100-90%\n", "Ride", FULL, "range-reversed", 1, ["start above its end", "ramp"]),
        ("- 10m 950%\n", "Ride", FULL, "absurd-value", 1, ["outside the plausible"]),
        ("- 10m 300bpm\n", "Run", FULL, "absurd-value", 1, ["300bpm"]),
        ("- 10h 60%\n- 5h 60%\n", "Ride", FULL, "total-too-long", 0, ["out of proportion", "mtr"]),
        ("- 400mtr 250w\n", "Swim", FULL, "target-not-for-sport", 1, ["swims carry no power", "pace target"]),
        ("- 5m 4:30/km\n", "Run", FULL, "pace-without-keyword", 1, ["no 'Pace' keyword", "'4:30/km Pace'"]),
        ("- 200 metres 50% Pace\n", "Swim", FULL, "bare-number", 1, ["no unit", "200mtr"]),
        ("- 10m 80% LTHR\n", "Run", {}, "hr-needs-lthr", 1, ["needs an LTHR", "--lthr"]),
        ("- 10m 70% HR\n", "Run", {}, "hr-needs-max", 1, ["max HR", "--max-hr"]),
        ("- 10m 90%\n", "Ride", {}, "power-needs-ftp", 1, ["needs an FTP", "--ftp"]),
        ("Warmup\n", "Ride", FULL, "no-steps", 0, ["plain note", "- 10m 65%"]),
        ("- easy spin\n", "Ride", FULL, "no-length", 1, ["no duration or distance"]),
        ("3x\n- 1m 120%\n4x\n- 1m 50%\n", "Ride", FULL, "nested-repeat", 3, ["no nested repeats", "flatten"]),
        ("- 10m 95% intensity=hard\n", "Ride", FULL, "unknown-intensity", 1, ["'hard'", "recovery"]),
        ("- 0s 95%\n", "Ride", FULL, "zero-length", 1, ["zero"]),
    ],
)
def test_error_cases_have_actionable_messages(text, sport, ss, code, line, words):
    issue = only(validate(text, sport, ss), code)
    assert issue.line == line
    msg = str(issue)
    for w in words:
        assert w in msg
    assert "fix:" in msg
    if line:
        assert msg.startswith(f"line {line}:")
    if code not in ("unknown-keyword",):
        assert issue.severity == "error"
        assert errors(validate(text, sport, ss))


@pytest.mark.parametrize(
    ("text", "sport", "code", "words"),
    [
        ("- 100mtr Z2\n", "Swim", "unqualified-zone", ["power* zone", "Z2 HR"]),
        ("- 10m 95%\n2x\n- 1m 120%\n- 1m 50%\n", "Ride", "repeat-no-blank-before", ["blank line"]),
        ("  - 10m 95%\n", "Ride", "indented-step", ["flush-left"]),
        ("- 10m 4:30 Pace\n", "Run", "pace-default-unit", ["no unit"]),
        ("- 6h 60%\n", "Ride", "total-long", ["unusually long"]),
    ],
)
def test_warnings_are_warnings(text, sport, code, words):
    issue = only(validate(text, sport, FULL), code)
    assert issue.severity == "warning"
    for w in words:
        assert w in str(issue)


def test_unknown_settings_skip_threshold_checks_but_not_syntax():
    issues = validate("- 10m 80% Pace\n- 5m 4:30/km\n", "Run", None)
    codes = {i.code for i in issues}
    assert "pace-needs-threshold" not in codes
    assert "pace-without-keyword" in codes


def test_validate_accepts_a_model():
    from icucoach.workouts import parse

    assert errors(validate(parse("- 10m 95%\n", "Ride"), "Ride", FULL)) == []
