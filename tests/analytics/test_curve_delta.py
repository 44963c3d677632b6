"""Anchor shifts of mean-maximal curves between two windows (power/HR curve delta) and stream anchors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.curve_delta import (
    HR_ANCHORS,
    HR_LONG,
    HR_SHORT,
    POWER_ANCHORS,
    POWER_LONG,
    POWER_SHORT,
    anchor_shift,
    value_at,
)
from icucoach.analytics.curves import stream_anchors


def test_power_shift_reference_values():
    # hand-computed: 5 s 300->330 = +10 %, 60 s 250->255 = +2 %, 300 s 200->210 = +5 %,
    # 1200 s 180->171 = -5 %, 3600 s 160->160 = 0 %; rotation = mean(10, 2) - mean(-5, 0) = 6 + 2.5 = 8.5
    cur = {5: 330.0, 60: 255.0, 300: 210.0, 1200: 171.0, 3600: 160.0}
    prev = {5: 300.0, 60: 250.0, 300: 200.0, 1200: 180.0, 3600: 160.0}
    s = anchor_shift(cur, prev, POWER_ANCHORS, POWER_SHORT, POWER_LONG)
    assert s.pct_change == pytest.approx({5: 10.0, 60: 2.0, 300: 5.0, 1200: -5.0, 3600: 0.0})
    assert s.rotation_index == pytest.approx(8.5)
    assert s.comparable and s.valid_current == s.valid_previous == 5


def test_hr_shift_reference_values():
    # 60 s 180->189 = +5 %, 300 s 170->170 = 0 %, 1200 s 160->152 = -5 %, 3600 s 150->150 = 0 %
    # rotation = mean(5, 0) - mean(-5, 0) = 2.5 + 2.5 = 5
    cur = {60: 189.0, 300: 170.0, 1200: 152.0, 3600: 150.0}
    prev = {60: 180.0, 300: 170.0, 1200: 160.0, 3600: 150.0}
    s = anchor_shift(cur, prev, HR_ANCHORS, HR_SHORT, HR_LONG)
    assert s.rotation_index == pytest.approx(5.0)


def test_missing_anchor_gives_no_rotation_and_gate():
    cur = {5: 330.0, 60: None, 300: 210.0, 1200: 171.0, 3600: None}
    prev = {5: 300.0, 60: 250.0, 300: 200.0, 1200: 180.0, 3600: 160.0}
    s = anchor_shift(cur, prev, POWER_ANCHORS, POWER_SHORT, POWER_LONG)
    assert s.rotation_index is None
    assert s.pct_change[60] is None and s.pct_change[5] == pytest.approx(10.0)
    assert s.valid_current == 3 and s.comparable
    s2 = anchor_shift({5: 1.0, 60: 0.0}, prev, POWER_ANCHORS, POWER_SHORT, POWER_LONG)
    assert s2.valid_current == 1 and not s2.comparable  # zero is no data


def test_value_at_exact_duration_only():
    assert value_at([1, 5, 60], [500, 400, 300], 60) == 300.0
    assert value_at([1, 5, 61], [500, 400, 300], 60) is None
    assert value_at([60], [0], 60) is None
    assert value_at([60], [None], 60) is None
    assert value_at([60, 300], [250], 300) is None  # values shorter than secs


def test_stream_anchors_reference():
    # 10 s at 100 W then 10 s at 200 W, 1 Hz: best 5 s = 200, best 20 s = 150
    watts = [100.0] * 10 + [200.0] * 10
    assert stream_anchors(list(range(20)), watts, [5, 20, 30], zero_is_missing=False) == [200.0, 150.0, None]
    # the same at 0.5 Hz (samples every 2 s) resamples to 1 Hz
    t = list(range(0, 20, 2))
    half = [100.0] * 5 + [200.0] * 5
    got = stream_anchors(t, half, [5])
    assert got[0] == pytest.approx(200.0)


def test_stream_anchors_zero_handling():
    hr = [150.0, 0.0, 0.0, 150.0]
    assert stream_anchors(None, hr, [4])[0] == pytest.approx(150.0)  # HR dropouts are interpolated over
    assert stream_anchors(None, hr, [4], zero_is_missing=False)[0] == pytest.approx(75.0)  # coasting counts
    assert stream_anchors(None, None, [5]) == [None]
    assert stream_anchors(None, [None, 120.0], [1]) == [None]


pos = st.floats(min_value=1.0, max_value=2000.0, allow_nan=False)
maybe = st.one_of(st.none(), pos)


@given(st.lists(maybe, min_size=5, max_size=5), st.lists(maybe, min_size=5, max_size=5))
def test_shift_properties(cur_vals, prev_vals):
    cur = dict(zip(POWER_ANCHORS, cur_vals, strict=True))
    prev = dict(zip(POWER_ANCHORS, prev_vals, strict=True))
    s = anchor_shift(cur, prev, POWER_ANCHORS, POWER_SHORT, POWER_LONG)
    for a in POWER_ANCHORS:
        c, p = cur[a], prev[a]
        if c is None or p is None:
            assert s.pct_change[a] is None
        else:
            assert s.pct_change[a] == pytest.approx(100.0 * (c - p) / p)
            assert (s.pct_change[a] > 0) == (c > p) or math.isclose(c, p)
    # swapping the windows never changes which anchors are comparable
    back = anchor_shift(prev, cur, POWER_ANCHORS, POWER_SHORT, POWER_LONG)
    assert [x is None for x in back.pct_change.values()] == [x is None for x in s.pct_change.values()]
    assert (s.rotation_index is None) == (back.rotation_index is None)


@given(st.lists(st.floats(min_value=0, max_value=2000, allow_nan=False), min_size=2, max_size=300))
def test_stream_anchors_bounded(values):
    got = stream_anchors(None, values, [1, 5, 60], zero_is_missing=False)
    for d, g in zip([1, 5, 60], got, strict=True):
        if d > len(values):
            assert g is None
        else:
            assert g is not None and min(values) - 1e-6 <= g <= max(values) + 1e-6
    if got[0] is not None and got[1] is not None:
        assert got[1] <= got[0] + 1e-6
    assert np.isfinite([g for g in got if g is not None]).all()
