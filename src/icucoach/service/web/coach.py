"""The coach's pages. A coach has no password and no Intervals.icu account: their emailed links are the
way in.

- ``/coach``: enter your email → "send my URL again" (the same URL, by email) or "make a new URL" (a
  confirm link; opening it issues a new token and the old one stops at once). The answer is the same whether
  the address is known or not, and the lookup happens after the answer, so neither words nor timing tell.
- ``/coach/confirm/{token}`` (invitation) and ``/coach/regenerate/{token}`` (new URL): GET shows a button
  and consumes nothing (mail scanners that prefetch links cannot use them up); the POST uses the link once
  and opens ``/coach/me``.
- ``/coach/me``: the coach URL with a copy button, setup instructions, and each athlete who granted access
  with what the grant allows.
"""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from icucoach.service import grants
from icucoach.service.hub import Hub
from icucoach.service.store import LinkError
from icucoach.service.web import links, mailing
from icucoach.service.web.coaches import no_mail, valid_email
from icucoach.service.web.csrf import checked_form
from icucoach.service.web.render import error, page

LINK_PROBLEMS = {
    "unknown": ("This link is not valid", "This address does not match any link icucoach sent."),
    "used": ("This link was already used", "Each emailed link works only once."),
    "expired": ("This link has expired", "Emailed links work for a limited time."),
}


async def coach_page(request: Request, hub: Hub) -> Response:
    return page(request, "coach.html")


async def coach_request(request: Request, hub: Hub) -> Response:
    form = await checked_form(request)
    email = str(form.get("email") or "").strip().lower()
    purpose = "regenerate" if form.get("action") == "regenerate" else "resend"
    if not valid_email(email):
        return page(request, "coach.html", 400, problem="Type the email address your invitations came to.")
    if not mailing.configured(hub):
        return no_mail(request)
    response = page(request, "coach_sent.html", email=email, purpose=purpose)
    # Looked up and queued after the answer is sent: neither the words nor the timing tell.
    response.background = BackgroundTask(mailing.coach_request, hub, email, purpose)
    return response


async def link_page(request: Request, hub: Hub) -> Response:
    regenerate = request.url.path.startswith("/coach/regenerate/")
    return page(
        request,
        "coach_confirm.html",
        action=request.url.path,
        regenerate=regenerate,
    )


async def use_link(request: Request, hub: Hub) -> Response:
    await checked_form(request)
    store = hub.store
    purpose = "regenerate" if request.url.path.startswith("/coach/regenerate/") else "confirm"
    try:
        link = await hub.db(store.use_link, request.path_params["token"], purpose)
    except LinkError as exc:
        title, what = LINK_PROBLEMS.get(exc.reason, LINK_PROBLEMS["unknown"])
        return error(
            request,
            410 if exc.reason in ("used", "expired") else 404,
            title,
            what,
            "Ask for a new link on the coach page, or ask your athlete to invite you again.",
            action=("/coach", "Get a new link"),
        )
    if purpose == "confirm":
        await hub.db(store.confirm_grant, link)
        notice = "Invitation accepted. This is your coach URL, the same for all your athletes."
    else:
        await hub.db(store.regenerate_coach_token, link.coach_id)
        await mailing.enqueue(hub, "mail_regenerated_notice", coach_id=link.coach_id)
        notice = "Your new coach URL is below; the old one no longer works. Every athlete stays linked."
    request.session["coach"] = link.coach_id
    request.session["flash"] = notice
    return RedirectResponse("/coach/me", 303)


async def coach_me(request: Request, hub: Hub) -> Response:
    coach_id = request.session.get("coach")
    coach = await hub.db(hub.store.coach, coach_id) if isinstance(coach_id, int) else None
    if coach is None:
        return error(
            request,
            401,
            "Open your link first",
            "This page shows your coach URL once you have opened a link from an icucoach email.",
            "Ask for a link on the coach page.",
            action=("/coach", "Coach page"),
        )
    token = await hub.db(hub.store.coach_token, coach.id)
    roster = await hub.db(hub.store.grants_of_coach, coach.id)
    return page(
        request,
        "coach_me.html",
        secret=True,
        coach=coach,
        coach_url=links.coach_mcp_url(hub.settings.public_url, token),
        roster=[(g, grants.describe(list(g.tools))) for g in roster],
    )


ROUTES = [
    ("/coach", coach_page, ("GET",), False),
    ("/coach", coach_request, ("POST",), False),
    ("/coach/me", coach_me, ("GET",), False),
    ("/coach/confirm/{token}", link_page, ("GET",), False),
    ("/coach/confirm/{token}", use_link, ("POST",), False),
    ("/coach/regenerate/{token}", link_page, ("GET",), False),
    ("/coach/regenerate/{token}", use_link, ("POST",), False),
]
