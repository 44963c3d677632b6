"""One-call activity metrics and the FTP history derived from activities (benchmark index input)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import numpy as np
import pytest
from bench.bench_analytics import synthetic_ride

from icucoach.analytics.activity import activity_metrics
from icucoach.analytics.cp import benchmark_index, ftp_history_from_activities
from icucoach.analytics.power import normalized_power
from icucoach.analytics.status import training_status

from .helpers import D0, act


def test_activity_metrics_full():
    p, hr = synthetic_ride(hours=2.0)
    m = activity_metrics(p, hr, ftp=250, w_prime=20000, lthr=165, hr_rest=50, hr_max=190)
    assert m["np"].value == pytest.approx(normalized_power(p))
    assert m["tss"].value > 0 and m["trimp"].value > 0 and m["hrss"].value > 0
    assert m["wbal"]["cp_source"] == "FTP as CP" and m["wbal"]["integral"]["max_depletion_j"] > 0
    curve = m["power_curve"]["watts"]
    assert all(a >= b for a, b in itertools.pairwise(curve))
    assert "decoupling_pw_hr" in m and "durability" in m


def test_activity_metrics_missing_streams():
    assert activity_metrics()["reason"] == "no power or heart-rate stream"
    m = activity_metrics(None, np.full(4000, 140.0))
    assert m["trimp"].value is None and m["trimp"].reason
    m = activity_metrics(np.full(600, 200.0), None, ftp=None)
    assert m["if"].value is None and m["wbal"] is None and m["wbal_reason"]


def test_ftp_history_from_activities_and_benchmark():
    acts = [act(D0 + timedelta(days=i), 50, ftp=250.0 if i < 40 else 260.0, id=f"r{i}") for i in range(90)]
    acts.append(act(D0, 40, "Run", ftp=300.0, id="run"))
    hist = ftp_history_from_activities(acts)
    assert hist == [(D0, 250.0), (D0 + timedelta(days=40), 260.0)]
    today = D0 + timedelta(days=89)
    assert benchmark_index(hist, today).value == pytest.approx(4.0)
    st_ = training_status(acts, [], [], [], today)
    assert st_.benchmark["cycling"].value == pytest.approx(4.0)
    assert st_.benchmark["cycling"].inputs["source"] == "activities' icu_ftp"
