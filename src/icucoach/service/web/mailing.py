"""How the pages send email: as background jobs (``service.notify``: ``mail_invite``, ``mail_coach_url``,
``mail_regenerate_link``, ``mail_regenerated_notice``) that carry ids only; the job makes the link and the
message (``service.mail``) when it runs. Without a mailer (no SMTP and not ``--dev``) nothing can be sent,
and the page says so before changing anything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from icucoach.service.hub import Hub
from icucoach.service.models import Coach


def configured(hub: Hub) -> bool:
    return hub.mailer is not None and hub.jobs is not None


async def enqueue(hub: Hub, job: str, **kwargs: Any) -> None:
    await hub.jobs.enqueue(job, **kwargs)


def coach_id_for(hub: Hub, email: str) -> int | None:
    """The coach known by ``email`` (None when unknown). TODO(lead): a ``ServiceStore`` method for this."""
    with hub.store.session() as s:
        return s.scalars(select(Coach.id).where(Coach.email == email.strip().lower())).first()


async def coach_request(hub: Hub, email: str, purpose: str) -> None:
    """After the /coach page has answered: for a known address, queue "resend my URL" (the URL itself,
    to a confirmed coach) or "regenerate" (a single-use confirm link); for an unknown one, nothing."""
    coach_id = await hub.db(coach_id_for, hub, email)
    if coach_id is None:
        return
    job = "mail_regenerate_link" if purpose == "regenerate" else "mail_coach_url"
    await enqueue(hub, job, coach_id=coach_id)


__all__ = ["coach_id_for", "coach_request", "configured", "enqueue"]
