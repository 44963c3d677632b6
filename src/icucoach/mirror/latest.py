"""``latest.json``: Section 11's primary file (``section11.md`` §3.1), same top-level keys in the same order.

Numbers come from the training-status digest (``ExportContext.status``), ``analytics.summary`` and
``analytics.export_metrics``; this module converts units (seconds → hours, m → km) and arranges fields.
Windows: the display window ``--days`` only selects wellness rows and the ``summary``/``weekly_summary``
range; every metric keeps its own fixed window (Section 11 bug §7.1 fixed). CTL/ATL/TSB/ramp rate are
Intervals.icu's wellness values of the athlete's today, as history.json's rows (the digest runs with
``fitness_from_wellness``); ``current_status.fitness.deduplicated`` gives our de-duplicated replay when it
differs (docs/mirror.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from icucoach import __version__
from icucoach.analytics.export_metrics import effort_response
from icucoach.analytics.inputs import sport_family
from icucoach.mirror.activity_fields import activity_entry, format_duration, get, r
from icucoach.mirror.capability_block import build_capability
from icucoach.mirror.context import ExportContext
from icucoach.mirror.derived_block import ACWR_WORDS, derived_block, health_block, readiness_block
from icucoach.mirror.dfa_fields import attach_latest
from icucoach.mirror.files import SCHEMA_VERSION
from icucoach.mirror.status_blocks import profile_display, race_calendar, weight_block
from icucoach.mirror.summary_block import (
    calendar_week_summary,
    read_this_first,
    summary,
    weekly_summary,
    workout_summary_stats,
)
from icucoach.mirror.wellness_fields import current_metrics, wellness_row
from icucoach.workouts.doc import from_workout_doc
from icucoach.workouts.summary import summary as workout_summary

Json = dict[str, Any]
TOP_LEVEL = (
    "READ_THIS_FIRST",
    "metadata",
    "athlete_profile",
    "athlete_notes",
    "alerts",
    "readiness_decision",
    "health_context",
    "history",
    "summary",
    "current_status",
    "derived_metrics",
    "recent_activities",
    "wellness_data",
    "planned_workouts",
    "workout_summary_stats",
    "weekly_summary",
    "race_calendar",
    "calendar_week_summary",
)


def _profile(ctx: ExportContext) -> Json:
    a = ctx.athlete
    dob = a.get("icu_date_of_birth")
    age = None
    if dob:
        b = date.fromisoformat(dob[:10])
        age = ctx.today.year - b.year - ((ctx.today.month, ctx.today.day) < (b.month, b.day))
    activated = a.get("icu_activated")
    years = None
    if activated:
        years = r((ctx.today - date.fromisoformat(activated[:10])).days / 365.25, 1)
    return {
        "name": a.get("name"),
        "date_of_birth": dob,
        "age": age,
        "height_m": a.get("height"),
        "display": profile_display(ctx),
        "weight_kg": a.get("icu_weight") or a.get("weight"),
        "display_preferences": {  # Section 11's codes (mirror.display.Units)
            "wind": ctx.units.wind,
            "temp": ctx.units.temp,
            "rain": ctx.units.rain,
            "distance": ctx.units.distance,
            "weight": ctx.units.weight,
            "height": ctx.units.height,
        },
        "sex": a.get("sex"),
        "location": ", ".join(x for x in (a.get("city"), a.get("state"), a.get("country")) if x) or None,
        "timezone": a.get("timezone"),
        "platform_activated": activated,
        "years_on_platform": years,
    }


def _thresholds(ctx: ExportContext) -> Json:
    last = next((w for w in reversed(ctx.wellness) if w.get("sportInfo")), {})
    ride: Json = next((x for x in last.get("sportInfo") or [] if x.get("type") == "Ride"), {})
    vo2 = next((w.get("vo2max") for w in reversed(ctx.wellness) if w.get("vo2max")), None)
    sports: Json = {}
    for ss in ctx.athlete.get("sportSettings") or []:
        fams = {sport_family(t) for t in ss.get("types") or []}
        for fam in sorted(fams):
            entry = {
                "lthr": ss.get("lthr"),
                "max_hr": ss.get("max_hr"),
                "threshold_pace": ss.get("threshold_pace"),
                "pace_units": ss.get("pace_units"),
                "ftp": ss.get("ftp"),
                "ftp_indoor": ss.get("indoor_ftp"),
            }
            have = sum(v is not None for v in entry.values())
            if fam not in sports or have > sum(v is not None for v in sports[fam].values()):
                sports[fam] = entry
    wp = ride.get("wPrime")
    return {
        "eftp": r(ride.get("eftp"), 1),
        "w_prime": wp,
        "w_prime_kj": r(wp / 1000.0, 1) if wp else None,
        "p_max": ride.get("pMax"),
        "vo2max": vo2,
        "sports": sports,
    }


def _tid(block: Json | None) -> Json | None:
    if not block:
        return None
    return {
        "z1_pct": r(block.get("z1_pct"), 1),
        "z2_pct": r(block.get("z2_pct"), 1),
        "z3_pct": r(block.get("z3_pct"), 1),
        "hours": block.get("hours"),
        "polarization_index": r(get(block, "polarization_index.value"), 2),
        "classification": block.get("classification"),
        "window": block.get("window"),
    }


def _derived(ctx: ExportContext) -> Json:
    s = ctx.status_dict
    rec = s["recovery"]
    short = get(s, "tid.short") or {}
    sod = get(s, "acwr.start_of_day") or {}
    return {
        "acwr": r(get(s, "acwr.coupled.value"), 2),
        "acwr_interpretation": ACWR_WORDS.get(get(s, "acwr.coupled.status")),
        "acwr_uncoupled": r(get(s, "acwr.uncoupled.value"), 2),
        "acwr_ewma": r(get(s, "acwr.ewma.value"), 2),
        "acwr_start_of_day": {
            "value": r(sod.get("value"), 2),
            "interpretation": ACWR_WORDS.get(get(sod, "status")),
            "scope": "start_of_day",
            # Section 11's meaning: the day whose start it describes; our window is the 7/28 complete days
            # ending yesterday (theirs keeps an empty today bucket, docs/mirror.md)
            "as_of_date": ctx.today.isoformat(),
            "window_end": (ctx.today - timedelta(days=1)).isoformat(),
            "current_day_load_included": False,
            "acute_days": 7,
            "chronic_days": 28,
        },
        "acwr_scope": "live_retrospective",
        "acwr_readiness_eligible": False,
        "monotony": r(get(s, "monotony.monotony.value"), 2),
        "strain": r(get(s, "monotony.strain.value"), 0),
        "primary_sport": s.get("primary_sport"),
        "sport_loads": [
            {
                "sport": b["sport"],
                "acwr": r(get(b, "acwr.coupled.value"), 2),
                "monotony": r(get(b, "monotony.monotony.value"), 2),
                "load_7d": b["load_7d"],
                "load_28d": b["load_28d"],
            }
            for b in s.get("by_sport") or []
        ],
        "recovery_index": r(get(rec, "recovery_index.value"), 2),
        "recovery_index_yesterday": r(get(rec, "recovery_index_yesterday.value"), 2),
        "hrv_basis": get(rec, "hrv.basis"),
        "latest_hrv": get(rec, "hrv.today.value"),
        "hrv_baseline_7d": r(get(rec, "hrv.baseline_7d.value"), 1),
        "latest_rhr": get(rec, "rhr.today_bpm"),
        "rhr_baseline_7d": r(get(rec, "rhr.baseline_bpm"), 1),
        "easy_time_ratio": r(get(short, "easy_time_ratio.value"), 2),
        "grey_zone_percentage": r(get(short, "grey_zone_pct.value"), 1),
        "quality_intensity_percentage": r(get(short, "quality_intensity_pct.value"), 1),
        "seiler_tid_7d": _tid(short),
        "seiler_tid_28d": _tid(get(s, "tid.long")),
        "seiler_tid_7d_primary": _tid(get(s, "tid_primary_sport.short")),
        "tid_comparison": {"drift": get(s, "tid.state"), "pi_delta": r(get(s, "tid.pi_delta"), 2)},
        "hard_days_7d": s.get("hard_days_7d"),
        "phase_detection": {
            "phase": get(s, "phase.phase"),
            "confidence": get(s, "phase.confidence"),
            "reason_codes": get(s, "phase.reasons") or [],
            "basis": get(s, "phase.basis") or {},
        },
        "compliance": s.get("compliance"),
        "benchmark_index": s.get("benchmark_index") or {},
        "capability": build_capability(ctx),
    }


def _fitness_values(fit: Json) -> Json:
    return {
        "ctl": r(get(fit, "ctl.value"), 1),
        "atl": r(get(fit, "atl.value"), 1),
        "tsb": r(get(fit, "form.value"), 1),
        "ramp_rate": r(get(fit, "ramp_rate.value"), 2),
    }


def _fitness(ctx: ExportContext) -> Json:
    """Today's CTL/ATL/TSB/ramp as Intervals.icu's wellness record gives them (what the athlete sees, and what
    history.json's row of today says); ``deduplicated``: our replay of the de-duplicated load, only when it
    differs, with the reason."""
    s = ctx.status_dict
    fit = s["fitness"]
    shown = _fitness_values(fit)
    dedup = None
    replay = s.get("fitness_replay")
    if replay is not None:
        ours = _fitness_values(replay)
        if ours != shown:
            dropped = sorted(get(s, "data_quality.duplicates_removed") or {})
            if dropped:
                note = (
                    f"{len(dropped)} duplicate recording(s) of a session ({', '.join(dropped)}) left out of "
                    "the load before replaying CTL/ATL; Intervals.icu counts every recording"
                )
            else:
                note = (
                    "replay of the completed daily load differs from Intervals.icu's values (e.g. today's "
                    "wellness already includes planned load, or a load was edited upstream)"
                )
            dedup = {
                **ours,
                "duplicates_dropped": dropped,
                "source": get(replay, "ctl.inputs.source"),
                "note": note,
            }
    return {
        **shown,
        "form_zone": fit.get("form_zone"),
        "fitness_source": s.get("fitness_source"),
        "deduplicated": dedup,
    }


def _health(ctx: ExportContext) -> Json:
    cur, recent, upcoming = [], [], []
    for e in ctx.events:
        if e.get("category") not in ("SICK", "INJURED"):
            continue
        start = date.fromisoformat(str(e["start_date_local"])[:10])
        end_raw = e.get("end_date_local")
        end = date.fromisoformat(str(end_raw)[:10]) - timedelta(days=1) if end_raw else start
        end = max(end, start)
        item = {"category": e["category"], "start_date": start.isoformat(), "end_date": end.isoformat()}
        if start <= ctx.today <= end:
            cur.append(item)
        elif end < ctx.today and (ctx.today - end).days <= 14:
            recent.append({**item, "days_since_end": (ctx.today - end).days})
        elif start > ctx.today and (start - ctx.today).days <= 90:
            upcoming.append(item)
    inj = next((w for w in reversed(ctx.wellness) if w.get("injury")), None)
    injury = None
    if inj is not None and inj["injury"] >= 2:
        injury = {
            "value": inj["injury"],
            "date": str(inj["id"])[:10],
            "days_ago": (ctx.today - date.fromisoformat(str(inj["id"])[:10])).days,
        }
    triggered = bool(injury and injury["value"] >= 3 and injury["days_ago"] == 0)
    return {
        "current": cur,
        "recent": recent,
        "upcoming": upcoming,
        "wellness_injury": injury,
        "clarification_required": bool(cur or recent or triggered),
        "readiness_input": False,
    }


def _planned(ctx: ExportContext) -> tuple[list[Json], Json]:
    stats = {"total": 0, "summarised": 0, "no_structure": 0, "failed": 0}
    out = []
    horizon = (ctx.today + timedelta(days=42)).isoformat()
    by_type = {t: ss for ss in ctx.athlete.get("sportSettings") or [] for t in ss.get("types") or []}
    for e in ctx.events:
        d = str(e.get("start_date_local") or "")[:10]
        if not (ctx.today.isoformat() <= d <= horizon) or e.get("category") in ("SICK", "INJURED"):
            continue
        stats["total"] += 1
        summ = None
        doc = e.get("workout_doc")
        if doc and doc.get("steps"):
            try:
                summ = workout_summary(from_workout_doc(doc, e.get("type")), by_type.get(e.get("type")))
                stats["summarised"] += 1
            except Exception:  # one odd workout must not break the file
                stats["failed"] += 1
        else:
            stats["no_structure"] += 1
        days_ahead = (date.fromisoformat(d) - ctx.today).days
        desc = e.get("description")
        secs = e.get("moving_time")
        t = str(e.get("start_date_local") or "")[11:16]
        out.append(
            {
                "id": e.get("id"),
                "date": d,
                "name": e.get("name"),
                "type": e.get("category"),
                "sport_type": e.get("type"),
                "planned_tss": e.get("icu_training_load"),
                "duration_hours": r(secs / 3600.0, 2) if secs else None,
                "duration_formatted": format_duration(secs),
                "workout_summary": summ,
                "has_terrain": any(
                    str(x.get("filename") or "").lower().endswith((".gpx", ".tcx", ".fit"))
                    for x in e.get("attachments") or []
                ),
                "start_time": t if t and t != "00:00" else None,
                "indoor": e.get("indoor"),
                "description": desc if days_ahead <= 7 else None,
                "description_preview": None
                if days_ahead <= 7 or summ or not desc
                else "\n".join(desc.splitlines()[:3]),
            }
        )
    return out, stats


def build_latest(
    ctx: ExportContext, generated_at: str, history_meta: Json, ftp_history: Json | None = None
) -> Json:
    s = ctx.status_dict
    days = ctx.opts.days
    window_start = ctx.today - timedelta(days=days - 1)
    recent = ctx.between(ctx.today - timedelta(days=27), ctx.today)
    acts = [activity_entry(ctx, a) for a in recent]
    for entry, a in zip(acts, recent, strict=True):
        entry["effort_response"] = effort_response(a.get("icu_intensity"), a.get("icu_rpe"))
    planned, pstats = _planned(ctx)
    wel = [
        wellness_row(w, ctx.units) for w in ctx.wellness if str(w.get("id"))[:10] >= window_start.isoformat()
    ]
    thresholds = _thresholds(ctx)
    fit = s["fitness"]
    ready = s["readiness"]
    races = s["races"]
    health = _health(ctx)
    doc: Json = {
        "READ_THIS_FIRST": read_this_first(
            ctx,
            window_start,
            {
                "ctl": r(get(fit, "ctl.value"), 1),
                "tsb": r(get(fit, "form.value"), 1),
                "readiness": ready.get("decision"),
            },
        ),
        "metadata": {
            "athlete_id": ctx.athlete.get("id"),
            "last_updated": generated_at,
            "today": ctx.today.isoformat(),
            "timezone": ctx.timezone,
            "data_range_days": days,
            "extended_range_days": 28,
            "version": f"icucoach {__version__}",
            "generator_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "week_start": ctx.opts.week_start,
            "privacy": ctx.opts.privacy,
            "partial": bool(ctx.failures),
            "fetch_errors": list(ctx.failures),
            "duplicates_linked": ctx.duplicates,
        },
        "athlete_profile": _profile(ctx),
        "athlete_notes": ctx.athlete.get("icu_notes") or ctx.athlete.get("bio"),
        "alerts": s["alerts"],
        "readiness_decision": {
            "recommendation": ready.get("decision"),
            "priority": ready.get("priority"),
            "rule": ready.get("rule"),
            "confidence": ready.get("confidence"),
            "signals": ready.get("signals"),
            "signal_summary": ready.get("signal_summary"),
            "modification": {
                "triggers": ready.get("triggers") or [],
                "suggested_adjustments": ready.get("suggested_adjustment"),
            },
            **readiness_block(ctx),
        },
        "health_context": {**health, **health_block(ctx, health)},
        "history": history_meta,
        "summary": summary(ctx, window_start),
        "current_status": {
            "fitness": _fitness(ctx),
            "thresholds": thresholds,
            "current_metrics": current_metrics(
                ctx.wellness[-1] if ctx.wellness else None, ctx.athlete, ctx.units
            ),
            "weight": weight_block(ctx, thresholds, ftp_history),
        },
        "derived_metrics": {**_derived(ctx), **derived_block(ctx, _thresholds(ctx), generated_at)},
        "recent_activities": acts,
        "wellness_data": wel,
        "planned_workouts": planned,
        "workout_summary_stats": workout_summary_stats(ctx, planned, pstats),
        "weekly_summary": weekly_summary(ctx),
        "race_calendar": race_calendar(ctx, races),
        "calendar_week_summary": calendar_week_summary(ctx),
    }
    attach_latest(doc, ctx)
    return {k: doc[k] for k in TOP_LEVEL}


__all__ = ["TOP_LEVEL", "build_latest"]
