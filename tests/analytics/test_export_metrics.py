"""Pure metrics the mirror exports (``analytics.export_metrics``) and terrain (``analytics.terrain``)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest

from icucoach.analytics.export_metrics import (
    combine_summaries,
    data_gaps,
    effort_response,
    ftp_changes,
    hard_days,
    history_confidence,
    total_months,
    weekly_acwr,
    wellness_stats,
)
from icucoach.analytics.inputs import ActivityInput, WellnessInput
from icucoach.analytics.summary import summarize
from icucoach.analytics.terrain import category, course_character, haversine_m, terrain_summary

D = date(2026, 11, 23)


def act(i: str, day: date, sport: str = "Ride", load: float = 50, secs: float = 3600, **kw) -> ActivityInput:
    return ActivityInput(
        id=i,
        start=datetime.combine(day, datetime.min.time()) + timedelta(hours=7),
        sport=sport,
        load=load,
        moving_time=secs,
        **kw,
    )


def test_data_gaps() -> None:
    days = [D, D + timedelta(days=1), D + timedelta(days=5), D + timedelta(days=7), D + timedelta(days=11)]
    assert data_gaps(days) == [
        {"period": "2026-11-25 to 2026-11-27", "days_missing": 3},
        {"period": "2026-12-01 to 2026-12-03", "days_missing": 3},
    ]
    assert data_gaps([]) == [] and data_gaps([D]) == []


def test_weekly_acwr() -> None:
    assert weekly_acwr([100, 100, 100, 100, 200, 0]) == [None, None, None, 1.0, 2.0, 0.0]
    assert weekly_acwr([0, 0, 0, 50]) == [None, None, None, None]


@pytest.mark.parametrize(
    ("intensity", "rpe", "want"),
    [
        (70, 3, "neutral"),
        (70, 6, "negative"),
        (90, 5, "positive"),
        (100, 8, "neutral"),
        (60, 9, None),
        (90, None, None),
        (110, 10, "neutral"),
    ],
)
def test_effort_response(intensity, rpe, want) -> None:
    assert effort_response(intensity, rpe) == want


def test_ftp_changes_split_indoor_outdoor_and_skip_stubs() -> None:
    acts = [
        act("a", D, ftp=250),
        act("b", D + timedelta(days=1), ftp=250),
        act("c", D + timedelta(days=2), sport="VirtualRide", ftp=240),
        act("d", D + timedelta(days=3), ftp=260),
        act("e", D + timedelta(days=4), sport="Run", ftp=300),
        act("f", D + timedelta(days=5), is_stub=True, ftp=999),
    ]
    assert ftp_changes(acts) == {
        "indoor": {"2026-11-25": 240.0},
        "outdoor": {"2026-11-23": 250.0, "2026-11-26": 260.0},
    }


def test_history_confidence_and_months() -> None:
    assert [history_confidence(m) for m in (0, 3, 11, 12)] == ["low", "medium", "medium", "high"]
    assert total_months(None, None) == 0
    assert total_months(D, D) == 1 and total_months(D - timedelta(days=365), D) == 12


def test_wellness_stats() -> None:
    rows = [
        WellnessInput(
            D - timedelta(days=i),
            ctl=50 + i,
            atl=40,
            hrv=60 + i,
            resting_hr=50,
            sleep_secs=7 * 3600,
            weight=70 - i / 10,
            ramp_rate=1.0,
        )
        for i in range(3)
    ]
    st = wellness_stats(rows, D - timedelta(days=2), D)
    assert st["avg_hrv"] == 61.0 and st["avg_rhr"] == 50.0 and st["avg_sleep_hours"] == 7.0
    assert (
        st["ctl_end"] == 50.0 and st["tsb_end"] == 10.0 and st["ctl_peak"] == 52.0 and st["ctl_low"] == 50.0
    )
    assert st["weight_kg"] == 70.0 and st["days_with_data"] == 3
    empty = wellness_stats(rows, D + timedelta(days=1), D + timedelta(days=2))
    assert empty["avg_hrv"] is None and empty["days_with_data"] == 0


def test_hard_days_uses_load_and_zones() -> None:
    acts = [
        act("big", D, load=200),
        act("easy", D - timedelta(days=1), load=30),
        act("stub", D - timedelta(days=2), load=None, is_stub=True),
    ]
    hd = hard_days(acts, D - timedelta(days=3), D)
    assert hd[D] is True and hd[D - timedelta(days=1)] is False
    assert hd[D - timedelta(days=2)] is None and hd[D - timedelta(days=3)] is False


def test_combine_summaries_counts_duplicate_once() -> None:
    a = act("a", D, load=80)
    dup = act("b", D, load=80, source="STRAVA")
    res = combine_summaries(
        summarize([a, dup, act("r", D, sport="Run", load=40)], D - timedelta(days=1), D, "day")
    )
    assert res["total"] == {"count": 2, "hours": 2.0, "load": 120.0, "distance_km": 0.0}
    assert res["duplicates_dropped"] == 1 and set(res["by_sport"]) == {"Ride", "Run"}


# ------------------------------------------------------------------------------------------------ terrain
def course(profile: list[float], step_m: float = 50.0) -> list[tuple[float, float, float]]:
    """Points heading north every ``step_m`` metres with the given elevations."""
    dlat = step_m / 111_195.0
    return [(45.0 + i * dlat, 7.0, e) for i, e in enumerate(profile)]


def test_terrain_flat_course() -> None:
    t = terrain_summary(course([100.0] * 400))
    assert t["total_distance_km"] == pytest.approx(20.0, abs=0.1)
    assert t["total_elevation_m"] == 0 and t["course_character"] == "flat"
    assert t["climbs"] == [] and t["grade_distribution"]["flat_pct"] == 100.0
    assert len(t["polyline"]) == 40 and t["polyline"][0][:3] == [0.0, 45.0, 7.0]


def test_terrain_detects_climb_and_descent() -> None:
    flat = [200.0] * 100  # 5 km
    up = [200.0 + 3.0 * i for i in range(1, 201)]  # 10 km at 6 % -> +600 m
    down = [800.0 - 6.0 * i for i in range(1, 101)]  # 5 km at -12 %
    t = terrain_summary(course(flat + up + down + [200.0] * 100))
    assert len(t["climbs"]) == 1
    c = t["climbs"][0]
    assert c["elevation_m"] == pytest.approx(600, abs=30) and c["category"] == "Cat 2"
    assert c["avg_gradient_pct"] == pytest.approx(6.0, abs=0.5) and c["position_km"] == pytest.approx(
        5.0, abs=0.5
    )
    assert len(t["descents"]) == 1 and t["descents"][0]["elevation_m"] < -500
    assert t["course_character"] in ("hilly", "mountain") and t["max_grade_pct"] >= 5.5
    assert math.isclose(sum(t["grade_distribution"].values()), 100.0, abs_tol=0.5)


def test_terrain_rejects_short_or_flat_bumps() -> None:
    bump = [100.0] * 50 + [100.0 + 2 * i for i in range(10)] + [118.0] * 50  # +18 m: no climb
    t = terrain_summary(course(bump))
    assert t["climbs"] == []
    assert terrain_summary(course([1.0] * 5)) is None


def test_categories_and_character() -> None:
    assert [category(x) for x in (50, 100, 200, 400, 650, 1000)] == [
        None,
        "Cat 4",
        "Cat 3",
        "Cat 2",
        "Cat 1",
        "HC",
    ]
    assert course_character(3) == "flat" and course_character(10) == "rolling"
    assert course_character(10, [{"category": "Cat 1"}]) == "hilly" and course_character(31) == "mountain"
    assert haversine_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-3)
