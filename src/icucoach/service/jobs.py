"""Background jobs of the hosted service (webhook handling, email): one small queue API, two engines.

Owns the job registry (``register(name, fn)``), enqueueing (``await queue.enqueue(name, **kwargs)``), the
retry rule (a failing job is run once more, then dropped with a log line that names the job and the error
class, never its arguments), and where jobs run:

- with ``ICUCOACH_REDIS_URL``: on an `arq` queue in Redis. ``start()`` (from the ASGI lifespan) opens the
  pool and, unless ``run_worker=False``, runs an arq worker as an asyncio task inside the service process,
  so ``icucoach serve`` needs no second command; several service processes share the queue and each job
  runs once. ``stop()`` stops taking jobs, lets running ones finish for a few seconds, then closes; a job
  cut short is put back on the queue by arq and run again.
- without Redis (dev, demo, a single small instance): in-process asyncio tasks, same retry rule. Jobs
  still queued when the process stops are lost, which is acceptable only where there is no Redis.

Contract for job functions: ``async def fn(**kwargs) -> None`` with JSON-serialisable keyword arguments
(jobs are stored as JSON, not pickle, so whoever can write to Redis cannot run code in the service), and
**idempotent**: a retry, a redelivery after a crash, or a webhook delivered twice must do no harm. Pass ids
(athlete id, activity id, email link id), not training data or secrets: job payloads sit in Redis while
queued. ``_key=`` gives a job a de-duplication key (e.g. the webhook delivery id): while a job with that
key is queued or running, enqueueing it again does nothing (the key shows in logs: no secrets in it).

Why arq. The service is asyncio end to end (Starlette, httpx, FastMCP), and its background work is a
handful of short I/O-bound jobs (react to an Intervals.icu webhook, send an email). arq is asyncio-native
(job functions are coroutines run on the worker's loop, so a worker can live inside the web process as one
more task), small (one module, Redis only, two dependencies), and has what we need built in: retries with
deferral, job ids for de-duplication, job timeouts, and redelivery of jobs interrupted by a shutdown.
Celery and Dramatiq are thread/process based (async code needs a loop per worker thread and a separate
worker command), bring a broker abstraction we do not need, and are much larger; taskiq is async too but
splits into several packages (broker, result backend, scheduler) for features we do not use. arq is in
maintenance mode, which for a small, stable job layer behind this module's API is a fair trade: swapping
the engine later changes only this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Function, Retry, Worker, func
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

JobFn = Callable[..., Awaitable[None]]
DEFAULT_QUEUE = "icucoach:jobs"
MAX_TRIES = 2  # the first run and one retry
RETRY_DELAY_SECONDS = 2.0
JOB_TIMEOUT_SECONDS = 120
STOP_GRACE_SECONDS = 5.0


class JobQueueError(Exception):
    """The queue cannot work (Redis unreachable, unknown job, arguments not JSON); the text says the fix."""


class _RedactArgs(logging.Filter):
    """arq logs each job start as ``fn(arguments…)``: keep the line (timing, job id), drop the arguments,
    which may name athletes or carry webhook content."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "→" in record.msg and isinstance(record.args, tuple):
            args = list(record.args)
            if len(args) >= 3:
                args[2] = "…"
                record.args = tuple(args)
        return True


_redact = _RedactArgs()
logging.getLogger("arq.worker").addFilter(_redact)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _loads(data: bytes) -> Any:
    return json.loads(data)


