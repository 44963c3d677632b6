"""Target and duration arithmetic of ``workouts/resolve.py`` pinned by hand-computed values.

A mutation run (mutmut 3) changed constants, comparisons and operators in this arithmetic without any
workout test failing: the exporters and the validator only check what they print back. Every expected
number below is worked out by hand from the rule it tests (or is the real server's answer quoted in the
module: 6:00/km for an untargeted run, 196 s for 800 m at ``4:15-3:55/km``).
"""

from __future__ import annotations

import pytest

from icucoach.workouts.model import Distance, Step, Target
from icucoach.workouts.resolve import (
    Thresholds,
    hr_bpm,
    mid_speed,
    pace_speed,
    power_pct,
    step_metres,
    step_seconds,
)


def power(units: str, start: float, end: float | None = None) -> Target:
    return Target("power", units, start, end)


def hr(units: str, start: float, end: float | None = None) -> Target:
    return Target("hr", units, start, end)


def pace(units: str, start: float, end: float | None = None) -> Target:
    return Target("pace", units, start, end)


def test_power_targets_in_percent_of_ftp():
    th = Thresholds(ftp=250)
    assert power_pct(power("%ftp", 95), th) == (95, 95)
    assert power_pct(power("%ftp", 88, 94), th) == (88, 94)
    assert power_pct(power("w", 200, 300), th) == pytest.approx((80.0, 120.0))  # 200/250, 300/250
    assert power_pct(power("w", 275), th) == pytest.approx((110.0, 110.0))
    assert power_pct(power("w", 200), Thresholds()) is None  # watts need an FTP
    assert power_pct(None, th) is None


def test_power_zones_read_as_the_span_of_the_zones():
    th = Thresholds(ftp=250)  # no zones of its own: Coggan 55/75/90/105/120/150/999
    assert power_pct(power("power_zone", 1), th) == (0.0, 55)
    assert power_pct(power("power_zone", 2), th) == (55, 75)
    assert power_pct(power("power_zone", 2, 3), th) == (55, 90)
    assert power_pct(power("power_zone", 7), th) == (150, 180)  # open top zone: 30 % FTP above its floor
    own = Thresholds(ftp=250, power_zones=[60.0, 80.0, 100.0, 999.0])
    assert power_pct(power("power_zone", 3), own) == (80.0, 100.0)


def test_heart_rate_targets_in_bpm():
    th = Thresholds(lthr=170, max_hr=190, hr_zones=[120.0, 140.0, 155.0, 165.0, 175.0, 999.0])
    assert hr_bpm(hr("bpm", 140, 150), th) == (140, 150)
    assert hr_bpm(hr("%lthr", 90, 95), th) == pytest.approx((153.0, 161.5))
    assert hr_bpm(hr("%hr", 70), th) == pytest.approx((133.0, 133.0))
    assert hr_bpm(hr("hr_zone", 2), th) == (121.0, 140.0)  # a zone starts 1 bpm above the one below
    assert hr_bpm(hr("hr_zone", 1), th) == pytest.approx((96.0, 120.0))  # zone 1 from 80 % of its top
    assert hr_bpm(hr("hr_zone", 6), th) == (176.0, 185.0)  # open top zone: 10 bpm above its floor
    assert hr_bpm(hr("%lthr", 90), Thresholds(max_hr=190)) is None
    assert hr_bpm(hr("%hr", 90), Thresholds(lthr=170)) is None


def test_pace_targets_as_speeds():
    th = Thresholds(threshold_pace=4.0, pace_zones=[80.0, 90.0, 100.0, 110.0, 999.0])
    assert pace_speed(pace("secs/km", 300), th) == pytest.approx((1000 / 300, 1000 / 300))
    assert pace_speed(pace("secs/100m", 90), th) == pytest.approx((100 / 90, 100 / 90))
    assert pace_speed(pace("%pace", 90, 95), th) == pytest.approx((3.6, 3.8))
    assert pace_speed(pace("pace_zone", 2), th) == pytest.approx((3.2, 3.6))  # 80-90 % of 4 m/s
    assert pace_speed(pace("%pace", 90), Thresholds()) is None
    assert pace_speed(pace("secs/km", 0), th) is None


def test_mid_speed_is_the_middle_of_the_written_pace():
    # the real server: 800 m at 4:15-3:55/km took 196 s, i.e. the middle pace 4:05/km (245 s/km)
    target = pace("secs/km", 255, 235)
    assert mid_speed(target, Thresholds()) == pytest.approx(1000 / 245)
    assert step_seconds(Step(distance=Distance(800, "mtr"), pace=target), Thresholds()) == 196
    # a relative target: the middle of the two speeds
    assert mid_speed(pace("%pace", 90, 100), Thresholds(threshold_pace=4.0)) == pytest.approx(3.8)


