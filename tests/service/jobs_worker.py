"""A second service process for the job-queue tests: a JobQueue worker on the queue named in argv.

Run as ``python jobs_worker.py REDIS_URL QUEUE``; it sets ``QUEUE:ready`` once its worker runs and stops
cleanly when its stdin closes. Its jobs write what they did to Redis keys under ``QUEUE:`` for the test.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import redis.asyncio as aioredis

from icucoach.service.jobs import JobQueue


async def main(url: str, queue: str) -> None:
    r = aioredis.from_url(url)

    async def record(**kwargs: Any) -> None:
        await r.rpush(f"{queue}:done", json.dumps(kwargs, sort_keys=True))

    async def flaky(**kwargs: Any) -> None:
        tries = await r.incr(f"{queue}:flaky-tries")
        if tries == 1:
            raise RuntimeError("the first try fails")
        await r.rpush(f"{queue}:done", json.dumps({"flaky_try": tries, **kwargs}, sort_keys=True))

    async def broken(**kwargs: Any) -> None:
        await r.incr(f"{queue}:broken-tries")
        raise ValueError("always fails")

    jobs = JobQueue(url, queue_name=queue, retry_delay=0.2, poll_delay=0.05)
    jobs.register("record", record)
    jobs.register("flaky", flaky)
    jobs.register("broken", broken)
    await jobs.start()
    await r.set(f"{queue}:ready", "1")
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the test closes stdin
    await jobs.stop()
    await r.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
