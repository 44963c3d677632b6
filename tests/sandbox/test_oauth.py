"""The OAuth authorization-code flow end to end: consent page, code, token, API calls, disconnect."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx

from icucoach.sandbox.runner import RunningSandbox

from .conftest import CLIENT_ID, CLIENT_SECRET, key_auth

REDIRECT = "http://localhost:8080/callback"


def _authorize(sb: RunningSandbox, **form: str | list[str]) -> dict[str, list[str]]:
    data = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "ACTIVITY:READ,CALENDAR:WRITE",
        "state": "xyz",
        "athlete_id": "i1001",
        "decision": "approve",
        **form,
    }
    r = httpx.post(sb.base_url + "/oauth/authorize", data=data)
    assert r.status_code == 302, r.text
    location = r.headers["location"]
    assert location.startswith(str(data["redirect_uri"]))
    return parse_qs(urlsplit(location).query)


def _token(sb: RunningSandbox, code: str, secret: str = CLIENT_SECRET) -> httpx.Response:
    return httpx.post(
        sb.base_url + "/api/oauth/token", data={"client_id": CLIENT_ID, "client_secret": secret, "code": code}
    )


def test_consent_page(sandbox: RunningSandbox) -> None:
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "ACTIVITY:READ,WELLNESS:WRITE",
        "state": "s1",
        "response_type": "code",
    }
    r = httpx.get(sandbox.base_url + "/oauth/authorize", params=params)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "Ana Alpha" in r.text and "WELLNESS:WRITE" in r.text and "value='s1'" in r.text
    bad = httpx.get(sandbox.base_url + "/oauth/authorize", params={**params, "client_id": "evil"})
    assert bad.status_code == 400
    bad = httpx.get(
        sandbox.base_url + "/oauth/authorize", params={**params, "redirect_uri": "https://evil.example/"}
    )
    assert bad.status_code == 400
    assert (
        httpx.get(sandbox.base_url + "/oauth/authorize", params={**params, "scope": "ALL:READ"}).status_code
        == 400
    )
    registered = {**params, "redirect_uri": "https://app.example/callback"}
    assert httpx.get(sandbox.base_url + "/oauth/authorize", params=registered).status_code == 200


def test_full_flow(sandbox: RunningSandbox) -> None:
    q = _authorize(sandbox)
    assert q["state"] == ["xyz"] and re.fullmatch(r"[0-9a-f]{32}", q["code"][0])
    r = _token(sandbox, q["code"][0])
    body = r.json()
    assert r.status_code == 200 and body["token_type"] == "Bearer"
    assert re.fullmatch(r"[0-9a-f]{32}", body["access_token"])
    assert body["scope"] == "ACTIVITY:READ,CALENDAR:WRITE"
    assert body["athlete"] == {"id": "i1001", "name": "Ana Alpha"}
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    api = sandbox.base_url + "/api/v1"
    assert httpx.get(api + "/athlete/0/activities?oldest=2026-01-01", headers=headers).status_code == 200
    created = httpx.post(
        api + "/athlete/0/events",
        headers=headers,
        json={"category": "NOTE", "name": "via app", "start_date_local": "2026-11-24"},
    )
    assert created.status_code == 200 and created.json()["oauth_client_id"] is not None
    assert httpx.get(api + "/athlete/0/wellness", headers=headers).status_code == 403
    assert _token(sandbox, q["code"][0]).status_code == 400  # single use
    assert httpx.delete(api + "/disconnect-app", headers=headers).status_code == 200
    assert httpx.get(api + "/athlete/0/events", headers=headers).status_code == 401
    assert httpx.delete(api + "/disconnect-app", auth=key_auth("key-ana")).status_code == 403


def test_scope_choice_deny_and_errors(sandbox: RunningSandbox) -> None:
    q = _authorize(sandbox, grants="1", grant=["CALENDAR:WRITE"])
    assert _token(sandbox, q["code"][0]).json()["scope"] == "CALENDAR:WRITE"
    denied = _authorize(sandbox, decision="deny")
    assert denied == {"error": ["access_denied"], "state": ["xyz"]}
    assert _authorize(sandbox, scope="NOPE:READ")["error"] == ["invalid_scope"]
    q = _authorize(sandbox)
    assert _token(sandbox, q["code"][0], secret="wrong").status_code == 401
    assert _token(sandbox, "0" * 32).status_code == 400
    sandbox.world.oauth.codes[q["code"][0]].issued_at -= 121  # codes live 2 minutes
    assert _token(sandbox, q["code"][0]).status_code == 400
    r = httpx.post(
        sandbox.base_url + "/oauth/authorize",
        data={"client_id": CLIENT_ID, "redirect_uri": "https://x.example/"},
    )
    assert r.status_code == 400  # never redirect to an unregistered URI
