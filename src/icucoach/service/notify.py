"""Emails the service sends, as background jobs (``jobs.JobQueue``): a job carries ids only — the link or
URL inside a message is made (or decrypted) when the job runs, so no secret and no training data sits in
the queue. ``register(hub)`` installs them; pages call ``await hub.jobs.enqueue("mail_invite", ...)``.
"""

from __future__ import annotations

from datetime import timedelta

from icucoach.service import mail
from icucoach.service.hub import Hub
from icucoach.service.models import utcnow


class MailNotConfigured(RuntimeError):
    """No SMTP server and not in dev mode: the message cannot go anywhere."""


def _mailer(hub: Hub) -> mail.Mailer:
    if hub.mailer is None:
        raise MailNotConfigured(
            "email is not configured: set ICUCOACH_SMTP_URL (or run with ICUCOACH_DEV=1 to print links)"
        )
    return hub.mailer


def register(hub: Hub) -> None:
    settings = hub.settings
    store = hub.store

    async def mail_invite(athlete_id: str, coach_id: int) -> None:
        found = await hub.db(store.grant_link, athlete_id, coach_id, settings.link_ttl_seconds)
        if found is None:  # revoked before the job ran: nothing to send
            return
        email, athlete_name, tools, link = found
        message = mail.coach_invite(
            to=email,
            athlete_name=athlete_name or athlete_id,
            tools=tools,
            confirm_url=f"{settings.public_url}/coach/confirm/{link}",
            expires_at=utcnow() + timedelta(seconds=settings.link_ttl_seconds),
        )
        await mail.send_message(_mailer(hub), message)

    async def mail_coach_url(coach_id: int) -> None:
        coach = await hub.db(store.coach, coach_id)
        if coach is None or not coach.confirmed:
            return
        token = await hub.db(store.coach_token, coach_id)
        athletes = [g.athlete_name or g.athlete_id for g in await hub.db(store.grants_of_coach, coach_id)]
        message = mail.coach_url(
            to=coach.email,
            mcp_url=f"{settings.public_url}/c/{token}/mcp",
            coach_page_url=f"{settings.public_url}/coach",
            athletes=athletes,
        )
        await mail.send_message(_mailer(hub), message)

    async def mail_regenerate_link(coach_id: int) -> None:
        found = await hub.db(store.coach_link_by_id, coach_id, "regenerate", settings.link_ttl_seconds)
        if found is None:
            return
        email, link = found
        message = mail.Message(
            to=email,
            subject="Confirm: new icucoach coach URL",
            text=(
                "Someone (hopefully you) asked for a new icucoach coach URL. Open this link to issue it; the "
                f"old URL stops working at once:\n\n{settings.public_url}/coach/regenerate/{link}\n\n"
                "If you did not ask for this, ignore this message: nothing changes."
            ),
        )
        await mail.send_message(_mailer(hub), message)

    async def mail_regenerated_notice(coach_id: int) -> None:
        coach = await hub.db(store.coach, coach_id)
        if coach is None:
            return
        message = mail.coach_url_regenerated(
            to=coach.email, coach_page_url=f"{settings.public_url}/coach", at=utcnow()
        )
        await mail.send_message(_mailer(hub), message)

    for fn in (mail_invite, mail_coach_url, mail_regenerate_link, mail_regenerated_notice):
        hub.jobs.register(fn.__name__, fn)


__all__ = ["MailNotConfigured", "register"]
