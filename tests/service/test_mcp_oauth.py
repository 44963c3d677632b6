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

import asyncio
import base64
import hashlib
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
import pytest
from cryptography.fernet import Fernet
from fastmcp.server.auth import require_scopes
from fastmcp.server.dependencies import get_access_token
from joserfc import jwk, jwt
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl
from sqlalchemy import Engine, create_engine, text

from icucoach.intervals import ClientSettings
from icucoach.mcp import context
from icucoach.mcp.context import Session
from icucoach.mcp.server import build_server
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.service.kvstore import KV_METADATA, encrypted_kv
from icucoach.service.mcp_auth import SCOPES, VerifiedAthlete, build_oauth_proxy
from icucoach.serving import free_port, serve_in_background
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


@pytest.fixture(scope="module")
def service(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('kv') / 'service.db'}")
    KV_METADATA.create_all(engine)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    svc = Service(f"{base}/mcp", base, sb, secrets.token_bytes(32), engine)
    previous = context.SESSION_HOLDER.get("s")
    with serve_in_background(svc.worker(), port=port, name="icucoach-mcp-oauth"):
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
    assert athlete.athlete_id == ATHLETE
    assert athlete.upstream_token not in storage.tokens.access_token + str(storage.tokens.refresh_token)
    assert set(athlete.scopes) == set(SCOPES)
    # Intervals issues neither expiry nor refresh token; we issue short access tokens and refresh tokens
    assert storage.tokens.expires_in == 3600 and storage.tokens.refresh_token
    # the proxy's records are encrypted at rest: neither the Intervals token nor our JWT is in the table
    with service.engine.connect() as conn:
        rows = " ".join(r.value for r in conn.execute(text("SELECT value FROM kv")))
    assert rows and athlete.upstream_token not in rows and claims["jti"] not in rows


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload without verifying it (the test only reads ``aud``)."""
    import json

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


# -- discovery and refusals ----------------------------------------------------------------------------


async def test_discovery_metadata_and_challenge(service: Service) -> None:
    response = await mcp_post(service, None)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    prm_url = f"{service.base}/.well-known/oauth-protected-resource/mcp"
    assert challenge.startswith("Bearer ") and f'resource_metadata="{prm_url}"' in challenge
    async with httpx.AsyncClient(timeout=30) as http:
        prm = (await http.get(prm_url)).json()
        assert prm["resource"] == service.url
        assert [a.rstrip("/") for a in prm["authorization_servers"]] == [service.base]
        assert prm["scopes_supported"] == list(SCOPES)
        asm = (await http.get(f"{service.base}/.well-known/oauth-authorization-server")).json()
    assert asm["issuer"].rstrip("/") == service.base
    assert asm["code_challenge_methods_supported"] == ["S256"]
    assert asm["registration_endpoint"] == f"{service.base}/register"
    assert asm["client_id_metadata_document_supported"] is True
    assert "none" in asm["token_endpoint_auth_methods_supported"]
    assert asm["authorization_response_iss_parameter_supported"] is True
    assert asm["scopes_supported"] == list(SCOPES)


async def test_forged_and_foreign_tokens_are_refused(service: Service) -> None:
    _, token_response = await signed_in(service)
    assert token_response.status_code == 200, token_response.text
    good = token_response.json()["access_token"]
    assert (await mcp_post(service, good)).status_code == 200
    jti = _claims(good)["jti"]
    other_audience = forge(service, key=service.signing_key, audience="http://127.0.0.1:1/mcp", jti=jti)
    wrong_key = forge(service, key=secrets.token_bytes(32), audience=service.url, jti=jti)
    unknown_jti = forge(service, key=service.signing_key, audience=service.url)
    for bad in (other_audience, wrong_key, unknown_jti, good[:-4] + "AAAA"):
        response = await mcp_post(service, bad)
        assert response.status_code == 401, response.text
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_an_intervals_token_is_not_accepted_directly(service: Service) -> None:
    await signed_in(service)
    upstream = service.verified[-1].upstream_token
    async with httpx.AsyncClient(timeout=30) as http:  # it is a live Intervals token...
        me = await http.get(
            f"{service.sandbox.base_url}/api/v1/athlete/0", headers={"Authorization": f"Bearer {upstream}"}
        )
    assert me.status_code == 200
    response = await mcp_post(service, upstream)  # ...but not a token for us: no passthrough
    assert response.status_code == 401


@pytest.mark.parametrize("who", ["intervals", "us"])
async def test_refused_consent_gives_the_client_an_error_and_no_token(service: Service, who: str) -> None:
    browser = Browser(intervals_decision="deny") if who == "intervals" else Browser(our_action="deny")
    storage = MemoryTokenStorage()
    with pytest.raises(Exception) as failure:
        async with oauth_client(service, "legacy", browser, storage) as client:
            await client.list_tools()
    assert "access_denied" in _all_messages(failure.value)
    assert browser.redirect_query["error"] == "access_denied"
    assert storage.tokens is None
    if who == "us":
        assert "/oauth/authorize" not in browser.hops  # never sent to Intervals


def _all_messages(exc: BaseException) -> str:
    """Every message in an exception and the groups/causes it wraps."""
    parts = [str(exc)]
    for inner in getattr(exc, "exceptions", ()) or ():
        parts.append(_all_messages(inner))
    if exc.__cause__ is not None:
        parts.append(_all_messages(exc.__cause__))
    return " | ".join(parts)


async def test_pkce_is_required_and_s256_only(service: Service) -> None:
    client_id = (await register(service)).json()["client_id"]
    verifier, challenge = pkce()
    async with httpx.AsyncClient(timeout=30) as http:
        for extra in ({"code_challenge": verifier, "code_challenge_method": "plain"}, {}):
            params = {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": REDIRECT_URI,
                "state": "s",
                **extra,
            }
            response = await http.get(f"{service.base}/authorize", params=params)
            assert response.status_code in (302, 400), response.text
            where = response.headers.get("location", "")
            assert "code=" not in where and "/consent" not in where
            assert "invalid_request" in (where or response.text)
    answer = await authorize(
        service, client_id, Browser(), code_challenge=challenge, code_challenge_method="S256"
    )
    missing = await exchange(service, client_id, answer["code"], None)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    wrong = await exchange(service, client_id, answer["code"], pkce()[0])
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_grant"


async def test_a_token_for_another_resource_is_not_issued(service: Service) -> None:
    client_id = (await register(service)).json()["client_id"]
    _, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "s",
        "code_challenge": challenge,
        "resource": "https://other.example/mcp",
    }
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{service.base}/authorize", params=params)
    assert response.status_code == 302 and "error=invalid_target" in response.headers["location"]


async def test_an_authorization_code_works_once(service: Service) -> None:
    client_id = (await register(service)).json()["client_id"]
    verifier, challenge = pkce()
    answer = await authorize(
        service, client_id, Browser(), code_challenge=challenge, code_challenge_method="S256"
    )
    first = await exchange(service, client_id, answer["code"], verifier)
    assert first.status_code == 200, first.text
    again = await exchange(service, client_id, answer["code"], verifier)
    assert again.status_code == 401 and again.json()["error"] == "invalid_grant"


async def test_partial_grant_and_missing_settings_scope(service: Service) -> None:
    # the athlete unticks CALENDAR:WRITE: the token carries what Intervals granted, not what was asked
    _, response = await signed_in(
        service, Browser(grants=["SETTINGS:READ", "ACTIVITY:READ", "CALENDAR:READ"])
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"].split() == ["settings:read", "activity:read", "calendar:read"]
    assert "write_probe" not in await tool_names(service, response.json()["access_token"])  # hidden, not 403
    _, full = await signed_in(service)
    assert "write_probe" in await tool_names(service, full.json()["access_token"])
    # without SETTINGS:READ we cannot tell whose account it is: refused with the fix
    _, response = await signed_in(service, Browser(grants=["ACTIVITY:READ", "WELLNESS:READ"]))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_scope" and "SETTINGS:READ" in body["error_description"]


async def test_revoked_upstream_token_is_refused_and_the_client_signs_in_again(service: Service) -> None:
    browser, storage = Browser(), MemoryTokenStorage()
    async with oauth_client(service, "2026-07-28", browser, storage) as client:
        assert not (await client.call_tool("whoami", {})).is_error
        token = storage.tokens.access_token  # type: ignore[union-attr]
        upstream = service.verified[-1].upstream_token
        async with httpx.AsyncClient(timeout=30) as http:
            gone = await http.delete(
                f"{service.sandbox.base_url}/api/v1/disconnect-app",
                headers={"Authorization": f"Bearer {upstream}"},
            )
        assert gone.status_code == 200
        await asyncio.sleep(1.2)  # the fixture's verification cache (production: 60 s)
        refused = await mcp_post(service, token)
        assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]
        # the official client reacts to the 401 by authorizing again (a new Intervals token), then succeeds
        count = len(service.verified)
        assert not (await client.call_tool("whoami", {})).is_error
        assert len(service.verified) == count + 1 and storage.tokens.access_token != token  # type: ignore[union-attr]


async def test_redirect_uris_and_cimd_urls_are_checked(service: Service) -> None:
    refused = await register(service, "https://evil.example/callback")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_redirect_uri"
    assert (await register(service, "https://claude.ai/api/mcp/auth_callback")).status_code == 201
    # a CIMD client id on a private address is never fetched (SSRF guard)
    _, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": "https://127.0.0.1:1/client.json",
        "redirect_uri": REDIRECT_URI,
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{service.base}/authorize", params=params)
    assert response.status_code == 400, response.text
    assert "/consent" not in response.headers.get("location", "")


async def refresh(svc: Service, client_id: str, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{svc.base}/token", data=form)


async def test_refresh_tokens_rotate_and_stop_when_the_app_is_disconnected(service: Service) -> None:
    client_id, first = await signed_in(service)
    tokens = first.json()
    upstream = service.verified[-1].upstream_token
    again = await refresh(service, client_id, tokens["refresh_token"])
    assert again.status_code == 200, again.text
    renewed = again.json()
    assert (
        renewed["access_token"] != tokens["access_token"]
        and renewed["refresh_token"] != tokens["refresh_token"]
    )
    assert renewed["scope"] == tokens["scope"]
    assert (await mcp_post(service, renewed["access_token"])).status_code == 200
    assert service.verified[-1].upstream_token == upstream  # same Intervals token, no new on_verified
    replay = await refresh(service, client_id, tokens["refresh_token"])  # rotation: one use only
    assert replay.status_code == 401 and replay.json()["error"] == "invalid_grant"
    other_client = (await register(service)).json()["client_id"]
    stolen = await refresh(service, other_client, renewed["refresh_token"])  # bound to its client
    assert stolen.status_code == 401 and stolen.json()["error"] == "invalid_grant"
    async with httpx.AsyncClient(timeout=30) as http:
        await http.delete(
            f"{service.sandbox.base_url}/api/v1/disconnect-app",
            headers={"Authorization": f"Bearer {upstream}"},
        )
    revoked = await refresh(service, client_id, renewed["refresh_token"])
    assert revoked.status_code == 401 and revoked.json()["error"] == "invalid_grant"


async def test_workers_share_the_store_and_it_survives_a_restart(service: Service) -> None:
    """Register on one worker, authorize on another, exchange and call on a third that started later."""
    with serve_in_background(service.worker(), port=free_port()) as port_b:
        b = f"http://127.0.0.1:{port_b}"
        as_b = Service(f"{b}/mcp", b, service.sandbox, service.signing_key, service.engine)
        client_id = (await register(as_b)).json()["client_id"]
        verifier, challenge = pkce()
        # the public URL is the first worker's, so the browser's whole walk happens there
        answer = await authorize(
            service, client_id, Browser(), code_challenge=challenge, code_challenge_method="S256"
        )
        assert "code" in answer, answer
        tokens = (await exchange(as_b, client_id, answer["code"], verifier)).json()
    with serve_in_background(service.worker(), port=free_port()) as port_c:  # "after a restart"
        c = f"http://127.0.0.1:{port_c}"
        as_c = Service(f"{c}/mcp", c, service.sandbox, service.signing_key, service.engine)
        assert (await mcp_post(as_c, tokens["access_token"])).status_code == 200
        renewed = await refresh(as_c, client_id, tokens["refresh_token"])
        assert renewed.status_code == 200, renewed.text
    assert (await mcp_post(service, renewed.json()["access_token"])).status_code == 200
