"""MCP server figures on the demo athlete (sandbox, pinned date): the tools/list size, the median and largest
answer of every read tool over typical arguments, and the upstream requests a weekly-review conversation costs
with and without the cache. Run: ``.venv/bin/python -m bench mcp``.

The server is driven in-process through FastMCP's client (the same tools and wire shapes; the end-to-end
tests go through independent clients), so the Intervals.icu request counter of the session is readable.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from datetime import date
from typing import Any

TODAY = date(2026, 11, 23)

READS: dict[str, list[dict[str, Any]]] = {
    "icu_list_athletes": [{}],
    "icu_get_profile": [{}, {"detail": "full"}],
    "icu_list_activities": [{}, {"oldest": "-6"}, {"oldest": "-90", "limit": 100}, {"detail": "full"}],
    "icu_get_activity": [
        {"activity_id": "i40001123"},
        {"activity_id": "i40001122"},
        {"activity_id": "i40001120"},
        {"activity_id": "i40001122", "detail": "full"},
    ],
    "icu_get_streams": [{"activity_id": "i40001122"}, {"activity_id": "i40001123", "points": 500}],
    "icu_get_wellness": [{}, {"oldest": "-27"}, {"detail": "full"}],
    "icu_get_fitness": [{}, {"oldest": "-365"}, {"projection_days": 28}],
    "icu_get_curves": [{}, {"kind": "pace", "sport": "Run"}, {"kind": "hr", "sport": "Ride"}],
    "icu_get_best_efforts": [{"sport": "ride"}, {"sport": "run"}, {"sport": "swim"}],
    "icu_get_training_summary": [{}, {"oldest": "-365", "period": "month"}, {"detail": "full"}],
    "icu_get_training_status": [{}, {"detail": "full"}],
    "icu_list_events": [{}, {"oldest": "-28", "newest": "+28"}, {"detail": "full"}],
    "icu_preview_workout": [
        {
            "sport": "Ride",
            "text": "Warmup\n- 10m ramp 50-70%\n\nMain set 4x\n- 8m 95-100%\n- 4m 55%\n\nCooldown\n- 10m 50%",
        }
    ],
}

WEEKLY_REVIEW: list[tuple[str, dict[str, Any]]] = [
    ("icu_get_profile", {}),
    ("icu_get_training_status", {}),
    ("icu_get_training_summary", {"oldest": "-27"}),
    ("icu_list_activities", {"oldest": "-6"}),
    ("icu_get_activity", {"activity_id": "i40001123"}),
    ("icu_get_activity", {"activity_id": "i40001122"}),
    ("icu_get_wellness", {}),
    ("icu_get_fitness", {}),
    ("icu_list_events", {}),
    ("icu_get_activity", {"activity_id": "i40001123"}),  # follow-up questions revisit the key session
    ("icu_get_training_status", {}),
]


async def _measure(base_url: str, api_key: str, report) -> None:
    from fastmcp import Client

    from icucoach.intervals import ClientSettings
    from icucoach.intervals.cache import CacheTtl
    from icucoach.mcp.context import Session
    from icucoach.mcp.server import build_server

    def settings() -> ClientSettings:
        return ClientSettings(api_key=api_key, base_url=base_url, rate_per_second=None)

    session = Session(settings)
    session.fixed_today = TODAY
    async with Client(build_server(session)) as c:
        tools = await c.list_tools()
        wire = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
        report("tools", len(tools), "")
        report("tools/list size", len(json.dumps(wire, separators=(",", ":"), ensure_ascii=False)), "chars")
        for name, variants in READS.items():
            sizes = []
            for args in variants:
                r = await c.call_tool(name, args, raise_on_error=True)
                sizes.append(len(r.content[0].text))
            report(f"{name} median / max", f"{statistics.median(sizes):,.0f} / {max(sizes):,}", "chars")

    for label, ttl in (("with cache", None), ("without cache", CacheTtl(0, 0, 0, 0, 0, 0))):
        session = Session(settings, ttl)
        session.fixed_today = TODAY
        async with Client(build_server(session)) as c:
            for name, args in WEEKLY_REVIEW:
                await c.call_tool(name, args, raise_on_error=True)
            icu = await session.icu()
            report(f"weekly review ({len(WEEKLY_REVIEW)} calls) {label}", icu.request_count, "requests")
        await session.aclose()


def run(report) -> None:
    from icucoach.sandbox import SandboxOptions, serve_in_thread

    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as sb:
        asyncio.run(_measure(sb.base_url, sb.account("athlete", 0).api_key, report))
