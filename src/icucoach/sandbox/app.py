"""The sandbox's Starlette application: every ``/api/v1`` route, the OAuth endpoints, error handling in the
API's shapes, and the API edge (fault injection, rate limit) in front of ``/api/v1``.

``create_app(world, options, faults)`` is what ``runner.serve_in_thread`` / ``serve_forever`` call. The app
keeps ``world``, ``options``, ``faults``, the ``limiter`` and the ``webhooks`` dispatcher on ``app.state`` so
tests can reach them. ``options.webhook_url``/``webhook_secret`` are set on every registered OAuth app here;
the sandbox-only ``/_sandbox/...`` control routes are listed in ``icucoach.sandbox.webhooks``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox import oauth, webhooks
from icucoach.sandbox.errors import EXCEPTION_HANDLERS
from icucoach.sandbox.faults import FaultPlan
from icucoach.sandbox.middleware import ApiEdgeMiddleware
from icucoach.sandbox.ratelimit import RateLimiter
from icucoach.sandbox.routes import ROUTES as API_ROUTES
from icucoach.sandbox.routes.common import ok
from icucoach.sandbox.runner import SandboxOptions
from icucoach.sandbox.world import World


async def _file(request: Request) -> Response:
    """Attachment files (GPX routes on planned events), like the real service's attachment URLs."""
    world: World = request.app.state.world
    found = world.files.get(request.path_params["path"])
    if found is None:
        return Response(status_code=404)
    mime, body = found
    return Response(body, media_type=mime)


async def _root(request: Request) -> Response:
    world: World = request.app.state.world
    return ok(
        {
            "service": "icucoach sandbox (Intervals.icu API imitation)",
            "api": "/api/v1",
            "today": world.today.isoformat(),
            "seed": world.seed,
        }
    )


def create_app(world: World, options: SandboxOptions, faults: FaultPlan) -> Starlette:
    limiter = RateLimiter(options.rate_per_second, options.burst) if options.rate_limit else None
    app = Starlette(
        routes=[
            Route("/", _root, methods=["GET"]),
            Route("/files/{path:path}", _file, methods=["GET"]),
            *oauth.ROUTES,
            *webhooks.ROUTES,
            *API_ROUTES,
        ],
        middleware=[Middleware(ApiEdgeMiddleware, faults=faults, limiter=limiter)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    app.state.world = world
    app.state.options = options
    app.state.faults = faults
    app.state.limiter = limiter
    app.state.activity_index = {}
    if options.webhook_url is not None:
        for client_id in list(world.oauth_clients):
            webhooks.set_webhook(world, client_id, options.webhook_url, options.webhook_secret)
    app.state.webhooks = webhooks.WebhookDispatcher(
        world,
        webhooks.DeliveryPolicy(
            window_seconds=options.webhook_window_seconds,
            max_attempts=options.webhook_max_attempts,
            retry_base_seconds=options.webhook_retry_base_seconds,
            retry_cap_seconds=options.webhook_retry_cap_seconds,
        ),
    )
    return app
