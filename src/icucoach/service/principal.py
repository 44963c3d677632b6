"""Who is calling the service's MCP endpoints.

Three ways in, one ``Principal``:

- ``/mcp`` with an OAuth access token our authorization server issued (``mcp_auth``): the athlete who signed
  in with Intervals.icu, through their AI client (Claude/ChatGPT custom connector).
- ``/u/{token}/mcp``: the athlete's personal secret URL, for clients that cannot do OAuth.
- ``/c/{token}/mcp``: a coach's roster URL; what it may do for each athlete is that athlete's grant.

``TokenPaths`` is the ASGI router for the two secret-URL forms: it looks the token up (by hash) on *every*
request — so a regenerated or revoked URL is refused on the very next call, by whichever worker serves it —
then hands the request to the MCP app at ``/mcp`` with the principal in the ASGI scope, where tools find it
through the request (``current``). The token never reaches a tool, a log or the upstream.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from starlette.types import ASGIApp, Receive, Scope, Send

from icucoach.mcp.context import SCOPE_SESSION_KEY

if TYPE_CHECKING:
    from icucoach.service.hub import Hub

SCOPE_KEY = "icucoach.principal"
_PATH = re.compile(r"^/(u|c)/([A-Za-z0-9_-]{20,128})/mcp/?$")
# Unauthenticated endpoints that create records or send email: limited per client address.
_ANONYMOUS = frozenset({"/register", "/authorize", "/token", "/connect", "/coach"})


@dataclass(frozen=True)
class Principal:
    kind: Literal["athlete", "coach"]
    athlete_id: str | None = None  # the athlete themself (kind athlete)
    coach_id: int | None = None
    coach_email: str | None = None
    via: str = "personal URL"  # personal URL | OAuth | coach URL

    @property
    def key(self) -> str:
        """A stable name for rate limits and selections: never the token."""
        return f"a:{self.athlete_id}" if self.kind == "athlete" else f"c:{self.coach_id}"

    @property
    def actor(self) -> str:
        """How the transparency page names the caller."""
        if self.kind == "coach":
            return f"coach {self.coach_email}"
        return f"your AI ({self.via})"


async def _json(
    send: Send, status: int, body: dict[str, str], headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})


class TokenPaths:
    """Routes ``/u/{token}/mcp`` and ``/c/{token}/mcp`` to ``mcp_app`` with the principal attached; every
    other request goes to ``app``."""

    def __init__(self, app: ASGIApp, mcp_app: ASGIApp, hub: Hub, session: object = None) -> None:
        self.app = app
        self.mcp_app = mcp_app
        self.hub = hub
        self.session = session  # the ServiceSession the tools use for this app's requests

    async def resolve(self, kind: str, token: str) -> Principal | None:
        store = self.hub.store
        if kind == "u":
            account = await self.hub.db(store.athlete_for_token, token, "mcp")
            return None if account is None else Principal("athlete", athlete_id=account.athlete_id)
        coach = await self.hub.db(store.coach_for_token, token)
        if coach is None:
            return None
        return Principal("coach", coach_id=coach.id, coach_email=coach.email, via="coach URL")

    @staticmethod
    def _other_key(scope: Scope) -> tuple[str, str] | None:
        """(limiter, key) for requests outside the secret URLs that are limited: ``/mcp`` per bearer token
        (its hash), the anonymous endpoints per client address on POST."""
        path = scope.get("path", "")
        if path.rstrip("/") == "/mcp":
            for name, value in scope.get("headers", []):
                if name == b"authorization":
                    return "limiter", "b:" + hashlib.sha256(value).hexdigest()[:32]
            return None
        if path in _ANONYMOUS and scope.get("method") == "POST":
            client = scope.get("client") or ("unknown", 0)
            return "ip_limiter", f"ip:{client[0]}"
        return None

    async def _limited(self, which: str, key: str, send: Send) -> bool:
        """Count one request on limiter ``which``; when over, answer 429 + Retry-After and say so."""
        limiter = self.hub.extras.get(which)
        wait = await limiter.hit_token(key) if limiter is not None else None
        if wait is None:
            return False
        seconds = max(1, int(wait + 0.999))
        await _json(
            send,
            429,
            {"error": "rate_limited", "error_description": f"too many requests; retry in {seconds} s"},
            ((b"retry-after", str(seconds).encode()),),
        )
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.session is not None:
            scope = {**scope, SCOPE_SESSION_KEY: self.session}
        match = _PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None:
            key = self._other_key(scope) if scope["type"] == "http" else None
            if key is not None and await self._limited(key[0], key[1], send):
                return
            await self.app(scope, receive, send)
            return
        principal = await self.resolve(match.group(1), match.group(2))
        if principal is None:
            await _json(
                send,
                404,
                {
                    "error": "unknown_url",
                    "error_description": "This MCP URL is not valid any more (regenerated or revoked): copy "
                    "the current one from your icucoach dashboard (coaches: the coach page).",
                },
            )
            return
        if await self._limited("limiter", principal.key, send):
            return
        inner = dict(scope)
        inner["path"] = "/mcp"
        inner["raw_path"] = b"/mcp"
        inner[SCOPE_KEY] = principal
        await self.mcp_app(inner, receive, send)


__all__ = ["SCOPE_KEY", "Principal", "TokenPaths"]
