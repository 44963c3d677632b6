"""The operator's page: every account (athlete id, name, email, status, created, number of coaches) and the
totals — for the athletes named in ``ICUCOACH_ADMIN_ATHLETES`` only. Never any training data: the service
has none at rest, and this page reads only the accounts and grants tables."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from icucoach.service.hub import Hub
from icucoach.service.web.dashboard import me
from icucoach.service.web.render import error, page


async def admin(request: Request, hub: Hub) -> Response:
    if me(request) not in hub.settings.admins:
        return error(
            request,
            403,
            "Admins only",
            "This page lists the service's accounts and is open only to its operators.",
            "Go back to your dashboard.",
            action=("/dashboard", "Dashboard"),
        )
    store = hub.store

    def rows() -> list[tuple[object, int]]:
        return [(a, len(store.grants_of_athlete(a.athlete_id))) for a in store.accounts()]

    accounts = await hub.db(rows)
    counts = await hub.db(store.counts)
    connected = sum(1 for a, _ in accounts if getattr(a, "status", "") == "connected")
    return page(request, "admin.html", accounts=accounts, counts=counts, connected=connected)


ROUTES = [("/admin", admin, ("GET",), True)]
