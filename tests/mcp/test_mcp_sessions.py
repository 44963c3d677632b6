"""Athlete selection belongs to one MCP session, never to the server process: two coaches' clients on one
``icucoach mcp --http`` server (official ``mcp`` client, Streamable HTTP, interleaved calls) never see or use
each other's selection, and a stateless (2026-07-28) connection is told to pass ``athlete_id`` instead."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from mcp.client.streamable_http import streamable_http_client
from mcp_helpers import HttpServer, error_text, server_env, structured

from mcp import Client

WORKOUT = {"date": "2026-12-17", "sport": "Run", "name": "Session test run", "text": "- 30m 75-80% Pace"}


@pytest.fixture(scope="module")
def coach_server(sandbox) -> Iterator[HttpServer]:
    server = HttpServer(server_env(sandbox, sandbox.account("coach")))
    yield server
    server.stop()


def written(sandbox, athlete_id: str) -> list[dict]:
    return [e for e in sandbox.world.store(athlete_id).events.values() if e.get("name") == WORKOUT["name"]]


async def test_selection_never_crosses_http_sessions(sandbox, coach_server):
    coach = sandbox.account("coach")
    maya, tomas = sandbox.account("athlete", 0), sandbox.account("athlete", 1)
    async with coach_server.client() as a, coach_server.client() as b:
        picked = structured(await a.call_tool("icu_select_athlete", {"athlete_id": maya.athlete_id}))
        assert picked["selected"]["id"] == maya.athlete_id

        # B never selected anyone: it sees no selection ...
        roster = structured(await b.call_tool("icu_list_athletes", {}))
        assert roster["selected"] is None and not any(r["selected"] for r in roster["athletes"])
        # ... its write is refused (the key reaches three athletes) and nothing reaches A's athlete ...
        refused = await b.call_tool("icu_create_workout", WORKOUT)
        assert "explicitly chosen athlete" in error_text(refused)
        assert written(sandbox, maya.athlete_id) == []
        # ... and its reads are about the key owner, not A's athlete
        wellness = structured(await b.call_tool("icu_get_wellness", {}))
        assert wellness["athlete"]["id"] == coach.athlete_id

        # interleaved: B picks another athlete, A's selection stays its own
        structured(await b.call_tool("icu_select_athlete", {"athlete_id": tomas.athlete_id}))
        mine = structured(await a.call_tool("icu_get_wellness", {}))
        assert mine["athlete"]["id"] == maya.athlete_id
        assert structured(await a.call_tool("icu_list_athletes", {}))["selected"] == maya.athlete_id
        theirs = structured(await b.call_tool("icu_list_activities", {"oldest": "-6"}))
        assert theirs["athlete"]["id"] == tomas.athlete_id
        # B's READ-only choice refuses B's write; A's WRITE choice accepts A's
        assert "READ access only" in error_text(await b.call_tool("icu_create_workout", WORKOUT))
        made = structured(await a.call_tool("icu_create_workout", WORKOUT))
        assert made["athlete"]["id"] == maya.athlete_id
        assert [e["id"] for e in written(sandbox, maya.athlete_id)] == [made["event"]["id"]]
        assert written(sandbox, tomas.athlete_id) == []

    # a new session after A and B left starts with no selection
    async with coach_server.client() as c:
        assert structured(await c.call_tool("icu_list_athletes", {}))["selected"] is None
        assert "explicitly chosen athlete" in error_text(await c.call_tool("icu_create_workout", WORKOUT))


async def test_stateless_connection_cannot_select(sandbox, coach_server):
    """A 2026-07-28 connection has no MCP session to hold a selection: selecting says to pass athlete_id,
    and nothing selected elsewhere applies to it."""
    maya = sandbox.account("athlete", 0)
    async with coach_server.client() as a, coach_server.client(mode="2026-07-28") as s:
        structured(await a.call_tool("icu_select_athlete", {"athlete_id": maya.athlete_id}))
        text = error_text(await s.call_tool("icu_select_athlete", {"athlete_id": maya.athlete_id}))
        assert "athlete_id" in text and "session" in text
        assert "explicitly chosen athlete" in error_text(await s.call_tool("icu_create_workout", WORKOUT))
        explicit = structured(await s.call_tool("icu_get_wellness", {"athlete_id": maya.athlete_id}))
        assert explicit["athlete"]["id"] == maya.athlete_id


async def test_a_borrowed_session_id_on_a_stateless_request_gets_no_selection(sandbox, coach_server):
    """The selection follows the session the SDK negotiated and checked, not a header anyone can send: a
    2026-07-28 request (no session) carrying another client's Mcp-Session-Id does not get its athlete."""
    maya = sandbox.account("athlete", 0)
    ids: list[str] = []

    async def remember(response) -> None:  # type: ignore[no-untyped-def]
        if sid := response.headers.get("mcp-session-id"):
            ids.append(sid)

    auth = {"Authorization": f"Bearer {coach_server.token}"}
    async with (
        httpx2.AsyncClient(headers=auth, timeout=120, event_hooks={"response": [remember]}) as http,
        Client(streamable_http_client(coach_server.url, http_client=http), mode="legacy") as a,  # type: ignore[arg-type]
    ):
        structured(await a.call_tool("icu_select_athlete", {"athlete_id": maya.athlete_id}))
        assert ids, "the handshake negotiated a session id"
        forged = {**auth, "Mcp-Session-Id": ids[-1]}
        async with (
            httpx2.AsyncClient(headers=forged, timeout=120) as http_b,
            Client(streamable_http_client(coach_server.url, http_client=http_b), mode="2026-07-28") as b,  # type: ignore[arg-type]
        ):
            before = written(sandbox, maya.athlete_id)
            assert structured(await b.call_tool("icu_list_athletes", {}))["selected"] is None
            assert "explicitly chosen athlete" in error_text(await b.call_tool("icu_create_workout", WORKOUT))
            assert written(sandbox, maya.athlete_id) == before
