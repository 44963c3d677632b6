"""Coach tools: the athletes who shared their account with the key's owner (with the access level) and
choosing the one later calls are about. The selection belongs to the MCP session that made it (never to the
server process, see ``context``); every answer still names its athlete, and ``athlete_id`` on any call
overrides the selection.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from icucoach.mcp.context import session
from icucoach.mcp.registry import READ, SESSION, Answer, arr, obj, tool


@tool(
    READ,
    "List athletes shared with you",
    {"athletes": arr("id, name, access, selected"), "selected": {"type": ["string", "null"]}},
)
async def icu_list_athletes() -> Answer:
    """The key's owner and every athlete sharing with them: access (OWNER, WRITE = may change the calendar,
    READ = view only) and which is selected. Coaches: call first, then icu_select_athlete or pass
    athlete_id."""
    return await session().list_answer()


@tool(SESSION, "Select the athlete to work with", {"selected": obj("the chosen athlete and access level")})
async def icu_select_athlete(
    athlete_id: Annotated[
        str,
        Field(pattern=r"^(0|[iI]?\d+)$", description="Athlete id from icu_list_athletes ('0' = yourself)."),
    ],
) -> Answer:
    """Make one athlete the default for this session's later calls (reads and writes) until another is
    selected; READ-only shares still refuse writes."""
    return await session().choose(athlete_id)
