"""The MCP part of ``icucoach demo``: start the server over Streamable HTTP against the running sandbox, talk
to it with the official MCP client (list the tools, ask for the training-status digest) and print how to
connect Claude Code, Claude Desktop or any MCP client.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from rich.console import Console
from rich.panel import Panel

from icucoach.intervals import ClientSettings
from icucoach.mcp.context import Session
from icucoach.mcp.server import http_app
from icucoach.serving import serve_in_background


@contextmanager
def serve_http(settings: ClientSettings, today: date | None = None) -> Iterator[tuple[str, str]]:
    """The MCP server on 127.0.0.1 (ephemeral port) in a thread; yields (url, bearer token)."""
    session = Session(lambda: settings)
    session.fixed_today = today or session.fixed_today
    token = secrets.token_urlsafe(24)
    with serve_in_background(http_app(token, session=session), name="icucoach-mcp-demo") as port:
        yield f"http://127.0.0.1:{port}/mcp", token


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


def show_mcp(base_url: str, api_key: str, out: Console, today: date | None = None) -> None:
    """Start the MCP server against the sandbox, use it through a real client, print connection recipes."""
    settings = ClientSettings(api_key=api_key, base_url=base_url)
    with serve_http(settings, today) as (url, token):
        seen = asyncio.run(_talk(url, token))
    env = {"INTERVALS_API_KEY": api_key, "INTERVALS_BASE_URL": base_url}
    desktop = {"mcpServers": {"icucoach": {"command": "icucoach", "args": ["mcp"], "env": env}}}
    out.print(
        Panel(
            f"MCP server answered over Streamable HTTP ({seen['protocol']}): {len(seen['tools'])} tools, "
            f"tools/list {seen['size']:,} characters\n" + ", ".join(seen["tools"]) + "\n\n"
            f"icu_get_training_status → {seen['headline']}\n\n"
            "[bold]Connect a client[/] (keep the sandbox up with [cyan]icucoach demo --keep-running[/]):\n"
            f"  Claude Code (stdio):  [cyan]claude mcp add icucoach --env INTERVALS_API_KEY={api_key} "
            f"--env INTERVALS_BASE_URL={base_url} -- icucoach mcp[/]\n"
            f"  Claude Desktop (claude_desktop_config.json):\n    {json.dumps(desktop)}\n"
            "  or install the extension: [cyan]make mcpb[/] → open dist/icucoach-*.mcpb in Claude Desktop\n"
            "  Any client over HTTP:  [cyan]ICUCOACH_MCP_TOKEN=<random> icucoach mcp --http "
            "--port 8766[/] then\n"
            "    [cyan]claude mcp add --transport http icucoach http://127.0.0.1:8766/mcp "
            '--header "Authorization: Bearer <token>"[/]\n'
            "  Inspector:  [cyan]npx @modelcontextprotocol/inspector --cli icucoach mcp "
            "--method tools/list[/]",
            title="MCP server",
            title_align="left",
        )
    )


__all__ = ["serve_http", "show_mcp"]
