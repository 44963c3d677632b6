"""A non-blocking exclusive ``flock`` on a small file that names its holder, shared by the export lock
(``mirror.schedule``) and the archive's writer lock (``store.opening``).

The kernel drops the lock when the holder exits or crashes, so there is never a stale lock to guess about;
the file's text (pid, start time) is only for the person told that someone else holds it.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO


def try_lock(path: Path) -> TextIO | None:
    """The open, locked file (keep it until ``unlock``), or None when another process holds the lock."""
    fh = open(path, "a+")  # noqa: SIM115 - held for the lock's lifetime
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}\n")
    fh.flush()
    return fh


def holder(path: Path) -> str:
    """What the lock file says about its holder ("unknown holder" when it says nothing readable)."""
    try:
        return path.read_text().strip() or "unknown holder"
    except OSError:
        return "unknown holder"


def unlock(fh: TextIO) -> None:
    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    fh.close()


__all__ = ["holder", "try_lock", "unlock"]
