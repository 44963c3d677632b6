"""``--watch``: re-export on a schedule, and the lock that keeps two runs from overlapping.

The lock is an ``fcntl.flock`` on ``<out-dir>/.icucoach-export.lock``: the kernel drops it when the holder
exits or crashes, so there is no stale-lock guessing (Section 11 used a PID file with a 10-minute timeout and
exited silently when it was held). The file records the holder's pid and start time for humans.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from icucoach.filelock import holder, try_lock, unlock


class LockHeld(RuntimeError):
    """Another export holds the lock."""


class ExportLock:
    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / ".icucoach-export.lock"
        self._fh: TextIO | None = None

    def acquire(self) -> ExportLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = try_lock(self.path)
        if fh is None:
            raise LockHeld(f"another export is running ({holder(self.path)}; lock {self.path})")
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            unlock(self._fh)
            self._fh = None

    def __enter__(self) -> ExportLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def watch(
    run_once: Callable[[], int],
    interval_s: float,
    *,
    count: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_result: Callable[[int, int], None] | None = None,
) -> int:
    """Call ``run_once`` every ``interval_s`` seconds (start to start) until interrupted or ``count`` runs;
    a failing run does not stop the loop. Returns the last run's exit code."""
    n, code = 0, 0
    while count is None or n < count:
        started = time.monotonic()
        code = run_once()
        n += 1
        if on_result:
            on_result(n, code)
        if count is not None and n >= count:
            break
        sleep(max(0.0, interval_s - (time.monotonic() - started)))
    return code


__all__ = ["ExportLock", "LockHeld", "watch"]
