"""derived_metrics.capability arrangement: windows, the curve match by id, gates and the null shapes."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from icucoach.analytics.capability import Trend
from icucoach.analytics.inputs import ActivityInput
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS
from icucoach.mirror import capability_block as cb

TODAY = date(2026, 11, 29)


def _ctx(**kw):
    base = dict(today=TODAY, curves={}, streams={}, store=None, kept_activities=[], activities=[])
    base.update(kw)
    return SimpleNamespace(**base)


def test_windows_match_section11():
    cur, prev, sw = cb.windows(TODAY)
    assert (cur[0].isoformat(), cur[1].isoformat()) == ("2026-11-02", "2026-11-29")
    assert (prev[0].isoformat(), prev[1].isoformat()) == ("2026-10-05", "2026-11-01")
    assert (sw[0].isoformat(), sw[1].isoformat()) == ("2026-10-19", "2026-11-29")
    assert cb.curve_id(cur) == "r.2026-11-02.2026-11-29"


def _curve(cid, watts):
    return {"id": cid, "secs": [5, 60, 300, 1200, 3600], "values": watts, "activity_id": ["a1"] * 5}


def test_power_curve_delta_from_fetched_curves():
    cur, prev, _ = cb.windows(TODAY)
    curves = {
        "power": {
            "list": [
                _curve(cb.curve_id(prev), [300, 250, 200, 180, 160]),
                _curve(cb.curve_id(cur), [330, 255, 210, 171, 160]),
            ]
        }
    }
    out = cb.power_curve_delta(_ctx(curves=curves))
    assert out["window_days"] == 28
    assert out["anchors"]["5s"] == {"current_watts": 330, "previous_watts": 300, "pct_change": 10.0}
    assert out["anchors"]["1200s"]["pct_change"] == -5.0
    assert out["rotation_index"] == 8.5


def test_power_curve_delta_null_shapes():
    not_fetched = cb.power_curve_delta(_ctx())
    assert not_fetched["anchors"] is None and not_fetched["rotation_index"] is None
    assert not_fetched["current_window"]["start"] == "2026-11-02" and not_fetched["note"]
    cur, _, _ = cb.windows(TODAY)
    one = {"power": {"list": [_curve(cb.curve_id(cur), [330, 255, 210, 171, 160])]}}
    out = cb.power_curve_delta(_ctx(curves=one))
    assert out["anchors"] is None and "previous 0" in out["note"]


def test_hr_curve_delta_from_held_streams():
    def ride(aid, day):
        return ActivityInput(id=aid, start=datetime.combine(day, datetime.min.time()), sport="Run")

    acts = [ride("c", date(2026, 11, 20)), ride("p", date(2026, 10, 20)), ride("x", date(2026, 10, 21))]
    streams = {
        "c": [{"type": "heartrate", "data": [160.0] * 3600 + [189.0] * 60}],
        "p": [{"type": "heartrate", "data": [160.0] * 3600 + [180.0] * 60}],
    }
    out = cb.hr_curve_delta(_ctx(kept_activities=acts, streams=streams))
    assert out["anchors"]["60s"] == {"current_bpm": 189, "previous_bpm": 180, "pct_change": 5.0}
    assert out["anchors"]["3600s"]["current_bpm"] == 160  # (3540 x 160 + 60 x 189) / 3600 = 160.48
    assert "previous 1 of 2" in out["note"]


def _trend(n7, n28, m7=None, m28=None, trend=None):
    return Trend(
        "decoupling",
        Metric.of("d7", m7, "%"),
        Metric.of("d28", m28, "%"),
        trend,
        False,
        high_count=2,
        high_count_short=1,
        n_short=n7,
        n_long=n28,
    )


def test_durability_reliability_gate():
    out = cb.durability(_trend(2, 4, 6.1234, 4.0, "declining"), DEFAULT_SETTINGS)
    assert out["mean_decoupling_7d"] == 6.12 and out["high_drift_count_7d"] == 1
    assert out["reliability_limited"] and "7 days 2 (need 3)" in out["reliability_note"]
    ok = cb.durability(_trend(3, 5, 2.0, 2.5, "stable"), DEFAULT_SETTINGS)
    assert not ok["reliability_limited"] and ok["reliability_note"] is None
    none = cb.durability(None, DEFAULT_SETTINGS)
    assert none["qualifying_sessions_28d"] == 0 and none["mean_decoupling_28d"] is None


def test_tid_comparison_labels_and_missing():
    status = {
        "tid": {
            "short": {"classification": "pyramidal", "polarization_index": {"value": 1.234}},
            "long": {"classification": "polarized", "polarization_index": {"value": 2.3}},
            "pi_delta": -1.066,
            "state": "acute_depolarization",
        }
    }
    out = cb.tid_comparison(status)
    assert out["classification_7d"] == "Pyramidal" and out["classification_28d"] == "Polarized"
    assert (out["pi_7d"], out["pi_28d"], out["pi_delta"]) == (1.23, 2.3, -1.07)
    assert out["drift"] == "acute_depolarization"
    empty = cb.tid_comparison({"tid": {"short": {}, "long": {}}})
    assert empty["drift"] is None and empty["pi_delta"] is None and empty["note"]
