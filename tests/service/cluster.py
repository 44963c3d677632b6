"""Real parts for the scale-out tests and ``make bench``: a fresh PostgreSQL database per run, a Redis key
prefix per run, a sandbox whose every ``/api/v1`` request is logged (time, credential, status), and N service
worker processes (``uvicorn --factory scale_app:create``) on one database and one Redis.

Nothing here stands in for our code: the workers are the service as ``icucoach serve`` runs it, the sandbox
is the real one with a request log wrapped around its ASGI app.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from icucoach.sandbox import RunningSandbox, SandboxOptions
from icucoach.sandbox.faults import FaultPlan
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.sandbox.runner import build_app, build_world
from icucoach.serving import free_port, serve_in_background

HERE = Path(__file__).resolve().parent
PG_ADMIN = os.environ.get("ICUCOACH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ICUCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TODAY = date(2026, 11, 23)
SANDBOX_UVICORN = (sys.executable, "-m", "uvicorn", "--factory", "cluster:sandbox_app", "--no-access-log")
UVICORN = (sys.executable, "-m", "uvicorn", "--factory", "scale_app:create", "--host", "127.0.0.1")


class Unavailable(RuntimeError):
    """PostgreSQL or Redis cannot be reached (the tests skip outside CI)."""


@contextmanager
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this run (dropped afterwards); yields its SQLAlchemy URL."""
    import psycopg

    name = f"icucoach_svc_{secrets.token_hex(4)}"
    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as c:
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise Unavailable(f"PostgreSQL at {admin} unreachable: {type(exc).__name__}") from None
    try:
        yield admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix of this run's own in the shared Redis (its keys are deleted afterwards)."""
    import redis

    prefix = f"icucoach-test-{secrets.token_hex(4)}"
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise Unavailable(f"Redis at {REDIS_URL} unreachable: {type(exc).__name__}") from None
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@dataclass
class LoggedSandbox:
    running: RunningSandbox
    log: list[tuple[float, str, int]] = field(default_factory=list)  # (monotonic time, credential, status)

    def requests_for(self, token: str) -> list[tuple[float, int]]:
        key = _credential(f"Bearer {token}")
        return [(t, status) for t, cred, status in list(self.log) if cred == key]


def _credential(header: str) -> str:
    return hashlib.sha256(header.encode()).hexdigest()[:16]


@contextmanager
def logged_sandbox(options: SandboxOptions) -> Iterator[LoggedSandbox]:
    """The sandbox with every ``/api/v1`` answer logged as (arrival time, credential hash, status)."""
    world = build_world(options)
    faults = FaultPlan(options.faults)
    app = build_app(world, options, faults)
    log: list[tuple[float, str, int]] = []
    lock = threading.Lock()

    async def logged(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/v1"):
            await app(scope, receive, send)
            return
        arrived = time.monotonic()
        auth = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), "")

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                with lock:
                    log.append((arrived, _credential(auth), message["status"]))
            await send(message)

        await app(scope, receive, sending)

    with serve_in_background(logged, options.host, options.port or None, lifespan="off") as port:
        base = f"http://{options.host}:{port}"
        yield LoggedSandbox(RunningSandbox(base, world, faults, options), log)


def sandbox_app() -> Any:
    """Factory for a sandbox in its own process (``uvicorn --factory cluster:sandbox_app --lifespan off``),
    so it does not share a GIL with a load generator: every ``/api/v1`` request is appended to the file
    ``SCALE_SANDBOX_LOG`` as ``arrived<TAB>seconds handling<TAB>status<TAB>path?query``."""
    options = SandboxOptions(seed=42, today=TODAY, rate_limit=False)
    app = build_app(build_world(options), options, FaultPlan(options.faults))
    # one line per request, line-buffered; the file lives as long as the process (closed at exit)
    out = Path(os.environ["SCALE_SANDBOX_LOG"]).open("a", buffering=1)  # noqa: SIM115

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/v1"):
            await app(scope, receive, send)
            return
        arrived = time.monotonic()
        status = [0]

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        await app(scope, receive, sending)
        query = scope.get("query_string", b"").decode("latin-1")
        out.write(f"{arrived:.6f}\t{time.monotonic() - arrived:.6f}\t{status[0]}\t{scope['path']}?{query}\n")

    return timed


@contextmanager
def sandbox_process(log_path: Path) -> Iterator[Worker]:
    """The logging sandbox (``sandbox_app``) as a subprocess; yields it as a ``Worker`` (url, process)."""
    port = free_port()
    env = {
        **os.environ,
        "SCALE_SANDBOX_LOG": str(log_path),
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    out_path = log_path.with_suffix(".out")
    with out_path.open("wb") as out:
        proc = subprocess.Popen(
            [*SANDBOX_UVICORN, "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    w = Worker(f"http://127.0.0.1:{port}", proc, out_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sandbox did not start: {out_path.read_text()[-2000:]}")
            try:
                httpx.get(f"{w.url}/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield w
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def service_env(sandbox_url: str, database_url: str, keys: str, **extra: Any) -> dict[str, str]:
    return {
        "ICUCOACH_DATABASE_URL": database_url,
        "ICUCOACH_SECRET_KEYS": keys,
        "INTERVALS_OAUTH_CLIENT_ID": SANDBOX_OAUTH_CLIENT.client_id,
        "INTERVALS_OAUTH_CLIENT_SECRET": SANDBOX_OAUTH_CLIENT.client_secret,
        "INTERVALS_BASE_URL": sandbox_url,
        "INTERVALS_WEBHOOK_SECRET": "hook-secret-for-tests",
        "ICUCOACH_DEV": "1",
        **{k: str(v) for k, v in extra.items()},
    }


@dataclass
class Worker:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def workers(
    count: int, env: dict[str, str], log_dir: Path, extra_args: tuple[str, ...] = ()
) -> Iterator[list[Worker]]:
    """``count`` service worker processes, each on its own port (each its own public URL, since the MCP
    transport checks Host), sharing the database and Redis named in ``env``."""
    started: list[Worker] = []
    try:
        for i in range(count):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            full = {
                **os.environ,
                **env,
                "ICUCOACH_PUBLIC_URL": url,
                "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
            }
            log_path = log_dir / f"worker-{i}.log"
            with log_path.open("wb") as out:
                proc = subprocess.Popen(
                    [*UVICORN, "--port", str(port), "--log-level", "warning", "--no-access-log", *extra_args],
                    env=full,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Worker(url, proc, log_path))
        for w in started:
            _wait_ready(w)
        yield started
    finally:
        for w in started:
            w.process.terminate()
        for w in started:
            try:
                w.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                w.process.kill()
                w.process.wait()


def _wait_ready(w: Worker, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if w.process.poll() is not None:
            raise RuntimeError(f"worker exited ({w.process.returncode}): {w.log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{w.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"worker on {w.url} not ready after {timeout:.0f} s: {w.log_path.read_text()[-2000:]}")


def new_keys() -> str:
    return Fernet.generate_key().decode()


__all__ = [
    "REDIS_URL",
    "TODAY",
    "LoggedSandbox",
    "Unavailable",
    "Worker",
    "logged_sandbox",
    "new_keys",
    "pg_database",
    "redis_prefix",
    "sandbox_app",
    "sandbox_process",
    "service_env",
    "workers",
]
