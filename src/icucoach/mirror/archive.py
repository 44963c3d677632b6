"""``archive/YYYY-MM/YYYYMMDD_HHMMSS±HHMM.json``: dated snapshots of latest.json, with retention.

Unlike Section 11's workflow (a snapshot every 15 minutes, ~35k files a year), a snapshot is written only when
the normalised content differs from the newest snapshot and at least ``min_interval_minutes`` have passed;
snapshots older than ``retention_days`` are removed (0 keeps everything).

Names are the athlete's local date and time (the zone of the snapshot's own ``metadata.timezone``, so the
name's date is its ``metadata.today``; UTC when the zone is unknown), followed by that moment's UTC
offset: ``20261123_071500+1100.json`` in the folder ``2026-11``. The offset makes every name a distinct
instant: order, the minimum interval and retention are computed on those instants, so they stay right across
daylight-saving changes (the repeated autumn hour) and when the athlete's timezone changes. Names without an
offset (written before, in UTC, as Section 11 does) are read as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icucoach.mirror.files import dumps, read_json, same_content, write_atomic

NAME = re.compile(r"^(\d{8})_(\d{6})(?:([+-])(\d{2})(\d{2}))?\.json$")


def snapshot_time(name: str) -> datetime | None:
    """The instant a snapshot name stands for (aware), or None if it is not a snapshot name."""
    m = NAME.match(name)
    if not m:
        return None
    try:
        local = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    if m.group(3) is None:
        return local.replace(tzinfo=UTC)
    offset = timedelta(hours=int(m.group(4)), minutes=int(m.group(5)))
    return local.replace(tzinfo=timezone(-offset if m.group(3) == "-" else offset))


def _zone(tz: str | None) -> Any:
    try:
        return ZoneInfo(tz) if tz else UTC
    except Exception:  # an unknown zone name: UTC, as metadata.last_updated does
        return UTC


def snapshot_path(root: Path, now: datetime, tz: str | None) -> Path:
    """Where a snapshot taken at ``now`` goes: the local month folder and the local time with its offset."""
    local = now.astimezone(_zone(tz))
    return root / local.strftime("%Y-%m") / local.strftime("%Y%m%d_%H%M%S%z.json")


def snapshots(root: Path) -> list[tuple[datetime, Path]]:
    """Every snapshot under ``root``, oldest first (by instant, not by name)."""
    out: list[tuple[datetime, Path]] = []
    if not root.is_dir():
        return out
    for p in root.glob("*/*.json"):
        when = snapshot_time(p.name)
        if when is not None:
            out.append((when, p))
    return sorted(out)


def write_snapshot(
    root: Path,
    latest: Any,
    now: datetime,
    *,
    retention_days: int = 90,
    min_interval_minutes: int = 60,
    dry_run: bool = False,
    tz: str | None = None,
) -> tuple[Path | None, list[Path]]:
    """Write a snapshot if due; prune expired ones. Returns (written path or None, removed paths).

    ``now`` is an aware instant; the name uses ``tz``, else ``latest``'s ``metadata.timezone``."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if tz is None and isinstance(latest, dict):
        tz = (latest.get("metadata") or {}).get("timezone")
    existing = snapshots(root)
    written = None
    due = True
    if existing:
        last_when, last_path = existing[-1]
        if now - last_when < timedelta(minutes=min_interval_minutes) or same_content(
            "latest", read_json(last_path), latest
        ):
            due = False
    if due:
        written = snapshot_path(root, now, tz)
        if not dry_run:
            write_atomic(written, dumps(latest))
    removed = []
    if retention_days > 0:
        cutoff = now - timedelta(days=retention_days)
        for when, p in existing:
            if when < cutoff:
                removed.append(p)
                if not dry_run:
                    p.unlink(missing_ok=True)
                    if p.parent.is_dir() and not any(p.parent.iterdir()):
                        p.parent.rmdir()
    return written, removed


__all__ = ["snapshot_path", "snapshot_time", "snapshots", "write_snapshot"]
