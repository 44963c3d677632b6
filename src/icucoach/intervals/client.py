"""``IntervalsClient``: the one async client through which icucoach talks to Intervals.icu.

    async with IntervalsClient(ClientSettings.from_env()) as icu:
        athlete = await icu.get_athlete()
        rides = await icu.list_activities(oldest="2026-11-01")

One client = one pooled ``httpx.AsyncClient``, one token bucket (~10 requests/s with a short burst; plus an
optional ``limiter`` shared with other processes, see ``ratelimit.SharedLimiter``) and one
retry policy shared by all its calls; create it once per process (or per hosted user) and reuse it. Every
method that addresses an athlete takes an optional ``athlete_id`` (default: the settings', ``0`` = the
credential's owner), so a coach can work across athletes with one client. ``request_count`` counts HTTP
requests actually sent (retries included), for benchmarks and cache tests.

The endpoint methods live in mixins by area: ``athlete_api`` (athlete, sport settings, curves, gear),
``activity_api``, ``wellness_api``, ``calendar_api`` (events, library).
"""

from __future__ import annotations

from types import TracebackType

import httpx

from icucoach.intervals.activity_api import ActivityApi
from icucoach.intervals.athlete_api import AthleteApi
from icucoach.intervals.calendar_api import CalendarApi
from icucoach.intervals.config import ClientSettings
from icucoach.intervals.ratelimit import SharedLimiter
from icucoach.intervals.transport import Transport
from icucoach.intervals.wellness_api import WellnessApi


class IntervalsClient(AthleteApi, ActivityApi, WellnessApi, CalendarApi):
    """Async Intervals.icu API client (see the module docstring)."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: SharedLimiter | None = None,
    ) -> None:
        self.settings = settings if settings is not None else ClientSettings.from_env()
        self._t = Transport(self.settings, transport=transport, shared=limiter)
        self._timezones = {}

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._t.request_count

    @property
    def athlete_id(self) -> str:
        return self.settings.athlete_id

    @property
    def transport(self) -> Transport:
        """The shared HTTP layer (its ``bucket`` and ``policy`` are inspectable)."""
        return self._t

    async def aclose(self) -> None:
        await self._t.aclose()

    async def __aenter__(self) -> IntervalsClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"IntervalsClient(base_url={self.settings.base_url!r}, athlete_id={self.settings.athlete_id!r}, "
            f"auth={self.settings.auth_mode!r})"
        )


__all__ = ["IntervalsClient"]
