"""Every client error class reaches the model as an actionable ``isError`` result (never a protocol error,
never a traceback, never a secret): bad key, not shared, Strava-restricted, rate limited, validation (ours,
the input schema's), plus missing credentials and the HTTP transport's bearer check."""

from __future__ import annotations

import httpx2
import pytest
from mcp_helpers import error_text, server_env, stdio_client, structured

from icucoach.sandbox.faults import FaultConfig


async def test_bad_key_and_missing_credentials(sandbox):
    async with stdio_client(server_env(sandbox, None, INTERVALS_API_KEY="not-a-real-key-123")) as c:
        text = error_text(await c.call_tool("icu_get_profile", {}))
        assert "rejected the API key" in text and "Settings" in text
        assert "not-a-real-key-123" not in text
    async with stdio_client(server_env(sandbox, None)) as c:
        assert len((await c.list_tools()).tools) >= 15  # the server starts without credentials
        text = error_text(await c.call_tool("icu_list_activities", {}))
        assert "INTERVALS_API_KEY" in text


async def test_not_shared_strava_and_validation(sandbox):
    runner, maya = sandbox.account("athlete", 1), sandbox.account("athlete", 0)
    stub = next(
        a for a in sandbox.world.store(maya.athlete_id).activities.values() if a.get("source") == "STRAVA"
    )
    async with stdio_client(server_env(sandbox, runner)) as c:
        text = error_text(await c.call_tool("icu_get_fitness", {"athlete_id": maya.athlete_id}))
        assert "No access" in text and "share" in text
        text = error_text(await c.call_tool("icu_list_activities", {"oldest": "3/2/2026"}))
        assert "YYYY-MM-DD" in text
        text = error_text(await c.call_tool("icu_list_activities", {"limit": 1000}))  # input schema
        assert "limit" in text
        text = error_text(
            await c.call_tool("icu_list_activities", {"oldest": "2026-11-20", "newest": "2026-11-01"})
        )
        assert "swap" in text
        text = error_text(await c.call_tool("icu_update_workout", {"event_id": 1}))
        assert "Not found" in text or "nothing to change" in text
        # the schemas do not advertise additionalProperties: false (characters); the server still refuses
        text = error_text(await c.call_tool("icu_list_activities", {"oldest": "2026-11-01", "olderst": "x"}))
        assert "olderst" in text
        text = error_text(await c.call_tool("icu_plan_apply", {"preview_id": "x", "force": True}))
        assert "force" in text
    async with stdio_client(server_env(sandbox, maya)) as c:
        text = error_text(await c.call_tool("icu_get_streams", {"activity_id": str(stub["id"])}))
        assert "Strava" in text and "directly" in text


async def test_rate_limited(sandbox):
    sandbox.faults.configure(FaultConfig(retry_after="0"))
    athlete = sandbox.account("athlete", 0)
    async with stdio_client(server_env(sandbox, athlete)) as c:
        sandbox.faults.enqueue(*["429"] * 12)
        text = error_text(await c.call_tool("icu_get_profile", {}))
        assert "Rate limited" in text and "retry" in text.lower()
        sandbox.faults.clear()
        assert structured(await c.call_tool("icu_get_profile", {}))["athlete"]["id"] == athlete.athlete_id


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-wrong-token", "Basic abc"])
async def test_http_rejects_missing_or_wrong_token(http_server, header):
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    if header:
        headers["Authorization"] = header
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    async with httpx2.AsyncClient() as http:
        r = await http.post(http_server.url, json=body, headers=headers)
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers


async def test_http_rejects_foreign_origin(http_server):
    """DNS-rebinding guard: a page on another site cannot drive the local server even with the token."""
    headers = {
        "Accept": "application/json, text/event-stream",
        "Authorization": f"Bearer {http_server.token}",
    }
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    async with httpx2.AsyncClient() as http:
        evil = await http.post(
            http_server.url, json=body, headers={**headers, "Origin": "http://evil.example"}
        )
        local = await http.post(
            http_server.url, json=body, headers={**headers, "Origin": "http://localhost:5173"}
        )
    assert evil.status_code == 403
    assert local.status_code == 200
