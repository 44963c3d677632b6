"""The hosted service as one ASGI application (``create_app``), and what ``icucoach serve`` runs.

Routing, outermost first:

- ``TokenPaths``: ``/u/{token}/mcp`` and ``/c/{token}/mcp`` → the MCP tools without OAuth (the URL is the
  credential), the principal looked up per request;
- ``/mcp`` → the same tools behind MCP authorization (``mcp_auth``: FastMCP's OAuth proxy, we are the
  authorization server, Intervals.icu the upstream), with its discovery and OAuth endpoints at the root;
- ``/ical/{token}.ics``, ``/webhooks/intervals``, ``/healthz`` and the pages (``web``: sessions, CSRF,
  security headers on every response).

Both MCP apps are built from ``icucoach.mcp.server.build_server`` with one ``ServiceSession``: the service is
an adapter around the same tools, not a second server. Schema migrations run once per process start here
(``icucoach serve`` runs them in the parent before starting workers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from icucoach.intervals.cache import CacheTtl
from icucoach.mcp import registry
from icucoach.mcp.server import build_server
from icucoach.service import limits, notify, reactions, web
from icucoach.service.crypto import Vault
from icucoach.service.feed import feed_route
from icucoach.service.hub import Hub, Mailer
from icucoach.service.mcp_adapter import AuditObserver, CoachToolFilter, ServiceSession
from icucoach.service.principal import TokenPaths
from icucoach.service.settings import ServiceSettings
from icucoach.service.store import ServiceStore
from icucoach.service.upstream import UpstreamClients
from icucoach.service.webhooks import webhook_route

log = logging.getLogger(__name__)

# Training data is only ever in memory, briefly: half the single-user server's lifetimes (webhooks drop an
# athlete's entries sooner when something changes).
SERVICE_TTL = CacheTtl(profile=300.0, activity=1800.0, past=1800.0, recent=120.0, curves=300.0, events=60.0)


def default_mailer(settings: ServiceSettings) -> Mailer | None:
    """SMTP when ``ICUCOACH_SMTP_URL`` is set; printed to stdout in dev/demo mode; otherwise none (pages
    then say email is not configured)."""
    from icucoach.service.mail import ConsoleMailer, SmtpMailer

    if settings.smtp_url is not None:
        return SmtpMailer.from_url(settings.smtp_url.get_secret_value(), settings.mail_from)
    return ConsoleMailer() if settings.dev else None


def build_hub(settings: ServiceSettings, mailer: Mailer | None = None) -> Hub:
    from icucoach.service.jobs import JobQueue

    store = ServiceStore(settings.database_url, Vault(settings.secret_keys))
    clients = UpstreamClients(settings.intervals_base_url, ttl=SERVICE_TTL)
    hub = Hub(settings=settings, store=store, clients=clients, mailer=mailer or default_mailer(settings))
    hub.jobs = JobQueue(settings.redis_url)
    notify.register(hub)
    reactions.install(hub)
    limits.install(hub)
    return hub


def _mcp_http_app(hub: Hub, auth: Any = None) -> Any:
    server = build_server()
    hub.extras.setdefault("session", ServiceSession(hub))
    server.add_middleware(CoachToolFilter(hub))
    if auth is not None:
        server.auth = auth
    settings = hub.settings
    return server.http_app(
        path="/mcp",
        json_response=True,
        host_origin_protection=True,
        allowed_hosts=[settings.host],
        allowed_origins=[settings.public_url],
    )


def _oauth_app(hub: Hub) -> Any:
    """``/mcp`` behind MCP authorization, plus the authorization server's routes at the root."""
    from icucoach.service.kvstore import derive_fernet_key, encrypted_kv
    from icucoach.service.mcp_auth import VerifiedAthlete, build_oauth_proxy

    settings, store = hub.settings, hub.store
    keys = [k.get_secret_value() for k in settings.secret_keys]

    async def on_verified(athlete: VerifiedAthlete) -> None:
        """A client finished signing in with Intervals.icu: create or refresh the athlete's account (the
        signup policy applies as on the web; an athlete it refuses gets no account, and every tool then
        says so)."""
        known = await hub.db(store.account, athlete.athlete_id)
        if known is None and not settings.signup.admits(athlete.athlete_id, athlete.email):
            return
        await hub.db(
            store.upsert_account,
            athlete.athlete_id,
            athlete.name,
            athlete.email,
            athlete.upstream_token,
            athlete.scope,
        )
        await hub.db(
            store.record,
            athlete_id=athlete.athlete_id,
            actor="your AI (OAuth)",
            tool="connected an AI client",
            kind="account",
            result="ok",
        )

    proxy = build_oauth_proxy(
        public_url=settings.public_url,
        intervals_base_url=settings.intervals_base_url,
        client_id=settings.oauth_client_id,
        client_secret=settings.oauth_client_secret.get_secret_value(),
        signing_key=derive_fernet_key(keys[0], "icucoach-mcp-jwt"),
        storage=encrypted_kv(store.engine, keys),
        on_verified=on_verified,
    )
    hub.extras["oauth_proxy"] = proxy
    return _mcp_http_app(hub, auth=proxy)


