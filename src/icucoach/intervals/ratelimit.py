"""An async token bucket that keeps one client under Intervals.icu's rate limit (~10 requests/s, short burst).

Every request of a client (and every retry) takes a token first. The bucket works by *reservation*: taking a
token is a synchronous step (no await between reading and updating the state, so it needs no lock and is
safe across event loops), and a caller that reserved a future token sleeps until it is due. Callers are
therefore served in arrival order and the long-run rate never exceeds ``rate``, whatever the concurrency.

``pause(seconds)`` is called when the server answers 429: it holds back *all* callers until then, so a
burst of concurrent requests does not keep hammering a server that has asked us to slow down.

``SharedLimiter`` is the hook for a budget shared with other processes (the hosted service's per-athlete
budget across its workers, ``icucoach.service.limits``): when a client is given one, every attempt takes from
it *after* the in-process bucket, so the bucket still paces this process and the shared one caps the sum.

The bucket owns the client's notion of time: ``clock`` and ``sleep`` (the transport's retry waits use
``bucket.sleep`` too), so a test can drive every wait of a client with one fake clock instead of real time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol


class SharedLimiter(Protocol):
    """A budget shared beyond this process: ``acquire`` waits (bounded) for one request's share and returns
    the seconds waited; it raises an ``IntervalsError`` (e.g. ``RateLimitedError``) when it gives up."""

    async def acquire(self) -> float: ...


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up. ``rate`` None or 0 disables limiting."""

    def __init__(
        self,
        rate: float | None,
        burst: int = 10,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate if rate and rate > 0 else None
        self.burst = max(1, int(burst))
        self._clock = clock
        self.sleep = sleep
        self._tokens = float(self.burst)
        self._updated = clock()
        self._paused_until = 0.0
        self.total_wait = 0.0  # seconds callers have spent waiting for tokens (for diagnostics)

    @property
    def enabled(self) -> bool:
        return self.rate is not None

    def reserve(self) -> float:
        """Take one token now; return how long the caller must wait before using it (seconds)."""
        now = self._clock()
        pause = max(0.0, self._paused_until - now)
        if self.rate is None:
            return pause
        elapsed = now - self._updated
        if elapsed > 0:  # _updated may lie in the future while paused
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
        self._tokens -= 1.0
        wait = max(0.0, self._updated - now) + max(0.0, -self._tokens) / self.rate
        return max(wait, pause)

    async def acquire(self) -> float:
        """Wait for a token (and for any pause that began while waiting); return the time waited."""
        waited = 0.0
        wait = self.reserve()
        while wait > 0:
            waited += wait
            await self.sleep(wait)
            wait = max(0.0, self._paused_until - self._clock())
        self.total_wait += waited
        return waited

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now (after a 429), and drop any saved-up burst."""
        if seconds <= 0:
            return
        now = self._clock()
        self._paused_until = max(self._paused_until, now + seconds)
        if self.rate is not None:
            # refill starts when the pause ends, so the first requests after it are not a burst
            self._tokens = min(self._tokens, 1.0)
            self._updated = max(self._updated, self._paused_until)

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self.rate!r}, burst={self.burst})"


__all__ = ["SharedLimiter", "TokenBucket"]
