"""What the plan end-to-end tests share: the demo athlete's A race put 12 weeks out, the CLI's environment
for the sandbox, and the calendar as the sandbox holds it (the events of ours, by external_id)."""

from __future__ import annotations

import copy
import json
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.cli.harness import run

from icucoach.coach import plan_args, plan_io
from icucoach.coach.plan_previews import MemoryStore
from icucoach.intervals import IntervalsClient
from icucoach.plan.model import EXTERNAL_ID_PREFIX
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.scenarios import move_next_a_race

TODAY = date(2026, 11, 23)
RACE_DAY = TODAY + timedelta(weeks=12)  # the plan starts tomorrow: 12 weeks, race day the last
ATHLETE = "i100001"
ASK = plan_io.Ask(weekly_hours=8, availability=plan_args.days("mon,wed,thu,sat,sun", 8, "sun"))


def race_in_12_weeks(sb: RunningSandbox) -> dict[str, Any]:
    """The demo athlete's next A race 12 weeks out: the block then has room for build, recovery and taper."""
    return move_next_a_race(sb, ATHLETE, TODAY, 12)


def cli_env(sb: RunningSandbox, data_home: Path, today: date = TODAY) -> dict[str, str]:
    return {
        "INTERVALS_API_KEY": sb.account("athlete", 0).api_key,
        "INTERVALS_BASE_URL": sb.base_url,
        "ICUCOACH_TODAY": today.isoformat(),
        "XDG_DATA_HOME": str(data_home),
    }


def plan(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run("plan", *args, env=env)


def plan_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = plan(env, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def ours(sb: RunningSandbox) -> dict[str, dict[str, Any]]:
    """The calendar's events written by the plan builder, by external_id (copies: the sandbox updates its
    events in place, and a test compares the calendar before and after a write)."""
    store = sb.world.store(ATHLETE)
    assert store is not None
    return {
        e["external_id"]: copy.deepcopy(e)
        for e in store.events.values()
        if str(e.get("external_id") or "").startswith(EXTERNAL_ID_PREFIX)
    }


def calendar_state(sb: RunningSandbox) -> list[tuple[Any, ...]]:
    """Every event of the athlete as (id, external_id, day, name, description): to prove nothing changed."""
    store = sb.world.store(ATHLETE)
    assert store is not None
    return sorted(
        (e["id"], e.get("external_id"), e["start_date_local"], e.get("name"), e.get("description"))
        for e in store.events.values()
    )


async def preview(c: IntervalsClient, store: MemoryStore, ask: plan_io.Ask = ASK) -> plan_io.Built:
    """The plan for ``ask`` previewed as of TODAY (kept in ``store``)."""
    inputs = await plan_io.read_inputs(c, "0", TODAY)
    return await plan_io.preview(c, inputs, ask, store)
