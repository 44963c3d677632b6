"""What the MCP server logs, and what it never logs.

Logs go to stderr only (stdout is the stdio transport). ``ICUCOACH_LOG_LEVEL`` sets the level of our own
loggers (``icucoach.*``), which name the tool, the athlete id, sizes, timings and the status of each call,
never arguments' values or answers (training data: wellness, HRV, activities, comments). Libraries log
whole messages at DEBUG/INFO (the SSE writer dumps every answer, the SDK logs session ids, httpcore every
header), so they stay at WARNING whatever ``ICUCOACH_LOG_LEVEL`` says, FastMCP's own logger included.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("icucoach.mcp")

LIBRARY_LEVEL = logging.WARNING
# Loggers that do not propagate to the root (FastMCP installs its own handler at import).
_OWN_HANDLERS = ("fastmcp",)


def configure() -> None:
    """Root handler on stderr at WARNING; ``icucoach`` at ``ICUCOACH_LOG_LEVEL`` (default WARNING)."""
    wanted = os.environ.get("ICUCOACH_LOG_LEVEL", "WARNING").strip().upper() or "WARNING"
    level = logging.getLevelName(wanted)
    logging.basicConfig(
        stream=sys.stderr,
        level=LIBRARY_LEVEL,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger().setLevel(LIBRARY_LEVEL)
    logging.getLogger("icucoach").setLevel(level if isinstance(level, int) else logging.WARNING)
    for name in _OWN_HANDLERS:
        logging.getLogger(name).setLevel(LIBRARY_LEVEL)


def tool_call(name: str, athlete: str | None, status: str, chars: int, elapsed_ms: float) -> None:
    """One line per tool call: tool, athlete id, status, answer size, time (no values). The time is whole
    milliseconds: a decimal like "69.1 ms" reads as a training value (a CTL) to anyone, and to the test that
    checks no value reaches the log."""
    if log.isEnabledFor(logging.INFO):
        log.info("tool %s athlete=%s %s %d chars in %.0f ms", name, athlete or "-", status, chars, elapsed_ms)


__all__ = ["configure", "tool_call"]
