"""What the service's worker processes must share, and where it lives: in Redis when ``ICUCOACH_REDIS_URL`` is
set, in process memory otherwise (one worker).

- ``Limiter.hit_token``: the per-principal rate limit on the service's MCP URLs (``rate_per_minute`` per
  ``Principal.key``, never the token), counted once for all workers; ``TokenPaths`` answers 429 with
  ``Retry-After`` when it returns a wait.
- ``UpstreamBudget``: the per-athlete budget toward Intervals.icu (``upstream_per_second``, ~10 requests/s
  allowed per athlete) summed over every worker. Each athlete's ``IntervalsClient`` gets an ``AthleteBudget``
  as its ``SharedLimiter`` (``intervals.ratelimit``): every HTTP attempt takes a share after the client's
  in-process token bucket, and waits (at most ``max_wait`` seconds, then a ``RateLimitedError``) while the
  window is full.

The algorithms are the ``limits`` library's (5.8, async strategies; Redis through redis-py's asyncio client,
5.3 as arq pins it): its moving window is an exact sliding log kept by one Lua script per hit, atomic across
workers, so "at most N requests in any second" holds for the budget; the token limit uses its
sliding-window counter (two counters a key, cheap for a per-minute limit). ``limits`` answers "allowed or
not" and "when does the window free up"; the only code here is the bounded wait on top. A hand-written Lua
bucket over redis-py would be the same few Redis calls with our own algorithm to get right and test.
Nothing stored here is a secret or training data (keys are athlete ids and principal keys, values are
timestamps and counts).

Redis failing is not an outage: both checks fail open with a logged warning (the per-client token bucket
still paces each worker). Not shared, on purpose:

- revocations need no cache: every MCP request reads its principal from the database by token hash, so
  a revoke through any worker is refused by every worker on the next call. Measured on PostgreSQL: the
  principal lookup takes ~0.45 ms and the upstream-token read ~0.33 ms (sequential, ORM); in a py-spy
  profile of a worker they are ~1.7 ms of its ~9 ms CPU per tool call. A cache would save at most that
  and would make every revoke path (grants, regenerate, disconnect, delete, webhook deauthorization)
  responsible for invalidating it in every worker — one missed path is a revoked coach keeping access.
  The same saving comes without that risk from reading both in one Core query (0.21 ms measured).
- single-flight of identical upstream reads stays per process (``CachedClient`` coalesces concurrent
  identical reads within a worker). Sharing it across workers would mean handing the response — training
  data — from one worker to another through Redis; and a lock alone saves nothing, since the waiting worker
  has no copy and must read anyway. Duplicates across workers are bounded by the shared budget above.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from icucoach.intervals.errors import RateLimitedError

if TYPE_CHECKING:
    from icucoach.service.hub import Hub

logger = logging.getLogger("icucoach.service.limits")

DEFAULT_PREFIX = "icucoach"
MAX_UPSTREAM_WAIT = 20.0  # seconds a request may wait for the shared budget before it fails
_WARN_EVERY = 60.0


def storage_for(redis_url: str | None, prefix: str = DEFAULT_PREFIX) -> Storage:
    """Redis storage for ``redis_url`` (``redis://``, ``rediss://``, ``unix://``), or in-memory storage."""
    if not redis_url:
        return MemoryStorage()
    scheme, sep, rest = redis_url.partition("://")
    if scheme in ("redis", "rediss"):
        uri = f"async+{scheme}://{rest}"
    elif scheme == "unix":
        uri = f"async+redis+unix://{rest}"
    else:
        raise ValueError(
            f"ICUCOACH_REDIS_URL must start with redis://, rediss:// or unix://, not {scheme + sep!r}"
        )
    return RedisStorage(uri, implementation="redispy", key_prefix=prefix, socket_timeout=2.0)


class _Warner:
    """Logs a storage failure at most once a minute (a down Redis would otherwise log every call)."""

    def __init__(self) -> None:
        self._last = -_WARN_EVERY

    def __call__(self, what: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last >= _WARN_EVERY:
            self._last = now
            logger.warning(
                "%s: rate-limit storage unavailable (%s); allowing the request. Check ICUCOACH_REDIS_URL.",
                what,
                type(exc).__name__,
            )


class Limiter:
    """The per-principal limit on the service's MCP URLs: ``per_minute`` calls in any minute."""

    def __init__(self, storage: Storage, per_minute: int) -> None:
        self.storage = storage
        self.item: RateLimitItem = RateLimitItemPerMinute(max(1, int(per_minute)))
        self.strategy = SlidingWindowCounterRateLimiter(storage)
        self._warn = _Warner()

    async def hit_token(self, key: str) -> float | None:
        """Count one call for ``key``: None when allowed, else the seconds until a call is allowed again."""
        try:
            if await self.strategy.hit(self.item, "token", key):
                return None
            stats = await self.strategy.get_window_stats(self.item, "token", key)
        except Exception as exc:  # any storage failure: fail open, the request is not the culprit
            self._warn("service rate limit", exc)
            return None
        return max(0.001, stats.reset_time - time.time())


class UpstreamBudget:
    """The per-athlete budget toward Intervals.icu, shared by every worker using the same storage."""

    def __init__(
        self,
        storage: Storage,
        per_second: float,
        *,
        max_wait: float = MAX_UPSTREAM_WAIT,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.storage = storage
        self.per_second = max(1, round(per_second))
        self.item: RateLimitItem = RateLimitItemPerSecond(self.per_second)
        self.strategy = MovingWindowRateLimiter(storage)
        self.max_wait = max_wait
        self._sleep = sleep
        self._warn = _Warner()

    def for_athlete(self, athlete_id: str) -> AthleteBudget:
        return AthleteBudget(self, athlete_id)

    async def acquire(self, athlete_id: str) -> float:
        """Take one request's share of ``athlete_id``'s budget, waiting while the last second is full;
        return the seconds waited. Raises ``RateLimitedError`` after ``max_wait``."""
        waited = 0.0
        while True:
            try:
                if await self.strategy.hit(self.item, "upstream", athlete_id):
                    return waited
                stats = await self.strategy.get_window_stats(self.item, "upstream", athlete_id)
            except Exception as exc:
                self._warn("upstream budget", exc)
                return waited
            # the oldest request in the window leaves it at reset_time; jitter spreads the waiters that
            # wake together so they do not all retry in the same millisecond
            wait = max(0.002, stats.reset_time - time.time()) + random.uniform(0.0, 0.01)
            if waited + wait > self.max_wait:
                raise RateLimitedError(
                    "Too many requests for this athlete right now",
                    retry_after=max(1.0, wait),
                    hint=f"Intervals.icu allows about {self.per_second} requests per second per athlete and "
                    "the service has been queueing for "
                    f"{waited:.0f} s; ask for less at once (a shorter date range) or retry in a minute.",
                )
            await self._sleep(wait)
            waited += wait


class AthleteBudget:
    """One athlete's share of an ``UpstreamBudget``: the ``SharedLimiter`` of that athlete's client."""

    __slots__ = ("athlete_id", "budget")

    def __init__(self, budget: UpstreamBudget, athlete_id: str) -> None:
        self.budget = budget
        self.athlete_id = athlete_id

    async def acquire(self) -> float:
        return await self.budget.acquire(self.athlete_id)


async def aclose(storage: Storage) -> None:
    """Close the Redis connection pool of ``storage`` (no-op for memory)."""
    if isinstance(storage, RedisStorage):
        client = getattr(storage.bridge, "storage", None)
        if client is not None:
            await client.aclose()


def install(hub: Hub, *, prefix: str = DEFAULT_PREFIX) -> None:
    """Give ``hub`` its limiter and, with Redis, the shared upstream budget (call once in ``create_app``).

    Without ``redis_url`` the token limit is per process and the upstream budget is the per-client token
    bucket alone: right for one worker; ``--workers N`` needs Redis.
    """
    settings = hub.settings
    storage = storage_for(settings.redis_url, prefix)
    hub.extras["limiter"] = Limiter(storage, settings.rate_per_minute)
    # unauthenticated endpoints that create things or send email: per client address
    hub.extras["ip_limiter"] = Limiter(storage, settings.anonymous_per_minute)
    hub.clients.rate_per_second = settings.upstream_per_second
    if settings.redis_url:
        hub.clients.budget = UpstreamBudget(storage, settings.upstream_per_second)

    @asynccontextmanager
    async def _close(app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await aclose(storage)

    hub.extras.setdefault("lifespans", []).append(_close)


__all__ = ["AthleteBudget", "Limiter", "UpstreamBudget", "aclose", "install", "storage_for"]
