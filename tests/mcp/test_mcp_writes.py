"""Writes over Streamable HTTP (official ``mcp`` client): create -> read back -> edit -> delete of a workout
with the sandbox's calendar checked after every step, a retried create that must not duplicate (also when the
first answer is lost to a 503), a note, and the delete guard for past/bulk deletes."""

from __future__ import annotations

from mcp_helpers import error_text, structured

WORKOUT = "Warmup\n- 10m ramp 50-70%\n\nMain set 3x\n- 12m 88-94%\n- 4m 55%\n\nCooldown\n- 10m 50%"


def calendar(sandbox, athlete_id="i100001"):
    return sandbox.world.store(athlete_id).events


async def test_create_read_back_edit_delete(sandbox, http_server):
    async with http_server.client() as c:
        made = structured(
            await c.call_tool(
                "icu_create_workout",
                {
                    "date": "2026-12-10",
                    "sport": "Ride",
                    "name": "SS 3x12",
                    "text": WORKOUT,
                    "description": "Sweet spot, seated.",
                },
            )
        )
        assert made["as_meant"] is True and made["differences"] == []
        eid = made["event"]["id"]
        stored = calendar(sandbox)[eid]
        assert stored["name"] == "SS 3x12" and stored["start_date_local"].startswith("2026-12-10")
        assert (
            stored["description"].startswith("Sweet spot, seated.") and "Main set 3x" in stored["description"]
        )
        assert stored["external_id"] == made["external_id"]
        assert made["event"]["summary"].startswith("3×12m")

        listed = structured(await c.call_tool("icu_list_events", {"oldest": "2026-12-10"}))
        assert listed["range"] == {"oldest": "2026-12-10", "newest": "2026-12-23"}
        assert eid in [e["id"] for e in listed["events"]], "the cache was invalidated by the write"

        # rename only: description (structure and zone notation) untouched byte for byte
        before = stored["description"]
        renamed = structured(
            await c.call_tool("icu_update_workout", {"event_id": eid, "name": "Sweet spot 3x12"})
        )
        assert set(renamed["changed"]) == {"name"} and renamed["unexpected_changes"] == []
        assert calendar(sandbox)[eid]["description"] == before
        assert calendar(sandbox)[eid]["name"] == "Sweet spot 3x12"

        # new free text above the steps: the steps keep their exact text
        noted = structured(
            await c.call_tool("icu_update_workout", {"event_id": eid, "description": "Hold 90 rpm."})
        )
        assert set(noted["changed"]) == {"description"}
        after = calendar(sandbox)[eid]["description"]
        assert after.startswith("Hold 90 rpm.") and after.endswith(before[before.index("Warmup") :])

        moved = structured(await c.call_tool("icu_update_workout", {"event_id": eid, "date": "2026-12-11"}))
        assert moved["event"]["date"] == "2026-12-11"
        assert calendar(sandbox)[eid]["start_date_local"].startswith("2026-12-11")

        gone = structured(await c.call_tool("icu_delete_events", {"event_ids": [eid]}))
        assert gone["verified"] is True and [r["id"] for r in gone["deleted"]] == [eid]
        assert eid not in calendar(sandbox)


async def test_retried_create_never_duplicates(sandbox, http_server):
    args = {
        "date": "2026-12-12",
        "sport": "Run",
        "name": "Strides",
        "steps": [
            {"title": "Warmup", "steps": [{"duration_s": 900, "pace_pct": [75, 80]}]},
            {
                "title": "Strides",
                "reps": 6,
                "steps": [{"duration_s": 20, "pace_pct": [110]}, {"duration_s": 60, "intensity": "rest"}],
            },
        ],
    }

    def same_day():
        return [
            e
            for e in calendar(sandbox).values()
            if e["start_date_local"].startswith("2026-12-12") and e.get("name") == "Strides"
        ]

    async with http_server.client(mode="2026-07-28") as c:
        first = structured(await c.call_tool("icu_create_workout", args))
        assert "Strides 6x" in calendar(sandbox)[first["event"]["id"]]["description"]
        second = structured(await c.call_tool("icu_create_workout", args))
        assert second["event"]["id"] == first["event"]["id"]
        sandbox.faults.enqueue("503")  # the next upstream request fails; the idempotent upsert is retried
        third = structured(await c.call_tool("icu_create_workout", args))
        assert third["event"]["id"] == first["event"]["id"]
    assert len(same_day()) == 1


async def test_invalid_workout_is_not_written(sandbox, http_server):
    before = len(calendar(sandbox))
    async with http_server.client() as c:
        bad = await c.call_tool(
            "icu_create_workout",
            {"date": "2026-12-13", "sport": "Run", "name": "Oops", "text": "- 400m 80% Pace"},
        )
        assert "400mtr" in error_text(bad)
        preview = structured(
            await c.call_tool("icu_preview_workout", {"sport": "Run", "text": "- 400m 80% Pace"})
        )
        assert preview["valid"] is False and preview["preview"]["issues"]
        past = await c.call_tool(
            "icu_create_workout", {"date": "2026-11-01", "sport": "Ride", "name": "Past", "text": "- 10m 60%"}
        )
        assert "before the athlete's today" in error_text(past)
    assert len(calendar(sandbox)) == before


async def test_note_and_delete_guard(sandbox, http_server):
    async with http_server.client() as c:
        note = structured(
            await c.call_tool(
                "icu_add_note",
                {
                    "date": "2026-12-14",
                    "title": "Travel",
                    "text": "Flight to Perth",
                    "end_date": "2026-12-15",
                },
            )
        )
        again = structured(
            await c.call_tool(
                "icu_add_note", {"date": "2026-12-14", "title": "Travel", "text": "Flight to Perth, 7am"}
            )
        )
        assert again["event"]["id"] == note["event"]["id"]
        assert calendar(sandbox)[note["event"]["id"]]["description"] == "Flight to Perth, 7am"

        past = next(
            e
            for e in calendar(sandbox).values()
            if e["start_date_local"][:10] < "2026-11-20" and e.get("category") == "WORKOUT"
        )
        refused = structured(await c.call_tool("icu_delete_events", {"event_ids": [past["id"]]}))
        assert refused["needs_confirmation"] is True and refused["deleted"] == []
        assert past["id"] in calendar(sandbox)
        done = structured(
            await c.call_tool("icu_delete_events", {"event_ids": [past["id"]], "confirm": True})
        )
        assert done["verified"] and past["id"] not in calendar(sandbox)
        missing = structured(await c.call_tool("icu_delete_events", {"event_ids": [123]}))
        assert missing["not_found"] == [123]
