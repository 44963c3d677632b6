"""The squad view on the planted 12-athlete squad, over real HTTP with the coach's key: the order a coach
reads it in, the rows' numbers against the API's own, the feed, and a failing athlete shown, not fatal."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from icucoach.coach.views import (
    AthleteSource,
    SquadCache,
    SquadView,
    activity_feed,
    load_squad,
    roster_sources,
)
from icucoach.sandbox import RunningSandbox

from .conftest import PERSONA_ID, SQUAD, TODAY, coach_client


async def _squad(sb: RunningSandbox, cache: SquadCache | None = None, concurrency: int = 4) -> SquadView:
    async with coach_client(sb) as client:
        sources = await roster_sources(client)
        return await load_squad(sources, today=TODAY, cache=cache, concurrency=concurrency)


@pytest.fixture(scope="module")
def view(squad_world: RunningSandbox) -> SquadView:
    return asyncio.run(_squad(squad_world))


def _row(view: SquadView, persona: str):  # type: ignore[no-untyped-def]
    return next(r for r in view.rows if r.athlete_id == PERSONA_ID[persona])


def test_roster_is_the_shared_athletes_without_the_owner(squad_world: RunningSandbox) -> None:
    async def go() -> list[AthleteSource]:
        async with coach_client(squad_world) as client:
            return await roster_sources(client)

    sources = asyncio.run(go())
    ids = [s.athlete_id for s in sources]
    assert len(ids) == SQUAD and squad_world.account("coach").athlete_id not in ids
    assert set(PERSONA_ID.values()) <= set(ids)
    assert [s.name for s in sources] == sorted(s.name or "" for s in sources)


def test_overreaching_athlete_comes_first_and_the_sick_one_near_the_top(view: SquadView) -> None:
    order = [r.athlete_id for r in view.rows]
    assert order[0] == PERSONA_ID["overreaching"]
    assert order.index(PERSONA_ID["sick"]) <= 2
    assert order.index(PERSONA_ID["compliant"]) > order.index(PERSONA_ID["skipper"])
    over = _row(view, "overreaching")
    assert over.triage is not None and over.triage.reasons[0].code == "overreaching"
    assert over.acwr is not None and over.acwr >= 1.5
    assert {"hrv_low", "rhr_up"} <= {a.code for a in over.alarms}


def test_sick_athlete_is_marked_with_an_alarm_and_grey_chips(view: SquadView) -> None:
    sick = _row(view, "sick")
    assert sick.alarms[0].code == "sick" and sick.alarms[0].severity == "alarm"
    sick_days = {c.day for c in sick.chips if c.kind == "sick"}
    assert {TODAY - timedelta(days=k) for k in range(0, 4)} <= sick_days
    assert not any(c.kind == "missed" for c in sick.chips if c.day in sick_days)


def test_skipper_misses_are_red_and_chips_cover_the_last_seven_days(view: SquadView) -> None:
    skipper = _row(view, "skipper")
    missed = [c for c in skipper.chips if c.kind == "missed"]
    assert len(missed) >= 3 and all(c.colour == "red" for c in missed)
    assert all(TODAY - timedelta(days=6) <= c.day <= TODAY for r in view.rows for c in r.chips)


def test_no_power_athlete_is_judged_on_heart_rate_and_green(view: SquadView) -> None:
    judged = [c for c in _row(view, "no_power").chips if c.kind in ("done", "changed")]
    assert judged and all(c.basis == "hr" for c in judged)
    assert sum(c.colour == "green" for c in judged) >= 0.8 * len(judged)


def test_row_numbers_are_the_apis_wellness_values(squad_world: RunningSandbox, view: SquadView) -> None:
    async def wellness(aid: str) -> dict[str, dict]:
        async with coach_client(squad_world) as client:
            rows = await client.list_wellness(TODAY - timedelta(days=41), TODAY, athlete_id=aid)
        return {str(w.id): w.model_dump(by_alias=True) for w in rows}

    for persona in ("compliant", "overreaching"):
        row = _row(view, persona)
        api = asyncio.run(wellness(row.athlete_id))
        today = api[TODAY.isoformat()]
        assert row.ctl == pytest.approx(today["ctl"]) and row.atl == pytest.approx(today["atl"])
        assert row.form == pytest.approx(today["ctl"] - today["atl"])
        assert row.ctl_trend_4w is not None
        assert [v for _, v in row.ctl_series] == [
            api.get(d.isoformat(), {}).get("ctl") for d, _ in row.ctl_series
        ]


def test_next_race_and_key_session_are_ahead(view: SquadView) -> None:
    for row in view.rows:
        assert row.next_race is not None and row.next_race["days_to"] >= 0
        key = row.next_key_session
        assert key is not None and key["date"] >= TODAY.isoformat() and key["why"] in ("hard", "long")


def test_to_dict_is_json_with_units_and_nulls(view: SquadView) -> None:
    data = json.loads(json.dumps(view.to_dict()))
    assert data["athletes"] == SQUAD and data["failed"] == 0 and data["date"] == TODAY.isoformat()
    row = data["rows"][0]
    assert {"ctl", "acwr", "chips", "alarms", "triage", "next_race", "error", "ctl_trend_4w"} <= set(row)
    strava = next(r for r in data["rows"] if r["athlete_id"] == PERSONA_ID["strava_only"])
    assert all(c["done_load"] is None for c in strava["chips"])  # withheld, never 0


def test_feed_is_newest_first_with_plans_and_chips(view: SquadView) -> None:
    feed = activity_feed(view, days=3)
    assert feed and all(TODAY - timedelta(days=2) <= f.day <= TODAY for f in feed)
    assert [f.day for f in feed] == sorted((f.day for f in feed), reverse=True)
    assert not any(f.chip.kind == "pending" for f in feed)
    done = [f for f in feed if f.chip.kind == "done"]
    assert done and all(f.activity is not None and f.planned is not None for f in done)
    assert all(f.activity["id"] == f.chip.activity_id for f in done if f.activity)
    missed = [f for f in feed if f.chip.kind == "missed"]
    assert all(f.activity is None and f.planned is not None for f in missed)
    assert {f.athlete_id for f in feed} >= {PERSONA_ID["overreaching"], PERSONA_ID["compliant"]}
    json.dumps([f.to_dict() for f in feed])


def test_a_revoked_athlete_is_a_row_with_an_error_and_the_rest_load(squad_world: RunningSandbox) -> None:
    coach_id = squad_world.account("coach").athlete_id
    store = squad_world.world.athletes[PERSONA_ID["too_hard"]]
    access = store.shared_with.pop(coach_id)
    try:

        async def go() -> SquadView:
            async with coach_client(squad_world) as client:
                # the roster as listed before the revoke
                sources = [AthleteSource(aid, persona, client) for persona, aid in PERSONA_ID.items()]
                return await load_squad(sources, today=TODAY)

        view = asyncio.run(go())
    finally:
        store.shared_with[coach_id] = access
    failed = [r for r in view.rows if r.error is not None]
    assert [r.athlete_id for r in failed] == [PERSONA_ID["too_hard"]]
    assert view.rows[-1] is failed[0] and failed[0].triage is None and failed[0].chips == ()
    assert len(view.rows) == len(PERSONA_ID) and view.rows[0].athlete_id == PERSONA_ID["overreaching"]
    assert "access denied" in (failed[0].error or "").lower()
    assert view.to_dict()["failed"] == 1