def test_untargeted_distance_steps_use_the_easy_or_default_speed():
    run = Thresholds(family="run")
    assert step_seconds(Step(distance=Distance(2, "km")), run) == 720  # server: 6:00/km without a threshold
    assert step_seconds(Step(distance=Distance(800, "mtr")), run) == 288
    # with a threshold pace of 4 m/s the easy speed is 5/6 of it: 2000 m / 3.333 m/s = 600 s
    assert step_seconds(Step(distance=Distance(2, "km")), Thresholds(threshold_pace=4.0, family="run")) == 600
    assert step_seconds(Step(distance=Distance(10, "km")), Thresholds(family="ride")) == 1200  # 30 km/h
    assert step_seconds(Step(distance=Distance(400, "mtr")), Thresholds(family="swim")) == 480  # 2:00/100m


def test_step_seconds_and_metres():
    th = Thresholds()
    assert step_seconds(Step(duration=600), th) == 600
    assert step_seconds(Step(), th) == 0
    assert step_metres(Step(distance=Distance(1.2, "km")), th) == pytest.approx(1200.0)
    assert step_metres(Step(duration=600, pace=pace("secs/km", 240)), th) == pytest.approx(2500.0)
    assert step_metres(Step(duration=600), th) == 0.0


def test_edges_of_ranges_and_open_top_zones():
    th = Thresholds(ftp=250, threshold_pace=4.0, pace_zones=[80.0, 90.0, 100.0, 110.0, 999.0])
    assert power_pct(power("power_zone", 6, 7), th) == (120, 180)  # the range ends at the capped top
    assert pace_speed(pace("pace_zone", 5), th) == pytest.approx((4.4, 4.8))  # 110-120 % of 4 m/s
    assert pace_speed(pace("secs/km", 0, 300), th) is None  # either end 0 s/km is not a pace
    assert pace_speed(pace("secs/km", 300, 0), th) is None
    assert mid_speed(pace("%pace", 90), Thresholds()) is None


def test_relative_pace_steps_and_other_edges():
    th = Thresholds(threshold_pace=4.0, family="run")
    assert step_seconds(Step(distance=Distance(1, "km"), pace=pace("%pace", 100)), th) == 250  # 1000 / 4
    assert step_metres(Step(duration=600, pace=pace("%pace", 100)), th) == pytest.approx(2400.0)
    assert step_metres(Step(pace=pace("secs/km", 240)), th) == 0.0  # no duration, no distance
    assert step_seconds(Step(duration=0), th) == 0
    assert step_seconds(Step(distance=Distance(2, "km")), Thresholds(family="other")) == 720  # run default
    # a runaway distance is capped at 10 million seconds (115 days) rather than overflowing exports
    assert step_seconds(Step(distance=Distance(100_000, "km")), Thresholds(family="run")) == 10_000_000


def test_targets_that_cannot_be_resolved_stay_unresolved():
    zones_only = Thresholds(hr_zones=[120.0, 140.0, 999.0])
    assert hr_bpm(hr("%lthr", 90), zones_only) is None  # zones do not stand in for a missing LTHR
    assert mid_speed(pace("secs/km", 0), Thresholds()) is None  # 0 s/km is not a pace
    assert step_metres(Step(distance=Distance(0, "mtr")), Thresholds()) == 0.0


def test_thresholds_read_from_a_sport_settings_record():
    ss = {
        "ftp": 250,
        "lthr": 170,
        "max_hr": 190,
        "threshold_pace": 4.0,
        "pace_units": "MINS_KM",
        "power_zones": [55, 75, 90, 105, 120, 150, 999],
        "hr_zones": [140, 155, 165, 175, 999],
        "pace_zones": [80, 90, 100, 110, 999],
        "sweet_spot_min": 88,
        "sweet_spot_max": 94,
    }
    th = Thresholds.from_settings(ss, "Run")
    assert (th.ftp, th.lthr, th.max_hr, th.threshold_pace) == (250.0, 170.0, 190.0, 4.0)
    assert th.pace_units == "MINS_KM" and th.default_pace_units == "secs/km" and th.family == "run"
    assert th.power_zones == [55.0, 75.0, 90.0, 105.0, 120.0, 150.0, 999.0]
    assert th.hr_zones == [140.0, 155.0, 165.0, 175.0, 999.0]
    assert th.pace_zones == [80.0, 90.0, 100.0, 110.0, 999.0]
    assert (th.sweet_spot_min, th.sweet_spot_max) == (88.0, 94.0)


def test_missing_or_unusable_settings_are_absent_not_zero():
    th = Thresholds.from_settings({"ftp": 0, "lthr": -5, "pace_units": 3, "power_zones": "55,75"}, "Ride")
    assert th.ftp is None and th.lthr is None and th.pace_units is None and th.power_zones is None
    assert (th.sweet_spot_min, th.sweet_spot_max) == (84.0, 97.0)  # Intervals.icu's sweet-spot defaults
    assert Thresholds.from_settings(None, "Swim").default_pace_units == "secs/100m"
