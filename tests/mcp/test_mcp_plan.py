"""The plan tools through the official ``mcp`` client over stdio (``python -m icucoach mcp``), on a fresh
sandbox world: a preview writes nothing, applying it by id writes the sessions, a repeated apply writes
nothing, adjustments come back as a preview to approve; annotations say which tool writes, and the hosted
service's grants classify them by that."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from mcp_helpers import error_text, server_env, stdio_client, structured
from tests.plan_e2e.helpers import RACE_DAY, calendar_state, ours, race_in_12_weeks

from icucoach.sandbox import RunningSandbox
from icucoach.service import grants

ARGS = {"hours": 8, "days": "mon,wed,thu,sat,sun", "long_day": "sun"}


async def test_preview_apply_reapply_and_adjust(sb: RunningSandbox, tmp_path: Path) -> None:
    race_in_12_weeks(sb)
    env = server_env(sb, sb.account("athlete", 0), XDG_DATA_HOME=str(tmp_path))
    async with stdio_client(env) as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
        before = calendar_state(sb)
        preview = structured(await c.call_tool("icu_plan_preview", ARGS))
        assert calendar_state(sb) == before
        assert preview["counts"]["add"] == len(preview["changes"]) > 0
        # calendar weeks: Tuesday to Sunday, eleven Monday-Sunday weeks, and the Monday race's week
        assert len(preview["weeks"]) == 13 and preview["race_day_form"]["ctl"] > 0
        assert all(ch["day"] <= RACE_DAY.isoformat() for ch in preview["changes"])
        assert [ch["index"] for ch in preview["changes"]] == list(range(len(preview["changes"])))

        applied = structured(await c.call_tool("icu_plan_apply", {"preview_id": preview["preview_id"]}))
        assert applied["applied"]["upserted"] == len(preview["changes"])
        assert len(ours(sb)) == len(preview["changes"])
        after = calendar_state(sb)
        again = structured(await c.call_tool("icu_plan_apply", {"preview_id": preview["preview_id"]}))
        assert again["applied"]["writes"] == 0 and calendar_state(sb) == after

        unknown = await c.call_tool("icu_plan_apply", {"preview_id": "0123456789ab"})
        assert "icu_plan_preview" in error_text(unknown)
        bad = await c.call_tool("icu_plan_preview", {**ARGS, "goals": ["next spring"]})
        assert "goals" in error_text(bad) and "DATE:PRIORITY" in error_text(bad)

        by_day = sorted(ours(sb).values(), key=lambda e: e["start_date_local"])
        first_key = next(e for e in by_day if "icucoach-key" in (e.get("tags") or ()))
        day_after = (date.fromisoformat(first_key["start_date_local"][:10]) + timedelta(days=1)).isoformat()
        # adjusting as of the day after the first key session: it and the sessions before it were missed (no
        # activity on the days); the key session is moved, so approving it writes
        adjust = structured(await c.call_tool("icu_plan_adjust", {"date": day_after}))
        assert adjust["proposals"] and all(p["reason"] for p in adjust["proposals"])
        assert all("index" in p and "id" in p for p in adjust["proposals"])
        assert calendar_state(sb) == after  # proposals only
        writing = [p["index"] for p in adjust["proposals"] if p["action"] != "keep"]
        approved = structured(
            await c.call_tool("icu_plan_apply", {"preview_id": adjust["preview_id"], "changes": writing[:1]})
        )
        assert approved["applied"]["writes"] == 1 and calendar_state(sb) != after

    assert tools["icu_plan_preview"].annotations.read_only_hint is True
    assert tools["icu_plan_adjust"].annotations.read_only_hint is True
    apply = tools["icu_plan_apply"].annotations
    assert apply.read_only_hint is False and apply.destructive_hint is False and apply.idempotent_hint is True
    assert grants.group_of("icu_plan_apply") == "write" and grants.group_of("icu_plan_preview") == "read"
