"""Run the sandbox: in a background thread on an ephemeral port (tests, demo) or in the foreground (CLI).

``serve_in_thread`` is what every test and the demo use: a real uvicorn server on 127.0.0.1, so clients talk
to it over real HTTP exactly as they would to Intervals.icu.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import uvicorn

from icucoach.sandbox.faults import FaultConfig, FaultPlan
from icucoach.sandbox.world import Account, World
from icucoach.serving import serve_in_background

DEFAULT_SEED = 42


@dataclass(frozen=True)
class SandboxOptions:
    seed: int = DEFAULT_SEED
    today: date | None = None  # None = today in each athlete's own timezone (history always ends "today")
    squad: int = (
        0  # N >= 2: the coach sees N athletes (the 2 demo athletes + N - 2 generated, generate/squad.py)
    )
    rate_limit: bool = True  # ~10 req/s per key with a short burst, 429 + Retry-After beyond
    rate_per_second: float = 10.0
    burst: int = 30
    faults: FaultConfig = field(default_factory=FaultConfig)
    host: str = "127.0.0.1"
    port: int = 0  # 0 = pick a free port
    # Webhooks (sandbox/webhooks.py): set on every registered OAuth app at start, like "Manage App".
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_window_seconds: float = 0.2  # events collected this long, then one POST per app
    webhook_max_attempts: int = 8  # a batch not answered 200 is retried, then recorded as failed
    webhook_retry_base_seconds: float = 0.5  # first retry delay; doubles per failure ...
    webhook_retry_cap_seconds: float = 30.0  # ... up to this (defaults: 8 tries over about a minute)


@dataclass
class RunningSandbox:
    base_url: str  # server root, e.g. http://127.0.0.1:8765 (the client appends /api/v1)
    world: World
    faults: FaultPlan
    options: SandboxOptions

    @property
    def accounts(self) -> list[Account]:
        return self.world.accounts

    def account(self, role: str = "athlete", index: int = 0) -> Account:
        """The ``index``-th account with this role (0 = the multi-sport demo athlete)."""
        return [a for a in self.world.accounts if a.role == role][index]


def build_world(options: SandboxOptions) -> World:
    from icucoach.sandbox.generate import generate_world

    return generate_world(seed=options.seed, today=options.today, squad=options.squad)


def build_app(
    world: World, options: SandboxOptions, faults: FaultPlan
):  # -> starlette.applications.Starlette
    from icucoach.sandbox.app import create_app

    return create_app(world, options, faults)


@contextmanager
def serve_in_thread(
    options: SandboxOptions | None = None, world: World | None = None
) -> Iterator[RunningSandbox]:
    """Start a sandbox server in a daemon thread; stop it on exit. Yields base URL, world and fault plan."""
    options = options or SandboxOptions()
    world = world or build_world(options)
    faults = FaultPlan(options.faults)
    app = build_app(world, options, faults)
    with serve_in_background(
        app,
        options.host,
        options.port,
        name="icucoach-sandbox",
        lifespan="off",
        timeout_graceful_shutdown=1,
    ) as port:
        yield RunningSandbox(f"http://{options.host}:{port}", world, faults, options)


def serve_forever(options: SandboxOptions) -> None:
    """Foreground server for ``icucoach sandbox``."""
    world = build_world(options)
    faults = FaultPlan(options.faults)
    uvicorn.run(
        build_app(world, options, faults), host=options.host, port=options.port or 8765, log_level="info"
    )
