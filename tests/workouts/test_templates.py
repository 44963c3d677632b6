"""The template library: at least 30 templates, all valid, all round-tripping, parameters honoured."""

import pytest

from icucoach.workouts import compute_totals, errors, parse, render, summary, validate
from icucoach.workouts.resolve import Thresholds
from icucoach.workouts.templates import TEMPLATES, get

SS = {
    "Ride": {"ftp": 250, "lthr": 165, "max_hr": 185, "power_zones": [55, 75, 90, 105, 120, 150, 999]},
    "Run": {
        "ftp": 300,
        "lthr": 170,
        "max_hr": 190,
        "threshold_pace": 3.7,
        "pace_zones": [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999],
        "hr_zones": [140, 150, 160, 170, 180],
    },
    "Swim": {"lthr": 160, "max_hr": 180, "threshold_pace": 1.0, "pace_units": "SECS_100M"},
}


def test_library_size_and_coverage():
    assert len(TEMPLATES) >= 30
    sports = {t.sport for t in TEMPLATES.values()}
    assert sports == {"Ride", "Run", "Swim"}
    cats = {t.category for t in TEMPLATES.values()}
    for c in (
        "recovery",
        "endurance",
        "tempo",
        "sweet spot",
        "threshold",
        "vo2max",
        "anaerobic",
        "sprints",
        "long run",
        "strides",
        "hills",
        "fartlek",
        "race opener",
    ):
        assert c in cats


@pytest.mark.parametrize("key", sorted(TEMPLATES))
@pytest.mark.parametrize(("minutes", "k"), [(None, 1.0), (40, 0.9), (110, 1.1)])
def test_every_template_validates_and_round_trips(key, minutes, k):
    t = TEMPLATES[key]
    w = t.build(minutes, k)
    assert validate(w, t.sport, SS[t.sport]) == []
    assert errors(validate(w, t.sport, None)) == []
    text = render(w)
    assert parse(text, t.sport) == w and render(parse(text)) == text
    assert summary(w, SS[t.sport]) != "empty workout"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_duration_parameter_scales_the_workout(key):
    t = TEMPLATES[key]
    th = Thresholds.from_settings(SS[t.sport], t.sport)
    short = compute_totals(t.build(30), th).duration
    long_ = compute_totals(t.build(120), th).duration
    assert long_ > short or (key == "ride-ftp-ramp" and long_ >= short)


def test_intensity_parameter_scales_work_targets():
    easy, hard = get("ride-threshold").build(75, 0.9), get("ride-threshold").build(75, 1.1)
    assert "86-90%" in render(easy) and "105-110%" in render(hard)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="outside 10-600"):
        get("run-easy").build(5)
    with pytest.raises(KeyError, match="unknown template"):
        get("nope")
