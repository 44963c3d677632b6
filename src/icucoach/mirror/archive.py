"""``archive/YYYY-MM/YYYYMMDD_HHMMSS.json``: dated snapshots of latest.json, with retention.

Unlike Section 11's workflow (a snapshot every 15 minutes, ~35k files a year), a snapshot is written only when
the normalised content differs from the newest snapshot and at least ``min_interval_minutes`` have passed;
snapshots older than ``retention_days`` are removed (0 keeps everything). Names are UTC times.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from icucoach.mirror.files import dumps, read_json, same_content, write_atomic

NAME = re.compile(r"^(\d{8})_(\d{6})\.json$")


def snapshots(root: Path) -> list[tuple[datetime, Path]]:
    out: list[tuple[datetime, Path]] = []
    if not root.is_dir():
        return out
    for p in root.glob("*/*.json"):
        m = NAME.match(p.name)
        if m:
            when = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
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
) -> tuple[Path | None, list[Path]]:
    """Write a snapshot if due; prune expired ones. Returns (written path or None, removed paths)."""
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
        written = root / now.strftime("%Y-%m") / now.strftime("%Y%m%d_%H%M%S.json")
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


__all__ = ["snapshots", "write_snapshot"]
