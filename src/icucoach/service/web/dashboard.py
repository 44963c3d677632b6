"""The signed-in athlete's own things: the dashboard (connection, the two ways into MCP with setup
instructions per client, the ``.mcpb`` download, the iCal feed, coaches), regenerating the secret URLs,
disconnecting, deleting the account, and the activity log.

Destructive actions ask first: the first POST answers with a confirmation page whose button posts again with
``confirmed=yes`` (no JavaScript needed). Deleting the account also needs the word DELETE typed.
"""

from __future__ import annotations

import logging

import httpx
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from icucoach.service import grants
from icucoach.service.hub import Hub
from icucoach.service.web import links, mcpb
from icucoach.service.web.csrf import checked_form
from icucoach.service.web.render import error, page
from icucoach.service.web.sessions import athlete_of, flash, sign_out

log = logging.getLogger("icucoach.service.web")

KINDS = {"mcp": "personal MCP URL", "ical": "calendar feed URL"}


def me(request: Request) -> str:
    athlete = athlete_of(request)
    assert athlete is not None  # the route is signed_in
    return athlete


def confirm(
    request: Request, action: str, title: str, text: str, button: str, danger: bool = True
) -> Response:
    return page(request, "confirm.html", title=title, text=text, action=action, button=button, danger=danger)


def confirmed(form: FormData) -> bool:
    return form.get("confirmed") == "yes"


async def dashboard(request: Request, hub: Hub) -> Response:
    athlete_id = me(request)
    store = hub.store
    account = await hub.db(store.account, athlete_id)
    if account is None:  # deleted elsewhere: the session is stale
        sign_out(request)
        return RedirectResponse("/", 303)
    public = hub.settings.public_url
    mcp_token = await hub.db(store.url_token, athlete_id, "mcp")
    ical_token = await hub.db(store.url_token, athlete_id, "ical")
    feed = links.ical_feed_url(public, ical_token)
    coach_list = await hub.db(store.grants_of_athlete, athlete_id)
    catalogue = grants.catalogue()
    return page(
        request,
        "dashboard.html",
        secret=True,
        account=account,
        scopes=links.scope_words(account.scope),
        oauth_url=hub.settings.mcp_url,
        secret_url=links.personal_mcp_url(public, mcp_token),
        feed_url=feed,
        subscribe=links.subscribe_links(feed, "Training (icucoach)"),
        coaches=[(g, grants.describe(list(g.tools))) for g in coach_list],
        catalogue=catalogue,
        groups=grants.GROUPS,
        presets={name: sorted(groups) for name, groups in grants.PRESETS.items()},
        default_tools=grants.names_in(grants.PRESETS["read-only"]),
        invite_only=hub.settings.signup.mode != "open",
    )


async def regenerate(request: Request, hub: Hub) -> Response:
    kind = request.path_params["kind"]
    if kind not in KINDS:
        return error(request, 404, "No such URL", "No URL is of that kind.", "Go back to the dashboard.")
    form = await checked_form(request)
    if not confirmed(form):
        return confirm(
            request,
            f"/dashboard/{kind}/regenerate",
            f"Make a new {KINDS[kind]}?",
            f"The current {KINDS[kind]} stops working at once; every app or calendar that uses it must be "
            "given the new one.",
            "Make a new URL",
        )
    athlete_id = me(request)
    await hub.db(hub.store.regenerate_url_token, athlete_id, kind)
    await hub.db(
        hub.store.record,
        athlete_id=athlete_id,
        actor="you",
        tool=f"new {kind} URL",
        kind="account",
        result="ok",
    )
    flash(request, f"Your new {KINDS[kind]} is ready; the old one no longer works.")
    return RedirectResponse(f"/dashboard#{kind}", 303)


async def _hand_back(hub: Hub, athlete_id: str) -> None:
    """Tell Intervals.icu to revoke our token (best effort: the token is deleted here either way)."""
    token = await hub.db(hub.store.upstream_token, athlete_id)
    if token is None:
        return
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(15.0)) as http:
            await http.delete(
                f"{hub.settings.intervals_base_url}/api/v1/disconnect-app",
                headers={"Authorization": f"Bearer {token}"},
            )
    except httpx.HTTPError as exc:
        log.warning("disconnect-app failed for an athlete: %s", type(exc).__name__)


async def disconnect(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    if not confirmed(form):
        return confirm(
            request,
            "/dashboard/disconnect",
            "Disconnect from Intervals.icu?",
            "icucoach deletes its access to your Intervals.icu account now: your AI and your coaches get "
            "nothing until you connect again. Your URLs and coaches are kept for when you do.",
            "Disconnect",
        )
    athlete_id = me(request)
    await _hand_back(hub, athlete_id)
    await hub.db(hub.store.disconnect, athlete_id)
    hub.clients.forget(athlete_id)
    await hub.db(
        hub.store.record, athlete_id=athlete_id, actor="you", tool="disconnected", kind="account", result="ok"
    )
    flash(request, "Disconnected: icucoach no longer holds access to your Intervals.icu account.")
    return RedirectResponse("/dashboard", 303)


async def delete_page(request: Request, hub: Hub) -> Response:
    return page(request, "delete.html")


async def delete(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    if str(form.get("typed") or "").strip().upper() != "DELETE":
        return page(
            request,
            "delete.html",
            400,
            problem="Type DELETE in the box to confirm; nothing was deleted.",
        )
    athlete_id = me(request)
    await _hand_back(hub, athlete_id)
    await hub.db(hub.store.delete_account, athlete_id)
    hub.clients.forget(athlete_id)
    sign_out(request)
    flash(request, "Your account and everything icucoach kept about it are deleted.")
    return RedirectResponse("/", 303)


async def mcpb_download(request: Request, hub: Hub) -> Response:
    athlete_id = me(request)
    token = await hub.db(hub.store.url_token, athlete_id, "mcp")
    public = hub.settings.public_url
    data = mcpb.bundle(links.personal_mcp_url(public, token), public)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="icucoach.mcpb"',
            "Cache-Control": "no-store",
        },
    )


async def activity(request: Request, hub: Hub) -> Response:
    entries = await hub.db(hub.store.activity, me(request), 200)
    return page(request, "activity.html", entries=entries)


ROUTES = [
    ("/dashboard", dashboard, ("GET",), True),
    ("/dashboard/{kind}/regenerate", regenerate, ("POST",), True),
    ("/dashboard/disconnect", disconnect, ("POST",), True),
    ("/dashboard/delete", delete_page, ("GET",), True),
    ("/dashboard/delete", delete, ("POST",), True),
    ("/dashboard/icucoach.mcpb", mcpb_download, ("GET",), True),
    ("/activity", activity, ("GET",), True),
]
