"""ACWR (metrics.md §2) and Foster monotony / strain (metrics.md §3)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.acwr import acwr, ewma
from icucoach.analytics.monotony import monotony
from icucoach.analytics.settings import AnalyticsSettings

SPIKE = [50.0] * 28 + [100.0] * 7  # metrics.md §2 vector: ratio on day 35


def test_s2_rolling_coupled():
    r = acwr(SPIKE).coupled
    assert r.value == pytest.approx(1.600, abs=1e-3)
    assert r.inputs["acute"] == pytest.approx(100) and r.inputs["chronic"] == pytest.approx(62.5)
    assert r.status == "red"


# Day i (1-based) has load i, so every window length gives a different mean: a 6- or 8-day acute window
# or a 27- or 29-day chronic window cannot pass. Means of consecutive integers, by hand (metrics.md §2,
# Hulin 2014 coupled: acute = mean of the last 7 days, chronic = mean of the last 28, including them):
RAMP = [float(i) for i in range(1, 41)]
# acute  = mean(34..40) = 37     (6 days: 37.5, 8 days: 36.5)
# chronic = mean(13..40) = 26.5  (27 days: 27.0, 29 days: 26.0)
# uncoupled chronic = days 8-35 back = loads 6..33, mean 19.5
# start of day (windows end yesterday): acute mean(33..39) = 36, chronic mean(12..39) = 25.5


def test_s2_rolling_windows_are_exactly_7_and_28_days():
    r = acwr(RAMP)
    assert r.coupled.inputs["acute"] == pytest.approx(37.0)
    assert r.coupled.inputs["chronic"] == pytest.approx(26.5)
    assert r.coupled.value == pytest.approx(37.0 / 26.5, abs=1e-3)  # 1.396
    assert r.uncoupled.value == pytest.approx(37.0 / 19.5, abs=1e-3)  # 1.897
    assert r.start_of_day.value == pytest.approx(36.0 / 25.5, abs=1e-3)  # 1.412


def test_s2_uncoupled():
    assert acwr(SPIKE).uncoupled.value == pytest.approx(2.000, abs=1e-3)


def test_s2_ewma_seeded_with_50():
    s = replace(AnalyticsSettings(), acwr_ewma_seed="first")
    r = acwr(SPIKE, settings=s).ewma
    assert r.inputs["acute"] == pytest.approx(93.3258, abs=1e-4)
    assert r.inputs["chronic"] == pytest.approx(69.6799, abs=1e-4)
    assert r.value == pytest.approx(1.3394, abs=1e-4)
    # The default seed (mean of the first 28 days) is 50 here too, and is stated in the result.
    d = acwr(SPIKE).ewma
    assert d.value == pytest.approx(1.3394, abs=1e-4)
    assert "first 28" in d.inputs["seed"]


def test_s2_ewma_seeded_with_zero():
    r = acwr(SPIKE, settings=replace(AnalyticsSettings(), acwr_ewma_seed="zero")).ewma
    assert r.inputs["acute"] == pytest.approx(93.3237, abs=1e-4)
    assert r.inputs["chronic"] == pytest.approx(65.5800, abs=1e-4)
    assert r.value == pytest.approx(1.4231, abs=1e-4)


def test_s2_lambda():
    out = ewma([1.0], 7, 0.0)
    assert out[0] == pytest.approx(0.25)
    assert ewma([1.0], 28, 0.0)[0] == pytest.approx(0.068966, abs=1e-6)


def test_start_of_day_excludes_today():
    loads = [50.0] * 34 + [400.0]
    r = acwr(loads)
    assert r.start_of_day.value == pytest.approx(1.0)
    assert r.coupled.value > 1.5
    assert "yesterday" in r.start_of_day.inputs["window_end"]


def test_chronic_zero_is_none_not_inf():
    r = acwr([0.0] * 35)
    for m in (r.coupled, r.uncoupled, r.ewma, r.start_of_day):
        assert m.value is None
        assert m.reason


def test_short_history_is_flagged():
    r = acwr([60.0] * 10)
    assert "unreliable" in r.coupled.inputs
    assert acwr([60.0] * 40).coupled.inputs.get("unreliable") is None


@given(st.floats(1, 1000), st.integers(35, 200))
def test_acwr_of_flat_history_is_one(load, days):
    r = acwr([load] * days)
    for m in (r.coupled, r.uncoupled, r.ewma, r.start_of_day):
        assert m.value == pytest.approx(1.0, rel=1e-9)


# --- §3 Foster monotony ------------------------------------------------------------------------------------
WEEK = [60, 0, 45, 30, 0, 90, 75]


def test_s3_population_sd_variant():
    m = monotony(WEEK, replace(AnalyticsSettings(), monotony_ddof=0))
    assert m.weekly_load == 300
    assert m.monotony.inputs["mean"] == pytest.approx(42.857, abs=1e-3)
    assert m.monotony.inputs["sd_value"] == pytest.approx(32.498, abs=1e-3)
    assert m.monotony.value == pytest.approx(1.3188, abs=1e-4)
    assert m.strain.value == pytest.approx(395.63, abs=0.01)
    assert m.monotony.inputs["sd"] == "population"


def test_s3_sample_sd_by_default():
    """Section 11's monotony (statistics.stdev over the 7 days): metrics.md §3 vector 1.2209 / 366.28."""
    m = monotony(WEEK)
    assert m.monotony.value == pytest.approx(1.2209, abs=1e-4)
    assert m.strain.value == pytest.approx(366.28, abs=0.01)
    assert m.monotony.inputs["sd"] == "sample"


@given(st.floats(0, 500))
def test_monotony_of_constant_week_is_none_not_inf(x):
    m = monotony([x] * 7)
    assert m.monotony.value is None and m.strain.value is None
    assert m.monotony.reason


def test_monotony_short_window_and_min_active_days():
    assert monotony([10, 20]).monotony.value is None
    m = monotony([0, 0, 0, 0, 0, 60, 80], min_active_days=3)
    assert m.monotony.value is None and "fewer than 3" in m.monotony.reason


@given(st.lists(st.floats(0, 300), min_size=7, max_size=7))
def test_monotony_is_finite_or_none(week):
    m = monotony(week).monotony
    assert m.value is None or (np.isfinite(m.value) and m.value >= 0)
