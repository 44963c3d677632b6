"""``analytics.week_compliance``: volume sums keep missing values missing, compliance counts each planned
chip once (property tests), and zone times use the plan's basis."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.chips import COLOURS, Chip
from icucoach.analytics.week_compliance import (
    JUDGED_KINDS,
    Volume,
    compliance,
    done_volume,
    mean_volume,
    planned_volume,
)

DAY = date(2026, 11, 16)

chips = st.lists(
    st.builds(
        Chip,
        day=st.just(DAY),
        kind=st.sampled_from(sorted(COLOURS)),
        planned_id=st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=4)),
    ),
    max_size=30,
)


@given(chips)
def test_compliance_counts_each_due_plan_once(cs: list[Chip]) -> None:
    c = compliance(cs)
    due = [x for x in cs if x.planned_id and x.kind != "pending"]
    assert c.planned == len(due)
    assert c.done + c.missed + c.excused == sum(1 for x in due if x.kind in (*JUDGED_KINDS, "sick"))
    assert c.on_plan <= c.done
    if c.compliance_pct is None:
        assert c.done + c.missed == 0
    else:
        assert 0.0 <= c.compliance_pct <= 100.0
        assert c.compliance_pct == 100.0 * c.done / (c.done + c.missed)
    if c.on_plan_pct is not None:
        assert 0.0 <= c.on_plan_pct <= 100.0


def test_unplanned_and_pending_chips_do_not_count() -> None:
    c = compliance([Chip(DAY, "unplanned", activity_id="a"), Chip(DAY, "pending", planned_id="1")])
    assert c.planned == 0 and c.compliance_pct is None and c.on_plan_pct is None


def _act(i: int, kind: str = "Ride", **kw: object) -> dict:
    base = {"id": f"a{i}", "start_date_local": "2026-11-16T08:00:00", "type": kind, "moving_time": 3600}
    return {**base, "distance": 30000.0, "icu_training_load": 60, **kw}


def test_done_volume_sums_known_values_and_keeps_missing_as_none() -> None:
    acts = [
        _act(1),
        _act(2, "Run", moving_time=1800, distance=6000.0, icu_training_load=40),
        _act(3, "WeightTraining", moving_time=2400, distance=None, icu_training_load=20),
        {"id": "s1", "start_date_local": "2026-11-16T18:00:00", "source": "STRAVA"},
    ]
    v = done_volume(acts)
    assert v["strength"].distance_m is None and v["strength"].duration_s == 2400
    assert v["all"] == Volume(3600 + 1800 + 2400, 36000.0, 120.0, 4, 1)
    assert v["other"] == Volume(None, None, None, 1, 1)


def test_planned_volume_reads_workouts_and_races_only() -> None:
    events = [
        {"category": "WORKOUT", "type": "Ride", "moving_time": 3600, "distance": 0, "icu_training_load": 70},
        {
            "category": "RACE_A",
            "type": "Run",
            "moving_time": 10800,
            "distance": 42195,
            "icu_training_load": 250,
        },
        {"category": "NOTE", "type": None, "name": "travel"},
    ]
    v = planned_volume(events)
    assert v["cycling"].distance_m is None  # a plan without a distance target: not planned, not zero
    assert v["all"] == Volume(14400.0, 42195.0, 320.0, 2, 0)
    assert planned_volume([]) == {"all": Volume()}


def test_mean_volume_over_weeks_counts_a_week_without_the_sport_as_none_done() -> None:
    weeks = [{"run": Volume(3600.0, 10000.0, 50.0, 1)}, {}, {"run": Volume(7200.0, None, 100.0, 2)}, {}]
    m = mean_volume(weeks)["run"]
    # weeks 2 and 4 (no run) are true zeros; week 3's unknown distance is left out of the distance mean
    assert (m.duration_s, m.distance_m, m.load, m.sessions) == (2700.0, pytest.approx(10000 / 3), 37.5, 1)
    assert mean_volume([]) == {}


activities = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Ride", "Run", "Swim", "WeightTraining", "VirtualRide"]),
            "moving_time": st.one_of(st.none(), st.integers(60, 20000)),
            "distance": st.one_of(st.none(), st.floats(100, 200000)),
            "icu_training_load": st.one_of(st.none(), st.integers(0, 400)),
        }
    ),
    max_size=20,
)


@given(activities)
def test_the_week_total_is_the_sum_of_its_sports(acts: list[dict]) -> None:
    recs = [{**a, "id": f"a{i}", "start_date_local": "2026-11-16T08:00:00"} for i, a in enumerate(acts)]
    v = done_volume(recs)
    fams = [x for k, x in v.items() if k != "all"]
    assert v["all"].sessions == len(recs) == sum(x.sessions for x in fams)
    known = [a["moving_time"] for a in acts if a["moving_time"] is not None]
    assert v["all"].duration_s == (sum(known) if known else None)
    loads = [a["icu_training_load"] for a in acts if a["icu_training_load"] is not None]
    assert v["all"].load == (sum(loads) if loads else None)
