"""Telling every worker that an athlete's cached data is stale (a webhook arrived) or that the athlete is gone
(deauthorized, disconnected, deleted). Each worker keeps its own short-lived in-memory cache, so one
worker's knowledge must reach the others: over Redis pub/sub when ``ICUCOACH_REDIS_URL`` is set, else
within the one process. Messages carry an athlete id and a verb — never data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)
CHANNEL = "icucoach:athlete-cache"

Listener = Callable[[str, str], None]  # (athlete id, "invalidate" | "forget")


class Broadcast:
    def __init__(self, redis_url: str | None, listener: Listener) -> None:
        self.redis_url = redis_url
        self.listener = listener
        self._redis: object | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        if self.redis_url is None:
            return
        from redis.asyncio import Redis

        self._redis = Redis.from_url(self.redis_url)
        self._task = asyncio.get_running_loop().create_task(self._listen())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 5)

    async def _listen(self) -> None:
        redis = self._redis
        assert redis is not None
        while True:
            try:
                pubsub = redis.pubsub()  # type: ignore[attr-defined]
                await pubsub.subscribe(CHANNEL)
                self._ready.set()
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    body = json.loads(message["data"])
                    self.listener(str(body["athlete_id"]), str(body["verb"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a Redis restart: resubscribe (a missed message only ages a cache)
                log.warning("cache broadcast: %s; resubscribing in 1 s", type(exc).__name__)
                await asyncio.sleep(1)

    async def publish(self, athlete_id: str, verb: str) -> None:
        if self._redis is None:
            self.listener(athlete_id, verb)
            return
        payload = json.dumps({"athlete_id": athlete_id, "verb": verb})
        await self._redis.publish(CHANNEL, payload)  # type: ignore[attr-defined]

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._redis is not None:
            await self._redis.aclose()  # type: ignore[attr-defined]


__all__ = ["Broadcast"]
