"""The service's web pages (server-rendered Jinja2): landing, sign-in with Intervals.icu, the athlete's
dashboard (MCP URL, .mcpb, iCal, coaches and grants, disconnect, delete), the activity log, the coach pages
and the admin list. What the app factory calls:

- ``routes(hub)``: the page routes and ``/static``;
- ``middleware(settings)``: the session cookie and the security headers (pure ASGI, safe around MCP);
- ``exception_handlers()``: 404/405/500 as pages instead of Starlette's plain text.

Modules: ``sessions`` (cookie), ``csrf``, ``security`` (headers), ``render`` (templates, error pages),
``connect`` (landing, OAuth sign-in, logout), ``dashboard`` (the athlete's own things), ``coaches`` (the
athlete's coaches and grants), ``coach`` (the coach's pages), ``squad_pages``/``athlete_pages`` (the coach
console, hosted by ``console_hosts``), ``admin`` (the admin list), ``mcpb`` (the
Claude Desktop bundle), ``links`` (URLs and subscribe links), ``mailing`` (emails as ``notify`` jobs).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from icucoach.service.hub import Hub
from icucoach.service.settings import ServiceSettings
from icucoach.service.web.csrf import CsrfError
from icucoach.service.web.render import STATIC, error, plain_error
from icucoach.service.web.security import SecurityHeadersMiddleware
from icucoach.service.web.sessions import SessionMiddleware, athlete_of

Handler = Callable[[Request, Hub], Awaitable[Response]]


def handler(hub: Hub, fn: Handler, *, signed_in: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for ``fn``: puts the hub on the request, sends a signed-out visitor to the landing page
    when ``signed_in``, and turns a failed CSRF check into the 403 page."""

    async def endpoint(request: Request) -> Response:
        request.scope["icucoach.hub"] = hub
        if signed_in and athlete_of(request) is None:
            if request.method == "GET":
                return RedirectResponse("/?signin=1", 303)
            return error(
                request,
                401,
                "You are signed out",
                "Your session ended before this form was sent, so nothing was changed.",
                "Sign in again with Intervals.icu, then repeat what you were doing.",
                action=("/", "Sign in"),
            )
        try:
            return await fn(request, hub)
        except CsrfError:
            return error(
                request,
                403,
                "This form has expired",
                "The form was not sent from this site's current page, so nothing was changed.",
                "Reload the page and send the form again.",
            )

    endpoint.__name__ = fn.__name__
    return endpoint


def routes(hub: Hub) -> list[BaseRoute]:
    from icucoach.service.web import admin, coach, coaches, connect, dashboard, squad_pages
    from icucoach.service.web.console_hosts import HubProvider

    def r(path: str, fn: Handler, methods: tuple[str, ...] = ("GET",), signed_in: bool = False) -> Route:
        return Route(path, handler(hub, fn, signed_in=signed_in), methods=list(methods))

    return [
        *(r(path, fn, methods, signed) for path, fn, methods, signed in connect.ROUTES),
        *(r(path, fn, methods, signed) for path, fn, methods, signed in dashboard.ROUTES),
        *(r(path, fn, methods, signed) for path, fn, methods, signed in coaches.ROUTES),
        *(r(path, fn, methods, signed) for path, fn, methods, signed in coach.ROUTES),
        *(r(path, fn, methods, signed) for path, fn, methods, signed in admin.ROUTES),
        *squad_pages.routes(HubProvider(hub)),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]


def middleware(settings: ServiceSettings) -> list[Middleware]:
    """Outermost first: headers on every response (even errors), then the session."""
    return [
        Middleware(SecurityHeadersMiddleware, settings=settings),
        Middleware(SessionMiddleware, settings=settings),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return plain_error(status if status in (404, 405) else 500)


def exception_handlers() -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    """For ``Starlette(exception_handlers=...)``: Starlette's 404/405 and any other error as pages."""
    return {404: _http_error, 405: _http_error, 500: _http_error}


__all__ = ["exception_handlers", "handler", "middleware", "routes"]
