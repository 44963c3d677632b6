"""CSRF protection for every form: a random token kept in the (encrypted, HttpOnly) session is put in each
form as a hidden ``csrf`` field and must come back on every POST; the ``Origin`` header, when the browser
sends one, must be the service's own. A failure is a 403 page, and nothing is changed. SameSite=Lax cookies
already stop most cross-site posts; this closes the rest (old browsers, same-site subdomains).
"""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from icucoach.service.hub import Hub


def hub_of(request: Request) -> Hub:
    """The hub the page routes were built with (``web.handler`` puts it on the request)."""
    hub: Hub = request.scope["icucoach.hub"]
    return hub


class CsrfError(Exception):
    """The form did not carry this session's token, or came from another site."""


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The POSTed form, once its CSRF token and origin are checked (``CsrfError`` otherwise)."""
    origin = request.headers.get("origin")
    public = hub_of(request).settings.public_url
    if origin is not None and origin != "null" and origin.rstrip("/") != public:
        raise CsrfError("foreign origin")
    form = await request.form()
    sent, expected = form.get("csrf"), request.session.get("csrf")
    if not (isinstance(sent, str) and isinstance(expected, str)):
        raise CsrfError("missing token")
    if not secrets.compare_digest(sent, expected):
        raise CsrfError("missing or wrong token")
    return form


__all__ = ["CsrfError", "checked_form", "csrf_token", "hub_of"]
