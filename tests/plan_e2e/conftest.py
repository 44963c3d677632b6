"""The plan end-to-end tests' client: the demo athlete's A race 12 weeks out and a client whose transport
counts the requests it sends (reads and writes on the wire)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.scenarios import CountingTransport

from .helpers import race_in_12_weeks


@pytest.fixture
async def client(sb: RunningSandbox) -> AsyncIterator[tuple[IntervalsClient, CountingTransport]]:
    race_in_12_weeks(sb)
    wire = CountingTransport()
    settings = ClientSettings(api_key=sb.account("athlete", 0).api_key, base_url=sb.base_url)
    async with IntervalsClient(settings, transport=wire) as c:
        yield c, wire
