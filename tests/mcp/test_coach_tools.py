"""The coach console's MCP tools through the official MCP client, against the 12-athlete squad sandbox:

- over stdio with the coach's key: the squad triage (compact by default, ``detail=full`` larger) finds the
  planted cases, an athlete's week and a workout review answer with the views' numbers, and the fitness
  chart arrives as PNG image content;
- in the hosted service over a coach URL: the squad holds only the athletes whose grant includes the tool,
  and a coach asking about an athlete who granted nothing is refused.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp_helpers import error_text, server_env, stdio_client, structured

from icucoach.sandbox import RunningSandbox
from icucoach.service import grants
from service.console_helpers import PERSONA_ID, pinned_today, squad_sandbox
from service.service_helpers import connect_athlete, mcp_client, running_service


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


def _row(squad: list[dict[str, Any]], persona: str) -> dict[str, Any]:
    return next(r for r in squad if r["id"] == PERSONA_ID[persona])


async def test_squad_week_review_and_chart_over_stdio(squad_sb: RunningSandbox) -> None:
    async with stdio_client(server_env(squad_sb, squad_sb.account("coach"))) as c:
        compact = await c.call_tool("icu_squad_triage", {})
        squad = structured(compact)["squad"]
        assert len(squad) == 12
        assert PERSONA_ID["overreaching"] in [r["id"] for r in squad[:2]]
        over = _row(squad, "overreaching")
        assert over["attention"] == "alarm" and any("ACWR" in r for r in over["reasons"])
        assert "s" in _row(squad, "sick")["chips_7d"] and "m" not in _row(squad, "sick")["chips_7d"]
        assert "m" in _row(squad, "skipper")["chips_7d"]
        assert _row(squad, "compliant")["attention"] is None
        assert "m missed" in structured(compact)["legend"]
        full = await c.call_tool("icu_squad_triage", {"detail": "full"})
        assert len(full.content[0].text) > len(compact.content[0].text)
        assert structured(full)["squad"][0]["sessions"][0]["sentence"]

        athlete = PERSONA_ID["compliant"]
        week = structured(
            await c.call_tool("icu_athlete_week", {"athlete_id": athlete, "week_start": "2026-11-16"})
        )
        assert week["athlete"]["id"] == athlete and week["week"]["week_start"] == "2026-11-16"
        assert week["week"]["compliance_pct"] == 100.0 and len(week["week"]["days"]) == 7

        hard = PERSONA_ID["too_hard"]
        sessions = next(r for r in structured(full)["squad"] if r["id"] == hard)["sessions"]
        activity_id = next(c["activity_id"] for c in sessions if c["kind"] == "changed" and c["activity_id"])
        review = structured(
            await c.call_tool("icu_workout_review", {"athlete_id": hard, "activity_id": str(activity_id)})
        )["review"]
        assert review["activity"]["id"] == str(activity_id)
        verdicts = {s["verdict"] for s in review["review"]["steps"]}
        assert "over" in verdicts and "under" not in verdicts
        missing = await c.call_tool("icu_workout_review", {"athlete_id": hard, "activity_id": "i1"})
        assert missing.is_error

        chart = await c.call_tool("icu_fitness_chart", {"athlete_id": athlete, "weeks": 8})
        fitness = structured(chart)["fitness"]
        assert fitness["chart"] == "image/png" and fitness["ctl"] is not None
        images = [b for b in chart.content if getattr(b, "type", "") == "image"]
        assert len(images) == 1 and images[0].mime_type == "image/png"
        assert base64.b64decode(images[0].data).startswith(b"\x89PNG\r\n\x1a\n")


async def test_hosted_coach_tools_follow_the_grants(squad_sb: RunningSandbox, tmp_path: Path) -> None:
    with pinned_today(), running_service(squad_sb, tmp_path / "service.db") as svc:
        reader, planner, stranger = PERSONA_ID["compliant"], PERSONA_ID["skipper"], PERSONA_ID["sick"]
        for athlete in (reader, planner, stranger):
            connect_athlete(svc, squad_sb, athlete)
        email = "mcp-squad-coach@example.org"
        # the reader's grant has every read tool but the squad triage; the planner's has it
        reads = [t for t in grants.names_in({"read"}) if t != "icu_squad_triage"]
        _, token = svc.store.invite_coach(reader, email, reads, 3600)
        url_token = svc.store.confirm_grant(svc.store.use_link(token))
        _, token = svc.store.invite_coach(planner, email, grants.names_in(grants.PRESETS["plan"]), 3600)
        svc.store.confirm_grant(svc.store.use_link(token))
        async with mcp_client(f"{svc.url}/c/{url_token}/mcp") as c:
            squad = structured(await c.call_tool("icu_squad_triage", {}))["squad"]
            assert [r["id"] for r in squad] == [planner]
            week = structured(await c.call_tool("icu_athlete_week", {"athlete_id": reader}))
            assert week["athlete"]["id"] == reader
            refused = await c.call_tool("icu_athlete_week", {"athlete_id": stranger})
            assert "has not granted you access" in error_text(refused)
            chart = await c.call_tool("icu_fitness_chart", {"athlete_id": planner})
            assert any(getattr(b, "type", "") == "image" for b in chart.content)
            listed = json.dumps([t.name for t in (await c.list_tools()).tools])
            assert "icu_squad_triage" in listed
