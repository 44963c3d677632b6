"""The first export overlaps the detail requests with work that reads no details (curves, route files, the
context's records and analytics). An export cancelled while the details are still arriving (Ctrl-C in the
CLI) leaves no task running and has stored what arrived before it returns, so the caller can close the
store after it."""

from __future__ import annotations

import asyncio
import contextlib

from icucoach.intervals import IntervalsClient
from icucoach.mirror import exporter
from icucoach.mirror.options import ExportOptions
from icucoach.store.db import Store
from icucoach.store.sync import details_due

from .sandbox_world import TODAY, settings_for


def test_cancelled_while_the_details_arrive_leaves_no_task_and_stores_what_came(
    sb, tmp_path, monkeypatch
) -> None:
    # the overlap window lasts as long as the details (not 50 ms), and the client is slow enough (2
    # requests/s, 1 saved) that the cancel lands while streams are still being fetched
    monkeypatch.setattr(exporter, "EARLY_START_S", 60.0)
    store = Store.open(tmp_path / "a.sqlite")
    opts = ExportOptions(out_dir=tmp_path / "out", today=TODAY)

    async def go():
        async with IntervalsClient(settings_for(sb, rate_per_second=2.0, burst=1)) as client:
            client.transport.journal = answered = []
            run = asyncio.ensure_future(exporter.export_async(opts, client, store))
            while not any("/streams" in url for url, _ in answered):  # the intervals came before
                await asyncio.sleep(0.05)
            run.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run
            left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            return run.cancelled(), left

    cancelled, left = asyncio.run(go())
    assert cancelled and left == []
    aid = "i100001"
    due = details_due(store, aid, TODAY)
    assert due and any(kind == "streams" for kind, _ in due)  # not every detail arrived...
    intervals = [a for kind, a in due if kind == "intervals"]
    assert not intervals  # ...but the intervals request, done before the cancel, was stored
    assert not (tmp_path / "out").exists()
    store.close()
