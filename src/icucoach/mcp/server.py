"""The icucoach MCP server: building it and running it over stdio or Streamable HTTP.

``build_server()`` makes a FastMCP server with every tool (``registry.TOOLS``, in declaration order), the
resources and the prompts. ``run_stdio()`` is what ``icucoach mcp`` and Claude Desktop start; ``http_app()``
/ ``run_http()`` serve ``/mcp`` on 127.0.0.1 behind a bearer token from ``ICUCOACH_MCP_TOKEN`` (401 without
it). Both protocol eras the SDK speaks (2025-era handshake with sessions, 2026-07-28 stateless) are served on
the same endpoint. Logs go to stderr only (``logs``); secrets and training data never reach logs.
"""

from __future__ import annotations

import hmac
import os
import socket
from collections.abc import Callable
from typing import Any

from fastmcp import FastMCP
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from icucoach import __version__
from icucoach.mcp import logs, registry, resources
from icucoach.mcp import tools_calendar as _tools_calendar  # noqa: F401  (registers tools)
from icucoach.mcp import tools_coach as _tools_coach  # noqa: F401
from icucoach.mcp import tools_events as _tools_events  # noqa: F401
from icucoach.mcp import tools_fitness as _tools_fitness  # noqa: F401
from icucoach.mcp import tools_perf as _tools_perf  # noqa: F401
from icucoach.mcp import tools_plan as _tools_plan  # noqa: F401
from icucoach.mcp import tools_read as _tools_read  # noqa: F401
from icucoach.mcp import tools_squad as _tools_squad  # noqa: F401
from icucoach.mcp.context import SESSION_HOLDER, Session

TOKEN_ENV = "ICUCOACH_MCP_TOKEN"

INSTRUCTIONS = (
    "icucoach connects to the athlete's Intervals.icu account: training history, wellness, fitness, curves, "
    "the analytics training-status digest and the planned calendar. Dates are the athlete's local dates "
    "(YYYY-MM-DD); every answer names the athlete it is about. Coaches: icu_list_athletes, then "
    "icu_select_athlete or athlete_id per call; writes need an explicitly chosen athlete. Writes are "
    "validated first and read back; icu_preview_workout checks a workout without writing. Strava-synced "
    "activities are stubs whose data is unavailable (not zero). Workout text syntax: resource "
    "icucoach://guide/workout-syntax."
)


def build_server(session: Session | None = None) -> FastMCP:
    """A new server (tools, resources, prompts); ``session`` replaces the process-wide state (tests)."""
    if session is not None:
        SESSION_HOLDER["s"] = session
    server = FastMCP("icucoach", instructions=INSTRUCTIONS, version=__version__, mask_error_details=True)
    registry.install(
        server,
        (
            "tools_coach",
            "tools_squad",
            "tools_read",
            "tools_fitness",
            "tools_perf",
            "tools_calendar",
            "tools_events",
            "tools_plan",
        ),
    )
    resources.install(server)
    return server


def run_stdio() -> None:
    logs.configure()
    build_server().run("stdio", show_banner=False)


class BearerAuth:
    """ASGI middleware: every HTTP request needs ``Authorization: Bearer <token>`` (constant-time check)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        given = auth[7:].strip().encode() if auth.lower().startswith("bearer ") else b""
        if not given or not hmac.compare_digest(given, self._token):
            response = JSONResponse(
                {"error": "unauthorized", "error_description": f"send Authorization: Bearer <{TOKEN_ENV}>"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="icucoach"'},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


TOKEN_FIX = f"export {TOKEN_ENV}=$(openssl rand -hex 24), and give the client the same value"


def token_from_env() -> str:
    """The bearer token; ``ValueError`` (with ``TOKEN_FIX`` as the remedy) when missing or too short."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if len(token) < 16:
        raise ValueError(f"{TOKEN_ENV} must hold a bearer token of at least 16 characters for --http")
    return token


def http_app(token: str, path: str = "/mcp", session: Session | None = None) -> Any:
    """The Streamable HTTP ASGI app behind the bearer check, with strict Host/Origin checks against DNS
    rebinding: loopback only, plus the hosts in ``ICUCOACH_MCP_ALLOWED_HOSTS`` (comma-separated, e.g. a
    tunnel's host name) — a foreign Origin gets 403, a foreign Host 421."""
    extra = [h.strip() for h in os.environ.get("ICUCOACH_MCP_ALLOWED_HOSTS", "").split(",") if h.strip()]
    app = build_server(session).http_app(
        path=path,
        json_response=True,
        host_origin_protection=True,
        allowed_hosts=extra or None,
        allowed_origins=[f"https://{h}" for h in extra] or None,
    )
    app.add_middleware(BearerAuth, token=token)
    return app


def run_http(
    sock: socket.socket,
    token: str | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve on the already bound ``sock`` (``serving.listen_socket``) until SIGINT/SIGTERM (then
    ``KeyboardInterrupt`` is raised after a clean shutdown); ``on_ready`` runs once it accepts connections,
    so nothing claims the server runs before it does."""
    from icucoach.serving import serve_foreground

    logs.configure()
    serve_foreground(http_app(token or token_from_env()), sock, on_ready=on_ready or (lambda: None))


__all__ = [
    "INSTRUCTIONS",
    "TOKEN_ENV",
    "TOKEN_FIX",
    "BearerAuth",
    "build_server",
    "http_app",
    "run_http",
    "run_stdio",
]
