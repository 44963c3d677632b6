"""Terrain (``analytics.terrain``) on hand-built profiles whose grades, buckets, climbs and descents can be
worked out by hand (points every 50 m, so the ±25 m elevation smoothing leaves each point as it is)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.terrain import grade_distribution, terrain_summary


def course(profile: list[float], step_m: float = 50.0) -> list[tuple[float, float, float]]:
    """Points heading north every ``step_m`` metres with the given elevations."""
    dlat = step_m / 111_195.0
    return [(45.0 + i * dlat, 7.0, e) for i, e in enumerate(profile)]


def ramp(start: float, grade_pct: float, km: float) -> list[float]:
    """Elevations of the points after ``start`` over ``km`` at a constant grade (50 m apart)."""
    n = int(round(km * 20))
    return [round(start + grade_pct / 100 * 50 * i, 6) for i in range(1, n + 1)]


def test_grade_buckets_split_at_1_3_6_percent_of_absolute_grade() -> None:
    # 200 m at 0.5 % (flat), 200 m at -2 % (gentle), 200 m at exactly 3 % (moderate: lower bound inclusive),
    # 100 m at -6 % (steep): shares 2/7, 2/7, 2/7, 1/7 of 700 m.
    got = grade_distribution(np.array([200.0, 200.0, 200.0, 100.0]), np.array([0.5, -2.0, 3.0, -6.0]))
    assert got == {"flat_pct": 28.6, "gentle_pct": 28.6, "moderate_pct": 28.6, "steep_pct": 14.3}
    assert grade_distribution(np.array([]), np.array([])) == dict.fromkeys(got, 0.0)


@given(st.lists(st.tuples(st.floats(1, 1000), st.floats(-30, 30)), min_size=1, max_size=60))
def test_grade_buckets_are_shares_of_the_whole(chunks: list[tuple[float, float]]) -> None:
    lengths, grades = (np.array(x) for x in zip(*chunks, strict=True))
    got = grade_distribution(lengths, grades)
    assert all(0.0 <= v <= 100.0 for v in got.values())
    assert sum(got.values()) == pytest.approx(100.0, abs=0.25)  # four values rounded to 0.1


def test_climb_and_descent_on_a_hand_built_profile() -> None:
    # 2 km flat at 100 m, 2 km at +5 % (to 200 m), 1 km at -8 % (to 120 m), 1 km flat: 30 chunks of 200 m.
    profile = [100.0] * 41
    profile += ramp(100.0, 5.0, 2.0)
    profile += ramp(200.0, -8.0, 1.0)
    profile += [120.0] * 20
    t = terrain_summary(course(profile))
    assert t is not None
    assert t["total_distance_km"] == 6.0 and t["total_elevation_m"] == 100
    assert (
        t["elevation_per_km"] == 16.7 and t["course_character"] == "rolling"
    )  # 100 m / 6 km; a Cat 4 no upgrade
    # flat 3 km of 6, moderate 2 km (5 %), steep 1 km (8 %, downhill counts by |grade|)
    assert t["grade_distribution"] == {
        "flat_pct": 50.0,
        "gentle_pct": 0.0,
        "moderate_pct": 33.3,
        "steep_pct": 16.7,
    }
    assert t["max_grade_pct"] == 8.0  # the steepest chunk is the descent
    [climb] = t["climbs"]
    assert {k: climb[k] for k in ("position_km", "distance_km", "elevation_m", "avg_gradient_pct")} == {
        "position_km": 2.0,
        "distance_km": 2.0,
        "elevation_m": 100,
        "avg_gradient_pct": 5.0,
    }
    assert climb["max_gradient_pct"] == 5.0 and climb["category"] == "Cat 4"
    [descent] = t["descents"]
    assert {k: descent[k] for k in ("position_km", "distance_km", "elevation_m", "avg_gradient_pct")} == {
        "position_km": 4.0,
        "distance_km": 1.0,
        "elevation_m": -80,
        "avg_gradient_pct": -8.0,
    }
    assert descent["max_gradient_pct"] == -8.0 and "category" not in descent  # UCI categories are for climbs


def test_a_cat_2_climb_makes_a_rolling_course_hilly() -> None:
    # 30 km flat, then 9 km at 5 % (+450 m: Cat 2, ≥400 m), then 1 km flat: 450 m / 40 km = 11.25 m/km is
    # rolling by density, upgraded to hilly by the categorised climb.
    profile = [0.0] * 601 + ramp(0.0, 5.0, 9.0) + [450.0] * 20
    t = terrain_summary(course(profile))
    assert t is not None and t["total_distance_km"] == 40.0
    assert t["elevation_per_km"] == pytest.approx(11.2, abs=0.1)
    [climb] = t["climbs"]
    assert climb["elevation_m"] == 450 and climb["category"] == "Cat 2" and climb["position_km"] == 30.0
    assert t["course_character"] == "hilly"


def test_gentle_rise_under_the_gates_is_no_climb() -> None:
    # +60 m over 3 km is 2 %: ≥50 m and ≥1.5 % but neither ≥100 m nor ≥3 %, so it is left out
    profile = [0.0] * 21 + ramp(0.0, 2.0, 3.0) + [60.0] * 20
    t = terrain_summary(course(profile))
    assert t is not None and t["climbs"] == [] and t["total_elevation_m"] == 60


@given(st.lists(st.integers(0, 199), max_size=40))
def test_samples_without_elevation_are_left_out(gaps: list[int]) -> None:
    """Track points lacking elevation are dropped, as if the device had not recorded them."""
    profile = [100.0] * 41 + ramp(100.0, 5.0, 2.0) + ramp(200.0, -8.0, 1.0) + [120.0] * 20
    pts = course(profile)
    holed = [(la, lo, None if i in set(gaps) else e) for i, (la, lo, e) in enumerate(pts)]
    kept = [p for p in holed if p[2] is not None]
    assert terrain_summary(holed) == terrain_summary(kept)
