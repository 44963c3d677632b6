"""The ``icucoach mcp`` command: run the MCP server over stdio (default; what Claude Desktop/Code start) or
Streamable HTTP on 127.0.0.1 (``--http --port N``, bearer token from ``ICUCOACH_MCP_TOKEN``).

Credentials come from the environment/config (``INTERVALS_API_KEY``, ``INTERVALS_ATHLETE_ID``,
``INTERVALS_BASE_URL``), never from the command line. Over HTTP, once the port is bound, stderr says the
URL, the transport and how to connect (never the token); Ctrl-C stops it with a word and exit 0.
"""

from __future__ import annotations

import sys

import typer

from icucoach.exitcodes import Exit


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)


def mcp(
    http: bool = typer.Option(False, "--http", help="Serve Streamable HTTP at /mcp instead of stdio."),
    port: int = typer.Option(8766, help="HTTP port (with --http)."),
    host: str = typer.Option("127.0.0.1", help="HTTP bind address (with --http); keep it local."),
) -> None:
    """Run the MCP server (stdio by default)."""
    if http:
        serve_http(host, port)
    else:
        from icucoach.mcp.server import run_stdio

        run_stdio()


def serve_http(host: str, port: int) -> None:
    from icucoach.commands._console import fail
    from icucoach.mcp.connect import http_lines
    from icucoach.mcp.server import TOKEN_ENV, TOKEN_FIX, run_http, token_from_env
    from icucoach.serving import PortUnavailableError, listen_socket

    try:
        token = token_from_env()
    except ValueError as exc:
        fail(str(exc), TOKEN_FIX, Exit.CONFIG)
    if not 0 < port < 65536:
        fail(f"--port {port} is not a TCP port", "pass --port between 1 and 65535", Exit.USAGE)
    try:
        sock = listen_socket(host, port)
    except PortUnavailableError as exc:
        fail(exc.message, exc.hint, Exit.USAGE)
    url = f"http://{host}:{port}/mcp"

    def ready() -> None:
        lines = [
            f"icucoach MCP server: Streamable HTTP at {url} (bearer token: ${TOKEN_ENV}; Ctrl-C stops it)",
            "connect a client (in a shell where the same token is exported):",
            *http_lines(url),
        ]
        print("\n".join(lines), file=sys.stderr, flush=True)

    try:
        run_http(sock, token=token, on_ready=ready)
    except KeyboardInterrupt:
        print("icucoach MCP server stopped.", file=sys.stderr, flush=True)
