"""``display`` blocks follow the athlete's Intervals.icu unit preferences, as Section 11's do."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.mirror.display import Units, to_display

METRIC = Units.of({"measurement_preference": "meters"})
IMPERIAL = Units.of({"measurement_preference": "feet", "weight_pref_lb": True, "height_units": "IN"})


def test_units_are_read_from_the_athlete_record() -> None:
    assert Units.of(None) == Units()
    assert IMPERIAL.distance == "imperial" and IMPERIAL.weight == "lb" and IMPERIAL.height == "in"
    assert Units.of({"fahrenheit": True, "wind_speed": "KPH", "rain": "IN"}) == Units(
        temp="f", wind="km/h", rain="in"
    )


@pytest.mark.parametrize(
    ("kind", "value", "metric", "imperial"),
    [
        ("distance", 42.195, {"value": 42.2, "unit": "km"}, {"value": 26.22, "unit": "mi"}),
        ("elevation", 1000, {"value": 1000, "unit": "m"}, {"value": 3281, "unit": "ft"}),
        ("elevation_per_distance", 10, {"value": 10, "unit": "m/km"}, {"value": 53, "unit": "ft/mi"}),
        ("speed", 36.0, {"value": 36.0, "unit": "km/h"}, {"value": 22.4, "unit": "mph"}),
        ("weight", 70.0, {"value": 70.0, "unit": "kg"}, {"value": 154.3, "unit": "lb"}),
        ("height", 1.80, {"value": 180, "unit": "cm"}, {"value": 71, "unit": "in"}),
    ],
)
def test_reference_conversions(kind: str, value: float, metric: dict, imperial: dict) -> None:
    assert to_display(value, kind, METRIC) == metric
    assert to_display(value, kind, IMPERIAL) == imperial


@given(st.sampled_from(["distance", "elevation", "speed", "weight"]), st.floats(0, 10_000))
def test_a_missing_value_stays_missing_and_metric_is_the_value_itself(kind: str, value: float) -> None:
    assert to_display(None, kind, IMPERIAL) is None
    shown = to_display(value, kind, METRIC)
    assert shown is not None and abs(shown["value"] - value) <= 0.5


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown display kind"):
        to_display(1.0, "volume", METRIC)
