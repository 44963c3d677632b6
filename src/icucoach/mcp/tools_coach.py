"""Coach tools: the athletes who shared their account with the key's owner (with the access level) and
choosing the one later calls are about. The selection belongs to the MCP session that made it (never to the
server process, see ``context``); every answer still names its athlete, and ``athlete_id`` on any call
overrides the selection.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp.exceptions import ToolError
from pydantic import Field

from icucoach.mcp.context import AthleteRef, session
from icucoach.mcp.registry import READ, SESSION, Answer, arr, obj, tool


@tool(
    READ,
    "List athletes shared with you",
    {"athletes": arr("id, name, access, selected"), "selected": {"type": ["string", "null"]}},
)
async def icu_list_athletes() -> Answer:
    """The key's owner and every athlete who shared their Intervals.icu account with them, with the access
    level (OWNER, WRITE = may change the calendar, READ = view only) and which one is selected. A coach uses
    this first, then icu_select_athlete or athlete_id on each call."""
    s = session()
    roster = await s.roster()
    me = await s.athlete("0")
    roster_rows: list[dict[str, Any]]
    if roster is None:  # OAuth tokens cannot list athletes: the token's own athlete only
        roster_rows = [{"id": me.id, "name": me.name, "access": "OWNER", "timezone": None}]
    else:
        owner = str(roster[0].id) if roster else me.id
        roster_rows = [
            {
                "id": str(a.id),
                "name": a.name,
                "timezone": a.timezone,
                "access": "OWNER" if str(a.id) == owner else (a.icu_permission or "READ"),
            }
            for a in roster
        ]
    chosen = s.selected
    selected = chosen.id if chosen else None
    for r in roster_rows:
        r["selected"] = r["id"] == selected
    names = ", ".join(f"{r['name']} ({r['id']}, {r['access']})" for r in roster_rows)
    return Answer(
        f"Key owner {me.label}; {len(roster_rows)} athlete(s): {names}",
        {"athlete": me.to_dict(), "athletes": roster_rows, "selected": selected},
    )


@tool(SESSION, "Select the athlete to work with", {"selected": obj("the chosen athlete and access level")})
async def icu_select_athlete(
    athlete_id: Annotated[
        str,
        Field(pattern=r"^(0|[iI]?\d+)$", description="Athlete id from icu_list_athletes ('0' = yourself)."),
    ],
) -> Answer:
    """Make one athlete the default for this session's following calls (reads and writes) until another is
    selected. Writes then go to this athlete; READ-only shares still refuse writes. Checks the athlete is
    reachable."""
    s = session()
    s.require_scope()
    roster = await s.roster()
    ref: AthleteRef = await s.athlete(athlete_id)
    access = "OWNER" if athlete_id == "0" else None
    if roster is not None:
        owner = str(roster[0].id) if roster else None
        match = next((a for a in roster if str(a.id) == ref.id), None)
        if match is None:
            raise ToolError(
                f"{ref.id} has not shared their account with this key; icu_list_athletes shows who has"
            )
        access = "OWNER" if ref.id == owner else (match.icu_permission or "READ")
    s.select(ref)
    return Answer(
        f"Selected {ref.label} ({access} access); later calls are about this athlete",
        {"athlete": ref.to_dict(), "selected": {**ref.to_dict(), "access": access}},
    )