CULL_SECONDS = 3600.0


def _cull_expired(hub: Hub) -> Callable[[], Awaitable[None]]:
    """Expired OAuth records (pending sign-ins, codes, old tokens) and used or expired email links."""
    from icucoach.service.kvstore import SqlKeyValue

    async def cull() -> None:
        await SqlKeyValue(hub.store.engine).cull()
        await hub.db(hub.store.cull_links)

    return cull


@contextlib.contextmanager
def _periodic(job: Callable[[], Awaitable[None]], every: float) -> Iterator[None]:
    async def loop() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await job()
            except Exception as exc:  # housekeeping must never take the service down
                log.warning("periodic %s failed: %s", getattr(job, "__name__", "job"), type(exc).__name__)

    task = asyncio.get_running_loop().create_task(loop())
    try:
        yield
    finally:
        task.cancel()


async def _health(request: Request) -> Response:
    return JSONResponse({"ok": True})


def create_app(settings: ServiceSettings, *, mailer: Mailer | None = None, migrate: bool = True) -> Any:
    """The whole service for ``settings`` (see the module docstring)."""
    hub = build_hub(settings, mailer)
    if migrate:
        hub.store.migrate()
    token_app = _mcp_http_app(hub)
    oauth_app = _oauth_app(hub)
    routes: list[BaseRoute] = [Route("/healthz", _health)]
    routes.extend(_optional_routes(hub))
    routes.extend(web.routes(hub))
    routes.append(Mount("/", app=oauth_app))  # /mcp, /.well-known/*, /register, /authorize, /token, ...
    for status, handler in web.exception_handlers().items():  # its catch-all's 404s are the site's
        oauth_app.add_exception_handler(status, handler)
    observer = AuditObserver(hub)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        registry.OBSERVERS.append(observer)
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(token_app.lifespan(token_app))
            await stack.enter_async_context(oauth_app.lifespan(oauth_app))
            await hub.extras["broadcast"].start()
            stack.push_async_callback(hub.extras["broadcast"].stop)
            await hub.jobs.start()
            stack.push_async_callback(hub.jobs.stop)
            stack.enter_context(_periodic(_cull_expired(hub), CULL_SECONDS))
            for extra in hub.extras.get("lifespans", []):
                await stack.enter_async_context(extra(app))
            try:
                yield
            finally:
                await observer.drain()
                registry.OBSERVERS.remove(observer)
                await hub.aclose()

    inner = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=web.middleware(settings),
        exception_handlers=web.exception_handlers(),
    )
    inner.state.hub = hub
    return TokenPaths(inner, token_app, hub, session=hub.extras["session"])


def _optional_routes(hub: Hub) -> list[BaseRoute]:
    """The parts other modules add (pages, iCal, webhooks, OAuth)."""
    secret = hub.settings.webhook_secret
    return [
        feed_route(hub),
        webhook_route(secret.get_secret_value() if secret else None, reactions.Reactions(hub)),
    ]


def create_app_from_env() -> Any:
    """Factory for ``uvicorn --factory`` / ``icucoach serve --workers N`` (settings from the environment)."""
    from icucoach.mcp import logs

    logs.configure()  # libraries at WARNING whatever the host set: they log payloads at DEBUG/INFO
    return create_app(ServiceSettings.from_env(), migrate=False)


__all__ = ["build_hub", "create_app", "create_app_from_env"]
