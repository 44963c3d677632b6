"""Mirror benchmark: the three-year sandbox athlete (seed 42, today 2026-11-23) exported three times into a
fresh store: a first export (whole history), a repeat with nothing new (goal: a handful of requests), and
an export after one new activity. Figures: API requests (plus route-file downloads) and wall time of each.
"""

from __future__ import annotations

import asyncio
import copy
import tempfile
import time
from datetime import date
from pathlib import Path

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.mirror.exporter import export_async
from icucoach.mirror.options import ExportOptions
from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.store.db import Store

TODAY = date(2026, 11, 23)


def _add_activity(sb, athlete_id: str) -> None:
    st = sb.world.store(athlete_id)
    src = max(st.activities.values(), key=lambda a: a["start_date_local"])
    new = copy.deepcopy(src)
    new.update(
        id="i99999999", start_date_local=f"{TODAY.isoformat()}T18:00:00", icu_sync_date="2026-11-23T08:00:00Z"
    )
    st.activities["i99999999"] = new
    if src["id"] in st.details:
        st.details["i99999999"] = st.details[src["id"]]


def run(report) -> None:
    started = time.perf_counter()
    with (
        serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as sb,
        tempfile.TemporaryDirectory() as d,
    ):
        report("sandbox world generation + start", time.perf_counter() - started, "s")
        acc = sb.account("athlete", 0)
        settings = ClientSettings(api_key=acc.api_key, base_url=sb.base_url, rate_per_second=None)
        store = Store.open(Path(d) / "archive.sqlite")
        opts = ExportOptions(out_dir=Path(d) / "out", today=TODAY)

        async def once():
            async with IntervalsClient(settings) as client:
                t = time.perf_counter()
                res = await export_async(opts, client, store)
                return res, time.perf_counter() - t

        for label, before in (
            ("first export", None),
            ("repeat export, nothing new", None),
            ("one new activity", _add_activity),
        ):
            if before:
                before(sb, acc.athlete_id)
            res, secs = asyncio.run(once())
            if res.code not in (0, 4):
                raise RuntimeError(f"{label}: exit {res.code}: {res.message}")
            report(f"{label}: requests", res.requests, "requests")
            if res.attachment_requests:
                report(f"{label}: route file downloads", res.attachment_requests, "requests")
            report(f"{label}: wall time", secs, "s")
        store.close()
