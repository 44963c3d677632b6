"""Rendering the pages: one Jinja2 environment over ``service/templates`` (autoescaped), the context every
page gets (signed-in athlete, CSRF token, one-shot notice, public URL), and the error page every failure
becomes — a heading, one sentence of what happened, one of what to do, the right status code, never a
traceback. Pages that show a secret URL are sent ``Cache-Control: no-store``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from icucoach.service.web.csrf import csrf_token, hub_of
from icucoach.service.web.security import page_csp
from icucoach.service.web.sessions import athlete_of, take_flash

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"

ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _headers(request: Request | None, secret: bool) -> dict[str, str]:
    headers = {"Cache-Control": "no-store" if secret else "no-cache"}
    if request is not None:
        headers["Content-Security-Policy"] = page_csp(hub_of(request).settings)
    return headers


def page(
    request: Request, template: str, status: int = 200, *, secret: bool = False, **context: Any
) -> HTMLResponse:
    settings = hub_of(request).settings
    context.setdefault("athlete", athlete_of(request))
    ctx = {
        "request": request,
        "public_url": settings.public_url,
        "csrf": csrf_token(request),
        "notice": take_flash(request),
        "is_admin": context["athlete"] in settings.admins if context["athlete"] else False,
        **context,
    }
    body = ENV.get_template(template).render(ctx)
    return HTMLResponse(body, status, headers=_headers(request, secret))


def error(
    request: Request,
    status: int,
    title: str,
    what: str,
    todo: str,
    *,
    action: tuple[str, str] | None = None,
) -> HTMLResponse:
    """The error page: ``action`` is an optional (href, label) link that does the "what to do"."""
    return page(request, "message.html", status, title=title, what=what, todo=todo, action=action)


_PLAIN = {
    404: ("Page not found", "There is no page at this address.", "Check the link, or start from home."),
    405: ("Not allowed", "This page cannot be used that way.", "Go back and use the page's buttons."),
    500: (
        "Something went wrong",
        "The service hit an unexpected error and did not finish what you asked.",
        "Try again in a minute; if it keeps happening, tell the person who runs this service.",
    ),
}


def plain_error(status: int) -> HTMLResponse:
    """An error page that needs no request (no session, no CSRF): for 404/405/500 handlers."""
    title, what, todo = _PLAIN.get(status, _PLAIN[500])
    body = ENV.get_template("message.html").render(
        title=title, what=what, todo=todo, action=("/", "Home"), athlete=None, csrf="", notice=None
    )
    return HTMLResponse(body, status, headers={"Cache-Control": "no-store"})


__all__ = ["ENV", "STATIC", "TEMPLATES", "error", "page", "plain_error"]
