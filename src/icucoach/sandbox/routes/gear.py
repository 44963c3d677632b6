"""Gear: ``GET /athlete/{id}/gear{ext}`` lists the athlete's bikes, shoes and components (scope SETTINGS)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.auth import athlete_store
from icucoach.sandbox.routes.common import check_ext, ok


async def list_gear(request: Request) -> Response:
    check_ext(request.path_params["ext"])
    _, store = athlete_store(request, request.path_params["id"], "SETTINGS")
    return ok(list(store.gear.values()))


ROUTES = [Route("/api/v1/athlete/{id}/gear{ext:ext}", list_gear, methods=["GET"])]
