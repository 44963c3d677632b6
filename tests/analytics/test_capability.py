"""Capability trends (aggregate decoupling and EF) with sample-size gates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from icucoach.analytics.capability import decoupling_trend, decoupling_values, ef_values, efficiency_trend
from icucoach.analytics.status import training_status

from .helpers import D0, act

TODAY = D0 + timedelta(days=27)


def _ride(i, dec=None, ef=None, vi=1.02, secs=6000):
    return act(
        TODAY - timedelta(days=i),
        100,
        secs=secs,
        id=f"r{i}",
        decoupling=dec,
        efficiency_factor=ef,
        variability_index=vi,
    )


def test_decoupling_means_and_trend():
    acts = [_ride(i, dec=3.0) for i in range(7, 27, 3)] + [_ride(i, dec=7.0) for i in (0, 2, 4)]
    t = decoupling_trend(acts, TODAY)
    assert t.mean_short.value == pytest.approx(7.0)
    assert t.mean_long.value == pytest.approx((7 * 3.0 + 3 * 7.0) / 10)
    assert t.trend == "declining" and t.reliable and t.high_count == 3


def test_gates_exclude_unsteady_short_and_thin_samples():
    acts = [_ride(0, dec=9.0, vi=1.2), _ride(1, dec=9.0, secs=3000), _ride(2, dec=2.0)]
    t = decoupling_trend(acts, TODAY)
    assert t.mean_long.value is None and "needs 5" in t.mean_long.reason
    assert not t.reliable and t.trend is None


def test_efficiency_factor_higher_is_better():
    acts = [_ride(i, ef=1.40, secs=2400) for i in range(8, 27, 3)] + [
        _ride(i, ef=1.50, secs=2400) for i in (0, 1, 3)
    ]
    t = efficiency_trend(acts, TODAY)
    assert t.trend == "improving"
    assert (
        efficiency_trend(
            [act(TODAY, 50, "Run", efficiency_factor=1.5, variability_index=1.0)], TODAY
        ).mean_long.value
        is None
    )  # rides only


def test_durability_alert_in_digest():
    acts = [_ride(i, dec=8.0) for i in range(0, 27, 2)]
    out = training_status(acts, [], [], [], TODAY).to_dict()
    assert out["capability"]["durability"]["reliable"]
    assert "durability_low" in {a["code"] for a in out["alerts"]}


def test_counts_per_window_and_short_high_drift():
    # 7 days: 7 %, 3 % (days 0, 4); 28 days adds 6 %, 2 % (days 10, 20); coupled threshold 5 %
    acts = [_ride(0, dec=7.0), _ride(4, dec=3.0), _ride(10, dec=6.0), _ride(20, dec=2.0), _ride(30, dec=9.0)]
    t = decoupling_trend(acts, TODAY)
    assert (t.n_short, t.n_long) == (2, 4)
    assert (t.high_count_short, t.high_count) == (1, 2)
    e = efficiency_trend([_ride(1, ef=1.4, secs=2400), _ride(12, ef=1.3, secs=2400)], TODAY)
    assert (e.n_short, e.n_long) == (1, 2)


def test_qualifying_values_by_window():
    acts = [_ride(0, dec=7.0, ef=1.5), _ride(3, dec=2.0, vi=1.1), _ride(5, ef=1.4, secs=1500)]
    lo, hi = TODAY - timedelta(days=6), TODAY
    assert [v for _, v in decoupling_values(acts, lo, hi)] == [7.0]  # VI 1.1 and 25 min are out
    assert sorted(v for _, v in ef_values(acts, lo, hi)) == [1.4, 1.5]
    assert ef_values(acts, lo, TODAY - timedelta(days=1)) == [(TODAY - timedelta(days=5), 1.4)]
