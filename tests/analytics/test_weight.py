"""Weight and W/kg trend (``analytics.weight``): reference values worked out by hand, and the gates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.weight import ols_slope, weight_trend

TODAY = date(2026, 3, 31)
BLOCK_START = TODAY - timedelta(days=27)  # 2026-03-04


def test_block_and_current_wkg_by_hand() -> None:
    weigh_ins = [
        (BLOCK_START, 70.0),  # the block start itself: chosen over 69.8 two days later
        (BLOCK_START + timedelta(days=2), 69.8),
        (TODAY - timedelta(days=10), 69.0),  # in neither edge window
        (TODAY - timedelta(days=1), 68.0),
    ]
    t = weight_trend(weigh_ins, TODAY, ftp_tested=250)
    assert (t.weight_latest_kg, t.weight_latest_date) == (68.0, "2026-03-30")
    assert t.wkg_current == 3.68  # 250 / 68 = 3.676
    assert t.wkg_ftp_source == "tested"
    assert t.wkg_block_start == 3.57  # 250 / 70 = 3.571
    assert t.wkg_block_end == 3.68
    assert t.wkg_block_delta == 0.11
    assert t.weight_7d_avg_kg is None  # one weigh-in in the last 7 days, 4 needed
    assert t.weight_28d_slope_kg_per_week is None  # 4 weigh-ins, 14 needed


def test_eftp_is_the_fallback_and_zero_weights_are_not_weigh_ins() -> None:
    t = weight_trend([(TODAY, 0.0), (TODAY - timedelta(days=2), 64.0)], TODAY, ftp_tested=None, eftp=224)
    assert t.weight_latest_kg == 64.0 and t.weight_latest_date == "2026-03-29"
    assert (t.wkg_current, t.wkg_ftp_source) == (3.5, "eftp")
    assert t.wkg_block_start is None  # no weigh-in in the first 4 days of the block


def test_a_weigh_in_older_than_14_days_is_not_current() -> None:
    t = weight_trend([(TODAY - timedelta(days=15), 70.0)], TODAY, ftp_tested=280)
    assert t.weight_latest_kg is None and t.weight_latest_date is None
    assert t.wkg_current is None and t.wkg_ftp_source is None
    assert weight_trend([(TODAY - timedelta(days=14), 70.0)], TODAY, 280).weight_latest_kg == 70.0


def test_without_ftp_there_is_no_wkg() -> None:
    t = weight_trend([(BLOCK_START, 70.0), (TODAY, 69.0)], TODAY)
    assert t.weight_latest_kg == 69.0
    assert t.wkg_current is None and t.wkg_block_start is None and t.wkg_block_delta is None


def test_seven_day_mean_needs_four_weigh_ins() -> None:
    three = [(TODAY - timedelta(days=i), 60.0 + i) for i in range(3)]
    assert weight_trend(three, TODAY).weight_7d_avg_kg is None
    four = [*three, (TODAY - timedelta(days=6), 64.0)]  # 60, 61, 62, 64 -> 61.75
    assert weight_trend(four, TODAY).weight_7d_avg_kg == 61.8
    old = [*three, (TODAY - timedelta(days=7), 64.0)]  # day -7 is outside the 7 days
    assert weight_trend(old, TODAY).weight_7d_avg_kg is None


def test_slope_of_a_straight_line_is_its_weekly_rate() -> None:
    # every other day, 0.1 kg down each time: -0.05 kg/day = -0.35 kg/week
    line = [(BLOCK_START + timedelta(days=2 * i), 70.0 - 0.1 * i) for i in range(14)]
    assert weight_trend(line, TODAY).weight_28d_slope_kg_per_week == pytest.approx(-0.35)
    assert weight_trend(line[:13], TODAY).weight_28d_slope_kg_per_week is None


def test_ols_slope_reference() -> None:
    assert ols_slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    # (0,2),(1,1),(2,4),(3,3): mean x 1.5, mean y 2.5, Sxy = 0.75 * 4 = 3, Sxx = 5 -> 0.6
    assert ols_slope([(0, 2), (1, 1), (2, 4), (3, 3)]) == pytest.approx(0.6)
    assert ols_slope([(1, 2), (1, 3)]) is None
    assert ols_slope([(1, 2)]) is None


@given(
    kg=st.lists(st.floats(40, 150), min_size=28, max_size=28),
    ftp=st.floats(100, 450),
)
def test_properties(kg: list[float], ftp: float) -> None:
    weigh_ins = [(TODAY - timedelta(days=i), w) for i, w in enumerate(kg)]
    t = weight_trend(weigh_ins, TODAY, ftp_tested=ftp)
    assert t.weight_latest_kg == round(kg[0], 1)
    assert t.wkg_current == round(ftp / round(kg[0], 1), 2)
    assert t.wkg_block_start == round(ftp / kg[27], 2) and t.wkg_block_end == round(ftp / kg[0], 2)
    assert t.wkg_block_delta == round(t.wkg_block_end - t.wkg_block_start, 2)
    assert t.weight_7d_avg_kg is not None and min(kg[:7]) - 0.05 <= t.weight_7d_avg_kg <= max(kg[:7]) + 0.05
    assert t.weight_28d_slope_kg_per_week is not None


@given(w=st.floats(40, 150))
def test_constant_weight_has_zero_slope(w: float) -> None:
    t = weight_trend([(TODAY - timedelta(days=i), w) for i in range(20)], TODAY)
    assert t.weight_28d_slope_kg_per_week == pytest.approx(0.0, abs=1e-6)
