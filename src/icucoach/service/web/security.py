"""Response headers that make the pages hard to abuse, for every response of the service:
``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer`` (secret
URLs in a page never leak through a Referer), HSTS when the public URL is https, and a Content Security Policy
of ``frame-ancestors 'none'`` unless the response set its own. The pages set the strict ``page_csp`` (no
inline script or style: the JS and CSS are files under ``/static``), so the MCP OAuth proxy's own pages keep
theirs.

Also turns an unhandled exception on a page into the plain 500 page (no traceback reaches the browser).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icucoach.service.settings import ServiceSettings

log = logging.getLogger("icucoach.service.web")


_SECRET_SEGMENT = re.compile(r"/(ical|u|c|coach/confirm|coach/regenerate)/[^/]+")


def _masked(path: str) -> str:
    """A path safe to log: the secret segment of a feed, MCP or email-link URL replaced."""
    return _SECRET_SEGMENT.sub(r"/\1/***", path)


def page_csp(settings: ServiceSettings) -> str:
    upstream = urlsplit(settings.intervals_base_url)
    # form-action must allow Intervals.icu: Chromium applies it to the redirect after "Connect" is posted.
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            f"form-action 'self' {upstream.scheme}://{upstream.netloc}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: ServiceSettings) -> None:
        self.app = app
        self.hsts = settings.secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            if started:
                raise
            log.exception("unhandled error on %s %s", scope.get("method"), _masked(scope.get("path", "")))
            from icucoach.service.web.render import plain_error

            await plain_error(500)(scope, receive, send_wrapper)


__all__ = ["SecurityHeadersMiddleware", "page_csp"]
