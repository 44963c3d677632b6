"""Sending the pages' emails through ``hub.mailer``: a coach's invitation and the coach's "my URL" links.
Without a mailer (``serve --dev``, no SMTP) the message goes to the log on stderr so the link can be followed.
The link is the only secret in a message; it is single-use and expires (``settings.link_ttl_seconds``).
"""

from __future__ import annotations

import logging
import sys

from icucoach.service.hub import Hub

log = logging.getLogger("icucoach.service.web")


def hours(seconds: int) -> str:
    h = max(1, round(seconds / 3600))
    return f"{h} hour" + ("" if h == 1 else "s")


async def send(hub: Hub, to: str, subject: str, text: str) -> None:
    # TODO(lead): use service.mail's message builders (coach_invite, ...) once they are on main.
    if hub.mailer is None:
        print(f"[icucoach] email to {to}: {subject}\n{text}", file=sys.stderr, flush=True)
        return
    try:
        await hub.mailer.send(to, subject, text)
    except Exception as exc:  # the page already answered; say so in the log, without the link
        log.warning("could not send %r: %s", subject, type(exc).__name__)


def invite_text(athlete: str, link: str, allowed: str, ttl: int) -> str:
    return (
        f"{athlete} invites you to coach them with icucoach.\n\n"
        f"What you may do for them: {allowed}.\n\n"
        f"Open this link to accept and get your coach URL (it works once, for {hours(ttl)}):\n{link}\n\n"
        "You need no Intervals.icu account of your own. If you did not expect this, ignore this email.\n"
    )


def coach_link_text(purpose: str, link: str, ttl: int) -> str:
    what = (
        "see your coach URL again (it stays the same)"
        if purpose == "resend"
        else "get a NEW coach URL (the old one stops working when you open the link)"
    )
    return (
        f"Someone (probably you) asked icucoach to {what}.\n\n"
        f"Open this link (it works once, for {hours(ttl)}):\n{link}\n\n"
        "If you did not ask for this, ignore this email: nothing changes.\n"
    )


__all__ = ["coach_link_text", "invite_text", "send"]
