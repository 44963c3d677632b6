"""``plan apply`` after an earlier apply of part of the same preview, and ``plan adjust`` over what the
calendar holds: an apply that skipped a hand edit can be repeated with ``--overwrite-hand-edited`` (and a
preview applied change by change), yet one whose sessions changed since is still refused with nothing
written; the plan's events name their goal without changing what a re-apply writes (nothing); adjust sees
a SICK entry on the calendar and reads a month of activities before judging the load ratio."""

from __future__ import annotations

import asyncio
import copy
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.plan.helpers import SETTINGS, as_events

from icucoach.coach import plan_args, plan_io
from icucoach.coach.plan_previews import MemoryStore
from icucoach.intervals import IntervalsClient
from icucoach.plan import AthleteState, Availability, PlanRequest, build_plan
from icucoach.plan.diff import GOAL_TAG, event_goal
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.scenarios import CountingTransport

from .helpers import RACE_DAY, TODAY, calendar_state, ours, preview

ASK_LESS = plan_io.Ask(weekly_hours=7, availability=plan_args.days("mon,wed,thu,sat,sun", 7, "sun"))
MORE = plan_io.Ask(weekly_hours=9, availability=plan_args.days("mon,wed,thu,sat,sun", 9, "sun"))


async def _applied_then_edited(sb: RunningSandbox, c: IntervalsClient, name: str) -> dict[str, Any]:
    """The plan applied, then one of its sessions renamed by hand in the calendar."""
    await plan_io.apply_preview(c, (await preview(c, MemoryStore())).preview, overwrite_hand_edited=True)
    target = sorted(ours(sb).values(), key=lambda e: e["start_date_local"])[3]
    await c.update_event(target["id"], {"name": name})
    return target


