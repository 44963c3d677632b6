"""OAuth 2 authorization-code flow as Intervals.icu runs it (reference §2), so "sign in with Intervals.icu"
can be tested without the internet.

- ``GET /oauth/authorize?client_id&redirect_uri&scope&state[&response_type]``: a small consent page — pick
  which sandbox athlete signs in, untick scopes you do not want to grant.
- ``POST /oauth/authorize`` (form ``client_id, redirect_uri, scope, state, athlete_id, decision`` and optional
  ``grant`` values): 302 to ``redirect_uri?code=<32 hex>&state=…`` or ``?error=access_denied&state=…``.
  Client id and redirect URI are checked against ``world.oauth_clients``; localhost redirects are always
  allowed.
- ``POST /api/oauth/token`` (form ``client_id, client_secret, code``; the code is valid 2 minutes, once) →
  ``{"token_type":"Bearer","access_token":…,"scope":"ACTIVITY:READ,…","athlete":{"id","name"}}``.
- ``DELETE /api/v1/disconnect-app`` (bearer): revokes the app's tokens for that athlete.

Scope changes reach the app as webhook ``APP_SCOPE_CHANGED`` (``icucoach.sandbox.webhooks``) with top-level
``client_id, client_name, scope, deauthorized``: on disconnect (``deauthorized: true``, sent although the
token is now revoked) and when an athlete who holds a token re-authorizes with a different scope (the new
scope, ``deauthorized: false``).
"""

from __future__ import annotations

import html
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from icucoach.sandbox.auth import authenticate, parse_scopes
from icucoach.sandbox.errors import ApiError, access_denied
from icucoach.sandbox.routes.common import empty_ok, ok, world_of
from icucoach.sandbox.webhooks import dispatcher_of
from icucoach.sandbox.world import OAuthClient, OAuthCode, OAuthToken, World

CODE_TTL_SECONDS = 120.0
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def redirect_allowed(client: OAuthClient, redirect_uri: str) -> bool:
    if redirect_uri in client.redirect_uris:
        return True
    parts = urlsplit(redirect_uri)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in _LOCAL_HOSTS


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        + html.escape(title)
        + "</title><style>body{font-family:sans-serif;max-width:32em;margin:3em auto}"
        "label{display:block;margin:.3em 0}</style></head><body>" + body + "</body></html>"
    )
    return HTMLResponse(doc, status)


def _client_or_error(world: World, client_id: str | None, redirect_uri: str | None) -> OAuthClient:
    client = world.oauth_clients.get(client_id or "")
    if client is None:
        raise ApiError(400, "Unknown client_id", spring=False)
    if not redirect_uri or not redirect_allowed(client, redirect_uri):
        raise ApiError(400, "redirect_uri is not registered for this client", spring=False)
    return client


async def _form(request: Request) -> dict[str, list[str]]:
    raw = (await request.body()).decode("utf-8", "replace")
    return parse_qs(raw, keep_blank_values=True)


async def authorize_page(request: Request) -> Response:
    world = world_of(request)
    q = request.query_params
    try:
        client = _client_or_error(world, q.get("client_id"), q.get("redirect_uri"))
    except ApiError as exc:
        return _page("Authorization error", f"<h1>Cannot authorize</h1><p>{html.escape(exc.error)}</p>", 400)
    scopes = parse_scopes(q.get("scope"))
    if scopes is None:
        return _page("Authorization error", "<h1>Cannot authorize</h1><p>Invalid scope</p>", 400)
    e = html.escape
    accounts = "".join(
        f"<option value='{e(a.athlete_id)}'>{e(a.name)} ({e(a.athlete_id)}, {e(a.role)})</option>"
        for a in world.accounts
    )
    grants = "".join(
        f"<label><input type='checkbox' name='grant' value='{e(s)}' checked> {e(s)}</label>" for s in scopes
    )
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{e(q.get(name) or '')}'>"
        for name in ("client_id", "redirect_uri", "scope", "state", "response_type")
    )
    body = (
        f"<h1>{e(client.name)} wants to access your Intervals.icu account</h1>"
        "<form method='post' action='/oauth/authorize'>"
        + hidden
        + "<input type='hidden' name='grants' value='1'>"
        f"<label>Sign in as <select name='athlete_id'>{accounts}</select></label>"
        f"<fieldset><legend>Permissions</legend>{grants}</fieldset>"
        "<button name='decision' value='approve'>Authorize</button> "
        "<button name='decision' value='deny'>Cancel</button></form>"
    )
    return _page("Authorize " + client.name, body)


