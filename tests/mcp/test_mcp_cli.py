"""What ``icucoach mcp --http`` and ``icucoach demo --keep-running`` print, tried the way a user would: the
printed commands are pasted (the stdio launch line and the HTTP URL/header go to a real ``mcp`` client),
Ctrl-C stops with a word and exit 0, and a busy port is one clean error naming the option to change."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest
from mcp.client.streamable_http import streamable_http_client
from mcp_helpers import TODAY, server_env, structured

from icucoach.serving import free_port
from mcp import Client, StdioServerParameters

LAUNCHER = str(Path(sys.executable).parent / "icucoach")


class Lines:
    """A subprocess's stream read line by line in a thread (waiting for a line never blocks the test)."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.seen: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in iter(stream.readline, ""):
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def until(self, pattern: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._q.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.seen[-40:]))

    def rest(self, proc: subprocess.Popen[str]) -> str:
        proc.wait(timeout=60)
        time.sleep(0.2)
        while not self._q.empty():
            line = self._q.get()
            if line is not None:
                self.seen.append(line)
        return "\n".join(self.seen)


async def call_profile_over_http(url: str, token: str) -> dict:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=120) as http,
        Client(streamable_http_client(url, http_client=http), mode="legacy") as client,  # type: ignore[arg-type]
    ):
        return structured(await client.call_tool("icu_get_profile", {}))


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


async def test_mcp_http_says_where_and_how_to_connect(sandbox):
    token = "tok-" + "s3cr3t" * 5
    env = server_env(sandbox, sandbox.account("athlete", 0), ICUCOACH_MCP_TOKEN=token)
    port = free_port()
    proc = subprocess.Popen(
        [LAUNCHER, "mcp", "--http", "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        err = Lines(proc.stderr)
        banner = err.until(r"Streamable HTTP at ")
        url = f"http://127.0.0.1:{port}/mcp"
        assert url in banner and "Ctrl-C" in banner
        claude = err.until(r"claude mcp add --transport http")
        assert url in claude and '"Authorization: Bearer $ICUCOACH_MCP_TOKEN"' in claude
        profile = await call_profile_over_http(url, token)  # the printed URL works
        assert profile["athlete"]["name"] == "Maya Lindqvist"
        proc.send_signal(signal.SIGINT)
        text = err.rest(proc)
    finally:
        stop(proc)
    assert proc.returncode == 0 and "stopped" in text
    assert token not in text and "Traceback" not in text


def test_mcp_http_on_a_busy_port_is_one_clean_error(sandbox):
    env = server_env(sandbox, None, ICUCOACH_MCP_TOKEN="x" * 20)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [LAUNCHER, "mcp", "--http", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr.count("error:") == 1 and f"port {port}" in result.stderr and "--port" in result.stderr
    )
    assert "Traceback" not in result.stderr and "Streamable HTTP at" not in result.stderr


def test_mcp_http_without_a_token_says_how_to_make_one(sandbox):
    env = server_env(sandbox, None)
    result = subprocess.run([LAUNCHER, "mcp", "--http"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 6 and "ICUCOACH_MCP_TOKEN" in result.stderr and "fix:" in result.stderr
    assert "Traceback" not in result.stderr


async def test_demo_keep_running_serves_the_printed_commands_until_ctrl_c():
    mcp_port, sandbox_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    env.update(PYTHONUNBUFFERED="1", COLUMNS="80")
    args = ["demo", "--today", TODAY.isoformat(), "--keep-running", "--port", str(mcp_port)]
    proc = subprocess.Popen(
        [LAUNCHER, *args, "--sandbox-port", str(sandbox_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = Lines(proc.stdout)
        desktop = lines.until(r"Claude Desktop \(claude_desktop_config.json\):")
        http = lines.until(r"any MCP client: URL ")
        lines.until(r"Ctrl-C stops them")

        url, token = re.search(r"URL (\S+), header Authorization: Bearer (\S+)", http).groups()  # type: ignore[union-attr]
        assert url == f"http://127.0.0.1:{mcp_port}/mcp"
        assert (await call_profile_over_http(url, token))["athlete"]["name"] == "Maya Lindqvist"

        server = json.loads(desktop.split(":", 1)[1])["mcpServers"]["icucoach"]
        assert Path(server["command"]).is_absolute() and Path(server["command"]).exists()
        assert server["env"]["INTERVALS_BASE_URL"] == f"http://127.0.0.1:{sandbox_port}"
        stdio_env = {**env, **server["env"], "ICUCOACH_TODAY": TODAY.isoformat()}
        params = StdioServerParameters(command=server["command"], args=server["args"], env=stdio_env)
        async with Client(params, read_timeout_seconds=120) as client:  # type: ignore[arg-type]
            profile = structured(await client.call_tool("icu_get_profile", {}))
        assert profile["athlete"]["name"] == "Maya Lindqvist", "the pasted Claude Desktop config works"

        proc.send_signal(signal.SIGINT)
        text = lines.rest(proc)
    finally:
        stop(proc)
    assert proc.returncode == 0, text[-2000:]
    assert "Stopped the sandbox and the MCP server." in text and "Traceback" not in text


@pytest.mark.parametrize("option", ["--port", "--sandbox-port"])
def test_demo_on_a_busy_port_is_one_clean_error(option):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [LAUNCHER, "demo", "--keep-running", option, str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("error:") == 1 and option in result.stderr and str(port) in result.stderr
    assert "Traceback" not in result.stderr
