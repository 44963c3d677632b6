"""MCP authorization end to end: the official ``mcp`` client signs in to our ``/mcp`` through our OAuth
proxy (DCR, our consent page, the sandbox's Intervals.icu consent page, ``/auth/callback``, PKCE code
exchange) and calls tools in both protocol eras; then the refusals: no token, foreign or forged tokens, an
Intervals token used directly, a denied consent, PKCE ``plain``/missing verifier, a reused code, a revoked
upstream token, an unticked SETTINGS:READ, a CIMD client id on a private address.

Everything runs over real HTTP on loopback: the sandbox (``sb``) is Intervals.icu, the MCP server is
``build_server()`` with ``auth=`` our proxy, served by uvicorn in a thread. The browser is an ``httpx`` client
that keeps cookies and submits the two consent forms. Tools read data with the demo athlete's API key (the
service's per-athlete adapter is not part of this module); identity is asserted through the access token.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
import pytest
from cryptography.fernet import Fernet
from fastmcp.server.dependencies import get_access_token
from joserfc import jwk, jwt
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl
from sqlalchemy import create_engine

from icucoach.intervals import ClientSettings
from icucoach.mcp import context
from icucoach.mcp.context import Session
from icucoach.mcp.server import build_server
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.serving import free_port, serve_in_background
from icucoach.service.kvstore import KV_METADATA, encrypted_kv
from icucoach.service.mcp_auth import SCOPES, VerifiedAthlete, build_oauth_proxy
from mcp import Client

REDIRECT_URI = "http://127.0.0.1:1/callback"  # never contacted: the test browser stops at the client redirect
ATHLETE = "i100001"


@dataclass
class Service:
    url: str  # the MCP endpoint
    base: str  # public URL (the authorization server)
    sandbox: RunningSandbox
    verified: list[VerifiedAthlete] = field(default_factory=list)


@pytest.fixture(scope="module")
def service(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('kv') / 'service.db'}")
    KV_METADATA.create_all(engine)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    svc = Service(url=f"{base}/mcp", base=base, sandbox=sb)

    async def on_verified(athlete: VerifiedAthlete) -> None:
        svc.verified.append(athlete)

    proxy = build_oauth_proxy(
        public_url=base,
        intervals_base_url=sb.base_url,
        client_id=SANDBOX_OAUTH_CLIENT.client_id,
        client_secret=SANDBOX_OAUTH_CLIENT.client_secret,
        signing_key=secrets.token_bytes(32),
        storage=encrypted_kv(engine, [Fernet.generate_key().decode()]),
        on_verified=on_verified,
        verify_cache_seconds=1.0,
    )
    key = sb.account("athlete", 0).api_key
    previous = context.SESSION_HOLDER.get("s")
    server = build_server(Session(lambda: ClientSettings(api_key=key, base_url=sb.base_url)))
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

    app = server.http_app(path="/mcp", json_response=True)
    with serve_in_background(app, port=port, name="icucoach-mcp-oauth"):
        yield svc
    if previous is not None:
        context.SESSION_HOLDER["s"] = previous
    else:
        context.SESSION_HOLDER.pop("s", None)
    engine.dispose()


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
                        **{k: q.get(k, "") for k in ("client_id", "redirect_uri", "scope", "state", "response_type")},
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


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_official_client_signs_in_and_calls_tools(service: Service, mode: str) -> None:
    browser, storage = Browser(), MemoryTokenStorage()
    before = len(service.verified)
    async with oauth_client(service, mode, browser, storage) as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "icu_get_profile" in names and "whoami" in names
        who = await client.call_tool("whoami", {})
        assert not who.is_error, who
        assert who.structured_content is not None
        me = who.structured_content.get("result", who.structured_content)
        assert me["athlete_id"] == ATHLETE and me["subject"] == ATHLETE
        assert me["client_id"] == storage.client_info.client_id  # type: ignore[union-attr]
        assert sorted(me["scopes"]) == sorted(SCOPES)
        profile = await client.call_tool("icu_get_profile", {})
        assert not profile.is_error, profile.content
    # the chain went through our consent page, the sandbox consent page and our callback
    assert browser.hops[:2] == ["/authorize", "/consent"]
    assert "/oauth/authorize" in browser.hops and "/auth/callback" in browser.hops
    assert browser.redirect_query["iss"].rstrip("/") == service.base
    # our token is a JWT for our audience; the Intervals token went to on_verified, not to the client
    assert storage.tokens is not None
    claims = _claims(storage.tokens.access_token)
    assert claims["aud"] == service.url
    assert len(service.verified) == before + 1
    athlete = service.verified[-1]
    assert athlete.athlete_id == ATHLETE and athlete.upstream_token not in storage.tokens.access_token
    assert set(athlete.scopes) == set(SCOPES)
    assert storage.tokens.refresh_token is None  # Intervals issues none, so neither do we


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload without verifying it (the test only reads ``aud``)."""
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