def _redis_where(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = str(parts.port or 6379)
    except ValueError:
        port = "?"
    return f"{parts.hostname or '?'}:{port}"  # never the password that may be in the URL


class JobQueue:
    """Register job functions, ``start()``, ``enqueue``, ``stop()`` (see the module docstring)."""

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        queue_name: str = DEFAULT_QUEUE,
        run_worker: bool = True,
        max_tries: int = MAX_TRIES,
        retry_delay: float = RETRY_DELAY_SECONDS,
        job_timeout: float = JOB_TIMEOUT_SECONDS,
        poll_delay: float = 0.2,
    ) -> None:
        self.redis_url = redis_url or None
        self.queue_name = queue_name
        self.run_worker = run_worker
        self.max_tries = max(1, max_tries)
        self.retry_delay = retry_delay
        self.job_timeout = job_timeout
        self.poll_delay = poll_delay
        self._functions: dict[str, JobFn] = {}
        self._pool: ArqRedis | None = None
        self._worker: Worker | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self._local: set[asyncio.Task[None]] = set()
        self._local_keys: set[str] = set()
        self.failed: int = 0  # jobs dropped after their last try, in this process (for /admin and tests)

    @property
    def mode(self) -> str:
        return "redis" if self.redis_url else "in-process"

    def register(self, name: str, fn: JobFn) -> None:
        """Make ``fn`` runnable as job ``name``. Register everything before ``start()``."""
        if not inspect.iscoroutinefunction(fn):
            raise TypeError(f"job {name!r} must be an async function")
        if self._worker is not None:
            raise RuntimeError(f"register job {name!r} before start(): the worker is already running")
        self._functions[name] = fn

    # -------------------------------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        if self.redis_url is None or self._pool is not None:
            return
        self._pool = await self._connect()
        if self.run_worker and self._functions:
            self._worker = Worker(
                functions=[self._arq_function(n) for n in self._functions],
                queue_name=self.queue_name,
                redis_settings=self._settings(),
                handle_signals=False,  # the ASGI server owns signals; stop() shuts the worker down
                max_tries=self.max_tries,
                job_timeout=self.job_timeout,
                keep_result=0,  # results would keep the job's arguments in Redis
                log_results=False,
                poll_delay=self.poll_delay,
                job_serializer=_dumps,
                job_deserializer=_loads,
            )
            self._worker_task = asyncio.create_task(self._run_worker(self._worker))

    async def stop(self) -> None:
        worker, task = self._worker, self._worker_task
        self._worker = self._worker_task = None
        if worker is not None:
            worker.allow_pick_jobs = False
            running = [t for t in worker.tasks.values() if not t.done()]
            if running:
                await asyncio.wait(running, timeout=STOP_GRACE_SECONDS)
            with contextlib.suppress(Exception):
                await worker.close()  # cancels what is still running: arq requeues those jobs
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._pool is not None:
            pool, self._pool = self._pool, None
            with contextlib.suppress(Exception):
                await pool.aclose(close_connection_pool=True)
        if self._local:
            await asyncio.wait(set(self._local), timeout=STOP_GRACE_SECONDS)
            for t in self._local:
                t.cancel()

    async def __aenter__(self) -> JobQueue:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -------------------------------------------------------------------------------------- enqueue
    async def enqueue(self, name: str, *, _key: str | None = None, **kwargs: Any) -> None:
        """Queue job ``name`` with ``kwargs``; returns at once. ``_key`` de-duplicates (module docstring)."""
        try:
            _dumps(kwargs)  # fail here, in the caller, not later in a worker
        except (TypeError, ValueError) as exc:
            raise JobQueueError(f"job {name!r}: its arguments must be JSON values ({exc})") from None
        if self.run_worker and name not in self._functions:  # a producer-only queue cannot know
            raise JobQueueError(f"no job named {name!r} is registered (known: {', '.join(self._functions)})")
        if self.redis_url is None:
            self._enqueue_local(name, _key, kwargs)
            return
        if self._pool is None:
            await self.start()
        assert self._pool is not None
        job_id = f"{name}:{_key}" if _key is not None else None
        try:
            await self._pool.enqueue_job(name, _job_id=job_id, _queue_name=self.queue_name, **kwargs)
        except (RedisError, OSError) as exc:
            raise JobQueueError(
                f"cannot queue job {name!r}: Redis at {_redis_where(self.redis_url)} failed "
                f"({type(exc).__name__}); check that Redis is running"
            ) from None

    def _enqueue_local(self, name: str, key: str | None, kwargs: dict[str, Any]) -> None:
        if name not in self._functions:
            raise JobQueueError(f"no job named {name!r} is registered (known: {', '.join(self._functions)})")
        dedupe = f"{name}:{key}" if key is not None else None
        if dedupe is not None:
            if dedupe in self._local_keys:
                return
            self._local_keys.add(dedupe)
        task = asyncio.create_task(self._run_local(name, kwargs, dedupe))
        self._local.add(task)
        task.add_done_callback(self._local.discard)

    async def _run_local(self, name: str, kwargs: dict[str, Any], dedupe: str | None) -> None:
        try:
            for attempt in range(1, self.max_tries + 1):
                if await self._attempt(name, kwargs, attempt):
                    return
                if attempt < self.max_tries:
                    await asyncio.sleep(self.retry_delay)
        finally:
            if dedupe is not None:
                self._local_keys.discard(dedupe)

    # -------------------------------------------------------------------------------------- running
    async def _attempt(self, name: str, kwargs: dict[str, Any], attempt: int) -> bool:
        """Run one try; log a failure (job name, try, error class and message: no arguments)."""
        try:
            await asyncio.wait_for(self._functions[name](**kwargs), self.job_timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            last = attempt >= self.max_tries
            if last:
                self.failed += 1
            log.warning(
                "job %s failed on try %d of %d (%s: %s)%s",
                name,
                attempt,
                self.max_tries,
                type(exc).__name__,
                " ".join(str(exc).split())[:200],
                "; giving up" if last else "; it will be retried",
            )
            return False
        return True

    def _arq_function(self, name: str) -> Function:
        async def run(ctx: dict[str, Any], **kwargs: Any) -> None:
            attempt = int(ctx.get("job_try") or 1)
            if not await self._attempt(name, kwargs, attempt) and attempt < self.max_tries:
                raise Retry(defer=self.retry_delay)

        run.__qualname__ = run.__name__ = f"job_{name}"
        # the wrapper owns retries (Retry above), so arq's own try counter only guards redeliveries
        return func(run, name=name, max_tries=self.max_tries + 1, timeout=self.job_timeout + 5)

    async def _run_worker(self, worker: Worker) -> None:
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a lost Redis connection: say so, the service keeps serving pages
            log.error(
                "job worker stopped: %s (Redis at %s); jobs wait in the queue until the service restarts",
                type(exc).__name__,
                _redis_where(self.redis_url or ""),
            )

    # -------------------------------------------------------------------------------------- redis
    def _settings(self) -> RedisSettings:
        assert self.redis_url is not None
        settings = RedisSettings.from_dsn(self.redis_url)
        settings.conn_retries = 2
        settings.conn_retry_delay = 1
        settings.conn_timeout = 3
        return settings

    async def _connect(self) -> ArqRedis:
        try:
            settings = self._settings()
        except (ValueError, TypeError):
            raise JobQueueError(
                "ICUCOACH_REDIS_URL is not a Redis URL; e.g. redis://127.0.0.1:6379/0 (or unset it to run "
                "background jobs inside the service process)"
            ) from None
        try:
            return await create_pool(
                settings,
                default_queue_name=self.queue_name,
                job_serializer=_dumps,
                job_deserializer=_loads,
            )
        except Exception as exc:
            raise JobQueueError(
                f"cannot reach Redis at {_redis_where(self.redis_url or '')} ({type(exc).__name__}): start "
                "Redis, fix ICUCOACH_REDIS_URL, or unset it to run background jobs inside the service process"
            ) from None


__all__ = ["JobFn", "JobQueue", "JobQueueError"]
