"""The pieces of an OAuth sign-in to the hosted ``/mcp`` that the tests drive one by one: a service worker
(MCP server + OAuth proxy over the sandbox and a shared database), a cookie-keeping browser that clicks both
consent pages, the official client's token storage and provider, and the raw HTTP steps (register, authorize,
exchange, refresh, an MCP request with a given bearer token, a forged JWT)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
from cryptography.fernet import Fernet
from fastmcp.server.auth import require_scopes
from fastmcp.server.dependencies import get_access_token
from joserfc import jwk, jwt
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl
from sqlalchemy import Engine

from icucoach.intervals import ClientSettings
from icucoach.mcp.context import Session
from icucoach.mcp.server import build_server
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.service.kvstore import encrypted_kv
from icucoach.service.mcp_auth import SCOPES, IntervalsOAuthProxy, VerifiedAthlete, build_oauth_proxy
from mcp import Client

REDIRECT_URI = "http://127.0.0.1:1/callback"  # never contacted: the test browser stops at the client redirect
ATHLETE = "i100001"


@dataclass
class Service:
    url: str  # the MCP endpoint
    base: str  # public URL (the authorization server)
    sandbox: RunningSandbox
    signing_key: bytes
    engine: Engine
    storage_key: str = field(default_factory=lambda: Fernet.generate_key().decode())
    verified: list[VerifiedAthlete] = field(default_factory=list)
    proxies: list[IntervalsOAuthProxy] = field(default_factory=list)

    def worker(self) -> Any:
        """One worker's ASGI app: a new server and proxy on the shared configuration and database (what each
        process of the hosted service builds at start-up)."""

        async def on_verified(athlete: VerifiedAthlete) -> None:
            self.verified.append(athlete)

        proxy = build_oauth_proxy(
            public_url=self.base,
            intervals_base_url=self.sandbox.base_url,
            client_id=SANDBOX_OAUTH_CLIENT.client_id,
            client_secret=SANDBOX_OAUTH_CLIENT.client_secret,
            signing_key=self.signing_key,
            storage=encrypted_kv(self.engine, [self.storage_key]),
            on_verified=on_verified,
            verify_cache_seconds=1.0,
        )
        self.proxies.append(proxy)
        key = self.sandbox.account("athlete", 0).api_key
        server = build_server(Session(lambda: ClientSettings(api_key=key, base_url=self.sandbox.base_url)))
        server.auth = proxy

        @server.tool
        def whoami() -> dict[str, Any]:
            """The caller as the access token says (test-only tool)."""
            token = get_access_token()
            assert token is not None
            return {
                "athlete_id": token.claims["athlete_id"],
                "name": token.claims.get("name"),
                "subject": token.subject,
                "client_id": token.client_id,
                "scopes": token.scopes,
            }

        @server.tool(auth=require_scopes("calendar:write"))
        def write_probe() -> str:
            """Visible only to tokens with calendar:write (test-only tool)."""
            return "ok"

        return server.http_app(path="/mcp", json_response=True)


class MemoryTokenStorage:
    """The client's token store (``mcp.client.auth.TokenStorage``), in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def _hidden(html: str, name: str) -> str:
    found = re.search(rf"name=['\"]{name}['\"][^>]*value=['\"]([^'\"]*)['\"]", html)
    assert found, f"no hidden field {name!r} in page"
    return found.group(1)


@dataclass
class Browser:
    """A user agent that keeps cookies, follows the authorization chain and clicks the consent buttons.

    ``our_action`` / ``intervals_decision`` choose the buttons; ``grants`` (Intervals scopes) unticks the
    rest on the sandbox page. The walk stops at the client's redirect URI and records its query."""

    our_action: str = "approve"
    intervals_decision: str = "approve"
    athlete_id: str = ATHLETE
    grants: list[str] | None = None
    redirect_query: dict[str, str] = field(default_factory=dict)
    hops: list[str] = field(default_factory=list)

    async def walk(self, url: str) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.get(url)
            while True:
                self.hops.append(urlsplit(str(response.request.url)).path)
                if response.status_code in (302, 303, 307):
                    location = response.headers["location"]
                    if location.startswith(REDIRECT_URI):
                        self.redirect_query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
                        return
                    response = await http.get(location)
                    continue
                assert response.status_code == 200, (response.status_code, response.text[:500])
                path = urlsplit(str(response.request.url)).path
                if path == "/consent":
                    form = {
                        "txn_id": _hidden(response.text, "txn_id"),
                        "csrf_token": _hidden(response.text, "csrf_token"),
                        "submit": "true",
                        "action": self.our_action,
                    }
                    response = await http.post(str(response.request.url), data=form)
                elif path == "/oauth/authorize":  # the sandbox's Intervals.icu consent page
                    q = dict(response.request.url.params)
                    scopes = q["scope"].split(",")
                    form2: dict[str, Any] = {
                        **{
                            k: q.get(k, "")
                            for k in ("client_id", "redirect_uri", "scope", "state", "response_type")
                        },
                        "athlete_id": self.athlete_id,
                        "decision": self.intervals_decision,
                        "grants": "1",
                        "grant": self.grants if self.grants is not None else scopes,
                    }
                    action = str(response.request.url).split("?")[0]
                    response = await http.post(action, data=form2)
                else:
                    raise AssertionError(f"unexpected page {path}: {response.text[:300]}")

    async def redirect(self, url: str) -> None:
        await self.walk(url)

    async def callback(self) -> AuthorizationCodeResult:
        q = self.redirect_query
        if "code" not in q:
            raise RuntimeError(f"authorization refused: {q.get('error')} {q.get('error_description', '')}")
        return AuthorizationCodeResult(code=q["code"], state=q.get("state"), iss=q.get("iss"))


