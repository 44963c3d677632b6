"""Sustainability table (observed vs Coggan and CP/W' predictions) and the HRRc trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics import sustainability as sus
from icucoach.analytics.hrrc import hrr_value, hrrc_trend

TODAY = date(2026, 11, 29)


def test_coggan_factors_are_published_midpoints():
    # Allen & Coggan, Training and Racing with a Power Meter (3rd ed.): sustainable % of FTP per duration,
    # ranges 5 min 100-112, 10 min 94-100, 20 min 91-95, 30 min 88-93, 60 min 83-90, 90 min 78-85, 2 h 75-82
    ranges = {300: (100, 112), 600: (94, 100), 1200: (91, 95), 1800: (88, 93), 3600: (83, 90)}
    for secs, (lo, hi) in ranges.items():
        assert abs(sus.COGGAN_FACTORS[secs] - (lo + hi) / 200.0) <= 0.005 + 1e-9  # midpoint to 0.01
    assert sus.COGGAN_FACTORS[5400] == 0.82 and sus.COGGAN_FACTORS[7200] == 0.78


def test_anchor_reference_values():
    # FTP 250 W, W' 20 000 J, 70 kg, LTHR 170; observed 20 min: 240 W at 168 bpm
    a = sus.anchor(
        1200, 240.0, 168.0, "observed_outdoor", weight_kg=70.0, lthr=170.0, ftp=250.0, w_prime_j=20000
    )
    assert a.wpkg == 3.43  # 240 / 70 = 3.4286
    assert a.pct_lthr == 98.8  # 168 / 170 = 98.82 %
    assert a.coggan_watts == 232  # 250 x 0.93 = 232.5 -> 232 (round half to even)
    assert a.coggan_wpkg == 3.31
    assert a.cp_model_watts == 267  # 250 + 20000 / 1200 = 266.7
    assert a.cp_model_wpkg == 3.81
    assert a.divergence_pct == -10.1  # (240 - 267) / 267 = -10.11 %


def test_anchor_without_inputs_is_null_not_zero():
    a = sus.anchor(600, None, None)
    assert (a.wpkg, a.pct_lthr, a.coggan_watts, a.cp_model_watts, a.divergence_pct) == (None,) * 5
    b = sus.anchor(120, 300.0, 150.0, ftp=250.0, w_prime_j=20000, with_models=False, weight_kg=0)
    assert b.coggan_watts is None and b.cp_model_watts is None and b.wpkg is None
    c = sus.anchor(120, 300.0, None, ftp=250.0, w_prime_j=20000)  # no Coggan factor for 2 min
    assert c.coggan_watts is None and c.cp_model_watts == 417


def test_coverage_and_weight_chain():
    rows = sus.table((300, 600, 1200, 1800), {300: 300.0, 1200: 250.0}, {}, {})
    assert sus.coverage_ratio(rows) == 0.5
    assert sus.coverage_ratio([]) == 0.0
    assert sus.pick_weight([70.0, None, 71.04], [69.0], 68.0) == (71.0, "wellness_recent")
    assert sus.pick_weight([None, 0], [69.0, 69.44], 68.0) == (69.4, "wellness_extended")
    assert sus.pick_weight([], [None], 68.0) == (68.0, "athlete_profile")
    assert sus.pick_weight([], [], None) == (None, None)


def test_hrr_value_parses_number_and_object():
    assert hrr_value(34) == 34.0
    assert hrr_value({"value": 30}) == 30.0
    assert hrr_value({"hrr": 28.5}) == 28.5
    assert hrr_value({"value": None, "hrr": 27}) == 27.0
    for bad in (None, 0, -5, "34", True, {"x": 1}, float("nan"), float("inf")):
        assert hrr_value(bad) is None


def test_hrrc_trend_reference():
    # 28 days: 30, 30, 30 (days 20, 15, 10) + 7 days: 36 (day 2) -> 7d mean 36, 28d mean (30*3 + 36)/4 = 31.5
    vals = [(TODAY - timedelta(days=d), v) for d, v in ((20, 30.0), (15, 30.0), (10, 30.0), (2, 36.0))]
    t = hrrc_trend(vals, TODAY)
    assert (t.n_7d, t.n_28d) == (1, 4)
    assert t.mean_7d == 36.0 and t.mean_28d == pytest.approx(31.5)
    assert t.trend == "improving"  # +14.3 % > 10 %
    t2 = hrrc_trend(vals[:1] + vals[3:], TODAY)  # 2 sessions in 28 days: no 28-day mean
    assert t2.mean_28d is None and t2.trend is None and t2.mean_7d == 36.0
    t3 = hrrc_trend([(TODAY - timedelta(days=d), 30.0) for d in (1, 9, 12, 40)], TODAY)
    assert t3.n_28d == 3 and t3.trend == "stable"


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=60), st.floats(min_value=1, max_value=100)), max_size=30
    )
)
def test_hrrc_trend_properties(raw):
    vals = [(TODAY - timedelta(days=d), v) for d, v in raw]
    t = hrrc_trend(vals, TODAY)
    assert t.n_7d == sum(1 for d, _ in raw if d < 7)
    assert t.n_28d == sum(1 for d, _ in raw if d < 28)
    assert (t.mean_28d is None) == (t.n_28d < 3)
    if t.mean_7d is not None:
        inside = [v for d, v in raw if d < 7]
        assert min(inside) - 1e-9 <= t.mean_7d <= max(inside) + 1e-9
    assert (t.trend is None) == (t.mean_7d is None or t.mean_28d is None)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.text(), st.dictionaries(st.text(), st.integers())))
def test_hrr_value_is_positive_or_none(raw):
    v = hrr_value(raw)
    assert v is None or (v > 0 and v == v and v != float("inf"))
