"""Calendar tools: list planned events, preview a workout, and the writes (create, edit, delete, note).

Every write names its athlete explicitly (see ``Session.athlete(write=True)``), is validated before anything
is sent, and is read back from Intervals.icu (never from the cache) so the answer reports what was stored.
Creates and notes upsert by a deterministic ``external_id``: a retried call updates the same event.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastmcp.exceptions import ToolError
from pydantic import Field

from icucoach.intervals import CATEGORIES
from icucoach.mcp.context import AthleteArg, AthleteRef, DateArg, DetailArg, day_range, parse_day, session
from icucoach.mcp.format import hms, rnd
from icucoach.mcp.registry import EDIT, READ, WRITE, Answer, arr, obj, tool
from icucoach.mcp.workout_input import Block, check, compare, workout_text
from icucoach.mcp.workout_input import external_id as make_external_id
from icucoach.workouts import parse, summary
from icucoach.workouts.parse import parse_text

SportArg = Annotated[
    Literal[
        "Ride",
        "VirtualRide",
        "GravelRide",
        "MountainBikeRide",
        "Run",
        "VirtualRun",
        "TrailRun",
        "Swim",
        "OpenWaterSwim",
        "WeightTraining",
        "Rowing",
        "NordicSki",
        "Walk",
        "Hike",
        "Yoga",
        "Workout",
    ],
    Field(),
]
TextArg = Annotated[
    str | None,
    Field(
        description="Workout text, e.g. 'Main set 4x\\n- 8m 95-100%\\n- 4m 55%'; '400mtr' = metres, '400m' = "
        "minutes. Guide: icucoach://guide/workout-syntax.",
        max_length=8000,
    ),
]
StepsArg = Annotated[
    list[Block] | None, Field(description="Instead of `text`: blocks of steps.", max_length=20)
]
DescArg = Annotated[str | None, Field(description="Free text above the steps.", max_length=2000)]
NameArg = Annotated[str, Field(min_length=1, max_length=80, description="Title shown in the calendar.")]
EVENT_ROW = obj("an event row: id, date, category, sport, name, summary, planned, done_activity_id")


def _settings_for(athlete: Any, sport: str | None) -> dict[str, Any] | None:
    for ss in athlete.sportSettings or []:
        if sport and sport in (ss.types or []):
            return ss.model_dump(mode="json")
    return None


def event_row(e: Any, athlete: Any, detail: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": e.id,
        "date": (e.start_date_local or "")[:10] or None,
        "category": e.category,
        "sport": e.type,
        "name": e.name,
    }
    end = (e.end_date_local or "")[:10]
    if end and end != row["date"]:
        row["end_date"] = end
    if e.category == "WORKOUT":
        ss = _settings_for(athlete, e.type)
        try:
            row["summary"] = summary(parse(e.description, e.type), ss) if e.description else None
        except Exception:  # an unparseable description is shown, not fatal
            row["summary"] = None
        row["planned"] = {
            "moving_time": hms(e.moving_time),
            "load": e.icu_training_load,
            "distance_km": rnd((e.distance or 0) / 1000, 2) or None,
        }
        row["done_activity_id"] = e.paired_activity_id
    elif e.description:
        row["note"] = e.description[:300]
    if detail:
        row.update(
            {
                "description": e.description,
                "external_id": e.external_id,
                "indoor": e.indoor,
                "intensity_pct": rnd(e.icu_intensity),
                "tags": e.tags or None,
            }
        )
    return row


@tool(
    READ,
    "Calendar (workouts, races, notes)",
    {"range": obj("oldest/newest"), "events": arr("event rows"), "planned_load": {"type": "number"}},
)
async def icu_list_events(
    oldest: DateArg = None,
    newest: DateArg = None,
    categories: Annotated[
        list[str] | None,
        Field(
            description="e.g. ['WORKOUT', 'RACE_A', 'NOTE', 'SICK', 'INJURED', 'HOLIDAY']; default all.",
            max_length=12,
        ),
    ] = None,
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """Calendar items between local dates (default today + 13 days): planned workouts with a summary ('4×8m @
    95–100% FTP / 4m Z1'), time, load, the activity done; races (RACE_A/B/C), notes, sick/injured days.
    'full' adds workout text."""
    s = session()
    ref = await s.athlete(athlete_id)
    # the calendar looks ahead: a missing bound defaults forward from the other (or from today)
    if newest is not None and oldest is None:
        start, end = day_range(None, newest, ref.today, 14)
    else:
        start = parse_day(oldest, ref.today, "oldest", ref.today)
        end = parse_day(newest, ref.today, "newest", start + timedelta(days=13))
        start, end = day_range(start.isoformat(), end.isoformat(), ref.today, 14)
    cats = [c.upper() for c in categories or []]
    bad = [c for c in cats if c not in CATEGORIES]
    if bad:
        raise ValueError(f"unknown categories {bad}; use some of {sorted(CATEGORIES)}")
    icu = await s.icu()
    athlete = await icu.get_athlete(ref.id)
    events = await icu.list_events(start, end, cats or None, athlete_id=ref.id)
    rows = [event_row(e, athlete, detail == "full") for e in events]
    load = sum(e.icu_training_load or 0 for e in events if e.category == "WORKOUT")
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r["category"]] = kinds.get(r["category"], 0) + 1
    return Answer(
        f"{ref.label}: {len(rows)} events {start}..{end} ({kinds}), planned load {load}",
        {
            "athlete": ref.to_dict(),
            "range": {"oldest": str(start), "newest": str(end)},
            "events": rows,
            "planned_load": load,
        },
    )


async def _prepared(
    ref: AthleteRef, sport: str, text: str | None, steps: list[Block] | None, description: str | None
) -> tuple[str, dict[str, Any]]:
    athlete = await (await session().icu()).get_athlete(ref.id)
    ss = _settings_for(athlete, sport)
    body = workout_text(text, steps, sport, description)
    return body, check(body, sport, ss)


@tool(
    READ,
    "Preview a workout (no write)",
    {"valid": {"type": "boolean"}, "text": {"type": "string"}, "preview": obj("summary, totals, issues")},
)
async def icu_preview_workout(
    sport: SportArg,
    text: TextArg = None,
    steps: StepsArg = None,
    description: DescArg = None,
    athlete_id: AthleteArg = None,
) -> Answer:
    """Check a workout against the athlete's thresholds and zones, writing nothing: canonical text,
    errors/warnings with line and fix, summary, duration s, distance m, load, intensity."""
    ref = await session().athlete(athlete_id)
    body, chk = await _prepared(ref, sport, text, steps, description)
    preview = {k: chk[k] for k in ("summary", "totals", "duration_s", "distance_m", "issues")}
    state = "valid" if chk["valid"] else "INVALID"
    return Answer(
        f"{ref.label}: {sport} workout {state}: {chk['summary']} ({chk['totals']})",
        {"athlete": ref.to_dict(), "valid": chk["valid"], "text": body, "preview": preview},
    )


def _invalid(chk: dict[str, Any]) -> ToolError:
    errs = [
        f"line {i['line']}: {i['message']} — fix: {i['fix']}"
        for i in chk["issues"]
        if i["severity"] == "error"
    ]
    return ToolError("Workout not written, it does not validate: " + "; ".join(errs))


@tool(
    WRITE,
    "Create a planned workout",
    {
        "event": EVENT_ROW,
        "external_id": {"type": "string"},
        "as_meant": {"type": "boolean"},
        "differences": arr("stored vs intended"),
        "preview": obj("summary, totals, warnings"),
    },
)
async def icu_create_workout(
    date: Annotated[str, Field(description="Local day YYYY-MM-DD, today, tomorrow, +N.", max_length=10)],
    sport: SportArg,
    name: NameArg,
    text: TextArg = None,
    steps: StepsArg = None,
    description: DescArg = None,
    external_id: Annotated[
        str | None,
        Field(
            max_length=80,
            description="Idempotency key; default from athlete, date, sport, name, text.",
        ),
    ] = None,
    athlete_id: AthleteArg = None,
) -> Answer:
    """Plan a workout from text or steps: validated (nothing written on errors), upserted by external_id (a
    repeat updates, never duplicates), read back and compared (differences listed). Returns the event id."""
    s = session()
    ref = await s.athlete(athlete_id, write=True)
    day = parse_day(date, ref.today, "date")
    if day < ref.today:
        raise ValueError(
            f"`date` {day} is before the athlete's today ({ref.today}); planned workouts go on today or later"
        )
    body, chk = await _prepared(ref, sport, text, steps, description)
    if not chk["valid"]:
        raise _invalid(chk)
    ext = external_id or make_external_id(ref.id, day.isoformat(), sport, name, body)
    icu = await s.icu()
    event = {
        "category": "WORKOUT",
        "start_date_local": f"{day}T00:00:00",
        "type": sport,
        "name": name,
        "description": body,
        "external_id": ext,
    }
    written = await icu.bulk_upsert_events([event], athlete_id=ref.id)
    if not written:
        raise ToolError("Intervals.icu accepted the write but returned no event; list the calendar to check")
    stored = await icu.client.get_event(written[0].id, athlete_id=ref.id)
    diffs = compare(
        {"text": body, "name": name, "date": day.isoformat(), "sport": sport, "doc": chk["doc"]}, stored
    )
    athlete = await icu.get_athlete(ref.id)
    warnings = [i for i in chk["issues"] if i["severity"] != "error"]
    head = f"{ref.label}: planned {sport} '{name}' on {day} (event {stored.id}): {chk['summary']}"
    head += " — stored as meant" if not diffs else f" — {len(diffs)} difference(s): " + "; ".join(diffs)
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "event": event_row(stored, athlete, True),
            "external_id": ext,
            "as_meant": not diffs,
            "differences": diffs,
            "preview": {"summary": chk["summary"], "totals": chk["totals"], "warnings": warnings},
        },
    )


def _replace_description(old: str, new_desc: str, sport: str | None) -> str:
    """Swap the free text above the first step/section/repeat, keeping the rest byte for byte."""
    res = parse_text(old, sport)
    lines = old.split("\n")
    first = next(
        (
            ln
            for it, ln in zip(res.workout.items, res.item_lines, strict=False)
            if type(it).__name__ != "Note"
        ),
        len(lines) + 1,
    )
    rest = "\n".join(lines[first - 1 :]).strip("\n")
    return f"{new_desc.strip()}\n\n{rest}" if new_desc.strip() else rest


@tool(
    EDIT,
    "Edit a planned workout or event",
    {
        "event": EVENT_ROW,
        "changed": obj("field -> {before, after}"),
        "unexpected_changes": arr("fields that changed without being asked"),
    },
)
async def icu_update_workout(
    event_id: Annotated[int, Field(ge=1, description="Event id from icu_list_events / icu_create_workout.")],
    name: Annotated[str | None, Field(max_length=80, description="New title.")] = None,
    date: Annotated[
        str | None, Field(max_length=10, description="Move to this athlete-local day YYYY-MM-DD.")
    ] = None,
    text: TextArg = None,
    description: DescArg = None,
    athlete_id: AthleteArg = None,
) -> Answer:
    """Change only the given fields. New `text` replaces the steps (validated); `description` alone replaces
    only the free text, steps kept byte for byte. Read back: unasked changes reported."""
    s = session()
    ref = await s.athlete(athlete_id, write=True)
    icu = await s.icu()
    before = await icu.client.get_event(event_id, athlete_id=ref.id)
    fields: dict[str, Any] = {}
    if name is not None:
        fields["name"] = name
    if date is not None:
        fields["start_date_local"] = f"{parse_day(date, ref.today, 'date')}T00:00:00"
    sport = before.type or "Ride"
    if text:
        body, chk = await _prepared(ref, sport, text, None, description)
        if not chk["valid"]:
            raise _invalid(chk)
        fields["description"] = body
    elif description is not None:
        fields["description"] = _replace_description(before.description or "", description, before.type)
    if not fields:
        raise ValueError("nothing to change: give name, date, text or description")
    await icu.update_event(event_id, fields, athlete_id=ref.id)
    after = await icu.client.get_event(event_id, athlete_id=ref.id)

    def view(e: Any) -> dict[str, Any]:
        return {
            "name": e.name,
            "start_date_local": (e.start_date_local or "")[:10],
            "description": e.description,
            "type": e.type,
            "category": e.category,
        }

    b, a = view(before), view(after)
    asked = {("start_date_local" if k == "start_date_local" else k) for k in fields}
    changed = {k: {"before": b[k], "after": a[k]} for k in b if b[k] != a[k] and k in asked}
    unexpected = [k for k in b if b[k] != a[k] and k not in asked]
    not_applied = [k for k in asked if k in b and b[k] == a[k] and str(fields[k])[:10] != str(b[k])[:10]]
    athlete = await icu.get_athlete(ref.id)
    head = (
        f"{ref.label}: event {event_id} '{after.name}' updated ({', '.join(sorted(changed)) or 'no change'})"
    )
    if unexpected:
        head += f"; UNEXPECTED changes: {unexpected}"
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "event": event_row(after, athlete, True),
            "changed": changed,
            "unexpected_changes": unexpected + [f"{k} not applied" for k in not_applied],
        },
    )


__all__ = ["event_row"]
