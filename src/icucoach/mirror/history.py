"""``history.json``: long-range context (``section11.md`` §3.2): daily rows for 90 days, weekly rows for 180
days, monthly rows for 1–3 years, period summaries, the FTP timeline and data gaps.

Built from the local store on every export (no API calls, so it is never stale: Section 11 rebuilt it only in
a half-hour window of the week). Totals come from ``analytics.summary`` (duplicates dropped, Strava stubs
counted apart), hard days / weekly ACWR / wellness aggregates / gaps from ``analytics.export_metrics``,
monotony from ``analytics.monotony``. ``summaries.90d.total_activities`` keeps Section 11's meaning (days with
training) for its readers; ``activity_count`` is the number of activities. On purpose unlike Section 11:
180-day and yearly averages include zero weeks/months (``nonzero_*`` given too).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from icucoach import __version__
from icucoach.analytics.days import daily_loads
from icucoach.analytics.days import week_start as week_start_of
from icucoach.analytics.export_metrics import (
    data_gaps,
    streak_stats,
    total_months,
    weekly_acwr,
    wellness_stats,
)
from icucoach.analytics.inputs import sport_family
from icucoach.analytics.monotony import monotony
from icucoach.analytics.summary import PeriodSummary, active_days, day_bases, hard_day_bases
from icucoach.mirror.activity_fields import r
from icucoach.mirror.capability_block import weekly_capability
from icucoach.mirror.context import ExportContext
from icucoach.mirror.display import to_display
from icucoach.mirror.files import SCHEMA_VERSION, script_hash
from icucoach.mirror.phase_block import month_label, week_label
from icucoach.mirror.phase_block import timeline as phase_timeline
from icucoach.mirror.wellness_fields import daily_wellness

Json = dict[str, Any]


def _split(p: PeriodSummary) -> tuple[Any, Any, Any]:
    """Section 11's ``z1_z2_pct / z3_pct / z4_plus_pct``: zones 1+2 / 3 / 4+ of the athlete's zones (easy /
    grey / quality bands), not the Seiler 3-zone split (that is ``derived_metrics.seiler_tid_*``)."""
    pct = p.total.to_dict()["zone_band_pct"]
    if not pct:
        return None, None, None
    return pct["z1_z2"], pct["z3"], pct["z4_plus"]


def _longest(ctx: ExportContext, start: date, end: date, family: str = "cycling") -> float | None:
    secs = [
        a.moving_time or 0.0
        for a in ctx.kept_activities
        if start <= a.day <= end and not a.is_stub and a.family == family
    ]
    return r(max(secs) / 3600.0, 2) if secs and max(secs) > 0 else None


def _sport_loads(p: PeriodSummary) -> dict[str, float]:
    fams: dict[str, float] = {}
    for sport, t in p.by_sport.items():
        fam = sport_family(sport)
        fams[fam] = round(fams.get(fam, 0.0) + t.load, 1)
    return fams


def _bases(ctx: ExportContext, start: date) -> dict[date, str | None]:
    return day_bases(ctx.kept_activities, start, ctx.today, ctx.full.sport_settings_inputs, ctx.settings)


def daily_rows(ctx: ExportContext, hard: dict[date, bool | None]) -> list[Json]:
    """One row per day of the last 90: the day's training, Intervals.icu's CTL/ATL, and the wellness
    record in Section 11's names (``wellness_fields.daily_wellness``)."""
    start = ctx.today - timedelta(days=89)
    days = ctx.full.summaries(start, ctx.today, "day", ctx.opts.week_start, ctx.settings)
    bases = _bases(ctx, start)
    wel = {str(w.get("id"))[:10]: w for w in ctx.wellness}
    rows = []
    for p in days:
        w = wel.get(p.start.isoformat(), {})
        ctl, atl = w.get("ctl"), w.get("atl")
        head, tail = daily_wellness(w, ctx.units)
        row = {
            "date": p.start.isoformat(),
            "total_hours": r(p.total.moving_time_s / 3600.0, 2),
            "total_tss": r(p.total.load, 1),
            "activity_count": p.total.count,
            "activity_types": sorted(p.by_sport) or ["Rest"],
            "hidden_activities": p.hidden_activities,
            "ctl": r(ctl, 1),
            "atl": r(atl, 1),
            "tsb": r(ctl - atl, 1) if ctl is not None and atl is not None else None,
            **head,
            "is_hard_day": hard.get(p.start),
            "intensity_basis": bases.get(p.start),
            **tail,
        }
        rows.append(row)
    return rows


