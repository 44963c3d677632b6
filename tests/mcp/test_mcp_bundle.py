"""The Claude Desktop extension: ``packaging/mcpb/build.py`` stages, validates (official ``mcpb`` from npm)
and packs the bundle; the packed server then runs from the unzipped bundle and answers the official client."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mcp_helpers import ROOT, TOOLS_DIR, npm_install, server_env, structured

from mcp import Client, StdioServerParameters

MCPB = "@anthropic-ai/mcpb@2.1.2"


@pytest.fixture(scope="module")
def mcpb() -> str:
    bin_ = TOOLS_DIR / "node_modules" / ".bin" / "mcpb"
    if not bin_.exists():
        npm_install(MCPB)
    return str(bin_)


async def test_bundle_builds_validates_and_runs(sandbox, mcpb, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "mcpb" / "build.py"),
            "--mcpb",
            mcpb,
            "--stage",
            str(tmp_path / "stage"),
            "--dist",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-1500:] + proc.stderr[-1500:]
    assert "validation passes" in proc.stdout
    bundle = next((tmp_path / "dist").glob("icucoach-*.mcpb"))
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        z.extractall(tmp_path / "unpacked")
    assert {"manifest.json", "pyproject.toml", "server/main.py", "src/icucoach/mcp/server.py"} <= names
    assert not any("__pycache__" in n for n in names)
    assert manifest["user_config"]["api_key"]["sensitive"] is True
    assert manifest["server"]["mcp_config"]["env"]["INTERVALS_API_KEY"] == "${user_config.api_key}"
    assert len(manifest["tools"]) >= 15

    main = Path(tmp_path / "unpacked" / "server" / "main.py")
    params = StdioServerParameters(
        command=sys.executable, args=[str(main)], env=server_env(sandbox, sandbox.account("athlete", 0))
    )
    async with Client(params, read_timeout_seconds=120) as c:
        assert {t.name for t in (await c.list_tools()).tools} == {t["name"] for t in manifest["tools"]}
        assert structured(await c.call_tool("icu_get_profile", {}))["athlete"]["id"] == "i100001"