async def authorize_submit(request: Request) -> Response:
    world = world_of(request)
    form = await _form(request)

    def one(name: str) -> str | None:
        values = form.get(name)
        return values[0] if values else None

    redirect_uri = one("redirect_uri")
    try:
        client = _client_or_error(world, one("client_id"), redirect_uri)
    except ApiError as exc:
        return _page("Authorization error", f"<h1>Cannot authorize</h1><p>{html.escape(exc.error)}</p>", 400)
    assert redirect_uri is not None
    state = one("state")
    extra = {"state": state} if state else {}
    requested = parse_scopes(one("scope"))
    if requested is None:
        return RedirectResponse(_with_query(redirect_uri, {"error": "invalid_scope", **extra}), 302)
    if one("grants") or "grant" in form:
        chosen = set(form.get("grant", []))
        granted = tuple(s for s in requested if s in chosen)
    else:
        granted = requested
    athlete_id = one("athlete_id")
    if one("decision") != "approve" or not granted or athlete_id not in world.athletes:
        return RedirectResponse(_with_query(redirect_uri, {"error": "access_denied", **extra}), 302)
    code = secrets.token_hex(16)
    world.oauth.codes[code] = OAuthCode(
        code, client.client_id, athlete_id, granted, redirect_uri, time.monotonic()
    )
    return RedirectResponse(_with_query(redirect_uri, {"code": code, **extra}), 302)


async def token(request: Request) -> Response:
    world = world_of(request)
    form = await _form(request)

    def one(name: str) -> str:
        values = form.get(name)
        return values[0] if values else ""

    client = world.oauth_clients.get(one("client_id"))
    if client is None or not secrets.compare_digest(client.client_secret, one("client_secret")):
        raise ApiError(401, "Invalid client credentials")
    grant = world.oauth.codes.get(one("code"))
    if (
        grant is None
        or grant.used
        or grant.client_id != client.client_id
        or time.monotonic() - grant.issued_at > CODE_TTL_SECONDS
    ):
        raise ApiError(400, "Invalid or expired code", spring=False)
    grant.used = True
    held = [
        t
        for t in world.oauth.tokens.values()
        if t.client_id == client.client_id and t.athlete_id == grant.athlete_id and not t.revoked
    ]
    access = secrets.token_hex(16)
    world.oauth.tokens[access] = OAuthToken(access, client.client_id, grant.athlete_id, grant.scopes)
    if held and set(held[-1].scopes) != set(grant.scopes):
        _scope_changed(request, client, grant.athlete_id, grant.scopes, deauthorized=False)
    store = world.store(grant.athlete_id)
    name = store.athlete.get("name") if store else None
    return ok(
        {
            "token_type": "Bearer",
            "access_token": access,
            "scope": ",".join(grant.scopes),
            "athlete": {"id": grant.athlete_id, "name": name},
        }
    )


async def disconnect_app(request: Request) -> Response:
    caller = authenticate(request)
    if not caller.is_bearer:
        raise access_denied()
    world = world_of(request)
    for t in world.oauth.tokens.values():
        if t.client_id == caller.client_id and t.athlete_id == caller.athlete_id:
            t.revoked = True
    client = world.oauth_clients.get(caller.client_id or "")
    used = world.oauth.tokens.get(caller.credential.removeprefix("bearer:"))
    if client is not None and used is not None:
        _scope_changed(request, client, caller.athlete_id, used.scopes, deauthorized=True)
    return empty_ok()


def _scope_changed(
    request: Request, client: OAuthClient, athlete_id: str, scopes: tuple[str, ...], *, deauthorized: bool
) -> None:
    """Tell this one app (its token may already be revoked) what it may now do for ``athlete_id``."""
    payload = {
        "client_id": client.client_id,
        "client_name": client.name,
        "scope": ",".join(scopes),
        "deauthorized": deauthorized,
    }
    dispatcher_of(request).emit(athlete_id, "APP_SCOPE_CHANGED", payload, client_id=client.client_id)


ROUTES = [
    Route("/oauth/authorize", authorize_page, methods=["GET"]),
    Route("/oauth/authorize", authorize_submit, methods=["POST"]),
    Route("/api/oauth/token", token, methods=["POST"]),
    Route("/api/v1/disconnect-app", disconnect_app, methods=["DELETE"]),
]
