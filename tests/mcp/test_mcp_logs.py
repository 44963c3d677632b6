"""Training data never reaches the logs: ``icucoach mcp --http`` at ``ICUCOACH_LOG_LEVEL=DEBUG`` (our loggers,
the MCP SDK's, FastMCP's, uvicorn's, httpx's) answers a wellness read through the official client, and its
stderr names the tool, the athlete, sizes and timings but none of the values read."""

from __future__ import annotations

import re
from typing import Any

from mcp_helpers import HttpServer, server_env, structured

COMMENT = "Left knee twinge after hill repeats, zq7"


def _values(obj: Any) -> set[str]:
    """Every distinctive scalar in ``obj`` as text (short numbers would match timestamps by chance)."""
    out: set[str] = set()
    if isinstance(obj, dict):
        for v in obj.values():
            out |= _values(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            out |= _values(v)
    elif isinstance(obj, float | int) and not isinstance(obj, bool):
        text = repr(obj)
        if (len(text.replace(".", "")) >= 3 and "." in text) or len(text) >= 5:
            out.add(text)
    elif isinstance(obj, str) and len(obj) >= 8 and not re.fullmatch(r"[\d\-:T.+]+", obj):
        out.add(obj)
    return out


async def test_debug_log_names_the_call_never_its_data(sb, tmp_path):
    maya = sb.account("athlete", 0)
    sb.world.store(maya.athlete_id).wellness["2026-11-21"]["comments"] = COMMENT
    log = tmp_path / "server.log"
    server = HttpServer(server_env(sb, maya, ICUCOACH_LOG_LEVEL="DEBUG"), log=log)
    try:
        async with server.client() as c:
            answer = structured(await c.call_tool("icu_get_wellness", {"oldest": "-6", "detail": "full"}))
    finally:
        server.stop()
    text = log.read_text(errors="replace")
    rows = answer["wellness"]["rows"]
    assert COMMENT in [v for row in rows for v in row], "the comment was read"
    upstream = [sb.world.store(maya.athlete_id).wellness[r[0]] for r in rows]
    leaked = sorted(
        v
        for v in _values(rows) | _values(upstream) | {COMMENT}
        if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", text)
    )
    assert leaked == [], f"training data in the debug log: {leaked[:10]}"
    assert "restingHR" not in text and "hrv_rmssd_ms" not in text, "a body was dumped"
    assert "icu_get_wellness" in text and maya.athlete_id in text, "the log names the tool and athlete"
