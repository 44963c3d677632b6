"""Load model: metrics.md §1 (CTL/ATL/TSB, gains, ramp, form zones, form %) and replay of wellness values."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.days import daily_loads
from icucoach.analytics.load import (
    fitness_from_wellness,
    fitness_model,
    fitness_on,
    form_percent,
    form_zone,
    gain,
    pinned_to_wellness,
    planned_loads,
    pmc_series,
    pmc_series_variable,
    project,
    ramp_rate,
)
from icucoach.analytics.settings import AnalyticsSettings

from .helpers import D0, act, acts_from_loads, plan, well

# metrics.md §1 test vectors [DER]: constant load 100 from 0, day N (first loaded day = 1), exp form.
TABLE_1 = [
    (1, 2.3528, 13.3122),
    (7, 15.3518, 63.2121),
    (14, 28.3469, 86.4665),
    (28, 48.6583, 98.1684),
    (42, 63.2121, 99.7521),
    (84, 86.4665, 99.9994),
]
# The 1/tau form (for contrast: our default must NOT produce these).
TABLE_1_INV = [(1, 2.3810, 14.2857), (7, 15.5223, 66.0083), (42, 63.6544, 99.8457)]


def test_s1_gains_match_forum_quote():
    assert gain(42) == pytest.approx(0.023528, abs=1e-6)
    assert gain(7) == pytest.approx(0.133122, abs=1e-6)
    assert 1 - gain(42) == pytest.approx(0.976472, abs=1e-6)
    assert 1 - gain(7) == pytest.approx(0.866878, abs=1e-6)


@pytest.mark.parametrize(("n", "ctl", "atl"), TABLE_1)
def test_s1_constant_load_table(n, ctl, atl):
    c, a = pmc_series([100.0] * n)
    assert c[-1] == pytest.approx(ctl, abs=1e-4)
    assert a[-1] == pytest.approx(atl, abs=1e-4)
    assert c[-1] == pytest.approx(100 * (1 - math.exp(-n / 42)), abs=1e-9)  # closed form


@pytest.mark.parametrize(("n", "ctl", "atl"), TABLE_1_INV)
def test_s1_inverse_tau_form_differs(n, ctl, atl):
    _, a = pmc_series([100.0] * n)
    assert abs(a[-1] - atl) > 0.05  # we use the exp form, not 1/tau


def test_s1_single_day_and_decay():
    c, a = pmc_series([100.0] + [0.0] * 6)
    assert c[0] == pytest.approx(2.3528, abs=1e-4)
    assert a[0] == pytest.approx(13.3122, abs=1e-4)
    assert c[0] - a[0] == pytest.approx(-10.9594, abs=1e-4)  # same-day TSB
    assert c[-1] == pytest.approx(2.0396, abs=1e-4)
    assert a[-1] == pytest.approx(5.6493, abs=1e-4)


def test_s1_ramp_rate_vector():
    c, _ = pmc_series([100.0] * 8)
    assert ramp_rate(c, 7, 7) == pytest.approx(14.9906, abs=1e-4)
    assert ramp_rate(c, 6, 7) is None  # not 7 days of history yet


def test_s1_form_percent_example():
    assert form_percent(58, 88) == pytest.approx(-51.7, abs=0.05)
    assert form_percent(0, 10) is None  # undefined, not 0


@pytest.mark.parametrize(
    ("tsb", "zone"),
    [
        (25, "transition"),
        (20, "transition"),
        (19.99, "fresh"),
        (5, "fresh"),
        (4.99, "grey"),
        (-9.99, "grey"),
        (-10, "optimal"),
        (-29.99, "optimal"),
        (-30, "high_risk"),
        (-45, "high_risk"),
        (None, None),
    ],
)
def test_s1_form_zone_boundaries(tsb, zone):
    # -30 and -10 belong to the lower zone; +5 and +20 to the higher zone.
    assert form_zone(tsb) == zone


@given(st.floats(-200, 200, allow_nan=False))
def test_form_zone_is_monotone(x):
    order = ["high_risk", "optimal", "grey", "fresh", "transition"]
    assert order.index(form_zone(x)) <= order.index(form_zone(x + 0.5))


@given(st.floats(1, 500), st.integers(300, 600))
def test_ctl_of_constant_load_converges_to_it(load, days):
    c, a = pmc_series([load] * days)
    assert c[-1] == pytest.approx(load, rel=1e-3)
    assert a[-1] == pytest.approx(load, rel=1e-9)
    assert np.all(np.diff(c) >= 0)


@given(st.lists(st.floats(0, 400), min_size=1, max_size=120))
def test_variable_form_equals_constant_form(loads):
    c1, a1 = pmc_series(loads)
    c2, a2 = pmc_series_variable(loads, [42] * len(loads), [7] * len(loads))
    np.testing.assert_allclose(c1, c2, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a1, a2, rtol=0, atol=1e-9)


def _history(n=200, seed=1):
    rng = np.random.default_rng(seed)
    loads = np.where(rng.random(n) < 0.7, rng.integers(20, 160, n), 0).astype(float)
    return loads, acts_from_loads(loads)


def test_replay_reproduces_wellness_ctl_atl():
    loads, acts = _history()
    ctl, atl = pmc_series(loads)
    wel = [well(D0 + timedelta(days=i), ctl=float(ctl[i]), atl=float(atl[i])) for i in range(len(loads))]
    end = D0 + timedelta(days=len(loads) - 1)
    model = fitness_model(daily_loads(acts, D0, end), wel)
    assert model.replay_max_delta == pytest.approx(0.0, abs=1e-9)
    assert model.replay_days_compared == len(loads) - 1  # today's record is not compared
    assert model.source.startswith("replay")
    np.testing.assert_allclose(model.ctl, ctl, atol=1e-9)


def test_replay_anchors_on_wellness_when_history_is_short():
    loads, acts = _history()
    ctl, atl = pmc_series(loads)
    wel = [well(D0 + timedelta(days=i), ctl=float(ctl[i]), atl=float(atl[i])) for i in range(len(loads))]
    end = D0 + timedelta(days=len(loads) - 1)
    late = D0 + timedelta(days=150)  # only the last 50 days of activities are visible
    model = fitness_model(daily_loads(acts, late, end), wel)
    assert "wellness CTL/ATL" in model.source
    assert model.ctl[-1] == pytest.approx(ctl[-1], abs=1e-9)
    assert model.atl[-1] == pytest.approx(atl[-1], abs=1e-9)


def test_fitness_days_event_changes_time_constants():
    loads = [100.0] * 30
    acts = acts_from_loads(loads)
    end = D0 + timedelta(days=29)
    ev = plan(D0 + timedelta(days=10), None, category="FITNESS_DAYS", ctl_days=30, atl_days=5)
    model = fitness_model(daily_loads(acts, D0, end), events=[ev])
    c_ref, a_ref = pmc_series(loads[:10])
    c2, a2 = pmc_series(loads[10:], c_ref[-1], a_ref[-1], 30, 5)
    assert model.ctl[-1] == pytest.approx(c2[-1], abs=1e-9)
    assert model.atl[-1] == pytest.approx(a2[-1], abs=1e-9)
    assert fitness_on(model, end).ctl.inputs["ctl_days"] == 30


def test_set_fitness_event_seeds():
    acts = acts_from_loads([0.0] * 5 + [50.0] * 5)
    ev = plan(D0 + timedelta(days=4), None, category="SET_FITNESS", set_ctl=60.0, set_atl=40.0)
    model = fitness_model(daily_loads(acts, D0, D0 + timedelta(days=9)), events=[ev])
    assert model.ctl[4] == 60.0 and model.atl[4] == 40.0
    c, _ = pmc_series([50.0] * 5, 60.0, 40.0)
    assert model.ctl[-1] == pytest.approx(c[-1])


def test_fitness_on_reports_form_and_provenance():
    acts = acts_from_loads([100.0] * 60)
    end = D0 + timedelta(days=59)
    f = fitness_on(fitness_model(daily_loads(acts, D0, end)), end)
    assert f.form.value == pytest.approx(f.ctl.value - f.atl.value)
    assert f.form_zone == form_zone(f.form.value)
    assert f.ramp_rate.inputs["formula"] == "CTL[d] - CTL[d-7]"
    pct = fitness_on(
        fitness_model(daily_loads(acts, D0, end)), end, replace(AnalyticsSettings(), form_as_percent=True)
    )
    assert pct.form_zone == form_zone(pct.form_percent.value)


def test_projection_with_planned_load():
    proj = project(50.0, 60.0, D0, [0.0] * 7)
    assert proj[0].ctl == pytest.approx(50 * (1 - gain(42)))
    assert proj[-1].atl == pytest.approx(60 * (1 - gain(7)) ** 7)
    assert all(p.form == pytest.approx(p.ctl - p.atl) for p in proj)
    assert proj[-1].form > proj[0].form  # resting raises form


def test_planned_loads_skip_done_sessions():
    done = [act(D0, 80, "Ride")]
    events = [
        plan(D0, 70, "Ride"),
        plan(D0, 40, "Run"),
        plan(D0 + timedelta(days=1), 90, "Ride"),
        plan(D0 + timedelta(days=1), None, "Ride", category="NOTE"),
    ]
    out = planned_loads(events, D0, 3, done)
    assert list(out) == [40.0, 90.0, 0.0]


def test_strava_stub_not_counted_as_zero_effort():
    stub = act(D0, None, "Run", is_stub=True, source="STRAVA")
    dl = daily_loads([stub, act(D0, 50)], D0, D0)
    assert dl.loads[0] == 50
    assert dl.stubs == (stub.id,)
    assert any("Strava stub" in n for n in dl.notes)


def test_per_sport_fitness_weights():
    from types import MappingProxyType

    from icucoach.analytics.status import training_status

    today = D0 + timedelta(days=59)
    acts = acts_from_loads([50.0] * 60) + [
        act(D0 + timedelta(days=i), 100, "WeightTraining", hour=18) for i in range(60)
    ]
    s = replace(AnalyticsSettings(), fitness_sport_weights=MappingProxyType({"strength": 0.0}))
    weighted = training_status(acts, [], [], [], today, s)
    plain = training_status(acts, [], [], [], today)
    c, _ = pmc_series([50.0] * 60)
    assert weighted.fitness.ctl.value == pytest.approx(c[-1])
    assert plain.fitness.ctl.value == pytest.approx(3 * c[-1])
    assert (
        weighted.acwr.coupled.inputs["acute"] == plain.acwr.coupled.inputs["acute"] == 150
    )  # ACWR unweighted


def test_fitness_from_wellness_uses_the_record_and_its_ramp():
    loads = daily_loads(acts_from_loads([50.0] * 30), D0, D0 + timedelta(days=29))
    model = fitness_model(loads)
    day = D0 + timedelta(days=29)
    f = fitness_from_wellness(well(day, ctl=40.0, atl=55.0, ramp_rate=2.5), model)
    assert f is not None
    assert (f.ctl.value, f.atl.value, f.form.value, f.ramp_rate.value) == (40.0, 55.0, -15.0, 2.5)
    assert f.form_percent.value == pytest.approx(-37.5) and f.form_zone == "optimal"
    assert f.ctl.inputs["source"] == f"Intervals.icu wellness of {day.isoformat()}"
    # no rampRate on the record: CTL today (the record's) minus the modelled CTL a week before
    g = fitness_from_wellness(well(day, ctl=40.0, atl=55.0), model)
    assert g is not None and g.ramp_rate.value == pytest.approx(40.0 - float(model.ctl[22]))
    assert fitness_from_wellness(well(day, ctl=40.0), model) is None
    # pinned series: recorded days take the record's values, the others keep the replay
    pinned = pinned_to_wellness(model, [well(day - timedelta(days=1), ctl=39.0, atl=50.0)])
    assert pinned.at(day - timedelta(days=1)) == (39.0, 50.0)
    assert pinned.at(day) == model.at(day) and pinned_to_wellness(model, []) is model
