"""Ending asyncio tasks that an interrupted run leaves behind (the sync's detail requests, the exporter's
fetches alongside them): cancel them and wait until they have finished, so nothing runs on after the caller
returns (and, say, closes the store).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel_and_wait(*tasks: asyncio.Future[Any] | None) -> None:
    """Cancel the unfinished ``tasks`` and wait for them to end. A further cancellation of the caller while
    waiting (a second Ctrl-C) does not cut the wait short: the tasks are already cancelled, so it is brief,
    and stopping it would leave them to finish after the caller has cleaned up."""
    running = [t for t in tasks if t is not None and not t.done()]
    for task in running:
        task.cancel()
    while running:
        # a cancel here is absorbed: the caller's own exception still propagates once its ``finally`` ends
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait(running)
        running = [t for t in running if not t.done()]


__all__ = ["cancel_and_wait"]
