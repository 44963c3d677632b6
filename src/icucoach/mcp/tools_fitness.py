"""Body and fitness reads: daily wellness (HRV, sleep, resting HR, subjective scores) and fitness/fatigue/form
with the projection over the planned calendar (via ``insights``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field

from icucoach.analytics.load import form_zone
from icucoach.analytics.settings import DEFAULT_SETTINGS
from icucoach.mcp.context import AthleteArg, DateArg, DetailArg, day_range, session
from icucoach.mcp.derived import analysis
from icucoach.mcp.format import rnd
from icucoach.mcp.registry import READ, Answer, arr, obj, tool

_WELLNESS = (
    ("ctl", "ctl", 1),
    ("atl", "atl", 1),
    ("ramp_rate", "rampRate", 1),
    ("resting_hr_bpm", "restingHR", 0),
    ("hrv_rmssd_ms", "hrv", 0),
    ("hrv_sdnn_ms", "hrvSDNN", 0),
    ("sleep_h", "sleepSecs", 1),
    ("sleep_score_0to100", "sleepScore", 0),
    ("sleep_quality_1to4", "sleepQuality", 0),
    ("weight_kg", "weight", 1),
    ("soreness_1to4", "soreness", 0),
    ("fatigue_1to4", "fatigue", 0),
    ("stress_1to4", "stress", 0),
    ("mood_1to4", "mood", 0),
    ("motivation_1to4", "motivation", 0),
    ("readiness", "readiness", 0),
    ("spo2_pct", "spO2", 1),
    ("steps", "steps", 0),
    ("comments", "comments", 0),
)


@tool(
    READ,
    "Wellness (HRV, sleep, resting HR)",
    {
        "range": obj("oldest/newest"),
        "wellness": obj("columns + rows, one row per day with data"),
        "missing_days": arr("days without a record"),
        "scales": obj("meaning of the subjective scales"),
    },
)
async def icu_get_wellness(
    oldest: DateArg = None,
    newest: DateArg = None,
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """Daily wellness between local dates (default last 7 days): HRV (rMSSD/SDNN ms), resting HR, sleep (h,
    score, quality 1-4), weight kg, soreness/fatigue/stress/mood/motivation (1-4, 1 = good), CTL/ATL.
    Unrecorded columns omitted; days without a record listed."""
    s = session()
    ref = await s.athlete(athlete_id)
    start, end = day_range(oldest, newest, ref.today, 7)
    rows = await (await s.icu()).list_wellness(start, end, athlete_id=ref.id)
    fields = _WELLNESS if detail == "full" else [f for f in _WELLNESS if f[0] not in ("steps", "spo2_pct")]
    table: list[dict[str, Any]] = []
    for w in rows:
        rec: dict[str, Any] = {"date": w.id[:10]}
        for key, attr, digits in fields:
            v = getattr(w, attr, None)
            if attr == "sleepSecs" and v is not None:
                v = v / 3600
            rec[key] = rnd(float(v), digits) if isinstance(v, int | float) and not isinstance(v, bool) else v
        table.append(rec)
    cols = ["date"] + [k for k, _, _ in fields if any(r.get(k) is not None for r in table)]
    seen = {r["date"] for r in table}
    missing = [
        str(start + timedelta(days=i))
        for i in range((end - start).days + 1)
        if str(start + timedelta(days=i)) not in seen
    ]
    return Answer(
        f"{ref.label}: wellness {start}..{end}, {len(table)} days recorded, {len(missing)} missing",
        {
            "athlete": ref.to_dict(),
            "range": {"oldest": str(start), "newest": str(end)},
            "wellness": {"columns": cols, "rows": [[r.get(c) for c in cols] for r in table]},
            "missing_days": missing,
            "scales": {
                "*_1to4": "1 = good .. 4 = bad (sleep quality, soreness, fatigue, stress, mood, motivation)",
                "sleep_score_0to100": "higher = better",
            },
        },
    )


@tool(
    READ,
    "Fitness, fatigue, form",
    {
        "today": obj("CTL/ATL/form now"),
        "series": obj("columns + rows"),
        "projection": arr("days ahead with the planned calendar"),
        "form_zones": obj("legend"),
    },
)
async def icu_get_fitness(
    oldest: DateArg = None,
    newest: DateArg = None,
    projection_days: Annotated[
        int, Field(ge=0, le=56, description="Days to project with planned load.")
    ] = 14,
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """Daily CTL, ATL, form (TSB = CTL - ATL; % = TSB/CTL) as Intervals.icu computes them, form zone
    (high_risk < -30 < optimal < -10 < grey < 5 < fresh < 20 < transition), ramp (CTL/week), planned load
    projected. Default last 42 days (compact: weekly beyond 60)."""
    s = session()
    ref = await s.athlete(athlete_id)
    icu = await s.icu()
    start, end = day_range(oldest, newest, ref.today, 42)
    rows = [w for w in await icu.list_wellness(start, end, athlete_id=ref.id) if w.ctl is not None]
    if detail != "full" and len(rows) > 60:
        rows = rows[::-7][::-1]
    series = [
        [w.id[:10], rnd(w.ctl), rnd(w.atl), rnd(w.form), form_zone(w.form), rnd(w.rampRate)] for w in rows
    ]
    last = rows[-1] if rows else None
    now = None
    if last is not None:
        now = {
            "date": last.id[:10],
            "ctl": rnd(last.ctl),
            "atl": rnd(last.atl),
            "form": rnd(last.form),
            "form_pct": rnd(100 * last.form / last.ctl) if last.ctl and last.form is not None else None,
            "form_zone": form_zone(last.form),
            "ramp_ctl_per_week": rnd(last.rampRate),
        }
    projection: list[dict[str, Any]] = []
    if projection_days:
        found = await analysis(icu, ref.id, ref.today)  # shared with the digest
        settings = DEFAULT_SETTINGS
        if projection_days > settings.projection_days:
            settings = replace(settings, projection_days=projection_days)
        status = found.status(settings)
        for p in status.projection[1 : projection_days + 1]:
            projection.append(
                {
                    "date": str(p.day),
                    "planned_load": rnd(p.planned_load, 0),
                    "ctl": rnd(p.ctl),
                    "atl": rnd(p.atl),
                    "form": rnd(p.form),
                    "form_zone": p.form_zone,
                }
            )
    head = f"{ref.label}: " + (
        f"CTL {now['ctl']}, ATL {now['atl']}, form {now['form']} ({now['form_zone']}) on {now['date']}"
        if now
        else "no fitness data in range"
    )
    if projection:
        head += f"; in {len(projection)} days form {projection[-1]['form']} ({projection[-1]['form_zone']})"
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "today": now,
            "series": {"columns": ["date", "ctl", "atl", "form", "form_zone", "ramp"], "rows": series},
            "projection": projection,
            "form_zones": {
                "high_risk": "< -30",
                "optimal": "-30..-10",
                "grey": "-10..5",
                "fresh": "5..20",
                "transition": "> 20",
            },
        },
    )
