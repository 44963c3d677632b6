# ruff: noqa: F811
"""Value checks of the Section 11 fields of ``derived_metrics``, ``readiness_decision``, ``health_context``
and history.json's phase labels, recomputed here with plain arithmetic from the sandbox athlete's raw API data
(as ``test_values`` does for the load metrics), plus consistency between fields that must agree."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from .sandbox_world import TODAY
from .test_values import days_back, exported, loads, raw  # noqa: F401  (module-scoped fixtures)

Json = dict[str, Any]


def test_load_totals_and_stress(exported: dict[str, Json], loads: dict[date, float]) -> None:
    dm = exported["latest"]["derived_metrics"]
    t7, t28 = sum(days_back(loads, 6, 0)), sum(days_back(loads, 27, 0))
    assert dm["tss_7d_total"] == round(t7)
    assert dm["tss_28d_total"] == round(t28)
    assert dm["stress_tolerance"] == round(t7 / 100, 1)
    if dm["recovery_index"]:
        assert math.isclose(dm["load_recovery_ratio"], t7 / (dm["recovery_index"] * 100), abs_tol=0.1)
    if dm["multi_sport_detected"]:
        assert dm["effective_monotony"] == dm["primary_sport_monotony"]


def test_baselines_28d_from_raw_wellness(
    exported: dict[str, Json],
    raw: tuple[list[Json], dict[str, Json]],
) -> None:
    _, wellness = raw
    days = [(TODAY - timedelta(days=n)).isoformat() for n in range(1, 29)]
    hrv = [wellness[d]["hrv"] for d in days if d in wellness and 10 <= (wellness[d].get("hrv") or 0) <= 250]
    rhr = [wellness[d]["restingHR"] for d in days if d in wellness and wellness[d].get("restingHR")]
    dm = exported["latest"]["derived_metrics"]
    assert dm["hrv_baseline_28d"] == round(math.exp(sum(math.log(x) for x in hrv) / len(hrv)), 1)
    assert dm["rhr_baseline_28d"] == round(sum(rhr) / len(rhr), 1)
    assert dm["data_quality"]["hrv_data_points"] == sum(
        1
        for n in range(1, 8)
        if 10 <= (wellness.get((TODAY - timedelta(days=n)).isoformat(), {}).get("hrv") or 0) <= 250
    )


def test_zone_hours_agree_with_tid(exported: dict[str, Json]) -> None:
    dm = exported["latest"]["derived_metrics"]
    zh, tid = dm["zone_distribution_7d"], dm["seiler_tid_7d"]
    assert math.isclose(zh["total_hours"], tid["hours"], abs_tol=0.01)
    assert math.isclose(
        sum(zh[k] for k in ("z1_hours", "z2_hours", "z3_hours", "z4_plus_hours")),
        zh["total_hours"],
        abs_tol=0.02,
    )
    assert math.isclose(100 * zh["z3_hours"] / zh["total_hours"], dm["grey_zone_percentage"], abs_tol=0.3)
    secs = tid["z1_seconds"] + tid["z2_seconds"] + tid["z3_seconds"]
    assert math.isclose(secs / 3600, tid["hours"], abs_tol=0.01)
    assert tid["classification"][0].isupper()
    assert dm["seiler_tid_28d_primary"]["sport"] == dm["primary_sport"]


def test_readiness_signals_under_section11_names(exported: dict[str, Json]) -> None:
    latest = exported["latest"]
    rd, dm = latest["readiness_decision"], latest["derived_metrics"]
    sig = rd["signals"]
    assert sig["hrv"]["value"] == dm["latest_hrv"] and sig["hrv"]["unit"] == "ms"
    assert sig["hrv"]["baseline_7d"] == dm["hrv_baseline_7d"]
    assert sig["rhr"]["value"] == dm["latest_rhr"]
    assert math.isclose(
        sig["rhr"]["delta_bpm"], sig["rhr"]["value"] - sig["rhr"]["baseline_bpm"], abs_tol=0.06
    )
    assert sig["ri"]["value"] == dm["recovery_index"]
    assert sig["ri"]["value_yesterday"] == dm["recovery_index_yesterday"]
    assert sig["acwr"]["value"] == dm["acwr_start_of_day"]["value"]
    assert sig["acwr"]["as_of_date"] == dm["acwr_start_of_day"]["as_of_date"] == latest["metadata"]["today"]
    assert sig["tsb"]["status"] == sig["form"]["status"]
    s = rd["signal_summary"]
    assert set(s) == {"green", "amber", "red", "unavailable"}
    ours = [k for k in sig if k not in ("acwr", "ri", "tsb")]
    assert sum(s.values()) == len(ours)
    assert rd["reason"].startswith(f"P{rd['priority']} {rd['recommendation']}")
    pc = rd["phase_context"]
    assert pc["phase"] == dm["phase_detected"]
    assert pc["phase_week"] == dm["phase_detection"]["phase_duration_weeks"]
    assert pc["amber_threshold"] == {"build_loosened": 3, "default": 2}.get(pc["modifier_applied"], 1)


def test_health_status_fields(exported: dict[str, Json]) -> None:
    hc = exported["latest"]["health_context"]
    assert hc["source_status"] == "ok"
    assert hc["marker_active"] == bool(hc["current"])
    assert hc["recent_marker"] == (bool(hc["recent"]) and not hc["current"])
    assert hc["lookback_days"] == 365 and hc["recent_window_days"] == 14


def test_phase_labels_in_history(exported: dict[str, Json]) -> None:
    hist, dm = exported["history"], exported["latest"]["derived_metrics"]
    weeks = hist["weekly_180d"]
    assert weeks[-1]["phase_detected"] == dm["phase_detected"]
    labelled = [w["phase_detected"] for w in weeks if w["phase_detected"]]
    assert len(labelled) >= len(weeks) - 2
    assert set(labelled) <= {"Base", "Build", "Peak", "Taper", "Recovery", "Deload", "Overreached"}
    assert dm["phase_detection"]["previous_phase"] == weeks[-2]["phase_detected"]
    prev, now = weeks[-2]["phase_detected"], dm["phase_detected"]
    transition = f"PHASE_TRANSITION_{prev}_TO_{now}"
    assert (transition in dm["phase_triggers"]) == (prev is not None and prev != now)
    assert dm["phase_triggers"] == dm["phase_detection"]["reason_codes"]
    month = hist["monthly_1y"][-1]
    mine = [w["phase_detected"] for w in weeks if w["week_start"][:7] == month["month"]]
    assert month["dominant_phase"] in mine or month["dominant_phase"] is None