async def test_overwrite_after_an_apply_that_skipped_the_hand_edit_writes_just_that_session(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    target = await _applied_then_edited(sb, c, "Hills with Sam")
    pv = (await preview(c, MemoryStore(), MORE)).preview
    first = await plan_io.apply_preview(c, pv)
    assert first.skipped and first.writes > 0
    wire.methods.clear()
    second = await plan_io.apply_preview(c, pv, overwrite_hand_edited=True)
    assert (second.upserted, second.deleted, second.skipped) == (1, 0, ())
    assert ours(sb)[target["external_id"]]["name"] != "Hills with Sam"
    assert (await plan_io.apply_preview(c, pv, overwrite_hand_edited=True)).already


async def test_a_preview_applied_change_by_change_is_not_refused(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, _ = client
    await plan_io.apply_preview(c, (await preview(c, MemoryStore())).preview)
    pv = (await preview(c, MemoryStore(), MORE)).preview
    assert len(pv.items) >= 3
    first = [it.index for it in pv.items[:2]]
    rest = [it.index for it in pv.items[2:]]
    assert (await plan_io.apply_preview(c, pv, only=first)).writes == len(first)
    done = await plan_io.apply_preview(c, pv, only=rest)
    assert done.writes == len(rest) and not done.already
    assert (await plan_io.apply_preview(c, pv)).already
    assert (await preview(c, MemoryStore(), MORE)).preview.items == ()  # the calendar is the plan


async def test_overwrite_is_still_refused_when_the_session_changed_again(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    target = await _applied_then_edited(sb, c, "Hills with Sam")
    pv = (await preview(c, MemoryStore(), MORE)).preview
    await plan_io.apply_preview(c, pv)
    await c.update_event(target["id"], {"name": "Hills with Sam and Jo"})  # edited again since the preview
    before = calendar_state(sb)
    wire.methods.clear()
    with pytest.raises(plan_io.PlanError) as refused:
        await plan_io.apply_preview(c, pv, overwrite_hand_edited=True)
    assert "changed since" in refused.value.message
    assert wire.writes() == 0 and calendar_state(sb) == before


async def test_the_rest_of_a_preview_is_refused_once_another_workout_was_added(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    await plan_io.apply_preview(c, (await preview(c, MemoryStore())).preview, overwrite_hand_edited=True)
    pv = (await preview(c, MemoryStore(), ASK_LESS)).preview
    assert len(pv.items) >= 2
    await plan_io.apply_preview(c, pv, only=[0])
    day = TODAY + timedelta(days=3)
    club = {"category": "WORKOUT", "start_date_local": f"{day}T00:00:00", "type": "Run", "name": "Club run"}
    await c.create_event({**club, "description": "- 40m 70%"})
    before = calendar_state(sb)
    wire.methods.clear()
    with pytest.raises(plan_io.PlanError):
        await plan_io.apply_preview(c, pv, only=[1])
    assert wire.writes() == 0 and calendar_state(sb) == before


async def test_a_remaining_change_whose_slot_was_taken_is_refused(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    await plan_io.apply_preview(c, (await preview(c, MemoryStore())).preview)
    pv = (await preview(c, MemoryStore(), MORE)).preview
    await plan_io.apply_preview(c, pv, only=[0])
    later = next(it for it in pv.items[1:] if it.action == "change")
    now = ours(sb)[str(later.external_id)]
    await c.update_event(now["id"], {"description": "- 30m 60%"})  # changed by hand after the preview
    before = calendar_state(sb)
    wire.methods.clear()
    with pytest.raises(plan_io.PlanError):
        await plan_io.apply_preview(c, pv, only=[later.index], overwrite_hand_edited=True)
    assert wire.writes() == 0 and calendar_state(sb) == before


async def test_events_name_their_goal_and_an_unchanged_plan_writes_nothing(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    await plan_io.apply_preview(c, (await preview(c, MemoryStore())).preview, overwrite_hand_edited=True)
    events = list(ours(sb).values())
    assert all(event_goal(e) is not None and event_goal(e).date == RACE_DAY for e in events)  # type: ignore[union-attr]
    # events written before the goal tag existed are still this plan's, unchanged
    store = sb.world.store("i100001")
    assert store is not None
    for e in store.events.values():
        e["tags"] = [t for t in e.get("tags") or () if not str(t).startswith(GOAL_TAG)]
    wire.methods.clear()
    again = await preview(c, MemoryStore())
    assert again.preview.items == () and wire.writes() == 0


# ------------------------------------------------------------------------------- adjust over a fake client


class _Calendar:
    """A calendar and an activity history, answered for the dates and categories asked."""

    def __init__(self, events: list[dict[str, Any]], activities: list[dict[str, Any]]) -> None:
        self.events = events
        self.activities = activities

    async def list_events(self, lo: date, hi: date, cats: list[str], athlete_id: Any = None) -> list[dict]:
        return [
            copy.deepcopy(e)
            for e in self.events
            if e.get("category", "WORKOUT") in cats
            and lo.isoformat() <= e["start_date_local"][:10] <= hi.isoformat()
        ]

    async def list_activities(self, lo: date, hi: date, athlete_id: Any = None) -> list[dict]:
        return [a for a in self.activities if lo.isoformat() <= a["start_date_local"][:10] <= hi.isoformat()]

    async def list_wellness(self, lo: date, hi: date, athlete_id: Any = None) -> list[dict]:
        return []


STEADY = AthleteState(TODAY, 60.0, 60.0, SETTINGS, recent_daily_load=(60.0,) * 28)


def _fortnight(days: dict[int, int], hours: float) -> list[dict[str, Any]]:
    req = PlanRequest(
        start=TODAY,
        goals=(),
        weekly_hours=hours,
        weekly_load=None,
        availability=Availability(days, long_day=6),
        sports={"Ride": 1.0},
        weeks=2,
    )
    return as_events(build_plan(req, STEADY).sessions())


def _steady_month(load: float = 60.0) -> list[dict[str, Any]]:
    return [
        {
            "id": f"a{i}",
            "type": "Ride",
            "start_date_local": f"{TODAY - timedelta(days=i)}T08:00:00",
            "moving_time": 3600,
            "icu_training_load": load,
        }
        for i in range(1, 61)
    ]


INPUTS = plan_io.Inputs("i1", "A", STEADY, (), {"Ride": 1.0})


async def test_adjust_sees_a_sick_entry_on_the_calendar() -> None:
    events = _fortnight({0: 120, 1: 90, 2: 90, 4: 90, 5: 120, 6: 240}, 8)
    sick = {
        "id": 1,
        "category": "SICK",
        "start_date_local": f"{TODAY - timedelta(days=1)}T00:00:00",
        "end_date_local": f"{TODAY + timedelta(days=3)}T00:00:00",
        "name": "flu",
    }
    got = await plan_io.adjust(_Calendar([*events, sick], _steady_month()), INPUTS, today=TODAY)
    dropped = {p.item.day for p in got.proposals if p.item.action == "remove"}
    planned = {e["start_date_local"][:10] for e in events}
    sick_days = {(TODAY + timedelta(days=k)).isoformat() for k in range(3)}
    assert dropped == planned & sick_days and dropped
    assert all("sick" in p.adjustment.reason for p in got.proposals if p.item.action == "remove")


async def test_adjust_of_a_steady_athlete_sees_no_load_spike() -> None:
    events = _fortnight(dict.fromkeys(range(7), 120), 10)
    got = await plan_io.adjust(_Calendar(events, _steady_month()), INPUTS, today=TODAY)
    assert not [p for p in got.proposals if "ACWR" in p.adjustment.reason]


# ------------------------------------------------------------------------ a preview applied in any parts


class _Writable(_Calendar):
    """The calendar above with the bulk upsert (by external_id) and delete a plan apply uses."""

    async def bulk_upsert_events(self, bodies: list[dict[str, Any]], athlete_id: Any = None) -> None:
        for b in bodies:
            old = next((e for e in self.events if e.get("external_id") == b["external_id"]), None)
            if old is not None:
                old.update(copy.deepcopy(b))
            else:
                self.events.append({**copy.deepcopy(b), "id": 9000 + len(self.events)})

    async def bulk_delete_events(self, ids: list[Any], athlete_id: Any = None) -> None:
        self.events = [e for e in self.events if e.get("id") not in ids]


def _shape(cal: _Calendar) -> list[tuple[Any, ...]]:
    return sorted((e.get("external_id"), e["start_date_local"][:10], e.get("name")) for e in cal.events)


async def _one_then_parts(parts: list[list[int]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    inputs = plan_io.Inputs("i1", "A", STEADY, (), {"Ride": 1.0})
    week = plan_args.days("mon,wed,thu,sat,sun", 8, "sun")
    base = _fortnight({0: 90, 2: 90, 3: 90, 5: 180, 6: 240}, 8)
    base[1]["description"] += "\n- 5m 50%\n"  # a session edited by hand
    results = []
    for split in ([], parts):
        cal = _Writable(copy.deepcopy(base), [])
        ask = plan_io.Ask(weekly_hours=6, availability=week, weeks=2, start=TODAY)
        pv = (await plan_io.preview(cal, inputs, ask)).preview
        for part in split:
            await plan_io.apply_preview(cal, pv, only=[i for i in part if i < len(pv.items)])
        await plan_io.apply_preview(cal, pv, overwrite_hand_edited=True)
        results.append(_shape(cal))
    return results[0], results[1]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 15), max_size=6), max_size=3))
def test_a_preview_applied_in_any_parts_ends_as_one_apply(parts: list[list[int]]) -> None:
    whole, in_parts = asyncio.run(_one_then_parts(parts))
    assert in_parts == whole
