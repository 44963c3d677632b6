"""DFA α1 rollups (docs/metrics.md "DFA α1"): reference values on small hand-built streams, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icucoach.analytics import dfa


def steps(*parts: tuple[int, float, float, float]) -> dict[str, list]:
    """Streams from (seconds, a1, hr, watts) pieces, artifacts 1 % throughout."""
    out: dict[str, list] = {"dfa_a1": [], "heartrate": [], "watts": [], "artifacts": []}
    for secs, a1, hr, w in parts:
        out["dfa_a1"] += [a1] * secs
        out["heartrate"] += [hr] * secs
        out["watts"] += [w] * secs
        out["artifacts"] += [1.0] * secs
    return out


def block(s: dict[str, list]) -> dict:
    b = dfa.session_block(s["dfa_a1"], s.get("artifacts"), s.get("heartrate"), s.get("watts"), s.get("time"))
    assert b is not None
    return b


FOUR_BANDS = steps((600, 1.2, 120, 150), (300, 0.75, 150, 220), (300, 0.6, 160, 250), (300, 0.4, 175, 300))


def test_four_band_session_reference_values() -> None:
    b = block(FOUR_BANDS)
    # avg = (600·1.2 + 300·0.75 + 300·0.6 + 300·0.4) / 1500 = 1245 / 1500
    assert b["avg"] == 0.83
    # type-7 percentiles of 300×0.4, 300×0.6, 300×0.75, 600×1.2: positions 374.75, 749.5, 1124.25
    assert (b["p25"], b["p50"], b["p75"]) == (0.6, 0.75, 1.2)
    assert b["tiz_easy"] == {"secs": 600, "pct": 40.0, "avg_hr": 120, "avg_watts": 150}
    assert b["tiz_endurance"] == {
        "secs": 300,
        "pct": 20.0,
        "avg_hr": 150,
        "avg_watts": 220,
    }  # 0.75 is endurance
    assert b["tiz_tempo"] == {"secs": 300, "pct": 20.0, "avg_hr": 160, "avg_watts": 250}
    assert b["tiz_supra"] == {"secs": 300, "pct": 20.0, "avg_hr": 175, "avg_watts": 300}
    # thirds of 500 s: first all 1.2; last = 200×0.6 + 300×0.4 = 0.48; 20 % supra > 15 % → not interpretable
    assert b["drift"] == {
        "first_third_avg": 1.2,
        "last_third_avg": 0.48,
        "delta": -0.72,
        "interpretable": False,
    }
    assert b["quality"] == {
        "valid_secs": 1500,
        "total_secs": 1500,
        "valid_pct": 100.0,
        "artifact_state": "complete",
        "artifact_coverage_pct": 100.0,
        "artifact_rate_avg": 1.0,
        "sufficient": True,
    }


def test_crossing_dwell_and_power_stationarity() -> None:
    b = block(FOUR_BANDS)
    lt1 = b["lt1_crossing"]
    assert lt1["reason"] == "ok" and lt1["secs_in_band"] == lt1["contiguous_secs"] == 300
    assert (lt1["n_qualifying_segments"], lt1["avg_hr"], lt1["avg_watts"]) == (1, 150, 220)
    # lookback: 200 beats at 120 bpm = 100 s of 150 W, then 300 s of 220 W:
    # CV = 100·30.31/202.5 = 15.0 % > 12 %
    assert lt1["estimate_reason"] == "non_stationary_power" and lt1["estimate_eligible"] is False
    assert lt1["n_eligible_segments"] == 0
    assert b["lt2_crossing"]["reason"] == "no_samples_in_band"
    assert b["easy_guard_crossing"]["reason"] == "no_samples_in_band"
    assert [b[k]["marker_dfa_a1"] for k in ("easy_guard_crossing", "lt1_crossing", "lt2_crossing")] == [
        1.0,
        0.75,
        0.5,
    ]

    steady = block(steps((600, 1.2, 120, 200), (300, 0.75, 150, 200), (900, 0.6, 160, 200)))
    assert steady["lt1_crossing"]["estimate_eligible"] is True
    assert steady["lt1_crossing"]["estimate_reason"] == "ok"
    assert steady["lt1_crossing"]["n_eligible_segments"] == 1


@pytest.mark.parametrize(
    ("gap", "reason", "contiguous"),
    [(5, "ok", 80), (6, "no_contiguous_dwell", 40)],  # a gap of ≤ 5 s is bridged, 6 s splits
)
def test_crossing_gap_bridging(gap: int, reason: str, contiguous: int) -> None:
    b = block(steps((1200, 1.2, 120, 200), (40, 0.75, 150, 200), (gap, 0.6, 150, 200), (40, 0.75, 150, 200)))
    assert b["lt1_crossing"]["reason"] == reason
    assert b["lt1_crossing"]["secs_in_band"] == 80 and b["lt1_crossing"]["contiguous_secs"] == contiguous


def test_crossing_needs_total_dwell_and_a_pause_splits_it() -> None:
    b = block(steps((1200, 1.2, 120, 200), (59, 0.5, 170, 250)))
    assert b["lt2_crossing"]["reason"] == "insufficient_total_dwell"
    assert b["lt2_crossing"]["avg_hr"] is None
    s = steps((1200, 1.2, 120, 200), (100, 0.5, 170, 250))
    s["time"] = list(range(1250)) + [t + 600 for t in range(1250, 1300)]  # a 10-minute pause mid-crossing
    assert block(s)["lt2_crossing"]["reason"] == "no_contiguous_dwell"


def test_estimate_eligibility_reasons() -> None:
    early = block(steps((20, 1.2, 120, 200), (90, 0.75, 150, 200), (1500, 1.2, 120, 200)))  # 40 beats before
    assert early["lt1_crossing"]["estimate_reason"] == "lookback_incomplete"
    s = steps((600, 1.2, 120, 200), (300, 0.75, 150, 200), (900, 1.2, 120, 200))
    del s["artifacts"]
    assert block(s)["lt1_crossing"]["estimate_reason"] == "unknown_artifact"
    s = steps((600, 1.2, 120, 200), (300, 0.75, 150, 200), (900, 1.2, 120, 200))
    s["heartrate"][590] = None
    assert block(s)["lt1_crossing"]["estimate_reason"] == "lookback_gap"
    s = steps((600, 1.2, 120, 200), (300, 0.75, 150, 200), (900, 1.2, 120, 200))
    del s["watts"]
    assert block(s)["lt1_crossing"]["estimate_reason"] == "unknown_power"
    s = steps((600, 1.2, 120, 200), (300, 0.75, 150, 200), (900, 1.2, 120, 200))
    s["artifacts"][700] = 9.0  # dropped from the valid samples, still inside the crossing's span
    assert block(s)["lt1_crossing"]["estimate_reason"] == "excessive_artifact"


def test_quality_filters_and_gates() -> None:
    s = steps((1300, 0.9, 140, 200))
    s["dfa_a1"][:100] = [0.0] * 100  # AlphaHRV's "no estimate yet" zeros
    s["artifacts"][100:200] = [12.0] * 100  # above 5 %: dropped
    s["artifacts"][200:300] = [None] * 100  # unknown: kept
    b = block(s)
    q = b["quality"]
    assert (q["valid_secs"], q["total_secs"], q["valid_pct"]) == (1100, 1300, 84.6)
    assert q["artifact_state"] == "partial" and q["artifact_coverage_pct"] == round(100 * 1200 / 1300, 3)
    assert q["artifact_rate_avg"] == round((1100 * 1.0 + 100 * 12.0) / 1200, 2)
    assert q["sufficient"] is False  # 1100 valid s < 1200
    assert b["avg"] is None and b["tiz_easy"] is None and b["drift"] is None and b["lt1_crossing"] is None
    assert dfa.session_block([]) is None and dfa.session_block(None) is None


def test_summary_dominant_band_and_eligible_thresholds() -> None:
    b = block(steps((700, 0.6, 150, 200), (700, 0.4, 170, 260)))  # an exact tie goes to the harder band
    s = dfa.summary(b)
    assert s["dominant_band"] == "supra"
    assert s["tiz_pct"] == {"easy": 0.0, "endurance": 0.0, "tempo": 50.0, "supra": 50.0}
    assert s["lt1_hr"] is None and s["lt2_hr"] is None
    steady = dfa.summary(block(steps((600, 1.2, 120, 200), (300, 0.75, 150, 200), (900, 0.6, 160, 200))))
    assert (steady["lt1_hr"], steady["lt1_watts"], steady["dominant_band"]) == (150, 200, "tempo")


def _session(i: int, sport: str, lt1_hr: int, eligible: bool, indoor: bool = False) -> dfa.DfaSession:
    w = 200 if eligible else 100
    b = block(steps((600, 1.2, 120, w), (300, 0.75, lt1_hr, 200), (900, 0.6, 160, 200)))
    fam = "cycling" if sport.endswith("Ride") else "run"
    day = f"2026-11-{10 + i:02d}"
    return dfa.DfaSession(f"i{i}", day, day + "T08:00:00", "s", sport, fam, indoor, b)


def test_profile_estimates_confidence_and_reasons() -> None:
    sessions = [
        _session(1, "Ride", 148, True),
        _session(2, "VirtualRide", 150, True, indoor=True),
        _session(3, "Ride", 152, True),
        _session(4, "Run", 150, False),
    ]
    p = dfa.profile(sessions)
    assert p is not None
    assert p["latest_session"]["activity_id"] == "i4" and p["latest_session"]["validated"] is False
    cyc = p["trailing_by_sport"]["cycling"]
    assert cyc["n_sessions"] == 3 and cyc["date_range"] == ["2026-11-11", "2026-11-13"]
    assert cyc["lt1_reason"] == "ok" and cyc["confidence"] == "low" and cyc["note"] is None
    assert cyc["lt1_estimate"] == {
        "marker_dfa_a1": 0.75,
        "hr": 150,
        "watts_outdoor": 200,
        "watts_indoor": 200,
        "n_sessions": 3,
        "n_sessions_outdoor": 2,
        "n_sessions_indoor": 1,
    }
    run = p["trailing_by_sport"]["run"]
    assert run["lt1_estimate"] is None and run["lt1_reason"] == "non_stationary_power"
    assert run["lt1_crossing_sessions"] == 1 and run["lt1_eligible_sessions"] == 0
    assert run["validated"] is False and run["note"]
    two = dfa.profile(sessions[:2])
    assert two is not None and two["trailing_by_sport"]["cycling"]["lt1_reason"] == "insufficient_sessions"
    assert dfa.profile([]) is None


a1_values = st.one_of(st.none(), st.floats(0.0, 2.0), st.sampled_from([0.75, 0.5, 1.0, 0.0]))


@settings(max_examples=60, deadline=None)
@given(
    a1=st.lists(a1_values, min_size=1, max_size=2500),
    art=st.one_of(st.none(), st.lists(st.one_of(st.none(), st.floats(-1.0, 30.0)), max_size=2500)),
)
def test_property_bands_partition_valid_seconds(a1: list, art: list | None) -> None:
    b = dfa.session_block(a1, art)
    assert b is not None
    q = b["quality"]
    assert 0 <= q["valid_secs"] <= q["total_secs"] == len(a1)
    if q["sufficient"]:
        bands = [b[k] for k in ("tiz_easy", "tiz_endurance", "tiz_tempo", "tiz_supra")]
        assert sum(x["secs"] for x in bands) == q["valid_secs"]
        assert abs(sum(x["pct"] for x in bands) - 100.0) <= 0.2
        for key in ("easy_guard_crossing", "lt1_crossing", "lt2_crossing"):
            c = b[key]
            assert c["contiguous_secs"] <= c["secs_in_band"]
            assert c["n_eligible_segments"] <= c["n_qualifying_segments"]
            assert c["estimate_eligible"] == (c["estimate_reason"] == "ok")
        assert b["p25"] <= b["p50"] <= b["p75"]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1200, 3000), bad=st.floats(0.31, 1.0), rate=st.floats(5.01, 50.0))
def test_property_artifact_heavy_is_never_sufficient(n: int, bad: float, rate: float) -> None:
    cut = int(n * bad)
    art = [rate] * cut + [1.0] * (n - cut)  # more than 30 % of the recording above 5 % artifacts
    b = dfa.session_block([0.8] * n, art)
    assert b is not None and b["quality"]["sufficient"] is False
