"""Phase fields in Section 11's shape: ``derived_metrics.phase_detection`` (with its two evidence streams,
previous phase and weeks in phase), ``phase_detected`` / ``phase_triggers``, ``readiness_decision.
phase_context``, history.json's ``weekly_180d[].phase_detected`` and ``monthly_*[].dominant_phase``.

Phase names are written as Section 11 writes them ("Build", "Deload" ...). Past weeks are labelled once per
export (``timeline``, kept on the context) by ``analytics.phase_streams.weekly_phases`` on the same daily
loads and CTL series as today's phase (Intervals.icu's CTL where a wellness record has one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.days import DailyLoads, daily_loads, week_start
from icucoach.analytics.export_metrics import hard_days
from icucoach.analytics.inputs import PlannedInput, from_api_event
from icucoach.analytics.load import fitness_model, pinned_to_wellness
from icucoach.analytics.phase_streams import dominant_phase, phase_run, phase_streams, weekly_phases
from icucoach.mirror.context import ExportContext

Json = dict[str, Any]
LABELS = {
    "base": "Base",
    "build": "Build",
    "peak": "Peak",
    "taper": "Taper",
    "recovery": "Recovery",
    "deload": "Deload",
    "overreached": "Overreached",
}
TIMELINE_DAYS = 3 * 366  # loads and hard days as far back as history.json's monthly rows
LABEL_DAYS = 366  # weeks labelled: a replay costs ~4 ms a week, a year covers weekly_180d and monthly_1y


def label(phase: str | None) -> str | None:
    return None if phase is None else LABELS.get(phase, phase.capitalize())


@dataclass(frozen=True)
class Timeline:
    loads: DailyLoads
    hard: dict[date, bool | None]
    events: list[PlannedInput]
    weeks: dict[date, str | None]  # complete training week start -> our phase name


def timeline(ctx: ExportContext) -> Timeline:
    """Daily loads, hard days (3 years) and the phase of every complete week of the last year; built once
    per export (latest.json and history.json both read it), so it is kept in the context's ``__dict__``
    like a cached property."""
    held = ctx.__dict__.get("_phase_timeline")
    if held is not None:
        return held
    s = ctx.settings
    acts = ctx.kept_activities
    start = max(ctx.full.oldest, ctx.today - timedelta(days=TIMELINE_DAYS))
    loads = daily_loads(acts, start, ctx.today)
    events = [from_api_event(e) for e in ctx.events if e.get("start_date_local")]
    model = pinned_to_wellness(fitness_model(loads, ctx.wellness_inputs, events, s), ctx.wellness_inputs)
    hard = hard_days(acts, start, ctx.today, ctx.full.sport_settings_inputs, s)
    first = week_start(max(start, ctx.today - timedelta(days=LABEL_DAYS)), s.week_start)
    starts = [first + timedelta(days=7 * k) for k in range((ctx.today - first).days // 7 + 1)]
    weeks = weekly_phases(loads, model, hard, starts, events, s)
    held = Timeline(loads, hard, events, weeks)
    ctx.__dict__["_phase_timeline"] = held
    return held


def week_label(ctx: ExportContext, ws: date) -> str | None:
    """Section 11 label of the training week starting ``ws``; the current week gets today's phase."""
    if ws == week_start(ctx.today, ctx.settings.week_start):
        return label(ctx.status_dict["phase"]["phase"])
    return label(timeline(ctx).weeks.get(ws))


def month_label(ctx: ExportContext, first: date, last: date) -> str | None:
    """Dominant phase of the weeks overlapping ``[first, last]`` (most weeks; ties: more load)."""
    tl = timeline(ctx)
    ws = week_start(first, ctx.settings.week_start)
    pairs = []
    while ws <= last:
        end = min(ws + timedelta(days=6), ctx.today)
        load = float(tl.loads.window(end, (end - ws).days + 1).sum()) if end >= tl.loads.start else 0.0
        pairs.append((week_label(ctx, ws), load))
        ws += timedelta(days=7)
    return dominant_phase(pairs)


def _run(ctx: ExportContext) -> tuple[str | None, int | None]:
    tl = timeline(ctx)
    cur = week_start(ctx.today, ctx.settings.week_start)
    past = [tl.weeks[ws] for ws in sorted(tl.weeks) if ws < cur]
    return phase_run(past, ctx.status_dict["phase"]["phase"])


def _codes(phase: str | None, previous: str | None, streams: Json) -> list[str]:
    """Section 11's machine-readable reason codes that apply to ours; our sentences follow them."""
    codes = []
    if phase and previous and phase != previous:
        codes.append(f"PHASE_TRANSITION_{label(previous)}_TO_{label(phase)}")
    if streams["stream_1"]["weeks_available"] < 3:
        codes.append("INSUFFICIENT_LOOKBACK")
    s2 = streams["stream_2"]
    if not s2["plan_coverage_current_week"] and not s2["plan_coverage_next_week"]:
        codes.append("NO_PLANNED_WORKOUTS")
    return codes


def phase_detection(ctx: ExportContext) -> Json:
    """``phase_detection`` (our basis kept, Section 11's stream fields added) and the two shortcuts."""
    st = ctx.status
    tl = timeline(ctx)
    streams = phase_streams(
        st.phase,
        tl.loads,
        tl.hard,
        ctx.today,
        tl.events,
        [a.day for a in ctx.kept_activities if a.day > ctx.today - timedelta(days=42)],
        ctx.settings,
    )
    previous, weeks = _run(ctx)
    p = ctx.status_dict["phase"]
    reasons = _codes(p.get("phase"), previous, streams) + list(p.get("reasons") or [])
    return {
        "phase_detection": {
            "phase": label(p.get("phase")),
            "confidence": p.get("confidence"),
            "reason_codes": reasons,
            "basis": {**(p.get("basis") or {}), **{k: v for k, v in streams.items() if k != "suggested"}},
            "previous_phase": label(previous),
            "phase_duration_weeks": weeks,
            "dossier_declared": None,
            "dossier_agreement": None,
        },
        "phase_detected": label(p.get("phase")),
        "phase_triggers": reasons,
    }


def phase_week(ctx: ExportContext) -> int | None:
    return _run(ctx)[1]


__all__ = ["LABELS", "label", "month_label", "phase_detection", "phase_week", "timeline", "week_label"]