def weekly_rows(ctx: ExportContext, hard: dict[date, bool | None]) -> list[Json]:
    ws = ctx.opts.week_start
    first = week_start_of(ctx.today - timedelta(days=180), ws)
    pre = first - timedelta(days=21)  # three more weeks for the first rows' ACWR
    weeks = ctx.full.summaries(max(pre, ctx.full.oldest), ctx.today, "week", ws, ctx.settings)
    acwrs = weekly_acwr([p.total.load for p in weeks])
    loads = daily_loads(ctx.kept_activities, weeks[0].start if weeks else first, ctx.today)
    bases = _bases(ctx, first)
    rows = []
    for p, ratio in zip(weeks, acwrs, strict=True):
        if p.start < first:
            continue
        end = min(p.end, ctx.today)
        st = wellness_stats(ctx.wellness_inputs, p.start, end)
        fams = _sport_loads(p)
        primary = max(fams, key=lambda k: fams[k]) if fams and max(fams.values()) > 0 else None
        z12, z3, z4 = _split(p)
        acts = [a for a in ctx.kept_activities if p.start <= a.day <= end and not a.is_stub]
        complete = p.end <= ctx.today
        week_loads = loads.loads[loads.index(p.start) : loads.index(end) + 1]
        mono = monotony(week_loads, ctx.settings, 3).monotony.value if complete else None
        rows.append(
            {
                "week_start": p.start.isoformat(),
                "complete": complete,
                "total_hours": r(p.total.moving_time_s / 3600.0, 2),
                "total_tss": r(p.total.load, 1),
                "primary_sport": primary,
                "primary_sport_tss": fams.get(primary) if primary else None,
                "sport_tss_breakdown": fams,
                "activity_count": p.total.count,
                "hidden_activities": p.hidden_activities,
                "duplicates_dropped": p.duplicates_dropped,
                "ctl_end": st["ctl_end"],
                "atl_end": st["atl_end"],
                "tsb_end": st["tsb_end"],
                "ramp_rate": st["ramp_rate"],
                "avg_hrv": st["avg_hrv"],
                "avg_rhr": st["avg_rhr"],
                "avg_sleep_hours": st["avg_sleep_hours"],
                "z1_z2_pct": z12,
                "z3_pct": z3,
                "z4_plus_pct": z4,
                "hard_days": sum(
                    1 for i in range((end - p.start).days + 1) if hard.get(p.start + timedelta(days=i))
                ),
                "longest_ride_hours": _longest(ctx, p.start, end),
                "avg_feel": streak_stats([a.feel for a in acts])["mean"],
                "feel_count": streak_stats([a.feel for a in acts])["count"],
                "avg_rpe": streak_stats([a.rpe for a in acts])["mean"],
                "rpe_count": streak_stats([a.rpe for a in acts])["count"],
                "weight_kg": st["weight_kg"],
                "display": {"weight": to_display(st["weight_kg"], "weight", ctx.units)},
                "monotony": r(mono, 2),
                "intensity_basis_breakdown": hard_day_bases(hard, bases, _dates(p.start, end)),
                "acwr": ratio,
                "phase_detected": week_label(ctx, p.start),
                **weekly_capability(ctx, acts, p.start, end),
            }
        )
    return rows


def monthly_rows(ctx: ExportContext, hard: dict[date, bool | None], months: int = 37) -> list[Json]:
    first = ctx.today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    periods = ctx.full.summaries(
        max(first, ctx.full.oldest), ctx.today, "month", ctx.opts.week_start, ctx.settings
    )
    rows = []
    for p in periods:
        end = min(p.end, ctx.today)
        st = wellness_stats(ctx.wellness_inputs, p.start, end)
        z12, z3, z4 = _split(p)
        ndays = (end - p.start).days + 1
        nhard = sum(1 for i in range(ndays) if hard.get(p.start + timedelta(days=i)))
        rows.append(
            {
                "month": p.start.strftime("%Y-%m"),
                "total_hours": r(p.total.moving_time_s / 3600.0, 1),
                "total_tss": r(p.total.load, 0),
                "activity_count": p.total.count,
                "sport_tss_breakdown": _sport_loads(p),
                "ctl_peak": st["ctl_peak"],
                "ctl_low": st["ctl_low"],
                "ctl_end": st["ctl_end"],
                "avg_hrv": st["avg_hrv"],
                "avg_rhr": st["avg_rhr"],
                "avg_weight_kg": st["avg_weight_kg"],
                "display": {"avg_weight": to_display(st["avg_weight_kg"], "weight", ctx.units)},
                "z1_z2_pct": z12,
                "z3_pct": z3,
                "z4_plus_pct": z4,
                "hard_days_avg_per_week": r(nhard / (ndays / 7.0), 1),
                "longest_ride_hours": _longest(ctx, p.start, end),
                "dominant_phase": month_label(ctx, p.start, end),
                "days_with_data": st["days_with_data"],
            }
        )
    return rows


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _avg(values: list[float], nd: int = 1) -> float | None:
    return r(sum(values) / len(values), nd) if values else None


