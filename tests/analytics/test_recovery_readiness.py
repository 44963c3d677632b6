"""Recovery (ln rMSSD baselines, SDNN path, RHR, sleep, Recovery Index, gates), readiness ladder, alerts."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from icucoach.analytics.readiness import load_alerts, readiness, recovery_alerts, signals, sort_alerts
from icucoach.analytics.recovery import (
    Signal,
    hrv_status,
    recovery,
    recovery_index,
    rhr_signal,
    sleep_signal,
    subjective_signal,
)
from icucoach.analytics.result import Metric

from .helpers import D0, well

TODAY = D0 + timedelta(days=70)


def _days(n, end=TODAY):
    return [end - timedelta(days=n - 1 - i) for i in range(n)]


def _stable(n=70, hrv=60.0, rhr=50.0, sleep=8.0, **today):
    out = []
    for i, d in enumerate(_days(n)):
        wig = 1.0 + 0.05 * math.sin(i)  # some day-to-day variation so the SD is not 0
        kw = {"hrv": hrv * wig, "resting_hr": rhr, "sleep_secs": sleep * 3600}
        if d == TODAY:
            kw.update(today)
        out.append(well(d, **kw))
    return out


def test_hrv_delta_excludes_today_from_baseline():
    w = _stable()
    w[-1] = well(TODAY, hrv=45.0, resting_hr=50.0, sleep_secs=8 * 3600)
    h = hrv_status(w, TODAY)
    prior = [x.hrv for x in w[-8:-1]]
    base = math.exp(sum(math.log(v) for v in prior) / 7)
    assert h.baseline_7d.value == pytest.approx(base)
    assert h.delta_pct.value == pytest.approx(100 * (45 / base - 1))
    assert h.basis == "rmssd" and h.status in ("amber", "red")


def test_hrv_normal_range_on_ln_rmssd():
    h = hrv_status(_stable(), TODAY)
    assert h.normal_low_ln < math.log(60) < h.normal_high_ln
    assert h.trend == "within" and h.status == "green"


def test_no_baseline_from_one_reading():
    h = hrv_status([well(TODAY, hrv=60.0)], TODAY)
    assert h.baseline_7d.value is None and h.delta_pct.value is None
    assert h.status == "unavailable" and h.trend is None
    assert "needs 3 readings" in h.baseline_7d.reason


def test_sdnn_path_when_only_sdnn():
    w = [well(d, hrv_sdnn=80.0 + (i % 3)) for i, d in enumerate(_days(30))]
    h = hrv_status(w, TODAY)
    assert h.basis == "sdnn" and h.reason == "rmssd_missing_sdnn_available"
    assert h.baseline_7d.value is not None and h.status != "unavailable"


def test_glitch_values_dropped():
    w = _stable()
    w[-1] = well(TODAY, hrv=255.0, resting_hr=50.0)  # Amazfit 255 ms glitch (Section 11 PR 6)
    assert hrv_status(w, TODAY).today.value is None


def test_all_null_wellness():
    w = [well(d) for d in _days(30)]
    r = recovery(w, TODAY)
    assert r.hrv.status == "unavailable" and r.rhr.status == "unavailable" and r.sleep.status == "unavailable"
    assert r.recovery_index.value is None and r.subjective.status == "unavailable"
    assert recovery([], TODAY).hrv.status == "unavailable"


def test_rhr_signal_and_persistence():
    w = _stable()
    for k in range(3):
        w[-1 - k] = well(TODAY - timedelta(days=k), hrv=60.0, resting_hr=58.0)
    s = rhr_signal(w, TODAY)
    assert s.status == "red" and s.persistence_days >= 2
    assert rhr_signal(_stable()[:-1], TODAY).status == "unavailable"


def test_sleep_signal():
    assert sleep_signal(_stable(sleep=4.5), TODAY).status == "red"
    assert sleep_signal(_stable(sleep=6.5), TODAY).status == "amber"
    assert sleep_signal(_stable(sleep=8), TODAY).status == "green"


def test_recovery_index():
    w = _stable()
    w[-1] = well(TODAY, hrv=30.0, resting_hr=60.0)
    ri = recovery_index(w, TODAY, "rmssd")
    hb = math.exp(sum(math.log(x.hrv) for x in w[-8:-1]) / 7)
    assert ri.value == pytest.approx((30 / hb) / (60 / 50))
    assert ri.status == "red"
    assert recovery_index(w[-2:], TODAY, "rmssd").value is None  # gated: one prior reading


def test_subjective_scale_1_is_good():
    assert subjective_signal([well(TODAY, soreness=1, fatigue=1, mood=2)], TODAY).status == "green"
    assert subjective_signal([well(TODAY, soreness=4, fatigue=1)], TODAY).status == "amber"


def _sig(**statuses):
    base = {
        k: Signal(k, "green", 0.0)
        for k in ("hrv", "rhr", "sleep", "recovery_index", "acwr_start_of_day", "form", "subjective")
    }
    base.update({k: Signal(k, v, 0.0) for k, v in statuses.items()})
    return base


@pytest.mark.parametrize(
    ("statuses", "decision", "priority"),
    [
        ({}, "go", 3),
        ({"recovery_index": "red"}, "skip", 0),
        ({"hrv": "red", "rhr": "red"}, "skip", 0),
        ({"acwr_start_of_day": "red", "sleep": "amber"}, "skip", 1),
        ({"form": "red", "hrv": "amber"}, "skip", 1),
        ({"sleep": "red"}, "modify", 2),
        ({"hrv": "amber", "sleep": "amber"}, "modify", 2),
        ({"hrv": "amber"}, "go", 3),
        ({"acwr_start_of_day": "red"}, "modify", 2),
    ],
)
def test_readiness_ladder(statuses, decision, priority):
    r = readiness(_sig(**statuses))
    assert (r.decision, r.priority) == (decision, priority)
    if decision == "go":
        assert r.adjustment["intensity"] is None
    else:
        assert r.triggers


def test_readiness_phase_modifiers_and_adjustments():
    assert readiness(_sig(hrv="amber"), phase="taper").decision == "modify"  # 1 amber is enough in a taper
    assert readiness(_sig(hrv="amber", sleep="amber"), phase="build").decision == "go"  # build tolerates 2
    r = readiness(_sig(sleep="red"))
    assert r.adjustment["volume"] == "reduce" and r.adjustment["intensity"] is None
    r = readiness(_sig(hrv="red"))
    assert r.adjustment["intensity"] == "reduce" and r.adjustment["cap_zone"] == "Z2"
    assert readiness(_sig(recovery_index="red")).adjustment["intensity"] == "rest"


def test_signals_and_alerts_share_thresholds():
    rec = recovery(_stable(), TODAY)
    sig = signals(rec, Metric.of("acwr_start_of_day", 1.55, "ratio"), Metric.of("form", -35.0))
    assert sig["acwr_start_of_day"].status == "red" and sig["form"].status == "red"
    a = load_alerts(
        Metric.of("acwr", 1.55),
        Metric.of("monotony", 2.6),
        Metric.of("strain", 100.0),
        Metric.of("ramp", 9.0),
        "high_risk",
        Metric.of("form", -35.0),
    )
    codes = {x.code: x.severity for x in a}
    assert codes == {
        "acwr_high": "alarm",
        "monotony_high": "alarm",
        "ramp_high": "warning",
        "form_high_risk": "warning",
    }
    deload = load_alerts(
        Metric.of("acwr", 1.0),
        Metric.of("monotony", 2.6),
        Metric.of("strain", 1.0),
        Metric.none("ramp", "x"),
        "grey",
        Metric.of("form", 0.0),
        deload_context=True,
    )
    assert deload[0].severity == "info"


def test_recovery_alerts_escalate_with_persistence():
    sig = _sig()
    sig["hrv"] = Signal("hrv", "red", -25.0, "%", None, 3)
    sig["rhr"] = Signal("rhr", "amber", 3.5, "bpm", None, 1)
    al = sort_alerts(recovery_alerts(sig))
    assert [(a.code, a.severity) for a in al] == [("hrv_low", "alarm"), ("rhr_elevated", "warning")]