def provider(svc: Service, browser: Browser, storage: MemoryTokenStorage) -> OAuthClientProvider:
    metadata = OAuthClientMetadata(
        client_name="icucoach test client",
        redirect_uris=[AnyUrl(REDIRECT_URI)],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(svc.url, metadata, storage, browser.redirect, browser.callback)


@asynccontextmanager
async def oauth_client(
    svc: Service, mode: str, browser: Browser | None = None, storage: MemoryTokenStorage | None = None
) -> AsyncIterator[Client]:
    auth = provider(svc, browser or Browser(), storage or MemoryTokenStorage())
    async with (
        httpx2.AsyncClient(auth=auth, timeout=60) as http,
        Client(streamable_http_client(svc.url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
    ):
        yield client


def claims_of(token: str) -> dict[str, Any]:
    """A JWT's payload without verifying it (the tests read ``aud`` and ``jti``)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# -- helpers for the refusals: the same steps as the official client, one at a time ---------------------


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


async def register(svc: Service, redirect_uri: str = REDIRECT_URI) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(
            f"{svc.base}/register",
            json={
                "client_name": "manual test client",
                "redirect_uris": [redirect_uri],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
            },
        )


async def authorize(svc: Service, client_id: str, browser: Browser, **params: str) -> dict[str, str]:
    """Run /authorize through both consent pages; the query the client's redirect URI received."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "state": secrets.token_urlsafe(8),
        "scope": " ".join(SCOPES),
        "resource": svc.url,
        **params,
    }
    await browser.walk(str(httpx.URL(f"{svc.base}/authorize", params=query)))
    return browser.redirect_query


async def exchange(svc: Service, client_id: str, code: str, verifier: str | None) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "resource": svc.url,
    }
    if verifier is not None:
        form["code_verifier"] = verifier
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{svc.base}/token", data=form)


async def signed_in(svc: Service, browser: Browser | None = None) -> tuple[str, httpx.Response]:
    """Register, authorize and exchange; (client_id, token response)."""
    client_id = (await register(svc)).json()["client_id"]
    verifier, challenge = pkce()
    answer = await authorize(
        svc, client_id, browser or Browser(), code_challenge=challenge, code_challenge_method="S256"
    )
    assert "code" in answer, answer
    return client_id, await exchange(svc, client_id, answer["code"], verifier)


async def mcp_post(svc: Service, token: str | None) -> httpx.Response:
    """A modern-era tools/list with ``token`` as bearer (or none)."""
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": "tools/list",
    }
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/list",
        "params": {
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
            }
        },
    }
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(svc.url, json=body, headers=headers)


async def tool_names(svc: Service, token: str) -> list[str]:
    response = await mcp_post(svc, token)
    assert response.status_code == 200, response.text
    return [t["name"] for t in response.json()["result"]["tools"]]


def forge(svc: Service, *, key: bytes, audience: str, jti: str = "made-up") -> str:
    now = int(time.time())
    claims = {
        "iss": svc.base + "/",
        "aud": audience,
        "client_id": "someone",
        "scope": " ".join(SCOPES),
        "iat": now,
        "exp": now + 3600,
        "jti": jti,
    }
    return jwt.encode(
        {"alg": "HS256", "typ": "JWT"}, claims, jwk.import_key(key, "oct"), algorithms=["HS256"]
    )


def all_messages(exc: BaseException) -> str:
    """Every message in an exception and the groups/causes it wraps."""
    parts = [str(exc)]
    for inner in getattr(exc, "exceptions", ()) or ():
        parts.append(all_messages(inner))
    if exc.__cause__ is not None:
        parts.append(all_messages(exc.__cause__))
    return " | ".join(parts)


async def refresh(svc: Service, client_id: str, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{svc.base}/token", data=form)
