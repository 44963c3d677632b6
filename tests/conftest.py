"""Shared test configuration: hypothesis profiles, and the sandbox fixtures every suite uses.

The sandbox is the test double (real HTTP on an ephemeral port; nothing of ours is mocked):
- ``sandbox``: one server for the whole session, for suites that read or write on their own dates/names;
- ``sb``: a server over a fresh world per test module, for suites that need a pristine calendar and history.
``generate_world`` builds the world once per process and hands out deep copies, so both are cheap.
Fault scripts are cleared around every test, so a failing test cannot leak 429s into the next one.
"""

import os
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, settings

from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

TODAY = date(2026, 11, 23)
SANDBOX_OPTIONS = SandboxOptions(seed=42, today=TODAY, rate_limit=False)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    with serve_in_thread(SANDBOX_OPTIONS) as running:
        yield running


@pytest.fixture(scope="module")
def sb() -> Iterator[RunningSandbox]:
    with serve_in_thread(SANDBOX_OPTIONS) as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    used = [request.getfixturevalue(name) for name in ("sandbox", "sb") if name in request.fixturenames]
    for running in used:
        running.faults.clear()
    yield
    for running in used:
        running.faults.clear()
