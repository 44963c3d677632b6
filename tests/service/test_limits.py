"""``service.limits`` on its own: the in-memory fallback (one worker, no Redis), the bounded wait of the
upstream budget, and failing open when Redis is down (a warning, never a refused call)."""

from __future__ import annotations

import logging
import time

import pytest

from icucoach.intervals.errors import RateLimitedError
from icucoach.service.limits import Limiter, UpstreamBudget, aclose, storage_for


async def test_token_limit_in_memory_answers_seconds_to_wait() -> None:
    limiter = Limiter(storage_for(None), per_minute=3)
    assert [await limiter.hit_token("a:i1") for _ in range(3)] == [None, None, None]
    wait = await limiter.hit_token("a:i1")
    assert wait is not None and 0 < wait <= 60
    assert await limiter.hit_token("c:7") is None  # another principal, another counter


async def test_budget_waits_for_the_window_then_gives_up_with_a_clear_error() -> None:
    budget = UpstreamBudget(storage_for(None), per_second=4, max_wait=1.5)
    started = time.monotonic()
    waits = [await budget.for_athlete("i1").acquire() for _ in range(8)]
    assert waits[:4] == [0.0] * 4 and waits[4] > 0.5  # the fifth waits for the first to leave the window
    assert time.monotonic() - started >= 0.9
    short = UpstreamBudget(storage_for(None), per_second=1, max_wait=0.2)
    await short.acquire("i2")
    with pytest.raises(RateLimitedError) as caught:
        await short.acquire("i2")
    assert "requests per second per athlete" in caught.value.hint


async def test_redis_down_fails_open_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    storage = storage_for("redis://127.0.0.1:1/0")
    limiter = Limiter(storage, per_minute=1)
    budget = UpstreamBudget(storage, per_second=1)
    with caplog.at_level(logging.WARNING, logger="icucoach.service.limits"):
        assert [await limiter.hit_token("a:i1") for _ in range(3)] == [None, None, None]
        assert await budget.acquire("i1") == 0.0
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and all("ICUCOACH_REDIS_URL" in w for w in warnings)
    await aclose(storage)


def test_redis_url_scheme_is_checked() -> None:
    with pytest.raises(ValueError, match="redis://"):
        storage_for("http://127.0.0.1:6379")
