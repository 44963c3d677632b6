"""Helpers for the mirror and store tests (the sandbox fixtures are in ``tests/conftest.py``)."""

from __future__ import annotations

import asyncio
import copy
from datetime import date, timedelta
from pathlib import Path

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.mirror.exporter import ExportResult, export_async
from icucoach.mirror.options import ExportOptions
from icucoach.sandbox.runner import RunningSandbox
from icucoach.store.db import Store

TODAY = date(2026, 11, 23)


def settings_for(sb: RunningSandbox, index: int = 0, **kw) -> ClientSettings:
    acc = sb.account("athlete", index)
    base = {
        "api_key": acc.api_key,
        "base_url": sb.base_url,
        "rate_per_second": None,
        "max_retries": 2,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "max_total_wait": 2.0,
        "timeout": 5.0,
    }
    return ClientSettings(**{**base, **kw})


def run_export(
    sb: RunningSandbox,
    store: Store,
    out_dir: Path,
    *,
    index: int = 0,
    fetch=None,
    settings: ClientSettings | None = None,
    **opts,
) -> ExportResult:
    options = ExportOptions(out_dir=out_dir, today=opts.pop("today", TODAY), **opts)

    async def go() -> ExportResult:
        async with IntervalsClient(settings or settings_for(sb, index)) as client:
            return await export_async(options, client, store, fetch=fetch)

    return asyncio.run(go())


def add_activity(sb: RunningSandbox, athlete_id: str, new_id: str, day: date, hour: int = 17) -> dict:
    """Copy the newest structured ride to ``day`` under ``new_id`` (with its lazy streams/intervals)."""
    st = sb.world.store(athlete_id)
    src = max(
        (
            a
            for a in st.activities.values()
            if a.get("type") in ("Ride", "VirtualRide") and a.get("source") != "STRAVA"
        ),
        key=lambda a: a["start_date_local"],
    )
    new = copy.deepcopy(src)
    start = f"{day.isoformat()}T{hour:02d}:00:00"
    new.update(
        id=new_id,
        start_date_local=start,
        start_date=f"{(day - timedelta(days=1)).isoformat()}T{(hour + 13) % 24:02d}:00:00Z",
        name=f"Added {new_id}",
        icu_sync_date=f"{day.isoformat()}T23:00:00.000+00:00",
        analyzed=f"{day.isoformat()}T23:00:01.000+00:00",
        paired_event_id=None,
    )
    st.activities[new_id] = new
    if src["id"] in st.details:
        st.details[new_id] = st.details[src["id"]]
    return new
