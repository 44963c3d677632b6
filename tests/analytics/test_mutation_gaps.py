"""Value tests for formula details that a mutation run (mutmut 3) showed no other test pins down.

Each expected value is computed by hand from the published definition (``shared/reference/metrics.md``) or
chosen so the arithmetic is exact (CTL/ATL arrays set directly), never read back from our own code: a
mutated window length, constant, band boundary or sign in the headline numbers must fail here.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from icucoach.analytics.acwr import acwr, acwr_band
from icucoach.analytics.days import daily_loads
from icucoach.analytics.load import (
    FitnessModel,
    fitness_model,
    fitness_on,
    form_percent,
    planned_loads,
    project,
    ramp_rate,
)
from icucoach.analytics.monotony import monotony
from icucoach.analytics.power import mean_max, normalized_power_gc, power_summary, xpower
from icucoach.analytics.settings import AnalyticsSettings
from icucoach.analytics.tid import TidDrift, classify_tid, polarization_index, tid
from icucoach.analytics.zones import split_secs, zone_ranges

from .helpers import D0, acts_from_loads, plan, well

PCT = replace(AnalyticsSettings(), form_as_percent=True)
E42, E7 = math.exp(-1 / 42), math.exp(-1 / 7)  # metrics.md §1: daily decay of the exp-form EWMA


# --- load.py: fitness_on (same-day form, form %, 7-day ramp and its bands) ---------------------------------


def _model(ctl: list[float], atl: list[float]) -> FitnessModel:
    n = len(ctl)
    return FitnessModel(D0, np.array(ctl), np.array(atl), np.full(n, 42.0), np.full(n, 7.0), "set by hand")


def _ramp_model(ramp: float) -> FitnessModel:
    """Eight days whose CTL rises by exactly ``ramp`` from day 0 to day 7, ATL 70 throughout."""
    return _model([50.0] * 7 + [50.0 + ramp], [70.0] * 8)


def test_fitness_on_reports_hand_computed_form_percent_and_ramp():
    f = fitness_on(_ramp_model(12.0), D0 + timedelta(days=7))
    assert f.ctl.value == 62.0 and f.atl.value == 70.0
    assert f.form.value == -8.0  # same-day CTL - ATL
    assert f.form_percent.value == pytest.approx(100 * -8 / 62)  # -12.9032 %
    assert f.ramp_rate.value == 12.0  # CTL[7] - CTL[0]
    assert f.form_zone == "grey"  # absolute form -8 lies in (-10, +5)


def test_fitness_on_zone_follows_form_as_percent():
    # -12.9 % is "optimal" on the percent scale while the absolute -8 is "grey" (metrics.md §1 form zones).
    assert fitness_on(_ramp_model(12.0), D0 + timedelta(days=7), PCT).form_zone == "optimal"


@pytest.mark.parametrize(
    ("ramp", "status"), [(12.0, "red"), (11.5, "amber"), (8.0, "amber"), (7.5, "ok"), (-3.0, "ok")]
)
def test_ramp_status_bands_include_their_lower_edge(ramp, status):
    # settings: ramp_warning 8, ramp_alarm 12 CTL points per week; the edge value belongs to the worse band
    f = fitness_on(_ramp_model(ramp), D0 + timedelta(days=7))
    assert f.ramp_rate.value == pytest.approx(ramp)
    assert f.ramp_rate.status == status


def test_ramp_needs_seven_days_and_says_so():
    f = fitness_on(_ramp_model(12.0), D0 + timedelta(days=6))
    assert f.ramp_rate.value is None and f.ramp_rate.status is None
    assert f.ramp_rate.reason == "fewer than 7 days modelled"
    assert f.ctl.value == 50.0  # the day itself is inside the range


def test_fitness_on_first_and_past_last_day():
    m = _ramp_model(12.0)
    first = fitness_on(m, D0)
    assert first.ctl.value == 50.0 and first.atl.value == 70.0  # index 0 is inside the modelled range
    after = fitness_on(m, D0 + timedelta(days=8))
    assert after.ctl.value is None and after.form.value is None and after.form_zone is None
    assert after.ctl.reason == "date outside the modelled range"
    assert fitness_on(m, D0 - timedelta(days=1)).ctl.value is None


def test_form_percent_defined_for_small_positive_ctl():
    assert form_percent(0.5, 1.0) == pytest.approx(-100.0)
    assert form_percent(0.0, 1.0) is None


def test_form_percent_metric_has_a_reason_only_when_missing():
    assert fitness_on(_model([0.0], [5.0]), D0).form_percent.reason == "CTL is 0"
    assert fitness_on(_model([10.0], [5.0]), D0).form_percent.reason is None


# --- load.py: ramp_rate indexing ----------------------------------------------------------------------------


def test_ramp_rate_counts_negative_index_from_the_end():
    ctl = [0.0, 1.0, 3.0, 6.0, 10.0, 15.0, 21.0, 28.0, 36.0]
    assert ramp_rate(ctl) == 36.0 - 1.0  # index -1 -> day 8, minus day 1
    assert ramp_rate(ctl, -2) == 28.0 - 0.0
    assert ramp_rate(ctl, 0, 0) == 0.0  # index 0 is an index, not "from the end"
    assert ramp_rate(ctl, 3, 2) == 6.0 - 1.0
    assert ramp_rate(ctl, len(ctl), 7) is None  # past the end


# --- load.py: FITNESS_DAYS / SET_FITNESS calendar entries ---------------------------------------------------


def _flat_model(n: int, events, wellness=(), anchor: bool = True):
    acts = acts_from_loads([0.0] * n)
    return fitness_model(daily_loads(acts, D0, D0 + timedelta(days=n - 1)), wellness, events, anchor=anchor)


def test_fitness_days_entries_apply_in_date_order_whatever_the_list_order():
    later = plan(D0 + timedelta(days=6), None, category="FITNESS_DAYS", ctl_days=20, atl_days=4, id="b")
    earlier = plan(D0 + timedelta(days=3), None, category="FITNESS_DAYS", ctl_days=30, atl_days=5, id="a")
    m = _flat_model(10, [later, earlier])
    assert list(m.ctl_days) == [42.0] * 3 + [30.0] * 3 + [20.0] * 4
    assert list(m.atl_days) == [7.0] * 3 + [5.0] * 3 + [4.0] * 4


def test_fitness_days_with_only_fatigue_days_and_before_the_range():
    only_atl = plan(D0 + timedelta(days=2), None, category="FITNESS_DAYS", atl_days=5, id="a")
    before = plan(D0 - timedelta(days=30), None, category="FITNESS_DAYS", ctl_days=30, id="b")
    m = _flat_model(4, [only_atl, before])
    assert list(m.ctl_days) == [30.0] * 4  # an entry before the range applies from its first day
    assert list(m.atl_days) == [7.0, 7.0, 5.0, 5.0]


def test_only_calendar_fitness_entries_change_the_model():
    note = plan(D0 + timedelta(days=1), None, category="NOTE", ctl_days=10, set_ctl=80.0, id="n")
    m = _flat_model(4, [note])
    assert list(m.ctl_days) == [42.0] * 4
    assert list(m.ctl) == [0.0] * 4


def test_set_fitness_with_one_value_keeps_the_other():
    # Zero load from 0: the replay stays at 0 except what the entry seeds, then decays by e^(-1/tau) a day.
    ctl_only = plan(D0, None, category="SET_FITNESS", set_ctl=60.0, id="c")
    m = _flat_model(3, [ctl_only])
    assert m.ctl[0] == 60.0 and m.atl[0] == 0.0  # seeding on the first day (index 0) counts
    assert m.ctl[2] == pytest.approx(60.0 * E42**2)
    atl_only = plan(D0 + timedelta(days=1), None, category="SET_FITNESS", set_atl=40.0, id="a")
    m = _flat_model(3, [atl_only])
    assert m.ctl[1] == 0.0 and m.atl[1] == 40.0
    assert m.atl[2] == pytest.approx(40.0 * E7)


# --- load.py: anchoring on wellness ------------------------------------------------------------------------


def test_replay_within_tolerance_is_not_reanchored():
    # Zero load replays to CTL = ATL = 0; a wellness CTL exactly 1.0 away is within replay_tolerance (1.0).
    w = [well(D0 + timedelta(days=2), ctl=1.0, atl=0.0)]
    assert _flat_model(5, [], w).source.startswith("replay")
    w = [well(D0 + timedelta(days=2), ctl=0.0, atl=1.0)]
    assert _flat_model(5, [], w).source.startswith("replay")
    w = [well(D0 + timedelta(days=2), ctl=1.005, atl=0.0)]  # just beyond the tolerance: re-anchored
    assert _flat_model(5, [], w).source.startswith("wellness CTL/ATL")


def test_anchor_on_first_day_and_source_counts_replayed_days():
    m = _flat_model(5, [], [well(D0, ctl=30.0, atl=20.0)])
    assert m.ctl[0] == 30.0 and m.atl[0] == 20.0  # the record on loads.start is a valid anchor
    assert m.ctl[4] == pytest.approx(30.0 * E42**4)
    assert m.source == f"wellness CTL/ATL of {D0.isoformat()} + replay of 4 day(s) of load"


def test_no_anchor_when_disabled():
    m = _flat_model(5, [], [well(D0 + timedelta(days=2), ctl=30.0, atl=20.0)], anchor=False)
    assert m.source.startswith("replay") and m.ctl[4] == 0.0
    assert m.replay_max_delta == 30.0 and m.replay_days_compared == 1


def test_short_history_is_flagged_and_42_days_is_enough():
    short = fitness_model(daily_loads(acts_from_loads([50.0] * 41), D0, D0 + timedelta(days=40)))
    assert short.notes == ("only 41 day(s) of history: CTL needs ~42 to settle",)
    full = fitness_model(daily_loads(acts_from_loads([50.0] * 42), D0, D0 + timedelta(days=41)))
    assert full.notes == ()


# --- load.py: projection and planned load ------------------------------------------------------------------


def test_projection_days_zones_and_custom_fatigue_days():
    # Rest from CTL 20 / ATL 30: day 1 CTL 19.5294, ATL 26.0063, form -6.48 (grey); -33.2 % of CTL (high risk)
    proj = project(20.0, 30.0, D0, [0.0, 0.0, 0.0, 40.0])
    assert [p.day for p in proj] == [D0 + timedelta(days=i) for i in range(4)]
    assert [p.planned_load for p in proj] == [0.0, 0.0, 0.0, 40.0]
    assert proj[0].ctl == pytest.approx(20 * E42) and proj[0].atl == pytest.approx(30 * E7)
    assert proj[0].form_zone == "grey"
    assert project(20.0, 30.0, D0, [0.0], PCT)[0].form_zone == "high_risk"
    assert project(20.0, 30.0, D0, [0.0], atl_days=5)[0].atl == pytest.approx(30 * math.exp(-1 / 5))


def test_planned_loads_sum_per_day_and_skip_out_of_range_entries():
    events = [
        plan(D0 + timedelta(days=3), 99.0, id="past-the-end"),  # index == days: outside
        plan(D0 - timedelta(days=1), 99.0, id="before"),
        plan(D0 + timedelta(days=1), 40.0, "Ride", id="r"),
        plan(D0 + timedelta(days=1), 25.0, "Run", id="u"),
    ]
    assert list(planned_loads(events, D0, 3)) == [0.0, 65.0, 0.0]


# --- power.py: per-activity summary (metrics.md §6 table, row "1800 s @ 300 + 1800 s @ 150", FTP 250) ---


def test_power_summary_every_field_matches_the_s6_table():
    p = [300.0] * 1800 + [150.0] * 1800
    hr = [0.0] * 60 + [150.0] * 3540  # dropouts (0 bpm) are not heart rate
    s = power_summary(p, 250, hr)
    assert s["avg_power"].value == 225.0 and s["avg_power"].unit == "W"
    assert s["np"].value == pytest.approx(255.98, abs=0.005) and s["np"].reason is None
    assert s["if"].value == pytest.approx(1.0239, abs=5e-5)
    assert s["tss"].value == pytest.approx(104.84, abs=0.005)
    assert s["vi"].value == pytest.approx(1.1377, abs=5e-5)
    assert s["xpower"].value == pytest.approx(254.79, abs=0.005)
    assert s["work"].value == 810.0 and s["work"].unit == "kJ"  # (1800*300 + 1800*150) J / 1000
    assert s["ef"].value == pytest.approx(255.98 / 150.0, abs=1e-4) and s["ef"].reason is None
    assert s["ef"].inputs == {
        "samples": 3600,
        "ftp": 250,
        "np_form": "standard (first window at 30 s)",
        "zeros": "included",
    }


def test_power_summary_without_samples_or_heart_rate_says_why():
    empty = power_summary([], 250)
    assert empty["avg_power"].value is None and empty["avg_power"].reason == "no samples"
    assert empty["work"].value is None and empty["xpower"].value is None
    no_hr = power_summary([200.0] * 60, 250, [0.0] * 60)
    assert no_hr["ef"].value is None and no_hr["ef"].reason == "no heart rate"
    assert power_summary([200.0] * 60, 250)["ef"].reason == "no heart rate"


def test_single_sample_power_forms():
    # one sample: GC NP = ((300/30)^4)^(1/4) = 10 (29 padded zeros); xPower = 260/26 = 10 after one step
    assert normalized_power_gc([300.0]) == pytest.approx(10.0)
    assert xpower([260.0]) == pytest.approx(10.0)
    assert normalized_power_gc([]) is None and xpower([]) is None


# --- acwr.py / monotony.py: band edges (metrics.md §2 Gabbett bands, §3 Foster) ---


@pytest.mark.parametrize(
    ("ratio", "band"),
    [(1.5, "red"), (1.49, "amber"), (1.3, "amber"), (1.29, "ok"), (0.8, "ok"), (0.79, "low"), (None, None)],
)
def test_acwr_band_edges_belong_to_the_higher_band(ratio, band):
    # sweet spot 0.8-1.3 inclusive of 0.8, danger zone from 1.5 (settings: acwr_low/amber/red)
    assert acwr_band(ratio) == band


def test_coupled_acwr_of_exactly_one_and_a_half_is_red():
    # 21 days at 10 then 7 at 18: acute 18, chronic (210 + 126) / 28 = 12, ratio 1.5
    r = acwr([10.0] * 21 + [18.0] * 7).coupled
    assert (r.inputs["acute"], r.inputs["chronic"], r.value, r.status) == (18.0, 12.0, 1.5, "red")


# A week whose population SD is exactly 2: deviations 3,-3,2,-2,1,-1,0 (squares sum to 28 = 7 x 4).
DEV = (3.0, -3.0, 2.0, -2.0, 1.0, -1.0, 0.0)


def _week(mean: float, scale: float = 1.0) -> list[float]:
    return [(mean + d) * scale for d in DEV]


POP = replace(AnalyticsSettings(), monotony_ddof=0)  # the closed forms below use the population SD


def test_monotony_status_edges():
    two = monotony(_week(4.0), POP)  # mean 4 / SD 2
    assert two.monotony.value == 2.0 and two.monotony.status == "amber"
    assert monotony(_week(5.0), POP).monotony.status == "red"  # 5 / 2 = 2.5
    assert monotony(_week(3.8), POP).monotony.status == "ok"  # 1.9


def test_strain_red_from_6000():
    # monotony 2.5 (mean 5, SD 2, scaled by c): strain = 35c x 2.5 = 87.5c
    red = monotony(_week(5.0, 69.0), POP).strain  # 6037.5
    assert red.value == pytest.approx(6037.5) and red.status == "red"
    ok = monotony(_week(5.0, 68.0), POP).strain  # 5950
    assert ok.value == pytest.approx(5950.0) and ok.status == "ok"
    edge = monotony(_week(5.0), replace(POP, strain_red=87.5)).strain
    assert edge.value == 87.5 and edge.status == "red"


def test_monotone_mean_max_keeps_order_and_missing_durations():
    # [1, 0, 1]: best 1 s = 1, 2 s = 0.5, 3 s = 2/3; 5 s and 0 s do not exist (nan). The monotone curve is
    # the best average held for at least d: 2 s becomes 2/3 (the 3 s average), in the caller's order.
    raw = mean_max([1.0, 0.0, 1.0], [3, 1, 2, 5, 0])
    assert raw[:3] == pytest.approx([2 / 3, 1.0, 0.5]) and np.isnan(raw[3]) and np.isnan(raw[4])
    mono = mean_max([1.0, 0.0, 1.0], [3, 1, 2, 5, 0], monotone=True)
    assert mono[:3] == pytest.approx([2 / 3, 1.0, 2 / 3]) and np.isnan(mono[3]) and np.isnan(mono[4])


def test_acwr_min_history_setting_controls_the_unreliable_flag():
    # 30 days of history with the documented setting raised to 35: the ratios are flagged unreliable;
    # lowered to 21, 25 days are enough (the chronic window alone no longer decides).
    s = replace(AnalyticsSettings(), acwr_min_history_days=35)
    assert "unreliable" in acwr([60.0] * 30, settings=s).coupled.inputs
    s = replace(AnalyticsSettings(), acwr_min_history_days=21)
    assert "unreliable" not in acwr([60.0] * 25, settings=s).coupled.inputs


# --- tid.py: classification rules at their ties (Treff 2019: polarized only if z1 > z3 > z2 and PI > 2) ---


@pytest.mark.parametrize(
    ("z", "pi", "label"),
    [
        ((7500.0, 800.0, 1700.0), 2.2024, "polarized"),  # seconds, not fractions: 75/8/17 %
        ((0.75, 0.08, 0.17), 2.01, "polarized"),  # PI just above 2
        ((0.45, 0.10, 0.45), 2.306, "high_intensity"),  # z1 = z3: not polarized, z3 ties for the top
        ((0.60, 0.15, 0.25), 2.0, "mixed"),  # z1 > z3 > z2 but PI = 2 is not > 2
        ((0.4, 0.4, 0.2), 1.6, "threshold"),  # z1 = z2: not pyramidal (strict), z2 ties for the top
        ((0.6, 0.2, 0.2), 1.78, "mixed"),  # z2 = z3: neither pyramidal nor polarized
        ((0.2, 0.4, 0.4), 1.3, "threshold"),  # z2 = z3 on top: threshold comes first
        ((0.2, 0.3, 0.5), 1.5, "high_intensity"),
        ((0.89, 0.10, 0.01), 1.0, "pyramidal"),  # exactly 1 % high intensity is not "base" (< 1 %)
        ((0.5, 0.5, 0.0), 0.0, "base"),  # z1 ties z2 with no high intensity
    ],
)
def test_tid_classification_at_ties(z, pi, label):
    assert classify_tid(*z, pi) == label


def test_polarization_index_without_low_intensity_is_zero():
    assert polarization_index(0.0, 0.5, 0.5) == 0.0  # log10(0) is undefined: the z = 0 rule applies


# --- zones.py: zone ranges and the split of zone time into bands ---


def test_first_zone_below_the_assumed_floor_is_a_point_not_an_inverted_range():
    # upper bounds 40 / 80 % with the floor at 50 %: zone 1 is [0.4, 0.4], never (0.5, 0.4)
    assert zone_ranges([40.0, 80.0, 999.0], 100.0, 0.5) == [(0.4, 0.4), (0.4, 0.8), (0.8, math.inf)]


def test_split_keeps_time_of_point_zones_and_zones_after_them():
    ranges = [(0.4, 0.4), (0.4, 0.8), (0.8, math.inf)]
    # zone 1: all 60 s below 0.6; zone 2 spans 0.4-0.8: half below 0.6, half above; the open top zone
    # starting at 0.8 goes wholly to the band holding 0.8
    assert list(split_secs([60.0, 100.0, 50.0], ranges, [0.6, 1.0])) == pytest.approx([110.0, 100.0, 0.0])


def test_open_top_zone_starting_at_threshold_counts_as_at_or_above_it():
    ranges = zone_ranges([90.0, 100.0, 999.0], 100.0, 0.5)  # top zone from exactly 1.0
    assert list(split_secs([0.0, 0.0, 60.0], ranges, [0.85, 1.0])) == [0.0, 0.0, 60.0]


# --- acwr.py: windows, history flags and EWMA seeds (metrics.md §2) ---


def test_start_of_day_ratio_uses_the_windows_ending_yesterday():
    # yesterday 20, today 80, before that 10/day. Ending yesterday: acute (6*10 + 20) / 7, chronic
    # (27*10 + 20) / 28, ratio (80/7) / (290/28) = 320/290
    r = acwr([10.0] * 27 + [20.0, 80.0]).start_of_day
    assert r.inputs["acute"] == pytest.approx(80 / 7) and r.inputs["chronic"] == pytest.approx(290 / 28)
    assert r.value == pytest.approx(320 / 290)


def test_unreliable_flags_start_at_28_and_35_days():
    at_28 = acwr([60.0] * 28)
    assert "unreliable" not in at_28.coupled.inputs
    assert at_28.uncoupled.inputs["unreliable"] == "uncoupled chronic needs 35 days of history"
    at_35 = acwr([60.0] * 35)
    assert "unreliable" not in at_35.uncoupled.inputs and at_35.uncoupled.value == 1.0


def test_one_day_and_no_history():
    one = acwr([70.0])  # acute 70/7 = 10, chronic 70/28 = 2.5
    assert one.coupled.value == 4.0
    assert one.ewma.value == 1.0 and one.ewma.inputs["seed"] == "mean load of the first 1 day(s)"
    none = acwr([50.0] * 10, history_days=0)
    for m in (none.coupled, none.uncoupled, none.ewma, none.start_of_day):
        assert m.value is None and m.reason == "no load history"
    # history_days only sets the flags: 10 days of 50 give acute 50, chronic 500/28, ratio 2.8
    assert acwr([50.0] * 10, history_days=1).coupled.value == pytest.approx(2.8)


def test_ewma_runs_over_the_longer_history_when_given():
    # metrics.md §2 vector (28 days at 50, then 7 at 100, seeded with the first window's mean 50): 1.3394
    r = acwr([100.0] * 7, ewma_history=[50.0] * 28 + [100.0] * 7).ewma
    assert r.value == pytest.approx(1.3394, abs=1e-4)


def test_ewma_seeded_with_the_first_day():
    # seed 40: EWMA7 = 40, then 0.25*100 + 0.75*40 = 55; EWMA28 = 40, then (2*100 + 27*40)/29 = 1280/29
    s = replace(AnalyticsSettings(), acwr_ewma_seed="first")
    r = acwr([40.0, 100.0], settings=s).ewma
    assert r.inputs["seed"] == "first day's load"
    assert r.inputs["acute"] == pytest.approx(55.0) and r.inputs["chronic"] == pytest.approx(1280 / 29)


# --- monotony.py: reasons and active-day gate (metrics.md §3) ---------------------------------------------


def test_monotony_reasons():
    assert monotony([0.0] * 7).monotony.reason == "no load in the window"
    flat = monotony([50.0] * 7)
    assert flat.monotony.reason == "daily load is constant (SD 0): monotony undefined"
    assert flat.strain.reason == flat.monotony.reason and flat.strain.value is None


def test_monotony_of_k_loaded_days_is_sqrt_k_over_rest_days():
    # k equal loads in 7 days: mean k a/7, population SD a sqrt(k (7-k))/7, monotony sqrt(k / (7 - k))
    assert monotony([0.5, 0, 0, 0, 0, 0, 0], POP).monotony.value == pytest.approx(
        math.sqrt(1 / 6)
    )  # load < 1
    three = monotony([1.0, 0, 1.0, 0, 1.0, 0, 0], POP, min_active_days=3)  # exactly the 3 days the gate needs
    assert three.monotony.value == pytest.approx(math.sqrt(3 / 4))


# --- rounding and windows in what the JSON answers show ---------------------------------------------------


def test_reported_roundings():
    assert monotony([1 / 3] * 7).to_dict()["weekly_load"] == 2.33  # 2 decimals
    empty = tid([], D0, D0)
    assert TidDrift(empty, empty, 0.123456, "consistent").to_dict()["pi_delta"] == 0.123  # 3 decimals
    shares = replace(empty, seconds=(3000.0, 600.0, 400.0)).to_dict()
    assert (shares["z1_pct"], shares["z2_pct"], shares["z3_pct"], shares["hours"]) == (
        75.0,
        15.0,
        10.0,
        1.111,
    )


def test_classification_with_amounts_where_z1_is_not_the_largest():
    assert classify_tid(2000.0, 3000.0, 5000.0, 1.5) == "high_intensity"


def test_fitness_on_uses_the_settings_ramp_window_and_zones():
    m = _model([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [0.0] * 8)
    three = replace(AnalyticsSettings(), ramp_days=3, form_transition=100.0, form_fresh=50.0)
    f = fitness_on(m, D0 + timedelta(days=7), three)
    assert f.ramp_rate.value == 3.0 and f.ramp_rate.reason is None  # CTL[7] - CTL[4]
    assert f.form_zone == "grey"  # form +7 is below this athlete's own fresh threshold (50)
    assert project(20.0, 0.0, D0, [0.0], three)[0].form_zone == "grey"  # form +19.5, same settings
    assert fitness_on(m, D0 + timedelta(days=9)).day == D0 + timedelta(days=9)


def test_model_lookup_and_notes_in_provenance():
    m = _model([10.0, 20.0], [5.0, 6.0])
    assert m.at(D0) == (10.0, 5.0) and m.at(D0 + timedelta(days=1)) == (20.0, 6.0)
    assert m.at(D0 + timedelta(days=2)) is None and m.at(D0 - timedelta(days=1)) is None
    short = fitness_model(daily_loads(acts_from_loads([50.0] * 41), D0, D0 + timedelta(days=40)))
    notes = fitness_on(short, D0 + timedelta(days=40)).ctl.inputs["notes"]
    assert notes == ["only 41 day(s) of history: CTL needs ~42 to settle"]


def test_anchor_source_counts_days_after_a_later_anchor():
    m = _flat_model(5, [], [well(D0 + timedelta(days=1), ctl=30.0, atl=20.0)])
    assert m.source.endswith("+ replay of 3 day(s) of load")


def test_uncoupled_with_short_history():
    one = acwr([70.0]).uncoupled  # no week before the acute one: chronic 0
    assert one.value is None and one.reason == "chronic load is 0: ratio undefined"
    # 10 days of 50 with history_days=1: days 8-10 back hold 150, chronic 150/28, ratio 50 / (150/28)
    assert acwr([50.0] * 10, history_days=1).uncoupled.value == pytest.approx(50 / (150 / 28))


def test_acwr_status_uses_the_callers_bands():
    # metrics.md §2 vector: coupled 1.600. Red from 1.5 by default; with the danger zone moved to 2.0, amber.
    spike = [50.0] * 28 + [100.0] * 7
    assert acwr(spike).coupled.status == "red"
    assert acwr(spike, settings=replace(AnalyticsSettings(), acwr_red=2.0)).coupled.status == "amber"
