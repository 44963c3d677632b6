"""The tool catalogue as clients see it (official ``mcp`` client over stdio, both protocol eras): compared
with a golden file so every change to names, schemas or annotations is deliberate, plus the rules every tool
follows, the size budget, resources and prompts.

Regenerate the golden file after a deliberate change:

    ICUCOACH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/mcp/test_mcp_catalogue.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mcp_helpers import server_env, stdio_client

GOLDEN = Path(__file__).parent / "golden" / "tools.json"
BUDGET_CHARS = 30_000


def catalogue(tools) -> list[dict]:
    keep = ("name", "title", "description", "inputSchema", "outputSchema", "annotations")
    out = []
    for t in tools:
        d = t.model_dump(mode="json", by_alias=True, exclude_none=True)
        out.append({k: d[k] for k in keep if k in d})
    return out


def wire_size(tools) -> int:
    return len(
        json.dumps(
            [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools],
            separators=(",", ":"),
            ensure_ascii=False,
        )
    )


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_catalogue_matches_golden_file(sandbox, mode):
    async with stdio_client(server_env(sandbox, sandbox.account("athlete", 0)), mode=mode) as c:
        tools = (await c.list_tools()).tools
    current = catalogue(tools)
    if os.environ.get("ICUCOACH_UPDATE_GOLDEN") and mode == "auto":
        GOLDEN.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [t["name"] for t in current] == [t["name"] for t in golden]
    for now, then in zip(current, golden, strict=True):
        assert now == then, (
            f"{now['name']} changed; regenerate the golden file if deliberate (see module doc)"
        )


async def test_every_tool_follows_the_rules(sandbox):
    async with stdio_client(server_env(sandbox, sandbox.account("athlete", 0))) as c:
        tools = (await c.list_tools()).tools
    assert 15 <= len(tools) <= 25
    assert wire_size(tools) < BUDGET_CHARS
    for t in tools:
        assert t.name.startswith("icu_") and len(t.name) <= 64
        assert t.title and t.description and len(t.description) < 2000
        a = t.annotations
        assert a is not None and a.title
        for hint in (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint):
            assert isinstance(hint, bool), (t.name, a)
        assert t.output_schema["type"] == "object" and "athlete" in t.output_schema["required"]
        assert t.input_schema["type"] == "object"
        props = t.input_schema.get("properties", {})
        assert "api_key" not in props and "token" not in props  # credentials never a parameter
        writes = t.name.split("_")[1] in ("create", "update", "delete", "add") or t.name.endswith("_apply")
        assert a.read_only_hint is not writes or t.name == "icu_select_athlete", t.name
        if t.name.startswith("icu_delete") or t.name.startswith("icu_update"):
            assert a.destructive_hint is True


async def test_resources_and_prompts(sandbox):
    async with stdio_client(server_env(sandbox, sandbox.account("athlete", 0))) as c:
        uris = [str(r.uri) for r in (await c.list_resources()).resources]
        assert "icucoach://guide/workout-syntax" in uris
        guide = await c.read_resource("icucoach://guide/workout-syntax")
        assert "400mtr" in guide.contents[0].text
        templates = [t.uri_template for t in (await c.list_resource_templates()).resource_templates]
        assert "icucoach://athlete/{athlete_id}/status" in templates
        status = await c.read_resource("icucoach://athlete/0/status")
        body = json.loads(status.contents[0].text)
        assert body["athlete"]["id"] == "i100001" and "readiness" in body["status"]
        names = {p.name for p in (await c.list_prompts()).prompts}
        assert names == {"weekly_review", "plan_next_week", "post_workout_analysis", "race_week"}
        prompt = await c.get_prompt("race_week", {"race_date": "2026-12-20", "race_name": "Sprint tri"})
        assert "Sprint tri" in prompt.messages[0].content.text
