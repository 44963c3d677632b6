"""The MCP Inspector CLI (npm ``@modelcontextprotocol/inspector``), an independent client, listing and calling
tools over stdio and Streamable HTTP against the sandbox: the catalogue passes its schema-portability check
(``--strict``), a read returns structured content, a failing call exits 5 (``isError``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mcp_helpers import server_env


def run(
    inspector: list[str], args: list[str], tmp: Path, timeout: float = 120
) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(tmp),
        "MCP_INSPECTOR_SECRET_STORE": "memory",  # no OS keychain in CI
        "MCP_CATALOG_PATH": str(tmp / "catalog.json"),  # never write the user's ~/.mcp-inspector
    }
    return subprocess.run([*inspector, *args], env=env, capture_output=True, text=True, timeout=timeout)


def stdio_target(sandbox, account) -> list[str]:
    env = server_env(sandbox, account)
    flags: list[str] = []
    for key in ("INTERVALS_API_KEY", "INTERVALS_BASE_URL", "ICUCOACH_TODAY", "ICUCOACH_CONFIG"):
        flags += ["-e", f"{key}={env[key]}"]
    return [*flags, sys.executable, "-m", "icucoach", "mcp"]


def test_inspector_over_stdio(sandbox, inspector, tmp_path):
    athlete = sandbox.account("athlete", 0)
    target = stdio_target(sandbox, athlete)
    listed = run(inspector, [*target, "--method", "tools/list", "--strict"], tmp_path)
    assert listed.returncode == 0, listed.stderr[-2000:]
    names = [t["name"] for t in json.loads(listed.stdout)["tools"]]
    assert "icu_get_training_status" in names and "icu_create_workout" in names

    called = run(
        inspector,
        [
            *target,
            "--method",
            "tools/call",
            "--tool-name",
            "icu_list_activities",
            "--tool-arg",
            "oldest=2026-11-17",
            "--tool-arg",
            "limit=3",
        ],
        tmp_path,
    )
    assert called.returncode == 0, called.stderr[-2000:]
    result = json.loads(called.stdout)
    assert result["structuredContent"]["athlete"]["id"] == athlete.athlete_id
    assert len(result["structuredContent"]["activities"]) == 3

    failed = run(
        inspector,
        [
            *target,
            "--method",
            "tools/call",
            "--tool-name",
            "icu_get_activity",
            "--tool-arg",
            "activity_id=i1",
        ],
        tmp_path,
    )
    assert failed.returncode == 5, (failed.returncode, failed.stdout[-500:], failed.stderr[-500:])


def test_inspector_over_http(http_server, inspector, tmp_path):
    auth = f"Authorization: Bearer {http_server.token}"
    listed = run(
        inspector,
        [http_server.url, "--transport", "http", "--header", auth, "--method", "tools/list"],
        tmp_path,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert len(json.loads(listed.stdout)["tools"]) >= 15
    called = run(
        inspector,
        [
            http_server.url,
            "--transport",
            "http",
            "--header",
            auth,
            "--method",
            "tools/call",
            "--tool-name",
            "icu_preview_workout",
            "--tool-args-json",
            json.dumps({"sport": "Ride", "text": "Main set 4x\n- 8m 95-100%\n- 4m 55%"}),
        ],
        tmp_path,
    )
    assert called.returncode == 0, called.stderr[-2000:]
    assert json.loads(called.stdout)["structuredContent"]["valid"] is True
    denied = run(
        inspector,
        [
            http_server.url,
            "--transport",
            "http",
            "--header",
            "Authorization: Bearer nope",
            "--method",
            "tools/list",
        ],
        tmp_path,
    )
    assert denied.returncode != 0
