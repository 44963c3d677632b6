"""The service's runtime, shared by every adapter (MCP, pages, iCal, webhooks): settings, the store, the
per-athlete upstream clients, the mailer and the job queue. One ``Hub`` per worker process, built by
``app.create_app`` and kept on ``app.state.hub``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

import anyio.to_thread

from icucoach.service.settings import ServiceSettings
from icucoach.service.store import ServiceStore
from icucoach.service.upstream import UpstreamClients

T = TypeVar("T")


class Mailer(Protocol):
    async def send(self, to: str, subject: str, text: str, html: str | None = None) -> None: ...


@dataclass
class Hub:
    settings: ServiceSettings
    store: ServiceStore
    clients: UpstreamClients
    mailer: Mailer | None = None
    jobs: Any = None  # service.jobs.JobQueue once configured
    extras: dict[str, Any] = field(default_factory=dict)
    # ICUCOACH_TODAY pins every athlete's "today" (reproducible demos and tests against a pinned sandbox)
    fixed_today: date | None = field(
        default_factory=lambda: (
            date.fromisoformat(v) if (v := os.environ.get("ICUCOACH_TODAY", "").strip()) else None
        )
    )

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (synchronous, short) store call off the event loop."""
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))

    async def upstream(self, athlete_id: str) -> Any | None:
        """The athlete's cached Intervals.icu client, or None when they are not connected."""
        token = await self.db(self.store.upstream_token, athlete_id)
        if token is None:
            self.clients.forget(athlete_id)
            return None
        return self.clients.client(athlete_id, token)

    async def aclose(self) -> None:
        await self.clients.aclose()
        self.store.close()


__all__ = ["Hub", "Mailer"]
