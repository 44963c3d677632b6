"""Write methods against the sandbox: wellness, activities, events (single, bulk upsert, deletes), library."""

from __future__ import annotations

from datetime import date, timedelta

from icucoach.intervals import EventEx, IntervalsClient, Workout
from icucoach.sandbox import Account, RunningSandbox

from .conftest import TODAY, ClientFactory
from .helpers import activities

FUTURE = TODAY + timedelta(days=40)


async def test_update_wellness_partial(icu: IntervalsClient) -> None:
    day = TODAY - timedelta(days=1)
    before = await icu.get_wellness(day)
    after = await icu.update_wellness(day, {"soreness": 2, "comments": "legs heavy"})
    assert after.soreness == 2 and after.comments == "legs heavy"
    assert after.ctl == before.ctl  # untouched fields stay
    again = await icu.get_wellness(day.isoformat())
    assert again.soreness == 2


async def test_update_activity(icu: IntervalsClient, athlete: Account, sandbox: RunningSandbox) -> None:
    raw = next(a for a in activities(sandbox, athlete.athlete_id) if a.get("source") != "STRAVA")
    updated = await icu.update_activity(str(raw["id"]), {"name": "Renamed by test", "icu_rpe": 6})
    assert updated.name == "Renamed by test" and updated.icu_rpe == 6
    assert (await icu.get_activity(str(raw["id"]))).name == "Renamed by test"


async def test_event_lifecycle(icu: IntervalsClient) -> None:
    created = await icu.create_event(
        {
            "category": "WORKOUT",
            "type": "Ride",
            "start_date_local": FUTURE,
            "name": "Client test 3x10",
            "description": "Warmup\n- 10m 60%\n\nMain set 3x\n- 10m 90%\n- 5m 55%\n\nCooldown\n- 10m 50%",
        }
    )
    assert created.id and created.start_date_local == f"{FUTURE}T00:00:00"
    assert created.workout_doc is not None and created.workout_doc.step_list()
    assert created.moving_time and created.icu_training_load
    changed = await icu.update_event(created.id, {"name": "Client test renamed"})
    assert changed.name == "Client test renamed" and changed.id == created.id
    assert (await icu.get_event(created.id)).name == "Client test renamed"
    await icu.delete_event(created.id)
    ids = {e.id for e in await icu.list_events(FUTURE, FUTURE)}
    assert created.id not in ids


async def test_bulk_upsert_is_idempotent(icu: IntervalsClient) -> None:
    day = FUTURE + timedelta(days=1)
    events = [
        EventEx(
            category="NOTE", start_date_local=day, name=f"note {n}", description="x", external_id=f"t-up-{n}"
        )
        for n in range(3)
    ]
    first = await icu.bulk_upsert_events(events)
    again = await icu.bulk_upsert_events([e.model_copy(update={"name": e.name + "!"}) for e in events])
    assert sorted(e.id for e in first) == sorted(e.id for e in again)  # updated, not duplicated
    listed = [e for e in await icu.list_events(day, day) if (e.external_id or "").startswith("t-up-")]
    assert len(listed) == 3 and all((e.name or "").endswith("!") for e in listed)
    assert await icu.bulk_delete_events(ids=[first[0].id], external_ids=["t-up-1", "t-up-2"]) == 3
    assert not [e for e in await icu.list_events(day, day) if (e.external_id or "").startswith("t-up-")]
    assert await icu.bulk_delete_events() == 0


async def test_delete_events_range(icu: IntervalsClient) -> None:
    start = FUTURE + timedelta(days=10)
    for n in range(2):
        await icu.create_event(
            {"category": "NOTE", "start_date_local": start + timedelta(days=n), "name": f"range {n}"}
        )
    assert len(await icu.list_events(start, start + timedelta(days=1), category="NOTE")) >= 2
    await icu.delete_events_range(start, "NOTE", start + timedelta(days=1))
    assert await icu.list_events(start, start + timedelta(days=1), category="NOTE") == []


async def test_create_workout(icu: IntervalsClient) -> None:
    folders = await icu.list_folders()
    assert folders, "the demo athlete has a workout library"
    w = await icu.create_workout(
        {"folder_id": folders[0].id, "name": "Client test tempo", "type": "Ride", "description": "- 20m 80%"}
    )
    assert isinstance(w, Workout) and w.id and w.folder_id == folders[0].id
    assert w.id in {x.id for x in await icu.list_workouts(folders[0].id)}


async def test_coach_writes_to_write_share(
    make_client: ClientFactory, coach: Account, sandbox: RunningSandbox
) -> None:
    from .helpers import shared_with

    target = shared_with(sandbox, coach.athlete_id, "WRITE")
    async with make_client(coach) as icu:
        created = await icu.create_event(
            {"category": "NOTE", "start_date_local": date(2027, 1, 5), "name": "from coach"},
            athlete_id=target,
        )
        assert created.id
        await icu.delete_event(created.id, athlete_id=target)
