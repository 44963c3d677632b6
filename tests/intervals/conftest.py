"""Fixtures for the client tests: a real sandbox over HTTP on an ephemeral port (session-scoped: generating
the world takes a few seconds) and a factory for clients logged in as any demo account.

The sandbox is the test double: nothing of ours is mocked. Fault scripts are cleared around every test so a
failing test cannot leak 429s into the next one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date
from typing import Any

import pytest

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import Account, RunningSandbox

TODAY = date(2026, 11, 23)
# fast retries for tests: real defaults wait longer
FAST = {"backoff_base": 0.01, "backoff_cap": 0.05, "max_total_wait": 10.0, "rate_per_second": None}

ClientFactory = Callable[..., AbstractAsyncContextManager[IntervalsClient]]


@pytest.fixture
def athlete(sandbox: RunningSandbox) -> Account:
    return sandbox.account("athlete", 0)


@pytest.fixture
def runner(sandbox: RunningSandbox) -> Account:
    return sandbox.account("athlete", 1)


@pytest.fixture
def coach(sandbox: RunningSandbox) -> Account:
    return sandbox.account("coach")


@pytest.fixture
def make_client(sandbox: RunningSandbox) -> ClientFactory:
    """``async with make_client(account, **settings) as icu``: a client for that account."""

    @asynccontextmanager
    async def factory(account: Account | None = None, **overrides: Any) -> AsyncIterator[IntervalsClient]:
        values: dict[str, Any] = {"base_url": sandbox.base_url, **FAST}
        if account is not None:
            values["api_key"] = account.api_key
        values.update(overrides)
        async with IntervalsClient(ClientSettings(**values)) as client:
            yield client

    return factory


@pytest.fixture
async def icu(make_client: ClientFactory, athlete: Account) -> AsyncIterator[IntervalsClient]:
    async with make_client(athlete) as client:
        yield client
