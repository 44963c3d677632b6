"""Small pure metrics the data mirror exports that the rest of analytics does not compute yet.

Section 11 compatibility (``section11.md`` §3.2, §4.7, §4.23): data gaps, hard days per day over a range,
the weekly ACWR of history rows, wellness aggregates per period, the FTP timeline from activities, history
confidence, effort response. Every function takes typed inputs (``ActivityInput`` / ``WellnessInput``) or
plain numbers and returns plain values, so the mirror only arranges numbers, never derives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from itertools import pairwise
from statistics import mean

from icucoach.analytics.days import daily_loads
from icucoach.analytics.inputs import ActivityInput, SportSettingsInput, WellnessInput, sport_family
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.summary import PeriodSummary
from icucoach.analytics.tid import hard_day
from icucoach.analytics.zones import activity_bands

INDOOR_TYPES = frozenset({"VirtualRide", "VirtualRun", "VirtualRow", "VirtualSki"})


def data_gaps(activity_days: Iterable[date], min_days: int = 3) -> list[dict]:
    """Runs of at least ``min_days`` consecutive dates without any activity, between the first and last
    activity date (wellness ignored, as Section 11 does): ``[{"period": "a to b", "days_missing": n}]``."""
    days = sorted(set(activity_days))
    gaps = []
    for prev, nxt in pairwise(days):
        missing = (nxt - prev).days - 1
        if missing >= min_days:
            first, last = prev + timedelta(days=1), nxt - timedelta(days=1)
            gaps.append({"period": f"{first.isoformat()} to {last.isoformat()}", "days_missing": missing})
    return gaps


def hard_days(
    activities: Sequence[ActivityInput],
    start: date,
    end: date,
    sport_settings: Sequence[SportSettingsInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict[date, bool | None]:
    """``analytics.tid.hard_day`` for every local day in [start, end] (activities already deduplicated).

    A day with neither zone data nor load is ``False`` when no activity happened, ``None`` when activities
    exist but carry nothing to judge (e.g. only Strava stubs)."""
    loads = daily_loads(activities, start, end)
    by_day: dict[date, list] = {}
    present: set[date] = set()
    for a in activities:
        if not (start <= a.day <= end):
            continue
        present.add(a.day)
        b = activity_bands(a, sport_settings, settings)
        if b is not None:
            by_day.setdefault(a.day, []).append(b)
    out: dict[date, bool | None] = {}
    d = start
    while d <= end:
        load = float(loads.loads[loads.index(d)])
        if d in by_day or load:
            out[d] = hard_day(by_day.get(d, []), load or None, settings)
        else:
            out[d] = None if d in present else False
        d += timedelta(days=1)
    return out


def weekly_acwr(week_loads: Sequence[float]) -> list[float | None]:
    """Section 11's weekly-row ACWR: (this week's load / 7) / (previous three weeks' load / 21).

    ``None`` for the first three rows and when the chronic load is zero; rounded to 2 decimals."""
    out: list[float | None] = []
    for i, load in enumerate(week_loads):
        if i < 3:
            out.append(None)
            continue
        chronic = sum(week_loads[i - 3 : i]) / 21.0
        out.append(round((load / 7.0) / chronic, 2) if chronic > 0 else None)
    return out


def _avg(values: list[float], nd: int = 1) -> float | None:
    return round(mean(values), nd) if values else None


def wellness_stats(wellness: Iterable[WellnessInput], start: date, end: date) -> dict:
    """Means of HRV (rMSSD), resting HR and sleep hours, the last weight and CTL/ATL at the period end,
    CTL peak and low, and the number of days with a record, over local dates [start, end]."""
    rows = sorted((w for w in wellness if start <= w.day <= end), key=lambda w: w.day)
    ctl = [w.ctl for w in rows if w.ctl is not None]
    weights = [w.weight for w in rows if w.weight is not None]
    last = rows[-1] if rows else None
    return {
        "avg_hrv": _avg([w.hrv for w in rows if w.hrv is not None]),
        "avg_rhr": _avg([w.resting_hr for w in rows if w.resting_hr is not None]),
        "avg_sleep_hours": _avg([w.sleep_secs / 3600.0 for w in rows if w.sleep_secs is not None], 2),
        "weight_kg": round(weights[-1], 1) if weights else None,
        "avg_weight_kg": _avg(weights),
        "ctl_end": None if last is None or last.ctl is None else round(last.ctl, 1),
        "atl_end": None if last is None or last.atl is None else round(last.atl, 1),
        "tsb_end": None
        if last is None or last.ctl is None or last.atl is None
        else round(last.ctl - last.atl, 1),
        "ramp_rate": None if last is None or last.ramp_rate is None else round(last.ramp_rate, 2),
        "ctl_peak": round(max(ctl), 1) if ctl else None,
        "ctl_low": round(min(ctl), 1) if ctl else None,
        "days_with_data": len(rows),
    }


def ftp_changes(activities: Iterable[ActivityInput]) -> dict[str, dict[str, float]]:
    """The cycling FTP timeline from the FTP each activity was analysed with (``icu_ftp``): the first date of
    every new value, split indoor (virtual rides) / outdoor: ``{"indoor": {date: W}, "outdoor": {...}}``."""
    out: dict[str, dict[str, float]] = {"indoor": {}, "outdoor": {}}
    last: dict[str, float | None] = {"indoor": None, "outdoor": None}
    for a in sorted(activities, key=lambda a: a.start):
        if a.is_stub or a.ftp is None or sport_family(a.sport) != "cycling":
            continue
        kind = "indoor" if a.sport in INDOOR_TYPES else "outdoor"
        if last[kind] != a.ftp:
            out[kind][a.day.isoformat()] = float(a.ftp)
            last[kind] = a.ftp
    return out


def history_confidence(total_months: int) -> str:
    """≥12 months high, ≥3 medium, else low (Section 11 §3.1 ``history_confidence``)."""
    return "high" if total_months >= 12 else "medium" if total_months >= 3 else "low"


def total_months(first: date | None, last: date | None) -> int:
    """``max(1, int(days / 30.44))`` between the first and last activity; 0 without activities."""
    if first is None or last is None:
        return 0
    return max(1, int(((last - first).days + 1) / 30.44))


def effort_response(intensity_pct: float | None, rpe: float | None) -> str | None:
    """RPE against the band expected for the session's intensity factor (§4.23): ``positive`` (felt easier),
    ``neutral`` or ``negative``; None without RPE or below IF 0.65."""
    if intensity_pct is None or not rpe or rpe <= 0:
        return None
    f = intensity_pct / 100.0
    if f < 0.65:
        return None
    lo, hi = (
        (2, 4)
        if f < 0.75
        else (4, 6)
        if f < 0.85
        else (6, 8)
        if f < 0.95
        else (8, 9)
        if f < 1.05
        else (9, 10)
    )
    return "positive" if rpe < lo else "negative" if rpe > hi else "neutral"


def combine_summaries(summaries: Iterable[PeriodSummary]) -> dict:
    """Totals over several ``analytics.summary.PeriodSummary`` rows (e.g. the days of a display window):
    ``{"total": {...}, "by_sport": {sport: {...}}, "hidden_activities", "duplicates_dropped"}`` with
    count, hours, load, distance_km per sport."""

    def blank() -> dict:
        return {"count": 0, "hours": 0.0, "load": 0.0, "distance_km": 0.0}

    total: dict = blank()
    by_sport: dict[str, dict] = {}
    hidden = dups = 0
    for p in summaries:
        hidden += p.hidden_activities
        dups += p.duplicates_dropped
        for key, t in [("__total__", p.total), *p.by_sport.items()]:
            row = total if key == "__total__" else by_sport.setdefault(key, blank())
            row["count"] += t.count
            row["hours"] += t.moving_time_s / 3600.0
            row["load"] += t.load
            row["distance_km"] += t.distance_m / 1000.0

    def fmt(r: dict) -> dict:
        return {
            "count": r["count"],
            "hours": round(r["hours"], 2),
            "load": round(r["load"], 1),
            "distance_km": round(r["distance_km"], 1),
        }

    return {
        "total": fmt(total),
        "by_sport": {k: fmt(v) for k, v in sorted(by_sport.items())},
        "hidden_activities": hidden,
        "duplicates_dropped": dups,
    }


def streak_stats(values: Sequence[float | None]) -> dict:
    """Mean and count of the non-null values (``avg_feel``/``avg_rpe`` style rows)."""
    vals = [float(v) for v in values if v is not None]
    return {"mean": _avg(vals), "count": len(vals)}


__all__ = [
    "INDOOR_TYPES",
    "combine_summaries",
    "data_gaps",
    "effort_response",
    "ftp_changes",
    "hard_days",
    "history_confidence",
    "streak_stats",
    "total_months",
    "weekly_acwr",
    "wellness_stats",
]
