"""Calendar clean-up and notes: delete events by explicit id (guarded for past and bulk deletes, verified by
re-reading the calendar) and add notes (idempotent per day and title)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import Field

from icucoach.intervals import NotFoundError
from icucoach.mcp.context import AthleteArg, parse_day, session
from icucoach.mcp.registry import DELETE, WRITE, Answer, arr, tool
from icucoach.mcp.tools_calendar import EVENT_ROW, event_row
from icucoach.mcp.workout_input import external_id as make_external_id


@tool(
    DELETE,
    "Delete calendar events",
    {
        "deleted": arr("event rows removed"),
        "needs_confirmation": {"type": "boolean"},
        "not_found": arr("ids that did not exist"),
        "verified": {"type": "boolean"},
    },
)
async def icu_delete_events(
    event_ids: Annotated[list[int], Field(min_length=1, max_length=50, description="Explicit event ids.")],
    confirm: Annotated[bool, Field(description="Needed for past events or more than 3.")] = False,
    athlete_id: AthleteArg = None,
) -> Answer:
    """Delete events by id: today or later at once; past ones or more than 3 need confirm=true (else nothing
    goes and the answer lists what would). Verified by re-reading."""
    s = session()
    ref = await s.athlete(athlete_id, write=True)
    icu = await s.icu()
    athlete = await icu.get_athlete(ref.id)
    found, missing = [], []
    for eid in dict.fromkeys(event_ids):
        try:
            found.append(await icu.client.get_event(eid, athlete_id=ref.id))
        except NotFoundError:
            missing.append(eid)
    rows = [event_row(e, athlete) for e in found]
    past = [r for r in rows if r["date"] and date.fromisoformat(r["date"]) < ref.today]
    if found and (past or len(found) > 3) and not confirm:
        why = f"{len(past)} dated before today" if past else f"{len(found)} events at once"
        return Answer(
            f"{ref.label}: NOTHING deleted ({why}); repeat with confirm=true to delete: "
            + "; ".join(f"{r['id']} {r['date']} {r['name']}" for r in rows),
            {
                "athlete": ref.to_dict(),
                "deleted": [],
                "needs_confirmation": True,
                "would_delete": rows,
                "not_found": missing,
                "verified": False,
            },
        )
    if found:
        await icu.bulk_delete_events([e.id for e in found], athlete_id=ref.id)
    verified = True
    if found:
        days = sorted(r["date"] for r in rows if r["date"])
        left = await icu.client.list_events(days[0], days[-1], athlete_id=ref.id) if days else []
        gone = {e.id for e in found}
        verified = not any(e.id in gone for e in left)
    head = f"{ref.label}: deleted {len(found)} event(s)" + (f", {len(missing)} not found" if missing else "")
    head += "" if verified else " — WARNING: some are still on the calendar"
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "deleted": rows,
            "needs_confirmation": False,
            "not_found": missing,
            "verified": verified,
        },
    )


@tool(WRITE, "Add a calendar note", {"event": EVENT_ROW, "external_id": {"type": "string"}})
async def icu_add_note(
    date: Annotated[str, Field(max_length=10, description="Local day YYYY-MM-DD, today, +N.")],
    title: Annotated[str, Field(min_length=1, max_length=80, description="Note title.")],
    text: Annotated[str, Field(max_length=4000, description="Note body.")] = "",
    end_date: Annotated[
        str | None, Field(max_length=10, description="Last day for a multi-day note.")
    ] = None,
    athlete_id: AthleteArg = None,
) -> Answer:
    """A calendar note (travel, how a session felt, a coach's instruction); the same title on the same day
    updates it instead of duplicating."""
    s = session()
    ref = await s.athlete(athlete_id, write=True)
    day = parse_day(date, ref.today, "date")
    last = parse_day(end_date, ref.today, "end_date", day)
    if last < day:
        raise ValueError(f"`end_date` {last} is before `date` {day}")
    ext = make_external_id(ref.id, day.isoformat(), "NOTE", title, "")
    icu = await s.icu()
    event = {
        "category": "NOTE",
        "start_date_local": f"{day}T00:00:00",
        "name": title,
        "description": text,
        "external_id": ext,
    }
    if last != day:
        event["end_date_local"] = f"{last + timedelta(days=1)}T00:00:00"
    written = await icu.bulk_upsert_events([event], athlete_id=ref.id)
    stored = await icu.client.get_event(written[0].id, athlete_id=ref.id)
    athlete = await icu.get_athlete(ref.id)
    return Answer(
        f"{ref.label}: note '{title}' on {day} (event {stored.id})",
        {"athlete": ref.to_dict(), "event": event_row(stored, athlete, True), "external_id": ext},
    )
