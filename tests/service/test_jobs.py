"""The job queue against the real Redis at 127.0.0.1:6379 (``.ci/run`` starts it), with a worker in a
second process, and the in-process fallback used when there is no Redis.

Every test uses its own queue name, so parallel runs and other suites sharing the Redis don't collide."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from icucoach.service.jobs import JobQueue, JobQueueError

REDIS_URL = "redis://127.0.0.1:6379/0"
WORKER = Path(__file__).with_name("jobs_worker.py")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_up(), reason="Redis is not running on 127.0.0.1:6379 (.ci/run starts it: redis-server)"
)


@pytest.fixture
def queue_name() -> str:
    return f"icucoach-test:{uuid.uuid4().hex}"


@pytest.fixture
async def redis(queue_name: str) -> AsyncIterator[aioredis.Redis]:
    r = aioredis.from_url(REDIS_URL)
    yield r
    keys = [k async for k in r.scan_iter(match=f"{queue_name}*")]
    if keys:
        await r.delete(*keys)
    await r.aclose()


@pytest.fixture
def worker_process(queue_name: str) -> Iterator[subprocess.Popen[bytes]]:
    """A second "service process" running only the job worker."""
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), REDIS_URL, queue_name],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.close()  # the worker stops cleanly at end of input
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _wait_for(check: Any, timeout: float = 15.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.05)


async def _ready(r: aioredis.Redis, queue_name: str, proc: subprocess.Popen[bytes]) -> None:
    async def ready() -> bool:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "worker died"
        return bool(await r.get(f"{queue_name}:ready"))

    assert await _wait_for(ready, 30), "the worker process did not start"


@needs_redis
async def test_job_enqueued_here_runs_in_another_process(
    queue_name: str, redis: aioredis.Redis, worker_process: subprocess.Popen[bytes]
) -> None:
    await _ready(redis, queue_name, worker_process)
    async with JobQueue(REDIS_URL, queue_name=queue_name, run_worker=False) as producer:
        await producer.enqueue("record", athlete_id="i100001", activity_id="i4001", n=1)
        done = await _wait_for(lambda: redis.lrange(f"{queue_name}:done", 0, -1))
    assert [json.loads(x) for x in done] == [{"activity_id": "i4001", "athlete_id": "i100001", "n": 1}]


@needs_redis
async def test_failing_job_is_retried_once(
    queue_name: str, redis: aioredis.Redis, worker_process: subprocess.Popen[bytes]
) -> None:
    await _ready(redis, queue_name, worker_process)
    async with JobQueue(REDIS_URL, queue_name=queue_name, run_worker=False) as producer:
        await producer.enqueue("flaky", athlete_id="i100001")
        await producer.enqueue("broken", athlete_id="i100001")
        done = await _wait_for(lambda: redis.lrange(f"{queue_name}:done", 0, -1))
        assert [json.loads(x) for x in done] == [{"athlete_id": "i100001", "flaky_try": 2}]
        assert await _wait_for(lambda: _int(redis, f"{queue_name}:broken-tries", 2)) == 2
        await asyncio.sleep(1.0)  # a third try would come after 0.2 s
    assert int(await redis.get(f"{queue_name}:broken-tries") or 0) == 2  # run once more, then dropped


async def _int(r: aioredis.Redis, key: str, want: int) -> int | None:
    value = int(await r.get(key) or 0)
    return value if value >= want else None


@needs_redis
async def test_worker_in_the_service_process(
    queue_name: str, redis: aioredis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """The ``icucoach serve`` shape: one JobQueue that both enqueues and runs, started from a lifespan."""
    caplog.set_level(logging.INFO, logger="arq")
    seen: list[dict[str, Any]] = []

    async def record(**kwargs: Any) -> None:
        seen.append(kwargs)

    jobs = JobQueue(REDIS_URL, queue_name=queue_name, poll_delay=0.05)
    jobs.register("record", record)
    async with jobs:
        await jobs.enqueue("record", _key="delivery-1", athlete_id="i100001")
        await jobs.enqueue("record", _key="delivery-1", athlete_id="i100001")  # a duplicate delivery
        await _wait_for(lambda: _true(bool(seen)))
        await asyncio.sleep(0.3)
    assert seen == [{"athlete_id": "i100001"}]
    assert await redis.zcard(queue_name) == 0
    assert "→ record:delivery-1:record(…)" in caplog.text  # arq's start line, arguments redacted
    assert "i100001" not in caplog.text


async def _true(value: bool) -> bool:
    return value


async def test_unreachable_redis_is_one_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    jobs = JobQueue(f"redis://:hunter2@127.0.0.1:{port}/0", queue_name="icucoach-test:dead")
    with pytest.raises(JobQueueError) as err:
        await jobs.start()
    message = str(err.value)
    assert f"cannot reach Redis at 127.0.0.1:{port}" in message and "ICUCOACH_REDIS_URL" in message
    assert "hunter2" not in message


async def test_in_process_fallback_runs_and_retries(caplog: pytest.LogCaptureFixture) -> None:
    runs: list[str] = []

    async def flaky(*, athlete_id: str) -> None:
        runs.append(athlete_id)
        if len(runs) == 1:
            raise RuntimeError("temporary failure")

    async def broken(*, athlete_id: str, secret_note: str) -> None:
        runs.append("broken")
        raise ValueError("cannot process this delivery")

    jobs = JobQueue(None, retry_delay=0.01)
    assert jobs.mode == "in-process"
    jobs.register("flaky", flaky)
    jobs.register("broken", broken)
    caplog.set_level(logging.WARNING, logger="icucoach.service.jobs")
    async with jobs:
        await jobs.enqueue("flaky", athlete_id="i100001")
        await jobs.enqueue("broken", athlete_id="i100001", secret_note="felt dizzy at 180 bpm")
        await _wait_for(lambda: _true(jobs.failed == 1 and len(runs) == 4), 5)
    assert runs.count("i100001") == 2 and runs.count("broken") == 2
    assert jobs.failed == 1
    logged = caplog.text
    assert "job flaky failed on try 1 of 2 (RuntimeError: temporary failure); it will be retried" in logged
    assert "job broken failed on try 2 of 2 (ValueError: cannot process this delivery); giving up" in logged
    assert "i100001" not in logged and "dizzy" not in logged  # never the job's arguments


async def test_in_process_dedupe_and_argument_checks() -> None:
    gate = asyncio.Event()
    runs: list[int] = []

    async def slow(*, n: int) -> None:
        await gate.wait()
        runs.append(n)

    jobs = JobQueue(None)
    jobs.register("slow", slow)
    await jobs.enqueue("slow", _key="k", n=1)
    await jobs.enqueue("slow", _key="k", n=2)  # same key while the first is running: dropped
    with pytest.raises(JobQueueError, match="must be JSON values"):
        await jobs.enqueue("slow", n=object())
    with pytest.raises(JobQueueError, match="no job named 'nope'"):
        await jobs.enqueue("nope")
    gate.set()
    await jobs.stop()
    assert runs == [1]
    with pytest.raises(TypeError, match="must be an async function"):
        jobs.register("sync", lambda: None)  # type: ignore[arg-type,return-value]
