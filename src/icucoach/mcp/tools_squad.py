"""Coach console tools: the squad sorted by who needs attention, one athlete's week against the plan, one
workout reviewed step by step, and the fitness (PMC) chart as an image. The views come from
``icucoach.coach`` (the same as the console's pages); this module only sizes them for a model: compact by
default (chips as one letter per session, the first reasons), ``detail="full"`` for everything.

Who may be read is the session's business (``Session.squad_sources`` / ``athlete``): the key's shared
athletes locally; in the hosted service only the athletes whose grant includes the tool being called.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from icucoach.coach import charts
from icucoach.coach.review import ReviewError, workout_review
from icucoach.coach.season import weeks_held
from icucoach.coach.squad import AthleteSource, SquadRow, load_athlete, load_squad
from icucoach.coach.views import athlete_season, athlete_week
from icucoach.insights.snapshot import Snapshot
from icucoach.mcp.context import AthleteArg, AthleteRef, DateArg, DetailArg, parse_day, session
from icucoach.mcp.registry import READ, Answer, arr, obj, tool

# One letter per session chip (docs/coach.md "Session chips"): what a model reads instead of colours.
CHIP_LETTER = {
    "done": "d",
    "done_unverified": "v",
    "changed": "c",
    "missed": "m",
    "unplanned": "u",
    "race": "r",
    "sick": "s",
    "pending": "p",
}
LEGEND = "d done, v done (Strava, no data), c changed, m missed, u unplanned, r race, s sick, p pending"


def _chips(row: SquadRow) -> str:
    """The last 7 days as letters, a space between days."""
    days: dict[date, str] = {}
    for c in row.chips:
        days[c.day] = days.get(c.day, "") + CHIP_LETTER.get(c.kind, "?")
    return " ".join(f"{d:%a}:{letters}" for d, letters in sorted(days.items()))


def _row(row: SquadRow, full: bool) -> dict[str, Any]:
    if row.error is not None:
        return {"id": row.athlete_id, "name": row.name, "error": row.error}
    reasons = list(row.triage.reasons) if row.triage else []
    out: dict[str, Any] = {
        "id": row.athlete_id,
        "name": row.name,
        "attention": row.triage.worst if row.triage else None,
        "reasons": [f"{r.severity}: {r.sentence}" for r in (reasons if full else reasons[:3])],
        "readiness": row.readiness,
        "form_zone": row.form_zone,
        "ctl": row.ctl,
        "ctl_4w": row.ctl_trend_4w,
        "acwr": row.acwr,
        "chips_7d": _chips(row),
        "alarms": [a.code for a in row.alarms],
        "next_key": _brief(row.next_key_session),
        "next_race": _brief(row.next_race),
    }
    if full:
        out.update(
            readiness_why=row.readiness_why,
            atl=row.atl,
            form=row.form,
            sessions=[c.to_dict() for c in row.chips],
            alarms=[a.to_dict() for a in row.alarms],
            next_key=row.next_key_session,
            next_race=row.next_race,
        )
    return out


def _brief(item: dict[str, Any] | None) -> str | None:
    if not item:
        return None
    days = item.get("days_to")
    return f"{item.get('date')} {item.get('name') or item.get('sport') or ''}".strip() + (
        f" (in {days} d)" if days is not None else ""
    )


@tool(
    READ,
    "Squad triage: who needs attention",
    {"squad": arr("rows, most urgent first (also: legend, requests)")},
)
async def icu_squad_triage(detail: DetailArg = "compact") -> Answer:
    """Everyone sharing with you, most urgent first: worst reason (alarm > warning > info), readiness, form
    zone, CTL and 4-week change, ACWR, last 7 days' sessions as letters (legend), wellness alarms, next
    key session and race."""
    s = session()
    squad = await load_squad(await s.squad_sources(), today=s.fixed_today, cache=s.squad_cache)
    full = detail == "full"
    rows = [_row(r, full) for r in squad.rows]
    urgent = [r["name"] or r["id"] for r in rows if r.get("attention") == "alarm" or r.get("error")]
    head = f"{len(rows)} athlete(s), {squad.today}; " + (
        f"needs attention first: {', '.join(urgent[:5])}" if urgent else "no alarms"
    )
    athlete = {"id": None, "name": "squad", "today": squad.today.isoformat()}
    return Answer(
        head, {"athlete": athlete, "squad": rows, "legend": LEGEND, "requests": squad.upstream_requests}
    )


async def _snapshot(athlete_id: str | None) -> tuple[AthleteRef, AthleteSource, Snapshot]:
    s = session()
    ref = await s.athlete(athlete_id)
    source = AthleteSource(ref.id, ref.name, await s.icu())
    return ref, source, await load_athlete(source, today=ref.today, cache=s.squad_cache)


def _compact_week(week: dict[str, Any]) -> dict[str, Any]:
    keep = ("week_start", "compliance_pct", "on_plan_pct", "planned", "done", "zones", "missed")
    out = {k: week.get(k) for k in keep}
    out["previous_week"] = (week.get("previous_week") or {}).get("all")
    out["avg_4w"] = (week.get("avg_4w") or {}).get("all")
    out["days"] = [
        {
            "date": d.get("date"),
            "sessions": [c.get("sentence") for c in d.get("chips") or []],
            "notes": [n.get("text") for n in d.get("notes") or []],
        }
        for d in week.get("days") or []
    ]
    return out


@tool(
    READ,
    "Athlete week: planned vs done",
    {"week": obj("compliance, volume, zones, days")},
)
async def icu_athlete_week(
    week_start: DateArg = None, athlete_id: AthleteArg = None, detail: DetailArg = "compact"
) -> Answer:
    """One athlete's week (default this week): planned vs done time, distance, load per sport; zone time
    planned vs done; missed sessions; compliance %; daily sessions and notes; vs previous week and
    4-week average."""
    ref, _, snap = await _snapshot(athlete_id)
    # athlete_week takes any day of the week it shows
    start = parse_day(week_start, ref.today, "week_start") if week_start else None
    week = athlete_week(snap, start).to_dict()
    body = week if detail == "full" else _compact_week(week)
    pct = week.get("compliance_pct")
    return Answer(
        f"{ref.label}: week of {week.get('week_start')}, compliance "
        + (f"{pct:.0f} %" if isinstance(pct, int | float) else "n/a"),
        {"athlete": ref.to_dict(), "week": body},
    )


_STEP_KEYS = (
    "label",
    "verdict",
    "target_lo",
    "target_hi",
    "target_unit",
    "actual",
    "actual_unit",
    "delta_pct",
)


@tool(
    READ,
    "Workout review, step by step",
    {"review": obj("activity, planned, chip, steps")},
)
async def icu_workout_review(
    activity_id: Annotated[str, Field(max_length=40, description="Activity id, e.g. 'i123456'.")],
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """A done session vs its planned workout, step by step: target range vs held (NP W, pace m/s or HR bpm),
    hit/over/under/missed, reps on target, rep fade, HR drift, decoupling, conditions, notes."""
    s = session()
    ref = await s.athlete(athlete_id)
    try:
        review = (await workout_review(await s.icu(), ref.id, activity_id)).to_dict()
    except ReviewError as exc:
        raise ValueError(str(exc)) from None
    if detail != "full":
        steps = review.get("review") or {}
        review["review"] = {
            **{k: v for k, v in steps.items() if k != "steps"},
            "steps": [{k: st.get(k) for k in _STEP_KEYS} for st in steps.get("steps") or []],
        }
        chip = review.get("chip")
        review["chip"] = chip.get("sentence") if isinstance(chip, dict) else chip
    summary = review.get("review") or {}
    return Answer(
        f"{ref.label}: {(review.get('activity') or {}).get('name')} — "
        f"{summary.get('reps_hit')}/{summary.get('reps_total')} reps on target",
        {"athlete": ref.to_dict(), "review": review},
    )


@tool(
    READ,
    "Fitness chart (PMC image)",
    {"fitness": obj("today's CTL/ATL/TSB, phase, races")},
)
async def icu_fitness_chart(
    weeks: Annotated[int, Field(ge=4, le=52, description="Weeks shown.")] = 16,
    athlete_id: AthleteArg = None,
) -> Answer:
    """PMC chart as a PNG image (CTL, ATL, TSB as Intervals.icu shows them, daily load, races) with today's
    values, the detected phase, its reasons and the suggested next phase."""
    ref, _, snap = await _snapshot(athlete_id)
    shown = min(weeks, weeks_held(snap))  # the squad snapshot holds 23 weeks: more is clamped, and said
    season = athlete_season(snap, shown)
    pmc = season.pmc
    chart = season.chart_series()
    png = charts.pmc_png(*chart.series, races=chart.races) if chart else None
    last = next((p for p in reversed(pmc) if p.ctl is not None), None)
    fitness = {
        "date": last.day.isoformat() if last else None,
        "ctl": last.ctl if last else None,
        "atl": last.atl if last else None,
        "tsb": last.tsb if last else None,
        "phase": season.phase,
        "phase_reasons": list(season.phase_reasons),
        "suggested_transition": season.suggested_transition,
        "races": list(season.races),
        "chart": "image/png" if png else None,
        "weeks": shown,
    }
    clamped = f" ({shown} weeks: the {weeks} asked go beyond the history held)" if shown < weeks else ""
    answer = Answer(
        f"{ref.label}: PMC {season.start} to {season.today}{clamped}"
        + ("" if png else " (no wellness: no chart)"),
        {"athlete": ref.to_dict(), "fitness": fitness},
    )
    if png:
        answer.images.append((png, "image/png"))
    return answer
