"""Store test fixtures: a module-shared sandbox (a copy of the process-wide generated world)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from icucoach.sandbox.runner import RunningSandbox
from mirror.sandbox_world import sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[RunningSandbox]:
    with sandbox(fresh=True) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sb" in request.fixturenames:
        request.getfixturevalue("sb").faults.clear()