def build_history(ctx: ExportContext, generated_at: str, ftp_history: Json) -> Json:
    acts = ctx.kept_activities
    first = min((a.day for a in acts), default=None)
    last = max((a.day for a in acts), default=None)
    months = total_months(first, last)
    hard = phase_timeline(ctx).hard  # the same 3 years of hard days the phase labels use, computed once
    daily = daily_rows(ctx, hard)
    weekly = weekly_rows(ctx, hard)
    monthly = monthly_rows(ctx, hard)
    d90 = ctx.today - timedelta(days=89)
    st90 = wellness_stats(ctx.wellness_inputs, d90, ctx.today)
    ctl90 = next((w["ctl"] for w in daily if w["ctl"] is not None), None)
    summaries: Json = {
        "90d": {
            "avg_weekly_tss": r(sum(x["total_tss"] or 0 for x in daily) / (90 / 7), 0),
            "avg_weekly_hours": r(sum(x["total_hours"] or 0 for x in daily) / (90 / 7), 1),
            "ctl_start": ctl90,
            "ctl_end": st90["ctl_end"],
            # Section 11's total_activities counts days with training; kept so, the true count beside it
            "total_activities": active_days(x["activity_count"] for x in daily),
            "activity_count": sum(x["activity_count"] for x in daily),
            "active_days": active_days(x["activity_count"] for x in daily),
            "rest_days": sum(1 for x in daily if not x["activity_count"]),
            "hard_days": sum(1 for x in daily if x["is_hard_day"]),
        },
        "180d": {
            "avg_weekly_tss": _avg([w["total_tss"] or 0 for w in weekly if w["complete"]], 0),
            "avg_weekly_hours": _avg([w["total_hours"] or 0 for w in weekly if w["complete"]], 1),
            "avg_weekly_tss_nonzero": _avg(
                [w["total_tss"] for w in weekly if w["complete"] and w["total_tss"]]
            ),
            "ctl_start": next((w["ctl_end"] for w in weekly if w["ctl_end"] is not None), None),
            "ctl_end": next((w["ctl_end"] for w in reversed(weekly) if w["ctl_end"] is not None), None),
            "weeks_tracked": sum(1 for w in weekly if w["complete"]),
            "nonzero_weeks": sum(1 for w in weekly if w["complete"] and w["total_tss"]),
        },
    }
    tiers: Json = {}
    for n in (1, 2, 3):
        # Section 11's tier: every month the last N x 365 days touch (12N + 1 rows, the first one whole)
        tier_start = (ctx.today - timedelta(days=365 * n)).strftime("%Y-%m")
        rows = [x for x in monthly if x["month"] >= tier_start] if months >= 6 * n else []
        tiers[f"monthly_{n}y"] = rows
        ctls = [x for x in rows if x["ctl_peak"] is not None]
        summaries[f"{n}y"] = {
            "avg_monthly_tss": _avg([x["total_tss"] or 0 for x in rows], 0),
            "ctl_peak": max((x["ctl_peak"] for x in ctls), default=None),
            "ctl_low": min((x["ctl_low"] for x in ctls), default=None),
            "months_tracked": len(rows),
            "nonzero_months": sum(1 for x in rows if x["total_tss"]),
        }
    timeline = []
    for kind in ("indoor", "outdoor"):
        for d, w in sorted((ftp_history.get(kind) or {}).items()):
            timeline.append({"date": d, "ftp": w, "type": kind, "source": "FTP"})
    timeline.sort(key=lambda x: (x["date"], x["type"]))
    return {
        "generated_at": generated_at,
        "source": "Intervals.icu API",
        "sync_version": f"icucoach {__version__}",
        "script_hash": script_hash(),
        "generator_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "data_range": {
            "earliest": first.isoformat() if first else None,
            "latest": last.isoformat() if last else None,
            "total_months": months,
        },
        "ftp_timeline": timeline,
        "data_gaps": data_gaps([a.day for a in ctx.kept_activities]),
        "summaries": summaries,
        "daily_90d": daily,
        "weekly_180d": weekly,
        **tiers,
    }


def history_meta(history: Json, generated_at: str) -> Json:
    """The ``history`` block of latest.json."""
    from icucoach.analytics.export_metrics import history_confidence

    months = history["data_range"]["total_months"]
    return {
        "available": bool(months),
        "last_generated": generated_at,
        "age_days": 0,
        "total_months": months,
        "history_confidence": history_confidence(months),
    }


__all__ = ["build_history", "daily_rows", "history_meta", "monthly_rows", "weekly_rows"]
