"""Section 11's ``derived_metrics`` fields beyond the ones ``latest._derived`` arranges (capability aside),
and the Section 11 fields of ``readiness_decision`` and ``health_context``.

Every number comes from ``analytics`` (consistency, stress, baselines, zone_hours, benchmark, monotony,
readiness, phase_streams via ``phase_block``) or the training-status digest; this module picks windows
(fixed: 7 / 28 days ending today, never the display range) and writes Section 11's names, units and
formats. Fitness values stay Intervals.icu's wellness values (the digest runs with
``fitness_from_wellness``); loads and counts are over activities with duplicates linked away.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from icucoach.analytics.baselines import hrv_baseline, rhr_baseline
from icucoach.analytics.benchmark import benchmark, history_span_days, is_southern, seasonal_context
from icucoach.analytics.consistency import consistency_index
from icucoach.analytics.days import week_start
from icucoach.analytics.export_metrics import ftp_changes
from icucoach.analytics.inputs import TRAINING_CATEGORIES
from icucoach.analytics.monotony import effective_monotony
from icucoach.analytics.readiness import phase_modifier, readiness_reason, status_counts
from icucoach.analytics.stress import load_recovery_ratio, stress_tolerance
from icucoach.analytics.zone_hours import zone_basis, zone_hours
from icucoach.analytics.zones import activity_bands
from icucoach.mirror.activity_fields import get, r
from icucoach.mirror.context import ExportContext
from icucoach.mirror.ftp import _cycling_settings
from icucoach.mirror.phase_block import label, phase_detection, phase_week
from icucoach.store.sync import SyncOptions

Json = dict[str, Any]
# Our ACWR bands (same thresholds, Gabbett 2016: 0.8 / 1.3 / 1.5) in Section 11's words.
ACWR_WORDS = {"low": "undertraining", "ok": "optimal", "amber": "caution", "red": "danger"}
TID_LABELS = {
    "base": "Base",
    "polarized": "Polarized",
    "pyramidal": "Pyramidal",
    "threshold": "Threshold",
    "high_intensity": "High Intensity",
    "mixed": "Mixed",
}
GREY_ZONE_NOTE = (
    "Grey zone % = tempo (Z3) time / all zone time over 7 days; keep it small in polarized training"
)
QUALITY_NOTE = (
    "Quality intensity % = threshold-and-above (Z4+) time / all zone time over 7 days; ~20 % in polarized "
    "training"
)
EASY_NOTE = "Easy time ratio = (Z1 + Z2) time / all zone time over 7 days; ~0.80 in polarized training"
HARD_DAYS_NOTE = (
    "Days of the current training week (week start to today) that were hard: >= 30 min at or above tempo, "
    ">= 10 min at or above the quality floor, >= 5 min above threshold (power, else HR, else pace, each "
    "relative to the athlete's threshold), or a day load >= 150"
)
HEALTH_NOTE = (
    "Illness / injury context from the calendar (Intervals.icu categories SICK and INJURED, never the title) "
    "and the wellness injury score. Not a readiness input: readiness_decision is physiological and may say "
    "'go' while clarification_required is true. end_date is the last calendar-marked day (inclusive); it "
    "marks the end of the entry, not proof of recovery, so a recent marker with none current means recovery "
    "is unknown: ask. marker_active: an entry spans today; recent_marker: one ended within "
    "recent_window_days and none spans today. Entries starting more than lookback_days ago are not visible."
)


def tid_block(block: Json | None, sport: str | None = None) -> Json | None:
    """A TID block of the digest in Section 11's field names (seconds, 1 dp percentages as ours, classes in
    their spelling), our ``hours`` and ``window`` kept."""
    if not block:
        return None
    sec = block.get("seconds") or [0, 0, 0]
    out: Json = {
        "z1_seconds": sec[0],
        "z2_seconds": sec[1],
        "z3_seconds": sec[2],
        "z1_pct": block.get("z1_pct"),
        "z2_pct": block.get("z2_pct"),
        "z3_pct": block.get("z3_pct"),
        "polarization_index": r(get(block, "polarization_index.value"), 2),
        "classification": TID_LABELS.get(block.get("classification") or "", block.get("classification")),
        "zone_basis": zone_basis(block.get("basis") or {}),
        "hours": block.get("hours"),
        "window": block.get("window"),
    }
    if sport is not None:
        out["sport"] = sport
    return out


def _benchmarks(ctx: ExportContext) -> tuple[Json, Json, str]:
    season = seasonal_context(ctx.today, is_southern(ctx.timezone))
    hist = ftp_changes(ctx.kept_activities)
    ss = _cycling_settings(ctx.athlete)
    current = {"indoor": ss.get("indoor_ftp"), "outdoor": ss.get("ftp")}
    blocks, spans = {}, {}
    for kind in ("indoor", "outdoor"):
        series = sorted((date.fromisoformat(d), w) for d, w in hist[kind].items())
        now = current[kind]
        if now:
            series.append((ctx.today, float(now)))
        b = benchmark(series, current[kind], ctx.today, season)
        blocks[kind] = {
            "current_ftp": current[kind],
            "ftp_8_weeks_ago": b.ftp_8_weeks_ago,
            "ftp_8_weeks_ago_set_on": None
            if b.ftp_8_weeks_ago_set_on is None
            else b.ftp_8_weeks_ago_set_on.isoformat(),
            "benchmark_index": b.index,
            "benchmark_percentage": b.percentage,
            "seasonal_expected": b.seasonal_expected,
        }
        spans[kind] = history_span_days(series)
    return blocks, spans, season


def derived_block(ctx: ExportContext, thresholds: Json, generated_at: str) -> Json:
    """The Section 11 ``derived_metrics`` fields (merged after ``latest._derived``'s; the TID blocks and
    ``phase_detection`` replace its versions in place)."""
    s = ctx.status_dict
    st = ctx.status
    today = ctx.today
    wk = today - timedelta(days=6)
    by = {b["sport"]: b for b in s.get("by_sport") or []}
    primary = s.get("primary_sport")
    load_7d = sum(b["load_7d"] for b in by.values())
    load_28d = sum(b["load_28d"] for b in by.values())
    multi = sum(1 for b in by.values() if b["load_7d"] > 0) > 1
    total_mono = get(s, "monotony.monotony.value")
    prim = by.get(primary or "")
    prim_mono = get(prim, "monotony.monotony.value")
    eff, reading = effective_monotony(total_mono, prim_mono, multi, ctx.settings)
    ri = get(s, "recovery.recovery_index.value")
    acts = ctx.kept_activities
    recent7 = [a for a in acts if wk <= a.day <= today]
    sps = ctx.full.sport_settings_inputs
    zh = zone_hours(activity_bands(a, sps, ctx.settings) for a in recent7)
    events = [e for e in ctx.events if e.get("start_date_local")]
    planned = [
        date.fromisoformat(e["start_date_local"][:10]) for e in events if e.get("category") == "WORKOUT"
    ]
    ci = consistency_index(planned, [a.day for a in recent7], wk, today)
    basis = get(s, "recovery.hrv.basis")
    wel = ctx.wellness_inputs
    bench, spans, season = _benchmarks(ctx)
    ws = week_start(today, ctx.settings.week_start)
    tid_p = s.get("tid_primary_sport") or {}
    wp = thresholds.get("w_prime")
    return {
        "hrv_baseline_28d": r(hrv_baseline(wel, today, basis, settings=ctx.settings).value, 1),
        "rhr_baseline_28d": r(rhr_baseline(wel, today, settings=ctx.settings).value, 1),
        "monotony_interpretation": reading,
        "primary_sport_monotony": r(prim_mono, 2),
        "primary_sport_tss_7d": prim["load_7d"] if prim else None,
        "effective_monotony": r(eff, 2),
        "multi_sport_detected": multi,
        "stress_tolerance": stress_tolerance(load_7d if by or acts else None),
        "load_recovery_ratio": load_recovery_ratio(load_7d, ri),
        "tss_7d_total": round(load_7d, 0),
        "tss_28d_total": round(load_28d, 0),
        "zone_distribution_7d": zh.to_dict(),
        "grey_zone_note": GREY_ZONE_NOTE,
        "quality_intensity_note": QUALITY_NOTE,
        "easy_time_ratio_note": EASY_NOTE,
        "hard_days_this_week": sum(1 for d, h in st.hard_days.items() if ws <= d <= today and h),
        "hard_days_note": HARD_DAYS_NOTE,
        "seiler_tid_7d": tid_block(get(s, "tid.short")),
        "seiler_tid_7d_primary": tid_block(tid_p.get("short"), primary),
        "seiler_tid_28d": tid_block(get(s, "tid.long")),
        "seiler_tid_28d_primary": tid_block(tid_p.get("long"), primary),
        "consistency_index": ci.value,
        "consistency_details": ci.details(),
        **phase_detection(ctx),
        "seasonal_context": season,
        "benchmark_indoor": bench["indoor"],
        "benchmark_outdoor": bench["outdoor"],
        "eftp": thresholds.get("eftp"),
        "w_prime": wp,
        "w_prime_kj": thresholds.get("w_prime_kj"),
        "p_max": thresholds.get("p_max"),
        "power_model_source": "wellness.sportInfo" if thresholds.get("eftp") or wp else None,
        "vo2max": thresholds.get("vo2max"),
        "calculation_timestamp": generated_at,
        "data_quality": {
            "hrv_data_points": hrv_baseline(wel, today, basis, days=7, settings=ctx.settings).inputs["n"],
            "rhr_data_points": rhr_baseline(wel, today, days=7, settings=ctx.settings).inputs["n"],
            "activities_7d": len(recent7),
            "activities_28d": sum(1 for a in acts if today - timedelta(days=27) <= a.day <= today),
            "planned_workouts_7d": sum(
                1
                for e in events
                if e.get("category") in TRAINING_CATEGORIES
                and wk.isoformat() <= e["start_date_local"][:10] <= today.isoformat()
            ),
            "ftp_history_days": spans,
        },
    }


def readiness_block(ctx: ExportContext) -> Json:
    """Section 11's readiness fields next to ours: ``reason``, ``phase_context``, ``alarm_refs``,
    ``race_week_defers``, and the signals under their names (``acwr``, ``ri``, ``tsb``) with their fields."""
    st = ctx.status
    ready = st.readiness
    race_week = st.races.race_week is not None
    phase = st.phase.phase
    amber_n, _, modifier = phase_modifier(phase, race_week, ctx.settings)
    sig = ready.signals
    shown = ctx.status_dict["readiness"]["signals"]  # ours, as the digest serialises them
    rec = st.recovery
    rhr = shown.get("rhr") or {}
    sod, ri, form = sig["acwr_start_of_day"], sig["recovery_index"], sig["form"]
    today_w = next((w for w in reversed(ctx.wellness) if str(w.get("id"))[:10] == ctx.today.isoformat()), {})
    # Section 11's hrv/rhr "value" is today's reading (ms / bpm); ours was the change, now in delta_*.
    signals = {
        **shown,
        "hrv": {
            **shown.get("hrv", {}),
            "value": rec.hrv.today.value,
            "unit": "ms",
            "delta_pct": r(rec.hrv.delta_pct.value, 1),
            "baseline_7d": r(rec.hrv.baseline_7d.value, 1),
        },
        "rhr": {
            **rhr,
            "value": rhr.get("today_bpm"),
            "delta_bpm": r(sig["rhr"].value, 1),
            "baseline_7d": r(rhr.get("baseline_bpm"), 1),
        },
        "sleep": {
            **shown.get("sleep", {}),
            "hours": r(sig["sleep"].value, 2),
            "quality": today_w.get("sleepQuality"),
        },
        "acwr": {
            "status": sod.status,
            "value": r(sod.value, 2),
            "scope": "start_of_day",
            "as_of_date": ctx.today.isoformat(),
            "current_day_load_included": False,
        },
        "ri": {
            "status": ri.status,
            "value": r(ri.value, 2),
            "value_yesterday": r(rec.recovery_index_yesterday.value, 2),
        },
        "tsb": {"status": form.status, "value": r(form.value, 1)},
    }
    return {
        "signals": signals,
        "signal_summary": status_counts(ready),
        "phase_context": {
            "phase": label(phase),
            "phase_week": phase_week(ctx),
            "amber_threshold": amber_n,
            "modifier_applied": modifier,
        },
        "race_week_defers": race_week and ready.decision == "modify",
        "reason": readiness_reason(ready, amber_n),
        "alarm_refs": list(ready.triggers) if ready.priority <= 1 else [],
    }


def health_block(ctx: ExportContext, base: Json) -> Json:
    """Section 11's status fields of ``health_context`` (events are part of the sync, which either completes
    or fails the export, so the block is never built from partial data: ``source_status`` is "ok")."""
    return {
        "source_status": "ok",
        "marker_active": bool(base.get("current")),
        "recent_marker": bool(base.get("recent")) and not base.get("current"),
        "lookback_days": SyncOptions().events_back_days,
        "recent_window_days": ctx.settings.health_recent_days,
        "note": HEALTH_NOTE,
    }


__all__ = ["ACWR_WORDS", "derived_block", "health_block", "readiness_block", "tid_block"]
