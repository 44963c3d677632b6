"""Signing in with Intervals.icu: the landing page, ``/connect`` (an optional invite code, then the OAuth
authorization-code flow), ``/connect/callback`` and ``/logout``.

The ``state`` is random, kept in the visitor's session with its expiry and the invite code, and used once:
a callback whose state is missing, forged, reused or older than 10 minutes creates nothing. A refusal at the
consent screen, a reused or expired code, an athlete the signup policy does not admit: each is a clear page,
and no account exists afterwards (a refused athlete's fresh token is handed back to Intervals.icu at once).
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from icucoach.service.hub import Hub
from icucoach.service.web.csrf import checked_form
from icucoach.service.web.render import error, page
from icucoach.service.web.sessions import athlete_of, sign_in, sign_out

log = logging.getLogger("icucoach.service.web")

SCOPE = "ACTIVITY:READ,WELLNESS:READ,CALENDAR:WRITE,SETTINGS:READ"
STATE_TTL_SECONDS = 600
HTTP_TIMEOUT = httpx.Timeout(20.0)


def redirect_uri(hub: Hub) -> str:
    return f"{hub.settings.public_url}/connect/callback"


async def landing(request: Request, hub: Hub) -> Response:
    if athlete_of(request):
        return RedirectResponse("/dashboard", 303)
    return page(
        request,
        "landing.html",
        signed_out="signin" in request.query_params,
        invite_only=hub.settings.signup.mode != "open",
    )


async def connect_page(request: Request, hub: Hub) -> Response:
    return page(request, "connect.html", invite_only=hub.settings.signup.mode != "open")


async def connect_start(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    state = secrets.token_urlsafe(24)
    invite = str(form.get("invite") or "").strip()[:100]
    request.session["oauth"] = {"state": state, "exp": time.time() + STATE_TTL_SECONDS, "invite": invite}
    query = urlencode(
        {
            "client_id": hub.settings.oauth_client_id,
            "redirect_uri": redirect_uri(hub),
            "scope": SCOPE,
            "state": state,
            "response_type": "code",
        }
    )
    return RedirectResponse(f"{hub.settings.intervals_base_url}/oauth/authorize?{query}", 303)


def _start_again(request: Request, status: int, title: str, what: str) -> Response:
    return error(
        request,
        status,
        title,
        what,
        "Start again from the Connect button; nothing was created.",
        action=("/connect", "Start again"),
    )


async def callback(request: Request, hub: Hub) -> Response:
    q = request.query_params
    pending: Any = request.session.pop("oauth", None)  # single use, whatever happens next
    valid = (
        isinstance(pending, dict)
        and isinstance(pending.get("state"), str)
        and secrets.compare_digest(pending["state"], q.get("state") or "")
    )
    if q.get("error"):
        if q.get("error") == "access_denied":
            return page(
                request,
                "message.html",
                title="You cancelled",
                what="You did not let icucoach use your Intervals.icu account, so no account was created.",
                todo="If you change your mind, press Connect again.",
                action=("/connect", "Connect with Intervals.icu"),
            )
        return _start_again(request, 400, "Intervals.icu did not sign you in", "It answered with an error.")
    if not valid:
        return _start_again(
            request,
            400,
            "This sign-in could not be verified",
            "The answer from Intervals.icu does not belong to a sign-in started in this browser.",
        )
    assert isinstance(pending, dict)
    if float(pending.get("exp", 0)) < time.time():
        return _start_again(request, 400, "This sign-in took too long", "It was started over 10 minutes ago.")
    code = q.get("code")
    if not code:
        return _start_again(request, 400, "No sign-in code", "Intervals.icu sent no authorization code.")
    settings = hub.settings
    base = settings.intervals_base_url
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            answer = await http.post(
                f"{base}/api/oauth/token",
                data={
                    "client_id": settings.oauth_client_id,
                    "client_secret": settings.oauth_client_secret.get_secret_value(),
                    "code": code,
                },
            )
            if answer.status_code == 401:  # Intervals.icu refused the app itself, not the code
                log.warning("Intervals.icu refused this service's OAuth app credentials")
                return error(
                    request,
                    503,
                    "Sign-in is not working on this service",
                    "Intervals.icu did not accept this service's app credentials, so nobody can sign in "
                    "at the moment; nothing was created.",
                    "Please tell the operator. (Operator: check INTERVALS_OAUTH_CLIENT_ID and "
                    "INTERVALS_OAUTH_CLIENT_SECRET against the app's page on Intervals.icu.)",
                )
            if answer.status_code in (400, 403):
                return _start_again(
                    request,
                    400,
                    "This sign-in code has expired",
                    "Intervals.icu refused the code: it was already used or is older than two minutes.",
                )
            answer.raise_for_status()
            grant = answer.json()
            token = str(grant["access_token"])
            athlete = grant.get("athlete") or {}
            athlete_id = str(athlete["id"])
            name = athlete.get("name")
            email = None
            me = await http.get(f"{base}/api/v1/athlete/0", headers={"Authorization": f"Bearer {token}"})
            if me.status_code == 200:  # without SETTINGS:READ there is no profile: the id is enough
                profile = me.json()
                email = profile.get("email") or None
                name = name or profile.get("name")
            scope = str(grant.get("scope") or "")
            existing = await hub.db(hub.store.account, athlete_id)
            invite = str(pending.get("invite") or "") or None
            if existing is None and not settings.signup.admits(athlete_id, email, invite):
                # Hand the token straight back: an athlete we do not admit leaves nothing with us.
                bearer = {"Authorization": f"Bearer {token}"}
                await http.delete(f"{base}/api/v1/disconnect-app", headers=bearer)
                return error(
                    request,
                    403,
                    "This service is invite-only",
                    "Your Intervals.icu account is not on this service's list, so no account was created.",
                    "Ask the person who runs it for an invite code, then connect again and enter it.",
                    action=("/connect", "Enter an invite code"),
                )
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        log.warning("sign-in exchange failed: %s", type(exc).__name__)
        return error(
            request,
            502,
            "Intervals.icu could not be reached",
            "The sign-in could not be completed, and no account was created.",
            "Try again in a minute.",
            action=("/connect", "Start again"),
        )
    _, created = await hub.db(hub.store.upsert_account, athlete_id, name, email, token, scope)
    await hub.db(
        hub.store.record,
        athlete_id=athlete_id,
        actor="you",
        tool="connected" if created else "reconnected",
        kind="account",
        result="ok",
    )
    sign_in(request, athlete_id)
    return RedirectResponse("/dashboard", 303)


async def logout_page(request: Request, hub: Hub) -> Response:
    return page(request, "logout.html")


async def logout(request: Request, hub: Hub) -> Response:
    await checked_form(request)
    sign_out(request)
    return RedirectResponse("/", 303)


ROUTES = [
    ("/", landing, ("GET",), False),
    ("/connect", connect_page, ("GET",), False),
    ("/connect", connect_start, ("POST",), False),
    ("/connect/callback", callback, ("GET",), False),
    ("/logout", logout_page, ("GET",), False),
    ("/logout", logout, ("POST",), False),
]
