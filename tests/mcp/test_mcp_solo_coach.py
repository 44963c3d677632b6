"""The write guard for a coach whose key reaches exactly one shared athlete (plus their own account).

Chosen behaviour (docs/mcp.md): the key still reaches two calendars, the coach's own and the athlete's, so
a write without an explicitly chosen athlete is refused exactly as for a bigger roster; guessing would
silently change meaning the day a second athlete shares. Reads without a choice are about the key owner."""

from __future__ import annotations

from mcp_helpers import error_text, server_env, stdio_client, structured

from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate.profiles import (
    SOLO_COACH,
    SOLO_COACH_SHARES,
    api_key_for,
    athlete_record,
    sport_settings,
)
from icucoach.sandbox.world import Account, AthleteStore

WORKOUT = {"date": "2026-12-18", "sport": "Ride", "name": "Solo coach ride", "text": "- 45m 65-75%"}


def add_solo_coach(sb: RunningSandbox) -> Account:
    """Give this module's world the one-athlete coach login (the shared world is left alone)."""
    p = SOLO_COACH
    account = Account(p.athlete_id, p.name, "coach", api_key_for(sb.world.seed, p.athlete_id))
    stamp = "2026-11-23T06:00:00Z"
    sb.world.athletes[p.athlete_id] = AthleteStore(
        athlete_record(p, account.api_key, p.weight, stamp),
        sport_settings(p, p.thresholds.ftp, None, None, stamp),
    )
    for athlete_id, access in SOLO_COACH_SHARES.items():
        sb.world.athletes[athlete_id].shared_with[p.athlete_id] = access  # type: ignore[assignment]
    sb.world.accounts.append(account)
    return account


def named(sb: RunningSandbox, athlete_id: str) -> list[dict]:
    return [e for e in sb.world.store(athlete_id).events.values() if e.get("name") == WORKOUT["name"]]


async def test_one_athlete_coach_still_chooses_before_writing(sb):
    coach = add_solo_coach(sb)
    (maya_id,) = SOLO_COACH_SHARES
    async with stdio_client(server_env(sb, coach)) as c:
        roster = structured(await c.call_tool("icu_list_athletes", {}))
        assert {r["id"]: r["access"] for r in roster["athletes"]} == {
            coach.athlete_id: "OWNER",
            maya_id: "WRITE",
        }

        refused = await c.call_tool("icu_create_workout", WORKOUT)
        text = error_text(refused)
        assert "explicitly chosen athlete" in text and maya_id in text and "icu_select_athlete" in text
        assert named(sb, maya_id) == [] and named(sb, coach.athlete_id) == []

        reads = structured(await c.call_tool("icu_get_profile", {}))
        assert reads["athlete"]["id"] == coach.athlete_id, "reads without a choice are the key owner's"

        structured(await c.call_tool("icu_select_athlete", {"athlete_id": maya_id}))
        made = structured(await c.call_tool("icu_create_workout", WORKOUT))
        assert made["athlete"]["id"] == maya_id
        assert [e["id"] for e in named(sb, maya_id)] == [made["event"]["id"]]
        assert named(sb, coach.athlete_id) == []

        own = structured(await c.call_tool("icu_create_workout", {**WORKOUT, "athlete_id": "0"}))
        assert own["athlete"]["id"] == coach.athlete_id, "'0' on the call is an explicit choice of oneself"
