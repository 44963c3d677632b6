"""The API edge, in front of every ``/api/v1`` route: injected faults, then the rate limit.

Order per request: ``faults.next()`` decides the outcome (scripted outcomes first, then the seeded random
shares); ``config.latency_ms`` delays every request; then:

- ``ok``: the rate limiter (if ``options.rate_limit``) may answer 429; otherwise the route runs.
- ``429``: ``{"status":429,"error":"Too Many Requests"}`` with ``Retry-After`` from ``config.retry_after``.
- ``500`` / ``503``: Spring-style JSON error bodies (the service itself failed).
- ``502`` / ``504``: the HTML page a reverse proxy sends (the service behind it is down or slow).
- ``timeout``: stalls ``config.hang_seconds``, then 504 (clients with shorter timeouts see a timeout).
- ``truncate``: the route runs (its side effects happen), then only the first half of its body is sent,
  without the Content-Length of the full body (chunked), so the client gets cut JSON.
- ``malformed``: 200 with ``Content-Type: application/json`` and a non-JSON body; the route does not run.

Pure ASGI (no BaseHTTPMiddleware) so the sandbox stays fast.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icucoach.sandbox.auth import credential_of
from icucoach.sandbox.errors import REASONS, error_body
from icucoach.sandbox.faults import FaultPlan
from icucoach.sandbox.ratelimit import RateLimiter, retry_after_header

API_PREFIX = "/api/v1"

_PROXY_PAGE = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1>"
    "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
_MALFORMED = b"<!DOCTYPE html><html><body><p>Intervals.icu is updating, please try again shortly.</p>"


async def _send_simple(send: Send, status: int, body: bytes, content_type: str, extra=()) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *[(k.encode(), v.encode()) for k, v in extra],
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json_error(send: Send, status: int, path: str, extra=()) -> None:
    body = json.dumps(error_body(status, REASONS[status], path), separators=(",", ":")).encode()
    await _send_simple(send, status, body, "application/json", extra)


async def _send_proxy_page(send: Send, status: int) -> None:
    body = _PROXY_PAGE.format(code=status, reason=REASONS[status]).encode()
    await _send_simple(send, status, body, "text/html")


class ApiEdgeMiddleware:
    def __init__(self, app: ASGIApp, faults: FaultPlan, limiter: RateLimiter | None) -> None:
        self.app = app
        self.faults = faults
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        fault = self.faults.next()
        config = self.faults.config
        if config.latency_ms > 0:
            await asyncio.sleep(config.latency_ms / 1000.0)
        if fault in ("ok", "truncate") and self.limiter is not None:
            wait = self.limiter.take(self._bucket_key(scope))
            if wait is not None:
                await _send_json_error(send, 429, path, [("retry-after", retry_after_header(wait))])
                return
        if fault == "ok":
            await self.app(scope, receive, send)
        elif fault == "429":
            extra = [("retry-after", config.retry_after)] if config.retry_after is not None else []
            await _send_json_error(send, 429, path, extra)
        elif fault in ("500", "503"):
            await _send_json_error(send, int(fault), path)
        elif fault in ("502", "504"):
            await _send_proxy_page(send, int(fault))
        elif fault == "timeout":
            await asyncio.sleep(config.hang_seconds)
            await _send_proxy_page(send, 504)
        elif fault == "truncate":
            await self._truncated(scope, receive, send)
        else:  # malformed
            await _send_simple(send, 200, _MALFORMED, "application/json")

    @staticmethod
    def _bucket_key(scope: Scope) -> str:
        auth = None
        for k, v in scope.get("headers", ()):
            if k == b"authorization":
                auth = v.decode("latin-1")
                break
        key = credential_of(auth)
        if key is None:
            client = scope.get("client") or ("?", 0)
            key = "ip:" + str(client[0])
        return key

    async def _truncated(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        assert start is not None
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
