"""Stream metrics: NP/IF/TSS/VI/xPower (§6), HR load (§7), EF (§9), decoupling (§10), W' balance (§11),
mean-max (§13), durability (§14)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.curves import curve_delta, durability, duration_grid, envelope, season_curve
from icucoach.analytics.hr import (
    decoupling,
    decoupling_pct,
    edwards_trimp,
    hr_drift,
    hrss,
    lucia_trimp,
    trimp,
    trimp_avg,
)
from icucoach.analytics.power import (
    efficiency_factor,
    intensity_factor,
    mean_max,
    normalized_power,
    normalized_power_gc,
    power_summary,
    tss,
    variability_index,
    xpower,
)
from icucoach.analytics.wbal import d_cp, skiba_tau, wbal_differential, wbal_integral

# metrics.md §6 table [DER], FTP 250: series, AP, NPstd, NPgc, xPower, VI, IF, TSS
TABLE_6 = [
    ([250.0] * 3600, 250, 250.00, 249.59, 249.08, 1.000, 1.000, 100.00),
    ([300.0] * 1800 + [150.0] * 1800, 225, 255.98, 255.64, 254.79, 1.1377, 1.0239, 104.84),
    (([400.0] * 60 + [100.0] * 60) * 10, 250, 315.58, 314.60, 281.98, 1.2623, 1.2623, 53.11),
    (([400.0] * 30 + [100.0] * 30) * 60, 250, 287.46, 287.30, 262.06, 1.1499, 1.1499, 132.22),
]


@pytest.mark.parametrize(("series", "ap", "npstd", "npgc", "xp", "vi", "iff", "tss_v"), TABLE_6)
def test_s6_np_table(series, ap, npstd, npgc, xp, vi, iff, tss_v):
    p = np.array(series)
    npw = normalized_power(p)
    assert float(np.mean(p)) == pytest.approx(ap)
    assert npw == pytest.approx(npstd, abs=0.005)
    assert normalized_power_gc(p) == pytest.approx(npgc, abs=0.005)
    assert xpower(p) == pytest.approx(xp, abs=0.005)
    assert variability_index(npw, ap) == pytest.approx(vi, abs=5e-5)
    assert intensity_factor(npw, 250) == pytest.approx(iff, abs=5e-5)
    assert tss(len(p), npw, 250) == pytest.approx(tss_v, abs=0.005)
    summary = power_summary(p, 250)
    assert summary["tss"].value == pytest.approx(tss_v, abs=0.005)


def test_s6_sweat_outside_vectors():
    assert tss(3600, 300, 300) == 100.0
    assert intensity_factor(300, 300) == 1.0
    assert normalized_power([1.0] * 30) == pytest.approx(1.0)


def test_s6_np_of_a_step_by_hand():
    """60 s at 0 W then 60 s at 300 W: the 91 rolling 30 s means are 31 x 0 W, then 10, 20, ... 290 W while
    the window slides onto the step, then 31 x 300 W. NP = (mean of their 4th powers)^(1/4), summed by hand:
    sum_{j=1..29} (10 j)^4 = 10^4 * 29*30*59*2609/30 = 44_639_990_000; 31 * 300^4 = 251_100_000_000."""
    fourth_powers = 44_639_990_000 + 251_100_000_000
    expected = (fourth_powers / 91) ** 0.25  # 238.76 W
    assert normalized_power([0.0] * 60 + [300.0] * 60) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(238.76, abs=0.01)


def test_s6_np_edge_cases():
    assert normalized_power([200.0] * 29) is None  # standard form has no window
    assert normalized_power_gc([200.0] * 29) is not None  # GC pads with zeros
    s = power_summary([200.0] * 10, 250)
    assert s["np"].value is None and s["tss"].reason == "under 30 s of data"
    assert power_summary([200.0] * 60, None)["if"].reason == "no FTP"


# --- §7 HR load ---------------------------------------------------------------------------------------------
def test_s7_trimp_per_minute_at_max():
    # fellrnr: 4.37 (men), 3.40 (women) per minute at HRr = 1.
    assert trimp([200.0] * 60, 40, 200, "M") == pytest.approx(4.3654, abs=1e-4)
    assert trimp([200.0] * 60, 40, 200, "F") == pytest.approx(3.3998, abs=1e-4)


def test_s7_trimp_30_min():
    assert trimp([130.0] * 1800, 40, 200, "M") == pytest.approx(31.8025, abs=1e-4)
    assert trimp([130.0] * 1800, 40, 200, "F") == pytest.approx(27.6305, abs=1e-4)
    assert trimp_avg(130, 30, 40, 200, "M") == pytest.approx(31.8025, abs=1e-4)


def test_s7_hrss():
    assert trimp([170.0] * 3600, 50, 190) == pytest.approx(170.6511, abs=1e-3)
    assert hrss(trimp([150.0] * 3600, 50, 190), 50, 190, 170) == pytest.approx(63.34, abs=0.005)
    assert hrss(trimp([160.0] * 5400, 50, 190), 50, 190, 170) == pytest.approx(119.88, abs=0.005)
    assert hrss(trimp([170.0] * 3600, 50, 190), 50, 190, 170) == pytest.approx(100.0)


def test_s7_trimp_edge_cases():
    assert trimp([0.0] * 100, 50, 190) == 0.0  # dropped samples
    assert trimp_avg(40, 60, 50, 190) == 0.0  # below rest
    # per-sample sum exceeds the session-average form for variable HR (convexity)
    hr = [100.0] * 900 + [180.0] * 900
    assert trimp(hr, 50, 190) > trimp_avg(140, 30, 50, 190)


def test_s7_edwards_lucia():
    assert edwards_trimp([10, 20, 15, 10, 5]) == 160
    assert lucia_trimp([40, 15, 5]) == 85


# --- §9 / §10 -----------------------------------------------------------------------------------------------
def test_s9_efficiency_factor():
    assert efficiency_factor(200, 140) == pytest.approx(1.4286, abs=1e-4)
    assert efficiency_factor(200, None) is None


def test_s10_decoupling_vectors():
    assert decoupling_pct(200, 140, 200, 147) == pytest.approx(4.7619, abs=1e-4)
    assert decoupling_pct(210, 150, 195, 150) == pytest.approx(7.1429, abs=1e-4)


def test_s10_decoupling_from_streams():
    warm = 600
    p = np.full(warm + 7200, 200.0)
    hr = np.concatenate([np.full(warm, 120.0), np.full(3600, 140.0), np.full(3600, 147.0)])
    m = decoupling(p, hr)
    assert m.value == pytest.approx(4.7619, abs=1e-4)
    assert m.status == "coupled"
    assert m.inputs["warmup_excluded_s"] == warm
    drift = hr_drift(hr)
    assert drift.value == pytest.approx(5.0, abs=1e-9)  # equals decoupling at constant output (HR ratio)


def test_s10_decoupling_gates():
    assert decoupling([200.0] * 1800, [140.0] * 1800).value is None  # too short
    p = np.tile(np.r_[np.full(60, 400.0), np.full(60, 50.0)], 70)
    m = decoupling(p, np.full(len(p), 150.0))
    assert m.value is None and "steady" in m.reason
    assert decoupling(np.full(4500, 3.5), np.full(4500, 150.0), kind="Pa:HR").value == pytest.approx(0.0)


# --- §11 W' balance (vectors derived from the formulas; the reference values are held back) -----------------
def test_s11_tau_examples():
    assert skiba_tau(0) == pytest.approx(862.0)
    assert skiba_tau(50) == pytest.approx(647.17, abs=0.01)
    assert skiba_tau(100) == pytest.approx(516.86, abs=0.01)


def test_s11_d_cp_rules():
    assert d_cp([100.0, 200.0, 300.0, 400.0], 250) == pytest.approx(100.0)  # CP - mean(100, 200)
    assert d_cp([300.0, 400.0], 250) == 250  # no sample below CP -> D_CP = CP


def test_s11_integral_closed_form():
    cp, wp, n = 250.0, 20000.0, 120
    p = np.r_[np.full(600, 150.0), np.full(n, 350.0)]
    r = wbal_integral(p, cp, wp)
    tau = float(int(skiba_tau(cp - 150.0)))  # D_CP = 100; GC floors tau
    assert r.tau == tau
    expected = wp - 100.0 * (1 - math.exp(-n / tau)) / (1 - math.exp(-1 / tau))
    assert r.series[-1] == pytest.approx(expected, rel=1e-12)
    assert r.series[599] == wp  # nothing spent below CP


def test_s11_integral_recovery_decays_exponentially():
    cp, wp = 250.0, 20000.0
    p = np.r_[np.full(60, 450.0), np.full(300, 100.0)]
    r = wbal_integral(p, cp, wp, tau=500.0)
    spent_end = wp - r.series[59]
    assert wp - r.series[59 + 300] == pytest.approx(spent_end * math.exp(-300 / 500.0), rel=1e-12)


def test_s11_differential_closed_form():
    cp, wp = 250.0, 20000.0
    p = np.r_[np.full(100, 350.0), np.full(200, 150.0)]
    r = wbal_differential(p, cp, wp)
    assert r.series[99] == pytest.approx(wp - 100 * 100.0)  # linear depletion above CP
    depleted = 100 * 100.0
    assert wp - r.series[-1] == pytest.approx(depleted * (1 - 100.0 / wp) ** 200, rel=1e-12)


def test_s11_negative_flagged_not_clamped():
    r = wbal_differential(np.full(300, 400.0), 250.0, 20000.0)
    assert r.negative and r.min_wbal == pytest.approx(20000 - 300 * 150)
    assert wbal_integral(np.full(300, 400.0), 250.0, 20000.0).negative


# --- §13 mean-max -------------------------------------------------------------------------------------------
def test_s13_mmp_vector():
    p = [100.0] * 120 + ([300.0] * 60 + [100.0] * 60) * 4 + [100.0] * 60
    assert len(p) == 660
    assert mean_max(p, [60])[0] == pytest.approx(300.0)
    assert mean_max(p, [660])[0] == pytest.approx(172.73, abs=0.005)  # the full-length window counts
    assert np.isnan(mean_max(p, [661])[0])


@given(st.lists(st.floats(0, 1500), min_size=1, max_size=400))
def test_mean_max_curve_never_increases_with_duration(p):
    durs = list(range(1, len(p) + 1))
    mm = mean_max(p, durs, monotone=True)
    assert np.all(np.diff(mm) <= 1e-9)
    exact = mean_max(p, durs)
    assert np.all(mm >= exact - 1e-9)  # the envelope only ever lifts values
    assert mm[-1] == pytest.approx(exact[-1])  # the longest duration is unchanged


@given(st.lists(st.floats(0, 1500), min_size=2, max_size=300), st.integers(1, 20), st.integers(2, 5))
def test_mean_max_exact_multiple_property(p, d, k):
    if k * d > len(p):
        return
    a, b = mean_max(p, [d, k * d])
    assert b <= a + 1e-9  # a k*d window splits into k windows of d


def test_exact_mean_max_can_rise_with_duration():
    exact = mean_max([1.0, 0.0, 1.0], [2, 3])
    assert exact[1] > exact[0]
    assert list(mean_max([1.0, 0.0, 1.0], [2, 3], monotone=True)) == pytest.approx([2 / 3, 2 / 3])


@given(st.lists(st.one_of(st.floats(0, 1500), st.just(math.nan)), min_size=1, max_size=50))
def test_envelope_is_monotone(curve):
    env = envelope(curve)
    vals = env[~np.isnan(env)]
    assert np.all(np.diff(vals) <= 0)
    c = np.asarray(curve)
    ok = ~np.isnan(c)
    assert np.all(env[ok] >= c[ok])


def test_grid_season_curve_and_delta():
    g = duration_grid(4000)
    assert g[:3] == [1, 2, 3] and g[-1] <= 4000 and g == sorted(set(g))
    a, b = np.array([500.0, 300.0, np.nan]), np.array([450.0, 320.0, np.nan])
    s = season_curve([a, b])
    assert s[0] == 500 and s[1] == 320 and np.isnan(s[2])
    d = curve_delta([5, 60, 300], a, b)
    assert d.pct_change[0] == pytest.approx(100 * 50 / 450)
    assert d.pct_change[2] is None


# --- §14 durability -----------------------------------------------------------------------------------------
def test_s14_group_means():
    # Hamilton et al. 2024 group means: 333 -> 302 W (5-min TT), 211 -> 198 W (VT1).
    assert pytest.approx(-9.31, abs=0.005) == 100 * (302 - 333) / 333
    fresh = np.r_[np.full(300, 333.0), np.full(4700, 200.0)]  # 1040 kJ before the late effort
    late = np.r_[np.full(600, 200.0), np.full(300, 302.0), np.full(300, 150.0)]
    out = durability(np.r_[fresh, late], kj=1000, durations=[300])
    assert out["power_300s"].value == pytest.approx(-9.31, abs=0.005)


def test_s14_never_reached():
    out = durability(np.full(600, 200.0), kj=1000)
    assert all(m.value is None for m in out.values())
