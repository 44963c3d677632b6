"""The ``icucoach mcp`` command: run the MCP server over stdio (default; what Claude Desktop/Code start) or
Streamable HTTP on 127.0.0.1 (``--http --port N``, bearer token from ``ICUCOACH_MCP_TOKEN``).

Credentials come from the environment/config (``INTERVALS_API_KEY``, ``INTERVALS_ATHLETE_ID``,
``INTERVALS_BASE_URL``), never from the command line.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)


def mcp(
    http: bool = typer.Option(False, "--http", help="Serve Streamable HTTP at /mcp instead of stdio."),
    port: int = typer.Option(8766, help="HTTP port (with --http)."),
    host: str = typer.Option("127.0.0.1", help="HTTP bind address (with --http); keep it local."),
) -> None:
    """Run the MCP server (stdio by default)."""
    from icucoach.mcp.server import run_http, run_stdio

    if http:
        run_http(host=host, port=port)
    else:
        run_stdio()
