"""A coach switching athletes over stdio: the roster with access levels, a write without an explicitly
chosen athlete refused, a READ-only athlete's calendar refused, a WRITE athlete's accepted (checked in the
sandbox's calendar), and every answer naming the athlete it is about."""

from __future__ import annotations

from mcp_helpers import error_text, server_env, stdio_client, structured


async def test_coach_switches_athletes(sandbox):
    coach = sandbox.account("coach")
    maya, tomas = sandbox.account("athlete", 0), sandbox.account("athlete", 1)
    workout = {"date": "2026-12-16", "sport": "Run", "name": "Coach easy run", "text": "- 40m 75-80% Pace"}
    async with stdio_client(server_env(sandbox, coach)) as c:
        roster = structured(await c.call_tool("icu_list_athletes", {}))
        access = {a["id"]: a["access"] for a in roster["athletes"]}
        assert access == {coach.athlete_id: "OWNER", maya.athlete_id: "WRITE", tomas.athlete_id: "READ"}
        assert roster["athlete"]["id"] == coach.athlete_id

        refused = await c.call_tool("icu_create_workout", workout)
        assert "explicitly chosen athlete" in error_text(refused)

        picked = structured(await c.call_tool("icu_select_athlete", {"athlete_id": tomas.athlete_id}))
        assert picked["selected"]["access"] == "READ"
        runs = structured(await c.call_tool("icu_list_activities", {"oldest": "-6"}))
        assert runs["athlete"]["id"] == tomas.athlete_id and runs["athlete"]["name"] == tomas.name
        assert runs["activities"], "the runner trained this week"
        read_only = await c.call_tool("icu_create_workout", workout)
        assert "READ access only" in error_text(read_only)
        assert not [
            e
            for e in sandbox.world.store(tomas.athlete_id).events.values()
            if e.get("name") == "Coach easy run"
        ]

        structured(await c.call_tool("icu_select_athlete", {"athlete_id": maya.athlete_id}))
        made = structured(await c.call_tool("icu_create_workout", workout))
        assert made["athlete"]["id"] == maya.athlete_id
        assert made["event"]["id"] in sandbox.world.store(maya.athlete_id).events

        # athlete_id on the call overrides the selection; every answer still names its athlete
        other = structured(await c.call_tool("icu_get_wellness", {"athlete_id": tomas.athlete_id}))
        assert other["athlete"]["id"] == tomas.athlete_id
        explicit = structured(
            await c.call_tool(
                "icu_add_note",
                {
                    "date": "2026-12-16",
                    "title": "Coach note",
                    "text": "Easy week",
                    "athlete_id": maya.athlete_id,
                },
            )
        )
        assert explicit["athlete"]["name"] == maya.name

        not_shared = await c.call_tool("icu_select_athlete", {"athlete_id": "i999999"})
        assert not_shared.is_error
