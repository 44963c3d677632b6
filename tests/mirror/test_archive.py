"""Archive snapshot names are the athlete's local date and time (with the UTC offset), so a snapshot's name
has the date of its ``metadata.today``; order, the minimum interval and retention follow the instants."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icucoach.intervals import IntervalsClient
from icucoach.mirror.archive import snapshot_time, snapshots, write_snapshot
from icucoach.mirror.exporter import ExportResult, export_async
from icucoach.mirror.options import ExportOptions
from icucoach.sandbox.runner import RunningSandbox
from icucoach.store.db import Store

from .sandbox_world import TODAY, settings_for


def doc(n: int, tz: str | None = "Europe/London") -> dict:
    return {"metadata": {"timezone": tz, "today": "2026-10-25"}, "n": n}


def test_export_names_the_snapshot_by_the_athletes_date(sb: RunningSandbox, tmp_path: Path) -> None:
    # 20:15 UTC on the 22nd is 07:15 on the 23rd in Sydney (UTC+11 in November): the athlete's today
    now = datetime(2026, 11, 22, 20, 15, tzinfo=UTC)
    out = tmp_path / "out"
    store = Store.open(tmp_path / "archive.sqlite")

    async def go() -> ExportResult:
        async with IntervalsClient(settings_for(sb, 0)) as client:
            return await export_async(ExportOptions(out_dir=out, today=TODAY), client, store, now=now)

    try:
        result = asyncio.run(go())
    finally:
        store.close()
    assert result.code == 0, (result.message, result.failures)
    snap = out / "archive" / "2026-11" / "20261123_071500+1100.json"
    assert result.archive == snap and snap.is_file()
    meta = json.loads(snap.read_text())["metadata"]
    assert meta["timezone"] == "Australia/Sydney"
    assert meta["today"] == TODAY.isoformat() == "2026-11-23"
    assert snap.name.startswith(meta["today"].replace("-", ""))
    assert snapshot_time(snap.name) == now


def test_order_interval_and_retention_follow_instants_across_a_dst_change(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    # London leaves summer time at 02:00 BST on 2026-10-25: 01:30 happens twice, an hour apart
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = first + timedelta(hours=1)  # 01:30 GMT
    a, _ = write_snapshot(root, doc(1), first)
    b, _ = write_snapshot(root, doc(2), second)
    assert a is not None and b is not None
    assert (a.name, b.name) == ("20261025_013000+0100.json", "20261025_013000+0000.json")
    assert [p for _, p in snapshots(root)] == [a, b]  # by instant, although b's name sorts first
    # the minimum interval counts from the newest instant, not the greatest name
    c, _ = write_snapshot(root, doc(3), second + timedelta(minutes=30))
    assert c is None
    # a name from before (UTC, no offset) is read as UTC and ordered among the new ones
    legacy = root / "2026-10" / "20261024_230000.json"
    legacy.write_text(json.dumps(doc(0)))
    assert [p for _, p in snapshots(root)] == [legacy, a, b]
    # retention by instant: 90 days after `first` + 45 min, only the legacy and the first have expired
    later = first + timedelta(days=90, minutes=45)
    d, removed = write_snapshot(root, doc(4), later, retention_days=90)
    assert removed == [legacy, a]
    assert d is not None and [p for _, p in snapshots(root)] == [b, d]
    assert d.name == "20270123_011500+0000.json" and d.parent.name == "2027-01"


def test_unknown_or_missing_zone_names_in_utc(tmp_path: Path) -> None:
    now = datetime(2026, 11, 22, 20, 15, tzinfo=UTC)
    a, _ = write_snapshot(tmp_path / "x", doc(1, tz=None), now)
    b, _ = write_snapshot(tmp_path / "y", doc(1, tz="Not/AZone"), now)
    c, _ = write_snapshot(tmp_path / "z", doc(1, tz=None), now, tz="America/Denver")
    assert a is not None and b is not None and c is not None
    assert a.name == b.name == "20261122_201500+0000.json"
    assert c.name == "20261122_131500-0700.json" and snapshot_time(c.name) == now
