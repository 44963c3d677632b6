"""The athlete's coaches: invite one by email with a choice of tools (a preset — read-only, plan, full — or
tool by tool, grouped Read / Create / Change / Delete), change what a coach may do, revoke (asks first; the
coach's next call for this athlete is refused, their other athletes are unaffected)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from icucoach.service import grants
from icucoach.service.hub import Hub
from icucoach.service.web import mailing
from icucoach.service.web.csrf import checked_form
from icucoach.service.web.dashboard import confirm, confirmed, me
from icucoach.service.web.render import error
from icucoach.service.web.sessions import flash


def chosen_tools(form: FormData) -> list[str]:
    preset = str(form.get("preset") or "custom")
    if preset in grants.PRESETS:
        return grants.names_in(grants.PRESETS[preset])
    return grants.clean([str(t) for t in form.getlist("tool")])


def valid_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(at and local and "." in domain and len(value) <= 320 and not any(c.isspace() for c in value))


def no_mail(request: Request) -> Response:
    return error(
        request,
        503,
        "Email is not set up on this service",
        "It cannot send the message, so nothing was changed.",
        "Tell the person who runs it to set ICUCOACH_SMTP_URL (docs/service.md).",
    )


def _no_tools(request: Request) -> Response:
    return error(
        request,
        400,
        "No tools chosen",
        "A coach needs at least one tool, so nothing was changed.",
        "Go back, pick a preset or tick the tools this coach may use, and send the form again.",
        action=("/dashboard#coaches", "Back to coaches"),
    )


async def invite(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    email = str(form.get("email") or "").strip().lower()
    if not valid_email(email):
        return error(
            request,
            400,
            "That email address does not look right",
            f"“{email[:80]}” is not an email address, so no invitation was sent.",
            "Go back and type the coach's address, like coach@example.org.",
            action=("/dashboard#coaches", "Back to coaches"),
        )
    tools = chosen_tools(form)
    if not tools:
        return _no_tools(request)
    if not mailing.configured(hub):
        return no_mail(request)
    athlete_id = me(request)
    # The store hands back a link too; the job makes the one it sends (ids only in the queue).
    coach, _ = await hub.db(hub.store.invite_coach, athlete_id, email, tools, hub.settings.link_ttl_seconds)
    await mailing.enqueue(hub, "mail_invite", athlete_id=athlete_id, coach_id=coach.id)
    await hub.db(
        hub.store.record,
        athlete_id=athlete_id,
        actor="you",
        tool=f"invited {email}",
        kind="account",
        result="ok",
        coach_id=coach.id,
    )
    flash(request, f"Invitation sent to {email}. The link in it works once, for a limited time.")
    return RedirectResponse("/dashboard#coaches", 303)


def _coach_id(request: Request) -> int | None:
    try:
        return int(request.path_params["coach_id"])
    except (KeyError, ValueError):
        return None


async def edit(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    coach_id = _coach_id(request)
    tools = chosen_tools(form)
    if not tools:
        return _no_tools(request)
    athlete_id = me(request)
    if coach_id is None or not await hub.db(hub.store.set_grant_tools, athlete_id, coach_id, tools):
        return _unknown_coach(request)
    await hub.db(
        hub.store.record,
        athlete_id=athlete_id,
        actor="you",
        tool="changed a coach's tools",
        kind="account",
        result="ok",
        coach_id=coach_id,
    )
    flash(request, "Saved: the coach's next call uses the new choice.")
    return RedirectResponse("/dashboard#coaches", 303)


def _unknown_coach(request: Request) -> Response:
    return error(
        request,
        404,
        "No such coach",
        "That coach has no access to your account (maybe it was already revoked).",
        "Go back to your coaches list.",
        action=("/dashboard#coaches", "Back to coaches"),
    )


async def revoke(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    coach_id = _coach_id(request)
    athlete_id = me(request)
    grant = next(
        (g for g in await hub.db(hub.store.grants_of_athlete, athlete_id) if g.coach_id == coach_id), None
    )
    if grant is None or coach_id is None:
        return _unknown_coach(request)
    if not confirmed(form):
        return confirm(
            request,
            f"/dashboard/coaches/{coach_id}/revoke",
            f"Revoke {grant.coach_email}'s access?",
            "Their next call for your account is refused. Their access to other athletes is not affected; "
            "you can invite them again later.",
            "Revoke access",
        )
    await hub.db(hub.store.revoke_grant, athlete_id, coach_id)
    await hub.db(
        hub.store.record,
        athlete_id=athlete_id,
        actor="you",
        tool=f"revoked {grant.coach_email}",
        kind="account",
        result="ok",
        coach_id=coach_id,
    )
    flash(request, f"{grant.coach_email} no longer has access to your account.")
    return RedirectResponse("/dashboard#coaches", 303)


ROUTES = [
    ("/dashboard/coaches", invite, ("POST",), True),
    ("/dashboard/coaches/{coach_id:int}", edit, ("POST",), True),
    ("/dashboard/coaches/{coach_id:int}/revoke", revoke, ("POST",), True),
]
