"""MCP authorization end to end: the official ``mcp`` client signs in to our ``/mcp`` through our OAuth
proxy (DCR, our consent page, the sandbox's Intervals.icu consent page, ``/auth/callback``, PKCE code
exchange) and calls tools in both protocol eras; then the refusals: no token, foreign or forged tokens, an
Intervals token used directly, a denied consent, PKCE ``plain``/missing verifier, a foreign resource, a
reused code, a revoked upstream token, an unticked SETTINGS:READ, redirect URIs and CIMD URLs; refresh-token
rotation; workers sharing the store across a restart.

Everything runs over real HTTP on loopback: the sandbox (``sb``) is Intervals.icu, the MCP server is
``build_server()`` with ``server.auth`` = our proxy, served by uvicorn in a thread (``oauth_flow``). The
browser is an ``httpx`` client that keeps cookies and submits the two consent forms. Tools read data with the
demo athlete's API key (the service's per-athlete adapter is not part of this module); identity is asserted
through the access token (test-only ``whoami`` tool).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from icucoach.mcp import context
from icucoach.sandbox import RunningSandbox
from icucoach.service.kvstore import KV_METADATA
from icucoach.service.mcp_auth import SCOPES
from icucoach.serving import free_port, serve_in_background

from .oauth_flow import (
    ATHLETE,
    REDIRECT_URI,
    Browser,
    MemoryTokenStorage,
    Service,
    all_messages,
    authorize,
    claims_of,
    exchange,
    forge,
    mcp_post,
    oauth_client,
    pkce,
    refresh,
    register,
    signed_in,
    tool_names,
)


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
    claims = claims_of(storage.tokens.access_token)
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
    jti = claims_of(good)["jti"]
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
    assert "access_denied" in all_messages(failure.value)
    assert browser.redirect_query["error"] == "access_denied"
    assert storage.tokens is None
    if who == "us":
        assert "/oauth/authorize" not in browser.hops  # never sent to Intervals


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


async def test_a_tool_that_meets_a_revoked_token_ends_the_grant_at_once(service: Service) -> None:
    _, response = await signed_in(service)
    token = response.json()["access_token"]
    assert (await mcp_post(service, token)).status_code == 200
    service.proxies[0].upstream_token_rejected(service.verified[-1].upstream_token)  # what the adapter does
    assert (await mcp_post(service, token)).status_code == 401


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
