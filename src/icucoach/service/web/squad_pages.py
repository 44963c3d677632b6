"""The coach console's pages, written once for two hosts: the hosted service (a signed-in coach, the athletes
who granted them read access, each read with that athlete's own client) and ``icucoach console`` (one API key
on localhost). What differs between them is a small ``Provider``: who may be read, who may be written to, the
squad cache, page rendering and the CSRF check. ``routes(provider)`` gives the same pages to both.

Pages: ``/coach/squad`` (landing: the squad sorted by attention), ``/coach/feed`` (every athlete's recent
sessions) here; the athlete pages (week, season, workout review, the note form) in ``athlete_pages``.

Every number comes from ``icucoach.coach`` (views over the analytics); this module only picks the athletes,
calls the view and renders it. An athlete outside the viewer's sources is a 404, whether they exist or not,
so a page never tells a coach who else uses the service. A failure inside a page is the error page, never a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Protocol

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from icucoach.coach.squad import AthleteSource, SquadCache, load_squad
from icucoach.coach.views import activity_feed
from icucoach.intervals import IntervalsError
from icucoach.service.web.csrf import CsrfError

log = logging.getLogger("icucoach.service.web")

# The docs section that states every colour's and alarm's rule (the squad page's legend links it).
RULES_URL = "https://github.com/icucoach/icucoach/blob/main/docs/coach.md"
FEED_DAYS = (1, 3, 7)

# Charts are matplotlib SVG inline in the page, whose shapes carry ``style`` attributes: the console pages
# allow inline *styles* (scripts stay 'self' only; every text in a template is autoescaped).
CONSOLE_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)


class Provider(Protocol):
    """What the console pages need from their host."""

    today: date | None  # a pinned "today" (demo, tests); None = each athlete's own today

    def prepare(self, request: Request) -> None:
        """Called first on every request (the hosted service puts its hub on the request)."""

    async def sources(self, request: Request) -> list[AthleteSource] | None:
        """The athletes this viewer may read; None when nobody is signed in."""

    def cache(self, request: Request) -> SquadCache:
        """The viewer's squad cache (snapshots kept between pages and reloads)."""

    def can_write(self, request: Request, source: AthleteSource) -> bool:
        """May this viewer write a note to ``source``'s calendar?"""

    async def form(self, request: Request) -> FormData:
        """The POSTed form once its CSRF token is checked (``CsrfError`` otherwise)."""

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A rendered page of the host (its header, CSRF token and security headers)."""

    def signed_out(self, request: Request) -> Response:
        """What a visitor who is not signed in gets."""


Handler = Callable[[Request, Provider], Awaitable[Response]]


def message(request: Request, provider: Provider, status: int, title: str, what: str, todo: str) -> Response:
    """The error page of the console (its navigation, one sentence of what happened, one of what to do)."""
    return provider.page(
        request,
        "console_message.html",
        status,
        title=title,
        what=what,
        todo=todo,
        action=("/coach/squad", "Back to the squad"),
    )


def not_found(request: Request, provider: Provider) -> Response:
    return message(
        request,
        provider,
        404,
        "No such athlete here",
        "This athlete is not one of the athletes who share their training with you.",
        "Go back to your squad and pick an athlete from the list.",
    )


def source_of(request: Request, sources: list[AthleteSource]) -> AthleteSource | None:
    """The athlete the path names, if the viewer may read them."""
    wanted = str(request.path_params.get("athlete_id", ""))
    return next((s for s in sources if s.athlete_id == wanted), None)


def console_page(
    request: Request, provider: Provider, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A console page: the host's page with the console's navigation and its CSP (inline chart styles)."""
    response = provider.page(request, template, status, **context)
    response.headers["Content-Security-Policy"] = CONSOLE_CSP
    return response


def _endpoint(provider: Provider, fn: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        provider.prepare(request)
        try:
            return await fn(request, provider)
        except CsrfError:
            return message(
                request,
                provider,
                403,
                "This form has expired",
                "The form was not sent from this console's current page, so nothing was written.",
                "Reload the page and send the form again.",
            )
        except IntervalsError as exc:
            return message(
                request,
                provider,
                502,
                "Intervals.icu did not answer as expected",
                exc.message,
                exc.hint or "Try again in a minute.",
            )
        except Exception:
            # Logged without the request's data; the browser gets the error page, never a traceback.
            log.exception("console page %s failed", fn.__name__)
            return message(
                request,
                provider,
                500,
                "This page could not be built",
                "Something unexpected went wrong while reading the athletes' data.",
                "Reload the page; if it keeps happening, run icucoach with --debug and report the error.",
            )

    endpoint.__name__ = fn.__name__
    return endpoint


async def squad_page(request: Request, provider: Provider) -> Response:
    sources = await provider.sources(request)
    if sources is None:
        return provider.signed_out(request)
    squad = await load_squad(sources, today=provider.today, cache=provider.cache(request))
    return console_page(
        request,
        provider,
        "console_squad.html",
        squad=squad,
        rules_url=RULES_URL,
        section="squad",
    )


async def feed_page(request: Request, provider: Provider) -> Response:
    sources = await provider.sources(request)
    if sources is None:
        return provider.signed_out(request)
    try:
        days = int(request.query_params.get("days", "3"))
    except ValueError:
        days = 3
    days = days if days in FEED_DAYS else 3
    squad = await load_squad(sources, today=provider.today, cache=provider.cache(request))
    items = activity_feed(squad, days=days)
    return console_page(
        request,
        provider,
        "console_feed.html",
        items=items,
        squad=squad,
        days=days,
        day_choices=FEED_DAYS,
        section="feed",
    )


async def home(request: Request, provider: Provider) -> Response:
    return RedirectResponse("/coach/squad", 303)


def routes(provider: Provider, *, home_redirect: bool = False) -> list[Route]:
    """The console's pages over ``provider``; ``home_redirect`` also sends ``/`` to the squad (the local
    console, where the pages are the whole site)."""
    from icucoach.service.web import athlete_pages, plan_pages

    table: list[tuple[str, Handler, tuple[str, ...]]] = [
        ("/coach/squad", squad_page, ("GET",)),
        ("/coach/feed", feed_page, ("GET",)),
        *athlete_pages.ROUTES,
        *plan_pages.ROUTES,
    ]
    if home_redirect:
        table.append(("/", home, ("GET",)))
    return [Route(path, _endpoint(provider, fn), methods=list(methods)) for path, fn, methods in table]


__all__ = [
    "CONSOLE_CSP",
    "RULES_URL",
    "Provider",
    "console_page",
    "message",
    "not_found",
    "routes",
    "source_of",
]
