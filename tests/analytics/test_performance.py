"""Critical power (§12), benchmark index (Section 11 §4.18 fixed), Riegel and VDOT (§15), rTSS/sTSS (§8)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from icucoach.analytics.cp import (
    benchmark_index,
    cp2,
    cp3,
    fit_cp2,
    fit_cp3,
    model_vs_observed,
    value_on,
)
from icucoach.analytics.running import (
    HALF_M,
    MARATHON_M,
    equivalent_time,
    riegel,
    rtss,
    stss,
    training_paces,
    vdot,
    vvdot,
)

T = [1, 60, 180, 300, 600, 1200, 3600]
P2 = [20250, 583.33, 361.11, 316.67, 283.33, 266.67, 255.56]
P3 = [972.89, 480.77, 346.77, 311.22, 281.91, 266.30, 255.51]


def test_s12_model_table():
    np.testing.assert_allclose(cp2(T, 250, 20000), P2, atol=0.005)
    k = 20000 / (1000 - 250)
    assert k == pytest.approx(26.667, abs=1e-3)
    np.testing.assert_allclose(cp3(T, 250, 20000, k), P3, atol=0.005)


def test_s12_two_point_fit():
    f = fit_cp2([180, 1200], [361.11111111, 266.66666667])
    assert f.cp == pytest.approx(250.000, abs=1e-3)
    assert f.w_prime == pytest.approx(20000.0, abs=0.1)


def test_s12_fit_uses_only_the_2_to_20_min_range():
    f = fit_cp2(T, P2)  # 1 s, 60 s and 3600 s are outside the default 120-1200 s range
    assert f.points == 4
    assert f.cp == pytest.approx(250, abs=0.01)
    assert fit_cp2([60, 3600], [583.33, 255.56]).cp is None  # nothing in range


def test_s12_three_parameter_fit_recovers_parameters():
    t = np.array([5, 15, 60, 180, 300, 600, 1200, 1800])
    k = 20000 / 750
    f = fit_cp3(t, cp3(t, 250, 20000, k))
    assert f.cp == pytest.approx(250, rel=1e-3)
    assert f.w_prime == pytest.approx(20000, rel=1e-2)
    assert f.p_max == pytest.approx(1000, rel=1e-2)
    assert fit_cp3([60, 300], [500, 300]).cp is None


def test_s12_model_vs_observed():
    f = fit_cp2([180, 1200], [361.11111111, 266.66666667])
    mv = model_vs_observed(f, [300, 600, 7200], [330.0, 283.33, np.nan])
    assert mv.divergence_pct[0] == pytest.approx(100 * (330 - 316.6667) / 316.6667, abs=1e-3)
    assert mv.divergence_pct[1] == pytest.approx(0.0, abs=1e-2)
    assert mv.divergence_pct[2] is None


def test_benchmark_uses_latest_value_on_or_before():
    today = date(2026, 6, 1)
    # FTP changed 100 days ago and 10 days ago: Section 11 needs an entry within 56 +- 7 days and gives None.
    hist = [(today - timedelta(days=100), 250.0), (today - timedelta(days=10), 262.5)]
    m = benchmark_index(hist, today)
    assert m.value == pytest.approx(5.0)
    assert (
        m.inputs["ftp_then"] == 250.0
        and m.inputs["ftp_then_set_on"] == (today - timedelta(days=100)).isoformat()
    )
    # A change exactly on the reference date counts; the day after does not.
    ref = today - timedelta(days=56)
    assert benchmark_index([(ref, 200.0), (today, 210.0)], today).value == pytest.approx(5.0)
    none = benchmark_index([(ref + timedelta(days=1), 200.0)], today)
    assert none.value is None and "on or before" in none.reason
    assert value_on(hist, today - timedelta(days=200)) is None


# --- §15 Riegel ---------------------------------------------------------------------------------------------
def test_s15_riegel_vectors():
    assert riegel(2400, 10000, HALF_M).value == pytest.approx(1 * 3600 + 28 * 60 + 15, abs=1.0)
    assert riegel(2400, 10000, MARATHON_M).value == pytest.approx(3 * 3600 + 4 * 60, abs=1.0)
    assert riegel(41 * 60 + 21, 10000, MARATHON_M).value == pytest.approx(3 * 3600 + 10 * 60 + 13, abs=1.0)
    assert "caution" in riegel(2400, 10000, MARATHON_M).inputs  # > 4x the known distance
    assert riegel(0, 10000, 5000).value is None


# --- §15 VDOT: derived from the formula and Daniels' published VDOT 50 row (values held back in metrics.md) -
DANIELS_50 = [
    (5000, 19 * 60 + 57),
    (10000, 41 * 60 + 21),
    (HALF_M, 3600 + 31 * 60 + 35),
    (MARATHON_M, 3 * 3600 + 10 * 60 + 49),
]


@pytest.mark.parametrize(("dist", "secs"), DANIELS_50)
def test_s15_vdot_from_table_times(dist, secs):
    assert vdot(dist, secs) == pytest.approx(50.0, abs=0.1)


@pytest.mark.parametrize(("dist", "secs"), DANIELS_50)
def test_s15_equivalent_time_within_0_3_pct(dist, secs):
    assert equivalent_time(50.0, dist) == pytest.approx(secs, rel=0.003)


def test_s15_vdot_round_trip_and_vvdot():
    for v in (30.0, 42.5, 60.0, 85.0):
        for d in (1500, 5000, MARATHON_M):
            assert vdot(d, equivalent_time(v, d)) == pytest.approx(v, abs=1e-6)
    assert vvdot(50) == pytest.approx(29.54 + 5.000663 * 50 - 0.007546 * 2500)
    assert vdot(0, 100) is None


@pytest.mark.parametrize(
    ("v", "e_slow", "e_fast", "m", "t"),
    [
        (50, 5 * 60 + 34, 4 * 60 + 56, 4 * 60 + 31, 4 * 60 + 15),
        (40, 6 * 60 + 38, 5 * 60 + 56, 5 * 60 + 29, 5 * 60 + 6),
    ],
)
def test_s15_training_paces(v, e_slow, e_fast, m, t):
    p = training_paces(v)
    assert p["E"][0] == pytest.approx(e_slow, abs=2.0)
    assert p["E"][1] == pytest.approx(e_fast, abs=2.0)
    assert p["M"] == pytest.approx(m, abs=3.0)  # Daniels' table M vs the formula's marathon equivalent
    assert p["T"] == pytest.approx(t, abs=1.0)
    assert p["R"] < p["I"] < p["T"] < p["M"] < p["E"][1] < p["E"][0]


# --- §8 run / swim load -------------------------------------------------------------------------------------
def test_s8_rtss():
    assert rtss(3600, 1000 / 270, 1000 / 240) == pytest.approx(79.01, abs=0.005)
    assert rtss(3600, 4.0, 4.0) == pytest.approx(100.0)
    assert rtss(0, 4.0, 4.0) is None


def test_s8_stss_cubic():
    assert stss(2000, 2400, 2400, 50) == pytest.approx(100 * (2000 / 40 / 50) ** 3 * 2400 / 3600)
    assert stss(3000, 3600, 3600, 50) == pytest.approx(100.0)
