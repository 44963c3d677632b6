"""Helpers shared by the MCP end-to-end tests (imported by ``conftest`` and the test modules): the
server's environment, the official ``mcp`` client over stdio and Streamable HTTP, and result accessors."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx2
from mcp.client.streamable_http import streamable_http_client

from icucoach.sandbox import Account, RunningSandbox
from icucoach.serving import free_port
from mcp import Client, StdioServerParameters

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = ROOT / ".tools"
INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"


def npm_install(*packages: str) -> None:
    """Install npm packages into ``.tools/`` (once). Without npm the calling test is skipped, naming what to
    install: these tests need an independent client that only npm publishes."""
    import shutil

    import pytest

    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            f"needs npm to install {', '.join(packages)}: install Node.js >= 18 with npm "
            "(Debian/Ubuntu: apt-get install nodejs npm); .ci/run does this itself"
        )
    TOOLS_DIR.mkdir(exist_ok=True)
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS_DIR), *packages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"npm install {' '.join(packages)} failed: {proc.stderr[-2000:]}"


def server_env(sb: RunningSandbox, account: Account | None, **extra: str) -> dict[str, str]:
    """Environment for a server subprocess: credentials for ``account``, the sandbox, a pinned today."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    env.update(
        INTERVALS_BASE_URL=sb.base_url,
        ICUCOACH_TODAY=TODAY.isoformat(),
        ICUCOACH_CONFIG=str(ROOT / ".no-such-config.toml"),  # never read a developer's real config
        PYTHONUNBUFFERED="1",
    )
    if account is not None:
        env["INTERVALS_API_KEY"] = account.api_key
    env.update(extra)
    return env


@asynccontextmanager
async def stdio_client(env: dict[str, str], mode: str = "auto") -> AsyncIterator[Client]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "icucoach", "mcp"], env=env)
    async with Client(params, mode=mode, read_timeout_seconds=120) as client:  # type: ignore[arg-type]
        yield client


class HttpServer:
    """``icucoach mcp --http`` in a subprocess; ``log`` receives its stderr (else a pipe read on failure)."""

    def __init__(self, env: dict[str, str], log: Path | None = None) -> None:
        self.port = free_port()
        self.token = secrets.token_urlsafe(24)
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "icucoach", "mcp", "--http", "--port", str(self.port)],
            env={**env, "ICUCOACH_MCP_TOKEN": self.token},
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb") if log is not None else subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read() if self.proc.stderr else (log.read_bytes() if log else b"")
                raise RuntimeError(f"MCP HTTP server exited: {err.decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("MCP HTTP server did not start")

    @asynccontextmanager
    async def client(self, mode: str = "legacy", token: str | None = None) -> AsyncIterator[Client]:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=120) as http,
            Client(streamable_http_client(self.url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
        ):
            yield client

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def structured(result: Any) -> dict[str, Any]:
    """The structured content of a successful tool result (fails the test on ``isError``)."""
    assert not result.is_error, result.content[0].text if result.content else result
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error, "expected isError"
    return " ".join(getattr(c, "text", "") for c in result.content)
