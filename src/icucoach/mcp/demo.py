"""The MCP part of ``icucoach demo``: start the server over Streamable HTTP against the running sandbox, talk
to it with the official MCP client (list the tools, ask for the training-status digest) and print how to
connect Claude Code, Claude Desktop or any MCP client (``connect``: absolute paths, quoted, never wrapped).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from rich.console import Console
from rich.panel import Panel

from icucoach.intervals import ClientSettings
from icucoach.mcp.connect import TOKEN_REF, http_lines, launcher, shell, stdio_lines
from icucoach.mcp.context import Session
from icucoach.mcp.server import TOKEN_ENV, http_app
from icucoach.serving import serve_in_background


@contextmanager
def serve_http(
    settings: ClientSettings, today: date | None = None, port: int | None = None, token: str | None = None
) -> Iterator[tuple[str, str]]:
    """The MCP server on 127.0.0.1 (``port``, default ephemeral) in a thread; yields (url, bearer token)."""
    session = Session(lambda: settings)
    session.fixed_today = today or session.fixed_today
    token = token or secrets.token_urlsafe(24)
    with serve_in_background(http_app(token, session=session), port=port, name="icucoach-mcp-demo") as bound:
        yield f"http://127.0.0.1:{bound}/mcp", token


async def _talk(url: str, token: str) -> dict[str, Any]:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    from mcp import Client

    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http,
        Client(streamable_http_client(url, http_client=http), mode="legacy") as client,
    ):
        tools = (await client.list_tools()).tools
        size = len(
            json.dumps(
                [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools],
                separators=(",", ":"),
                ensure_ascii=False,
            )
        )
        status = await client.call_tool("icu_get_training_status", {})
        headline = getattr(status.content[0], "text", "").split("\n", 1)[0] if status.content else ""
        return {
            "tools": [t.name for t in tools],
            "size": size,
            "headline": headline,
            "protocol": client.protocol_version,
        }


@contextmanager
def running_mcp(
    base_url: str,
    api_key: str,
    out: Console,
    *,
    today: date | None = None,
    port: int | None = None,
    keep_running: bool = False,
    again: list[str] | None = None,
) -> Iterator[str]:
    """Start the MCP server against the sandbox, use it through a real client and say how to connect; the
    server stays up until the block ends. With ``keep_running`` the printed commands are complete (they
    work while the demo runs); otherwise they say how to start the demo so that they do (``again``: the
    demo's own arguments to repeat)."""
    settings = ClientSettings(api_key=api_key, base_url=base_url)
    mine = os.environ.get(TOKEN_ENV, "").strip()
    token = mine if len(mine) >= 16 else secrets.token_urlsafe(24)
    with serve_http(settings, today, port, token) as (url, token):
        seen = asyncio.run(_talk(url, token))
        out.print(
            Panel(
                f"MCP server answered over Streamable HTTP ({seen['protocol']}): {len(seen['tools'])} tools, "
                f"tools/list {seen['size']:,} characters\n" + ", ".join(seen["tools"]) + "\n\n"
                f"icu_get_training_status → {seen['headline']}",
                title="MCP server",
                title_align="left",
            )
        )
        if keep_running:
            lines = [
                "Connect a client (these work while this demo runs):",
                *stdio_lines({"INTERVALS_API_KEY": api_key, "INTERVALS_BASE_URL": base_url}),
                *http_lines(url, TOKEN_REF if token == mine else token),
            ]
            if token != mine:
                lines.append(f"  (a demo token for this run; export {TOKEN_ENV} first to choose your own)")
        else:
            rerun = shell([*launcher(), "demo", *(again or []), "--keep-running"])
            lines = [f"Connect a client: run  {rerun}  (it prints the commands and keeps the servers up)"]
        for line in lines:  # plain, never wrapped: every command must work when pasted
            out.print(line, soft_wrap=True, markup=False, highlight=False)
        yield url


__all__ = ["running_mcp", "serve_http"]
