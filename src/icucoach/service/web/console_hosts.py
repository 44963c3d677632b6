"""The two hosts of the coach console's pages (``squad_pages.Provider``):

- ``HubProvider``: the hosted service. The viewer is the coach whose emailed link was opened in this browser
  (``session["coach"]``); they read the athletes whose active grant includes a read tool, each through
  *that athlete's* upstream client (``Hub.upstream``), and may write a note only where the grant includes
  ``icu_add_note`` and the athlete let icucoach write their calendar. Grants are read on every request, so a
  revoke closes the pages at once.
- ``LocalProvider`` / ``local_app``: ``icucoach console``. One API key (the coach's), the athletes who share
  with its owner (``roster_sources``), the key's access level deciding writes. No account and no cookie: the
  forms carry a per-process random token (a page on another site cannot read it), the Origin, when sent,
  must be the console's own, and only its own host names are answered (no DNS rebinding).
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from icucoach.coach.squad import AthleteSource, SquadCache, roster_sources
from icucoach.intervals import IntervalsClient
from icucoach.service import grants
from icucoach.service.hub import Hub
from icucoach.service.web.csrf import CsrfError, checked_form
from icucoach.service.web.render import ENV, STATIC, page
from icucoach.service.web.squad_pages import CONSOLE_CSP, routes

NOTE_TOOL = "icu_add_note"
MAX_CACHES = 50  # coaches whose squad snapshots a worker keeps in memory (least recently used dropped)


class HubProvider:
    """The hosted service's coach, from the session cookie; grants from the store on every request."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.today: date | None = hub.fixed_today
        self._caches: OrderedDict[int, SquadCache] = OrderedDict()

    def prepare(self, request: Request) -> None:
        request.scope["icucoach.hub"] = self.hub

    @staticmethod
    def coach_id(request: Request) -> int | None:
        value = request.session.get("coach")
        return value if isinstance(value, int) else None

    async def sources(self, request: Request) -> list[AthleteSource] | None:
        coach_id = self.coach_id(request)
        if coach_id is None or await self.hub.db(self.hub.store.coach, coach_id) is None:
            return None
        out: list[AthleteSource] = []
        for grant in await self.hub.db(self.hub.store.grants_of_coach, coach_id):
            tools = set(grant.tools)
            if not any(grants.group_of(t) == "read" for t in tools):
                continue
            client = await self.hub.upstream(grant.athlete_id)
            if client is None:
                continue
            may_write = NOTE_TOOL in tools and await self._calendar_writable(grant.athlete_id)
            out.append(
                AthleteSource(grant.athlete_id, grant.athlete_name, client, "WRITE" if may_write else "READ")
            )
        return out

    async def _calendar_writable(self, athlete_id: str) -> bool:
        account = await self.hub.db(self.hub.store.account, athlete_id)
        return account is not None and "CALENDAR:WRITE" in (account.scope or "")

    def cache(self, request: Request) -> SquadCache:
        coach_id = self.coach_id(request) or 0
        cache = self._caches.get(coach_id)
        if cache is None:
            cache = self._caches[coach_id] = SquadCache()
            while len(self._caches) > MAX_CACHES:
                self._caches.popitem(last=False)
        self._caches.move_to_end(coach_id)
        return cache

    def can_write(self, request: Request, source: AthleteSource) -> bool:
        return source.access == "WRITE"  # decided from the grant and the account by ``sources``

    async def form(self, request: Request) -> FormData:
        return await checked_form(request)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return page(request, template, status, console=True, **context)

    def signed_out(self, request: Request) -> Response:
        return RedirectResponse("/coach", 303)


class LocalProvider:
    """``icucoach console``: the key's owner's shared athletes, read with the key's own client."""

    ROSTER_FRESH_S = 300.0

    def __init__(self, client: IntervalsClient, *, today: date | None = None) -> None:
        self.client = client
        self.today = today
        self.token = secrets.token_urlsafe(32)
        self.squad_cache = SquadCache()
        self._roster: list[AthleteSource] | None = None
        self._roster_at = 0.0

    def prepare(self, request: Request) -> None:
        return None

    async def sources(self, request: Request) -> list[AthleteSource] | None:
        if self._roster is None or time.monotonic() - self._roster_at > self.ROSTER_FRESH_S:
            self._roster = await roster_sources(self.client)
            self._roster_at = time.monotonic()
        return self._roster

    def cache(self, request: Request) -> SquadCache:
        return self.squad_cache

    def can_write(self, request: Request, source: AthleteSource) -> bool:
        return source.access in ("WRITE", "OWNER")

    async def form(self, request: Request) -> FormData:
        origin = request.headers.get("origin")
        own = f"{request.url.scheme}://{request.url.netloc}"  # the Host was checked (``local_app``)
        if origin is not None and origin != "null" and origin.rstrip("/") != own.rstrip("/"):
            raise CsrfError("foreign origin")
        form = await request.form()
        sent = form.get("csrf")
        if not (isinstance(sent, str) and secrets.compare_digest(sent, self.token)):
            raise CsrfError("missing or wrong token")
        return form

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        ctx = {
            "request": request,
            "athlete": None,
            "is_admin": False,
            "csrf": self.token,
            "notice": None,
            "console": True,
            "local": True,
            **context,
        }
        body = ENV.get_template(template).render(ctx)
        return HTMLResponse(
            body, status, headers={"Cache-Control": "no-store", "Content-Security-Policy": CONSOLE_CSP}
        )

    def signed_out(self, request: Request) -> Response:  # the key is the sign-in: never reached
        return RedirectResponse("/coach/squad", 303)


class _Headers:
    """The security headers of the service's pages, for the local console (pure ASGI)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_wrapper(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", b"frame-ancestors 'none'"),
                ):
                    if name not in names:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


def local_app(provider: LocalProvider, host: str = "127.0.0.1") -> Any:
    """The console as its own ASGI app: the pages, ``/`` → the squad, and the static files. Requests must
    name the console's own host (or localhost): a web page that re-points its domain at 127.0.0.1 (DNS
    rebinding) gets a 400, not the squad."""
    table: list[BaseRoute] = [
        *routes(provider, home_redirect=True),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await provider.client.aclose()

    names = sorted({*LOCAL_NAMES, host.strip("[]")})
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=names)]
    return _Headers(Starlette(routes=table, lifespan=lifespan, middleware=middleware))


__all__ = ["LOCAL_NAMES", "HubProvider", "LocalProvider", "local_app"]
