"""Writing a plan to the calendar (``icucoach.coach.plan_io``) against the sandbox over real HTTP: the
demo athlete's 12-week block to their A race, previewed, applied, applied again and planned again. Run:
``.venv/bin/python -m bench plan_apply``.

Figures (the writes are counted on the wire, every non-GET request that reached the sandbox):

- **preview**: wall time and requests to read what a plan needs and diff it against the calendar;
- **apply**: sessions written, write requests (one bulk upsert whatever the block's size) and wall time;
- **re-apply** of the same preview and **re-plan + apply** of an unchanged calendar: writes (goal: 0).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date

from icucoach.coach import plan_args, plan_io
from icucoach.coach.plan_previews import MemoryStore
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.scenarios import CountingTransport, move_next_a_race

TODAY = date(2026, 11, 23)
ATHLETE = "i100001"
Report = Callable[..., None]


def run(report: Report) -> None:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as sb:
        move_next_a_race(sb, ATHLETE, TODAY, 12)  # in the generated world it is about 6 weeks away
        asyncio.run(_measure(sb.base_url, sb.account("athlete", 0).api_key, report))


async def _measure(base_url: str, api_key: str, report: Report) -> None:
    wire = CountingTransport()
    ask = plan_io.Ask(weekly_hours=8, availability=plan_args.days("mon,wed,thu,sat,sun", 8, "sun"))
    async with IntervalsClient(ClientSettings(api_key=api_key, base_url=base_url), transport=wire) as c:

        async def preview() -> plan_io.Built:
            inputs = await plan_io.read_inputs(c, "0", TODAY)
            return await plan_io.preview(c, inputs, ask, MemoryStore())

        t = time.perf_counter()
        built = await preview()
        report("preview: wall time", time.perf_counter() - t, "s")
        report("preview: requests (reads)", sum(wire.methods.values()), "requests")
        report("preview: sessions to add", len(built.preview.items), "sessions")

        wire.methods.clear()
        t = time.perf_counter()
        done = await plan_io.apply_preview(c, built.preview)
        report("apply: wall time", time.perf_counter() - t, "s")
        report("apply: sessions written", done.upserted, "sessions")
        report("apply: write requests", wire.writes(), "requests")

        wire.methods.clear()
        again = await plan_io.apply_preview(c, built.preview)
        report("re-apply: writes (goal 0)", wire.writes() + again.writes, "writes")

        wire.methods.clear()
        replanned = await preview()
        await plan_io.apply_preview(c, replanned.preview)
        report("re-plan + apply: changes in the diff", len(replanned.preview.items), "changes")
        report("re-plan + apply: writes (goal 0)", wire.writes(), "writes")
