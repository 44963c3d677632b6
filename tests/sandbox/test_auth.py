"""Authentication and authorisation: API keys, bearer tokens, athlete id ``0``, shares and scopes."""

from __future__ import annotations

import httpx

from icucoach.sandbox.runner import RunningSandbox
from icucoach.sandbox.world import OAuthToken

from .conftest import CLIENT_ID, key_auth


def _get(sb: RunningSandbox, path: str, **kw) -> httpx.Response:
    return httpx.get(sb.base_url + "/api/v1" + path, timeout=10, **kw)


def _bearer(sb: RunningSandbox, athlete: str, *scopes: str) -> dict[str, str]:
    token = f"tok-{athlete}-{len(sb.world.oauth.tokens)}"
    sb.world.oauth.tokens[token] = OAuthToken(token, CLIENT_ID, athlete, scopes)
    return {"Authorization": f"Bearer {token}"}


def test_missing_and_bad_credentials_are_401(ro_sandbox: RunningSandbox) -> None:
    assert _get(ro_sandbox, "/athlete/0").status_code == 401
    r = _get(ro_sandbox, "/athlete/0", auth=key_auth("wrong"))
    assert r.status_code == 401 and r.json() == {"status": 401, "error": "Unauthorized"}
    assert _get(ro_sandbox, "/athlete/0", auth=httpx.BasicAuth("ana", "key-ana")).status_code == 401
    assert _get(ro_sandbox, "/athlete/0", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert (
        _get(ro_sandbox, "/athlete/0", headers={"Authorization": "ApiKey API_KEY:key-ana"}).status_code == 401
    )
    assert _get(ro_sandbox, "/athlete/0", headers={"Authorization": "Basic !!!"}).status_code == 401


def test_key_sent_as_bearer_is_403(ro_sandbox: RunningSandbox) -> None:
    r = _get(ro_sandbox, "/athlete/0", headers={"Authorization": "Bearer key-ana"})
    assert r.status_code == 403 and r.json() == {"status": 403, "error": "Access denied"}


def test_zero_and_prefixed_ids(ro_ana: httpx.Client) -> None:
    assert ro_ana.get("/athlete/0").json()["id"] == "i1001"
    assert ro_ana.get("/athlete/i1001").json()["id"] == "i1001"
    assert ro_ana.get("/athlete/1001").status_code == 404  # ids need the i prefix
    assert ro_ana.get("/athlete/i424242").status_code == 404
    r = ro_ana.get("/athlete/i1002")  # Ben has not shared with Ana
    assert r.status_code == 403 and r.json() == {"status": 403, "error": "Access denied"}
    assert ro_ana.get("/activity/i6001").status_code == 403
    assert "icu_api_key" not in ro_ana.get("/athlete/0").text


def test_coach_reads_both_and_writes_only_where_shared_write(cleo: httpx.Client) -> None:
    assert cleo.get("/athlete/i1001/activities", params={"oldest": "2026-01-01"}).status_code == 200
    assert cleo.get("/athlete/i1002/activities", params={"oldest": "2026-01-01"}).status_code == 200
    day = "2026-11-23"
    assert cleo.put(f"/athlete/i1001/wellness/{day}", json={"comments": "ok"}).status_code == 200
    r = cleo.put(f"/athlete/i1002/wellness/{day}", json={"comments": "no"})
    assert r.status_code == 403 and r.json()["error"] == "Access denied"
    assert cleo.put("/activity/i6001", json={"name": "x"}).status_code == 403
    assert cleo.put("/activity/i5001", json={"name": "Coach renamed"}).status_code == 200


def test_athletes_list_shows_permissions_and_refuses_bearer(
    sandbox: RunningSandbox, cleo: httpx.Client
) -> None:
    rows = cleo.get("/athletes").json()
    perms = {r["id"]: r["icu_permission"] for r in rows}
    assert perms == {"i1003": "WRITE", "i1001": "WRITE", "i1002": "READ"}
    assert rows[0]["id"] == "i1003"
    assert {r["id"]: r["icu_coach"] for r in rows}["i1003"] is True
    r = _get(sandbox, "/athletes", headers=_bearer(sandbox, "i1003", "SETTINGS:READ"))
    assert r.status_code == 403


def test_bearer_scopes(sandbox: RunningSandbox) -> None:
    read = _bearer(sandbox, "i1001", "ACTIVITY:READ", "CALENDAR:WRITE")
    assert (
        _get(sandbox, "/athlete/0/activities", params={"oldest": "2026-01-01"}, headers=read).status_code
        == 200
    )
    assert _get(sandbox, "/athlete/0/wellness", headers=read).status_code == 403  # no WELLNESS scope
    assert _get(sandbox, "/athlete/0/events", headers=read).status_code == 200  # WRITE implies READ
    url = sandbox.base_url + "/api/v1/activity/i5001"
    assert httpx.put(url, json={"name": "x"}, headers=read).status_code == 403  # READ only
    assert (
        _get(sandbox, "/athlete/i1002", headers=read).status_code == 403
    )  # tokens act for their athlete only
    assert _get(sandbox, "/athlete/0", headers=read).status_code == 403  # SETTINGS not granted
    lib = _bearer(sandbox, "i1001", "LIBRARY:READ")
    assert _get(sandbox, "/athlete/0/folders", headers=lib).status_code == 200
    assert (
        _get(sandbox, "/athlete/i1001/activities", params={"oldest": "2026-01-01"}, headers=lib).status_code
        == 403
    )
