"""Applying plan previews through ``coach.plan_io`` with a real client against the sandbox, the writes
counted on the wire: a re-apply and a re-plan of an unchanged calendar send no write at all, a preview of a
calendar that changed since is refused with nothing written, a session edited by hand is kept unless the
caller asks to overwrite it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from icucoach.coach import plan_args, plan_io
from icucoach.coach.plan_previews import MemoryStore
from icucoach.intervals import IntervalsClient
from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.scenarios import CountingTransport

from .helpers import TODAY, calendar_state, ours, preview


async def test_reapply_and_replan_send_no_write(client: tuple[IntervalsClient, CountingTransport]) -> None:
    c, wire = client
    store = MemoryStore()
    first = await preview(c, store)
    assert wire.writes() == 0  # previewing reads only
    done = await plan_io.apply_preview(c, first.preview)
    assert done.upserted == len(first.preview.items) and wire.methods["POST"] == 1  # one bulk upsert
    wire.methods.clear()
    again = await plan_io.apply_preview(c, first.preview)
    assert again.already and again.writes == 0
    second = await preview(c, store)
    assert second.preview.items == () and second.keeps == len(first.preview.items)
    assert (await plan_io.apply_preview(c, second.preview)).writes == 0
    assert wire.writes() == 0


async def test_a_preview_of_a_calendar_that_changed_since_is_refused(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    fewer_hours = plan_io.Ask(weekly_hours=6, availability=plan_args.days("tue,thu,sat,sun", 6, "sat"))
    built = await preview(c, MemoryStore(), fewer_hours)
    assert built.preview.items
    day = TODAY + timedelta(days=3)
    await c.create_event(
        {
            "category": "WORKOUT",
            "start_date_local": f"{day}T00:00:00",
            "type": "Run",
            "name": "Club run",
            "description": "- 40m 70%",
        }
    )
    before = calendar_state(sb)
    wire.methods.clear()
    with pytest.raises(plan_io.PlanError) as refused:
        await plan_io.apply_preview(c, built.preview)
    assert "changed since" in refused.value.message and "build the plan again" in refused.value.fix
    assert wire.writes() == 0 and calendar_state(sb) == before


async def test_a_hand_edited_session_is_kept_unless_overwrite(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, _ = client
    store = MemoryStore()
    await plan_io.apply_preview(c, (await preview(c, store)).preview)
    target = sorted(ours(sb).values(), key=lambda e: e["start_date_local"])[5]
    await c.update_event(target["id"], {"name": "Long ride with the club"})
    edited = (await preview(c, store)).preview
    flagged = [it for it in edited.items if it.hand_edited]
    assert [it.day for it in flagged] == [target["start_date_local"][:10]]
    assert "hand" in flagged[0].reason.lower() or "edit" in flagged[0].reason.lower()
    kept = await plan_io.apply_preview(c, edited)
    assert kept.skipped and ours(sb)[target["external_id"]]["name"] == "Long ride with the club"
    replaced = await plan_io.apply_preview(c, (await preview(c, store)).preview, overwrite_hand_edited=True)
    assert replaced.upserted >= 1
    assert ours(sb)[target["external_id"]]["name"] != "Long ride with the club"


async def test_repeating_an_apply_that_kept_a_hand_edit_writes_nothing(
    sb: RunningSandbox, client: tuple[IntervalsClient, CountingTransport]
) -> None:
    c, wire = client
    store = MemoryStore()
    await plan_io.apply_preview(c, (await preview(c, store)).preview, overwrite_hand_edited=True)
    target = sorted(ours(sb).values(), key=lambda e: e["start_date_local"])[3]
    await c.update_event(target["id"], {"name": "Hills with Sam"})
    more = plan_io.Ask(weekly_hours=9, availability=plan_args.days("mon,wed,thu,sat,sun", 9, "sun"))
    pv = (await preview(c, store, more)).preview
    assert any(it.hand_edited for it in pv.items) and any(not it.hand_edited for it in pv.items)
    first = await plan_io.apply_preview(c, pv)
    assert first.skipped and first.writes > 0
    wire.methods.clear()
    again = await plan_io.apply_preview(c, pv)
    assert again.already and wire.writes() == 0
    assert ours(sb)[target["external_id"]]["name"] == "Hills with Sam"
