"""Zone mapping by boundaries, Seiler TID, Treff PI (metrics.md §4, §5), grey/quality %, drift, hard days."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.inputs import SportSettingsInput
from icucoach.analytics.settings import AnalyticsSettings
from icucoach.analytics.tid import classify_tid, hard_day, polarization_index, tid, tid_drift
from icucoach.analytics.zones import activity_bands, split_secs, zone_ranges

from .helpers import D0, act

COGGAN = (55, 75, 90, 105, 120, 150, 999)


@pytest.mark.parametrize(
    ("z", "pi"),
    [
        ((0.75, 0.08, 0.17), 2.2024),
        ((0.76, 0.06, 0.18), 2.3579),
        ((0.80, 0.05, 0.15), 2.3802),
        ((0.60, 0.30, 0.10), 1.3010),
    ],
)
def test_s5_polarization_index_vectors(z, pi):
    assert polarization_index(*z) == pytest.approx(pi, abs=1e-4)


def test_s5_classification():
    assert classify_tid(0.75, 0.08, 0.17, 2.2024) == "polarized"
    assert classify_tid(0.60, 0.30, 0.10, 1.3010) == "pyramidal"  # not polarized
    assert classify_tid(0.2, 0.6, 0.2, polarization_index(0.2, 0.6, 0.2)) == "threshold"
    assert classify_tid(0.2, 0.1, 0.7, polarization_index(0.2, 0.1, 0.7)) == "high_intensity"
    assert classify_tid(0.95, 0.05, 0.0, 0.0) == "base"
    assert classify_tid(0, 0, 0, None) is None


def test_s5_edge_rules():
    assert polarization_index(0.8, 0.0, 0.2) == pytest.approx(3.2041, abs=1e-4)  # z2 = 0 -> 0.01
    assert polarization_index(0.9, 0.1, 0.0) == 0.0  # z3 = 0 -> PI 0
    assert polarization_index(0, 0, 0) is None


def test_zone_ranges_and_split():
    r = zone_ranges(COGGAN, 100.0, 0.5)
    assert r[0] == (0.5, 0.55) and r[3] == (0.90, 1.05) and r[-1][1] == float("inf")
    # Coggan Z3 (75-90 %) straddles the 0.85 border: 2/3 below, 1/3 above.
    out = split_secs([0, 0, 300, 0, 0, 0, 0], r, [0.85])
    assert list(out) == pytest.approx([200, 100])
    # The open top zone goes wholly to the band holding its lower edge.
    assert list(split_secs([0, 0, 0, 0, 0, 0, 60], r, [0.85, 1.0])) == [0, 0, 60]


def test_power_bands_ignore_sweet_spot_and_map_by_boundary():
    a = act(D0, power_zone_secs=(600, 1200, 300, 600, 300, 100, 50), power_zones=COGGAN)
    b = activity_bands(a)
    assert b.basis == "power"
    assert b.total == pytest.approx(3150)  # SS never in the zone secs (converter drops it)
    # Seiler: < 0.85 -> Z1+Z2+2/3 Z3; 0.85-1.0 -> 1/3 Z3 + 2/3 Z4; >= 1.0 -> 1/3 Z4 + Z5-Z7
    assert b.seiler == pytest.approx((600 + 1200 + 200, 100 + 400, 200 + 300 + 100 + 50))
    assert b.above_threshold == pytest.approx(650)


def test_hr_five_zones_are_not_read_as_coggan_seven():
    # A 5-zone HR model (upper bounds, bpm) with LTHR 165: zone 3 is 151-159 bpm = 0.915-0.964 LTHR.
    ss = SportSettingsInput(types=("Run",), lthr=165, hr_zones=(136, 151, 159, 168, 185))
    a = act(D0, sport="Run", hr_zone_secs=(1000, 1000, 1000, 0, 0))
    b = activity_bands(a, [ss])
    assert b.basis == "hr"
    assert b.seiler[0] == pytest.approx(1000 + 1000 * (0.90 - 136 / 165) / (151 / 165 - 136 / 165))
    assert b.seiler[2] == 0  # nothing at or above LTHR
    # By index, "zone 3" would have been Coggan tempo (grey); by boundary it is mostly Seiler Z2.
    assert b.seiler[1] > 1000


def test_basis_preference_and_override():
    a = act(
        D0,
        power_zone_secs=(0, 3600, 0, 0, 0, 0, 0),
        power_zones=COGGAN,
        hr_zone_secs=(0, 0, 0, 3600, 0),
        hr_zones=(136, 151, 159, 168, 185),
        lthr=165,
    )
    assert activity_bands(a).basis == "power"
    s = replace(AnalyticsSettings(), basis_preference_by_sport=MappingProxyType({"cycling": ("hr", "power")}))
    assert activity_bands(a, settings=s).basis == "hr"
    assert activity_bands(act(D0)) is None  # no zone data
    assert activity_bands(act(D0, hr_zone_secs=(100, 100))) is None  # HR zones without bounds/LTHR


def test_default_power_zones_when_bounds_missing():
    a = act(D0, power_zone_secs=(0, 0, 0, 0, 0, 0, 100))
    assert activity_bands(a).seiler == (0, 0, 100)


def _day_act(i, z):
    return act(D0 + timedelta(days=i), power_zone_secs=z, power_zones=COGGAN, id=f"a{i}")


def test_tid_window_and_percentages():
    acts = [_day_act(i, (0, 3000, 0, 0, 0, 0, 0)) for i in range(28)]
    acts.append(_day_act(27, (0, 0, 0, 0, 600, 0, 0)))  # hard day at the end
    t = tid(acts, D0 + timedelta(days=21), D0 + timedelta(days=27))
    assert t.activities == 8
    fr = t.fractions
    assert fr[2] == pytest.approx(600 / (7 * 3000 + 600))
    assert t.easy_time_ratio.value == pytest.approx(7 * 3000 / (7 * 3000 + 600))
    assert t.grey_zone_pct.value == pytest.approx(0.0)
    assert t.quality_pct.value == pytest.approx(100 * 600 / 21600)
    assert t.polarization_index.inputs["start"] == (D0 + timedelta(days=21)).isoformat()


def test_tid_empty_window_is_null_with_reason():
    t = tid([], D0, D0 + timedelta(days=6))
    assert t.classification is None and t.polarization_index.value is None and t.polarization_index.reason
    assert t.to_dict()["z1_pct"] is None


def test_tid_drift_acute_depolarization():
    pol = (0, 5000, 0, 0, 0, 800, 0)  # ~85/0/15 polarized
    thr = (0, 2000, 0, 1500, 0, 0, 0)  # threshold-heavy
    acts = [_day_act(i, pol) for i in range(21)] + [_day_act(21 + i, thr) for i in range(7)]
    d = tid_drift(acts, D0 + timedelta(days=27))
    assert d.long.polarization_index.value >= 2.0 > d.short.polarization_index.value
    assert d.state == "acute_depolarization"


def test_hard_day_rules():
    easy = activity_bands(act(D0, power_zone_secs=(0, 7200, 0, 0, 0, 0, 0), power_zones=COGGAN))
    vo2 = activity_bands(act(D0, power_zone_secs=(0, 3000, 0, 0, 400, 0, 0), power_zones=COGGAN))
    assert hard_day([easy], 80) is False
    assert hard_day([vo2], 80) is True  # >= 5 min above threshold
    assert hard_day([easy], 200) is True  # a very big day is hard too
    assert hard_day([], None) is None


@given(st.lists(st.floats(0, 5000), min_size=7, max_size=7))
def test_bands_conserve_time(z):
    b = activity_bands(act(D0, power_zone_secs=tuple(z), power_zones=COGGAN))
    if b is None:
        assert sum(z) == 0
        return
    assert b.total == pytest.approx(sum(z))
    assert b.easy + b.grey + b.quality == pytest.approx(sum(z))


FRIEL_164 = (133, 146, 153, 162, 167, 174, 186)  # Intervals.icu's default HR zones for LTHR 164 (whole bpm)


@given(st.lists(st.integers(0, 5000), min_size=7, max_size=7))
def test_grey_and_quality_are_zone_3_and_4_plus_on_default_zones(z):
    """On Intervals.icu's default zones the bands are Section 11's z1+z2 / z3 / z4+ exactly (§4.6), on power
    (Coggan % FTP) and on HR (whole-bpm Friel edges, within 1.5 % of the band borders: snapped)."""
    for kw in (
        {"power_zone_secs": tuple(z), "power_zones": COGGAN},
        {"hr_zone_secs": tuple(z), "hr_zones": FRIEL_164, "lthr": 164},
    ):
        b = activity_bands(act(D0, **kw))
        if b is None:
            assert sum(z) == 0
            continue
        assert (b.easy, b.grey, b.quality) == pytest.approx((z[0] + z[1], z[2], sum(z[3:])))


def test_hr_tempo_minutes_do_not_make_a_hard_day():
    """Section 11's HR ladder skips zone 3 (HR drifts into it on easy runs); power keeps the 30-min rule."""
    tempo_hr = activity_bands(
        act(D0, sport="Run", hr_zone_secs=(60, 600, 2700, 0, 0, 0, 0), hr_zones=FRIEL_164, lthr=164)
    )
    tempo_power = activity_bands(act(D0, power_zone_secs=(60, 600, 2700, 0, 0, 0, 0), power_zones=COGGAN))
    threshold_hr = activity_bands(
        act(D0, sport="Run", hr_zone_secs=(600, 600, 0, 700, 0, 0, 0), hr_zones=FRIEL_164, lthr=164)
    )
    assert hard_day([tempo_hr], 60) is False
    assert hard_day([tempo_power], 60) is True
    assert hard_day([threshold_hr], 60) is True  # >= 10 min in HR zone 4+


def test_period_zone_bands_are_section11s_zone_columns():
    """history.json's z1_z2_pct / z3_pct / z4_plus_pct: zones 1+2 / 3 / 4+, next to the Seiler split."""
    from icucoach.analytics.summary import summarize

    z = (600, 1800, 900, 450, 150, 60, 40)  # 4000 s
    [week] = summarize([act(D0, power_zone_secs=z, power_zones=COGGAN)], D0, D0, "week")
    assert week.total.to_dict()["zone_band_pct"] == {"z1_z2": 60.0, "z3": 22.5, "z4_plus": 17.5}
    assert week.total.to_dict()["seiler_pct"]["z3"] < 17.5  # Seiler zone 3 starts at FTP, not at zone 4
