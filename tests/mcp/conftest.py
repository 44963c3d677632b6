"""Fixtures for the MCP end-to-end tests: one sandbox for the whole MCP suite (generating the world takes
seconds), and the server reached only through independent clients: the official ``mcp`` Python client over
stdio (``python -m icucoach mcp`` as a subprocess) and Streamable HTTP (``icucoach mcp --http``), and the
MCP Inspector CLI from npm (installed into ``.tools/`` on first use). Helpers live in ``mcp_helpers``.

Writes are shared across tests (one world), so every test writes on its own dates/names.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp_helpers import INSPECTOR, TOOLS_DIR, HttpServer, npm_install, server_env

from icucoach.sandbox import RunningSandbox


@pytest.fixture(scope="module")
def http_server(sandbox: RunningSandbox) -> Iterator[HttpServer]:
    """``icucoach mcp --http`` for the demo athlete (one per test module)."""
    server = HttpServer(server_env(sandbox, sandbox.account("athlete", 0)))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def inspector() -> list[str]:
    """The MCP Inspector CLI launcher (npm, installed into .tools/ when missing)."""
    bin_ = TOOLS_DIR / "node_modules" / ".bin" / "mcp-inspector"
    if not bin_.exists():
        npm_install(INSPECTOR)
    return [str(bin_), "--cli"]
