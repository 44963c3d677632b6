"""Phase detection, race guidance and plan compliance."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from icucoach.analytics.compliance import pair, week_compliance
from icucoach.analytics.days import daily_loads
from icucoach.analytics.load import fitness_model
from icucoach.analytics.phase import detect_phase
from icucoach.analytics.races import duration_class, race_guidance

from .helpers import D0, act, acts_from_loads, plan


def _phase(loads, hard_weekdays=(), events=(), **kw):
    loads = np.asarray(loads, dtype=float)
    acts = acts_from_loads(loads)
    today = D0 + timedelta(days=len(loads) - 1)
    dl = daily_loads(acts, D0, today)
    model = fitness_model(dl)
    hard = {
        D0 + timedelta(days=i): (D0 + timedelta(days=i)).weekday() in hard_weekdays and loads[i] > 0
        for i in range(len(loads))
    }
    return detect_phase(dl, model, hard, today, list(events), **kw), today


def _weeks(*weekly, pattern=(1, 1, 0, 1, 1, 1, 0)):
    out = []
    for w in weekly:
        per = w / sum(pattern)
        out += [per * p for p in pattern]
    return out


def test_build():
    ph, _ = _phase([*_weeks(300, 350, 400, 450, 500, 550), 80, 80], hard_weekdays=(1, 3, 5))
    assert ph.phase == "build" and ph.confidence in ("medium", "high")
    assert ph.basis["ctl_slope_per_week"] > 1 and ph.reasons


def test_base():
    ph, _ = _phase([*_weeks(*([350] * 8)), 50], hard_weekdays=())
    assert ph.phase == "base"


def test_recovery():
    ph, _ = _phase([*_weeks(600, 600, 600, 600, 150, 120, 100), 0], hard_weekdays=())
    assert ph.phase in ("recovery", "deload")
    ph2, _ = _phase([*_weeks(600, 600, 600, 600, 600, 100, 100, 80, 80), 0], hard_weekdays=())
    assert ph2.phase == "recovery"


def test_deload_after_build():
    loads = [*_weeks(300, 380, 460, 540, 620), 30, 30, 30, 0]
    ph, _ = _phase(loads, hard_weekdays=(1, 3, 5))
    assert ph.phase == "deload"


def test_taper_and_peak_from_race_calendar():
    loads = [*_weeks(500, 550, 600, 650), 40, 40, 0, 40]
    today = D0 + timedelta(days=len(loads) - 1)
    race = plan(today + timedelta(days=10), None, "Run", category="RACE_A", name="Marathon")
    ph, _ = _phase(loads, (1, 3, 5), [race])
    assert ph.phase == "taper" and "Marathon" in ph.reasons[0]
    far = plan(today + timedelta(days=19), None, "Run", category="RACE_B")
    ph2, _ = _phase(_weeks(500, 550, 600, 650) + [100] * 4, (1, 3, 5), [far])
    assert ph2.phase == "peak"


def test_overreached():
    ph, _ = _phase([*_weeks(300, 300, 300, 900), 150], (1, 3, 5), acwr=1.7, form=-40.0)
    assert ph.phase == "overreached" and ph.confidence == "high"


def test_phase_needs_history():
    ph, _ = _phase([50.0] * 5)
    assert ph.phase is None and "history" in ph.reasons[0]


def test_race_guidance_week_budget_and_projection():
    loads = [80.0] * 60
    acts = acts_from_loads(loads)
    today = D0 + timedelta(days=59)
    dl = daily_loads(acts, D0, today)
    model = fitness_model(dl)
    ctl, atl = float(model.ctl[-1]), float(model.atl[-1])
    race = plan(today + timedelta(days=5), None, "Run", category="RACE_A", name="10K", moving_time=2400)
    g = race_guidance([race], today, ctl, atl, dl, np.zeros(10))
    assert g.next_race["days_to"] == 5 and not g.taper_window
    rw = g.race_week
    assert rw["duration_class"] == "short_intense" and rw["form_target"] == [5.0, 15.0]
    assert rw["budget"][0] == round(0.40 * ctl * 7, 1)
    assert rw["projected_race_day_form"] > ctl - atl  # resting raises form
    far = plan(today + timedelta(days=12), None, "Run", category="RACE_A")
    assert race_guidance([far], today, ctl, atl, dl, np.zeros(20)).taper_window
    assert race_guidance([], today, ctl, atl, dl, np.zeros(5)).next_race is None
    assert duration_class(4 * 3600) == "long_endurance"


def test_compliance_pairs_by_day_and_sport():
    mon, wed, thu, fri, sat, sun = (D0 + timedelta(days=i) for i in (0, 2, 3, 4, 5, 6))
    plans = [
        plan(mon, 60, "Ride", id="p1"),
        plan(wed, 50, "Run", id="p2"),
        plan(fri, 80, "Ride", id="p3"),
        plan(sun, 70, "Ride", id="p4"),
        plan(mon, None, "Ride", category="NOTE", id="n"),
    ]
    done = [
        act(mon, 55, "Ride", id="a1"),
        act(thu, 20, "Swim", id="a2"),
        act(fri, 30, "VirtualRide", id="a3"),
    ]
    wk = week_compliance(plans, done, sat, sat)
    status = {(p.planned.id if p.planned else p.done.id): p.status for p in wk.pairs}
    assert status == {
        "p1": "completed",
        "p2": "missed",
        "p3": "incomplete",
        "p4": "pending",
        "a2": "unplanned",
    }
    assert wk.planned_sessions == 4 and wk.completed_sessions == 1 and wk.missed_sessions == 1
    assert wk.planned_load == 190 and wk.done_load == 85
    assert round(wk.load_pct, 2) == round(100 * 85 / 190, 2)


def test_compliance_explicit_pairing_and_stubs():
    plans = [plan(D0, 60, "Run", id="p1", paired_activity_id="x")]
    done = [act(D0 + timedelta(days=1), None, "Run", id="x", is_stub=True, source="STRAVA")]
    pairs = pair(plans, done, D0, D0 + timedelta(days=6), D0 + timedelta(days=6))
    assert len(pairs) == 1 and pairs[0].done.id == "x" and pairs[0].status == "completed"
