"""A weekly-review conversation's reads over stdio (official ``mcp`` client, both protocol eras), checked
against the sandbox's own records: every answer names the athlete, numbers match the world, Strava stubs are
marked and never counted as zero effort."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mcp_helpers import TODAY, error_text, server_env, stdio_client, structured


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_weekly_review_conversation(sandbox, mode):
    athlete = sandbox.account("athlete", 0)
    store = sandbox.world.store(athlete.athlete_id)
    async with stdio_client(server_env(sandbox, athlete), mode=mode) as c:
        status = structured(await c.call_tool("icu_get_training_status", {}))
        assert status["athlete"] == {"id": "i100001", "name": "Maya Lindqvist", "today": "2026-11-23"}
        digest = status["status"]
        assert {"acwr", "monotony", "tid", "recovery", "readiness", "alerts", "phase"} <= set(digest)
        assert isinstance(digest["acwr"]["coupled"], float | int)

        summary = structured(await c.call_tool("icu_get_training_summary", {"oldest": "-27"}))
        assert summary["periods"] and all("by_sport" in p for p in summary["periods"])

        week = structured(await c.call_tool("icu_list_activities", {"oldest": "-6"}))
        oldest = (TODAY - timedelta(days=6)).isoformat()
        expected = store.activities_between(oldest, TODAY.isoformat())
        assert week["total"]["count"] == len(expected)
        assert [a["id"] for a in week["activities"]] == [str(a["id"]) for a in expected][:25]
        assert week["total"]["load"] == sum(a.get("icu_training_load") or 0 for a in expected)

        key = max(week["activities"], key=lambda a: a["load"] or 0)
        detail = structured(await c.call_tool("icu_get_activity", {"activity_id": key["id"]}))
        assert detail["athlete"]["id"] == "i100001"
        assert detail["intervals"]["rows"], "structured session has intervals"

        wellness = structured(await c.call_tool("icu_get_wellness", {}))
        assert wellness["wellness"]["columns"][0] == "date"
        assert len(wellness["wellness"]["rows"]) + len(wellness["missing_days"]) == 7

        events = structured(await c.call_tool("icu_list_events", {}))
        workouts = [e for e in events["events"] if e["category"] == "WORKOUT"]
        assert workouts and all(w["summary"] for w in workouts if w["planned"]["moving_time"])

        fitness = structured(await c.call_tool("icu_get_fitness", {"projection_days": 7}))
        ctl_today = store.wellness[TODAY.isoformat()]["ctl"]
        assert fitness["today"]["ctl"] == pytest.approx(ctl_today, abs=0.06)
        assert len(fitness["projection"]) == 7
        assert fitness["today"]["form_zone"] in {"high_risk", "optimal", "grey", "fresh", "transition"}


async def test_sensor_metrics_streams_curves_and_profile(sandbox):
    athlete = sandbox.account("athlete", 0)
    store = sandbox.world.store(athlete.athlete_id)
    run = next(
        a
        for a in store.activities_between("2026-11-01", TODAY.isoformat())
        if a.get("type") == "Run" and "core_temperature" in (a.get("stream_types") or [])
    )
    async with stdio_client(server_env(sandbox, athlete)) as c:
        detail = structured(await c.call_tool("icu_get_activity", {"activity_id": run["id"]}))
        cols = detail["intervals"]["columns"]
        for col in ("ground_contact_ms", "dfa_a1", "core_temp_c", "avg_hr_bpm", "pace"):
            assert col in cols, col
        temps = [r[cols.index("core_temp_c")] for r in detail["intervals"]["rows"]]
        assert all(36 < t < 41 for t in temps if t is not None)

        args = {"activity_id": run["id"], "types": ["heartrate", "dfa_a1", "watts"], "points": 50}
        streams = structured(await c.call_tool("icu_get_streams", args))
        assert len(streams["streams"]["heartrate"]) == 50 and streams["missing"] == ["watts"]

        profile = structured(await c.call_tool("icu_get_profile", {}))
        ride = next(s for s in profile["sport_settings"] if "Ride" in s["sports"])
        assert ride["ftp_w"] == store.sport_settings_for("Ride")["ftp"]

        curves = structured(await c.call_tool("icu_get_curves", {"kind": "power", "windows": ["42d", "1y"]}))
        assert len(curves["curves"]) == 2 and "42d vs 1y" in curves["comparison"]
        p42, p1y = curves["curves"][0]["best"]["5m"], curves["curves"][1]["best"]["5m"]
        assert p1y["watts"] >= p42["watts"]  # a longer window can only hold a better best

        for sport in ("ride", "run", "swim"):
            best = structured(await c.call_tool("icu_get_best_efforts", {"sport": sport}))
            assert any(v for v in best["efforts"].values()), sport


async def test_strava_stubs_are_marked_never_zero(sandbox):
    athlete = sandbox.account("athlete", 0)
    store = sandbox.world.store(athlete.athlete_id)
    stub = next(a for a in store.activities.values() if a.get("source") == "STRAVA")
    day = stub["start_date_local"][:10]
    async with stdio_client(server_env(sandbox, athlete)) as c:
        listed = structured(await c.call_tool("icu_list_activities", {"oldest": day, "newest": day}))
        row = next(a for a in listed["activities"] if a["id"] == str(stub["id"]))
        assert row["strava_stub"] is True and row["load"] is None
        assert listed["strava_stubs"]["count"] >= 1 and "not zero" in listed["strava_stubs"]["note"]
        one = structured(await c.call_tool("icu_get_activity", {"activity_id": str(stub["id"])}))
        assert one["strava_stub"] is True and one["activity"]["load"] is None
        bad = await c.call_tool("icu_get_streams", {"activity_id": str(stub["id"])})
        assert "Strava" in error_text(bad)
