"""Browser sessions for the pages: a signed *and* encrypted cookie (Fernet under a key derived from
``ICUCOACH_SECRET_KEYS``), HttpOnly, SameSite=Lax, ``Secure`` with the ``__Host-`` prefix when the public URL
is https. The session holds only small identifiers (the signed-in athlete id, a coach id after a confirm
link, the CSRF token, the pending OAuth ``state``, a one-shot notice) — never a token of Intervals.icu.

Pure ASGI (no ``BaseHTTPMiddleware``) so streaming MCP responses pass through untouched; the cookie is only
parsed when present and only written when the session changed.
"""

from __future__ import annotations

import base64
import json
import time
from http.cookies import SimpleCookie
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icucoach.service.settings import ServiceSettings

_INFO = b"icucoach web session cookie v1"


def _derived(key: bytes) -> Fernet:
    """A cookie key of its own per service key, so a session cookie can never be confused with a stored
    token's ciphertext (both are Fernet)."""
    raw = base64.urlsafe_b64decode(key)
    okm = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)
    return Fernet(base64.urlsafe_b64encode(okm))


def cookie_name(settings: ServiceSettings) -> str:
    return "__Host-icucoach" if settings.secure_cookies else "icucoach_session"


class SessionMiddleware:
    def __init__(self, app: ASGIApp, settings: ServiceSettings) -> None:
        self.app = app
        self.ttl = settings.session_ttl_seconds
        self.name = cookie_name(settings)
        self.secure = settings.secure_cookies
        # Every configured key opens a cookie; the first seals it (rotation logs nobody out).
        self.fernet = MultiFernet([_derived(k.get_secret_value().encode()) for k in settings.secret_keys])

    def load(self, scope: Scope) -> dict[str, Any]:
        for name, value in scope.get("headers", []):
            if name != b"cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header from some other site's code: no session
                continue
            morsel = jar.get(self.name)
            if morsel is None:
                continue
            try:
                data = json.loads(self.fernet.decrypt(morsel.value.encode(), ttl=self.ttl))
            except (InvalidToken, ValueError):
                return {}
            if not isinstance(data, dict):
                return {}
            if data.get("exp", 0) < time.time():  # an absolute lifetime from sign-in, not sliding
                return {}
            return data
        return {}

    def cookie(self, session: dict[str, Any]) -> str:
        attrs = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
        if not session:
            return f"{self.name}=; Max-Age=0; {attrs}"
        session.setdefault("exp", int(time.time()) + self.ttl)
        value = self.fernet.encrypt(json.dumps(session, separators=(",", ":")).encode()).decode()
        return f"{self.name}={value}; Max-Age={self.ttl}; {attrs}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self.load(scope)
        before = json.dumps(session, sort_keys=True)
        scope["session"] = session
        had_cookie = bool(session)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = scope["session"]
                if json.dumps(now, sort_keys=True) != before or (had_cookie and not now):
                    headers = MutableHeaders(scope=message)
                    headers.append("Set-Cookie", self.cookie(now))
            await send(message)

        await self.app(scope, receive, send_wrapper)


def sign_in(request: Request, athlete_id: str) -> None:
    """A fresh session for ``athlete_id`` (new CSRF token: nothing from before sign-in carries over)."""
    request.session.clear()
    request.session["athlete"] = athlete_id


def sign_out(request: Request) -> None:
    request.session.clear()


def athlete_of(request: Request) -> str | None:
    value = request.session.get("athlete")
    return value if isinstance(value, str) else None


def flash(request: Request, text: str) -> None:
    """A notice shown once on the next page (after a redirect)."""
    request.session["flash"] = text


def take_flash(request: Request) -> str | None:
    value = request.session.pop("flash", None)
    return value if isinstance(value, str) else None


__all__ = [
    "SessionMiddleware",
    "athlete_of",
    "cookie_name",
    "flash",
    "sign_in",
    "sign_out",
    "take_flash",
]
