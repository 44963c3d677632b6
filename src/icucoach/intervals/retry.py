"""Retry policy: which failures are retried, how long to wait (exponential backoff, full jitter, Retry-After).

Only idempotent requests are retried: GET, HEAD, PUT, DELETE, and a POST the caller marks idempotent (e.g.
``events/bulk?upsert=true`` keyed by ``external_id``). Retried: 429, 502, 503, 504, timeouts, connection
failures, and a truncated or non-JSON body. Two failures are retried for every method, because the server
cannot have acted on the request: a 429 (refused before processing) and a failure to connect. 500 is not
retried: Intervals.icu answers 500 for bad parameter types, which a retry cannot fix.

Waits use full jitter (``uniform(0, min(cap, base * 2**attempt))``); a 429's ``Retry-After`` (seconds or an
HTTP date) is a floor. The whole sequence is bounded by ``max_retries`` and by ``max_total_wait`` seconds of
waiting: when the next wait would cross that budget, the client gives up and raises at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/invalid."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN guard
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


@dataclass
class RetryPolicy:
    max_retries: int = 4
    max_total_wait: float = 60.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    rng: random.Random = field(default_factory=random.Random)

    def is_retryable_method(self, method: str, idempotent: bool | None = None) -> bool:
        if idempotent is not None:
            return idempotent
        return method.upper() in IDEMPOTENT_METHODS

    def backoff(self, attempt: int) -> float:
        """Full-jitter wait before retry number ``attempt`` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** max(0, attempt - 1)))
        return self.rng.uniform(0.0, ceiling) if ceiling > 0 else 0.0

    def wait_for(self, attempt: int, retry_after: float | None) -> float:
        """The wait before retry ``attempt``: backoff, floored by Retry-After plus a little jitter."""
        wait = self.backoff(attempt)
        if retry_after is not None:
            wait = retry_after + self.rng.uniform(0.0, min(self.backoff_base, 0.25))
        return wait

    def may_retry(self, attempt: int, waited: float, next_wait: float) -> bool:
        """Whether retry ``attempt`` (1-based) is allowed, given time already waited and the next wait."""
        return attempt <= self.max_retries and waited + next_wait <= self.max_total_wait


__all__ = ["IDEMPOTENT_METHODS", "RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]
