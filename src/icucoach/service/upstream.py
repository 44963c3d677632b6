"""Per-athlete Intervals.icu clients for the service: each athlete's calls go out with that athlete's own
OAuth token (decrypted from the store on every call, so a disconnect is enforced on the next call), through
a ``CachedClient`` whose short-lived in-memory cache is the only place training data is kept. A coach never
holds a token: their calls for an athlete use the athlete's client.

The clients live in an LRU (idle clients are closed); a webhook invalidates one athlete's cache. With a
``budget`` (``limits.UpstreamBudget``, installed when Redis is configured) every client's requests also take
from that athlete's budget shared by all workers.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.intervals.cache import CachedClient, CacheTtl

if TYPE_CHECKING:
    from icucoach.service.limits import UpstreamBudget

MAX_CLIENTS = 2000


@dataclass
class _Held:
    fingerprint: str
    client: CachedClient


class UpstreamClients:
    def __init__(
        self,
        base_url: str,
        *,
        ttl: CacheTtl | None = None,
        rate_per_second: float | None = 10.0,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.base_url = base_url
        self.ttl = ttl
        self.rate_per_second = rate_per_second
        self.max_clients = max_clients
        self.budget: UpstreamBudget | None = None
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._closing: list[CachedClient] = []

    def client(self, athlete_id: str, token: str) -> CachedClient:
        """The athlete's client for ``token`` (a new token — after a reconnect — gets a new client)."""
        fingerprint = hashlib.sha256(token.encode()).hexdigest()
        held = self._held.get(athlete_id)
        if held is not None and held.fingerprint == fingerprint:
            self._held.move_to_end(athlete_id)
            return held.client
        if held is not None:
            self._closing.append(held.client)
        settings = ClientSettings(
            oauth_token=token,
            athlete_id=athlete_id,
            base_url=self.base_url,
            rate_per_second=self.rate_per_second,
            max_connections=4,
        )
        shared = None if self.budget is None else self.budget.for_athlete(athlete_id)
        cached = CachedClient(IntervalsClient(settings, limiter=shared), self.ttl)
        self._held[athlete_id] = _Held(fingerprint, cached)
        while len(self._held) > self.max_clients:
            _, old = self._held.popitem(last=False)
            self._closing.append(old.client)
        return cached

    def invalidate(self, athlete_id: str) -> None:
        held = self._held.get(athlete_id)
        if held is not None:
            held.client.clear()

    def forget(self, athlete_id: str) -> None:
        """Drop the athlete's client and cache (disconnect, delete)."""
        held = self._held.pop(athlete_id, None)
        if held is not None:
            held.client.clear()
            self._closing.append(held.client)

    async def reap(self) -> None:
        """Close clients that were replaced or evicted (their connections)."""
        closing, self._closing = self._closing, []
        for c in closing:
            await c.client.aclose()

    async def aclose(self) -> None:
        for held in self._held.values():
            self._closing.append(held.client)
        self._held.clear()
        await self.reap()


__all__ = ["UpstreamClients"]
