"""The rate limiter: a token bucket per API key / bearer token (per client address when unauthenticated).

Intervals.icu allows about 10 requests/s with a short burst and answers 429 beyond (reference §3). The sandbox
refills ``rate_per_second`` tokens a second up to ``burst``; an empty bucket answers 429
``{"status":429,"error":"Too Many Requests"}`` with ``Retry-After`` = whole seconds until a token is back.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Thread-safe token buckets keyed by credential."""

    def __init__(self, rate_per_second: float = 10.0, burst: int = 30, clock=time.monotonic) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be > 0 and burst >= 1")
        self.rate = float(rate_per_second)
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """Spend one token for ``key``: None if allowed, else the seconds until the next token."""
        now = self._clock()
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                b = self._buckets[key] = _Bucket(self.burst, now)
            else:
                b.tokens = min(self.burst, b.tokens + (now - b.stamp) * self.rate)
                b.stamp = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return None
            return (1.0 - b.tokens) / self.rate

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def retry_after_header(wait_seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait_seconds)))
