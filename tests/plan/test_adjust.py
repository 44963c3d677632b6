"""Adjustment proposals: missed sessions get a proposal each with its reason (a missed key session moves,
a missed easy one is not made up), a key session never lands in the 48 h before a race, sick days drop
the sessions, an ACWR spike shortens the coming week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from icucoach.plan import (
    Adjustment,
    Availability,
    Goal,
    PlanRequest,
    build_plan,
    diff_plan,
    event_body,
    propose_adjustments,
)

from .helpers import ATHLETE, TODAY, as_events

START = TODAY - timedelta(days=7)  # the block began last Monday


def _plan_events() -> list[dict[str, Any]]:
    req = PlanRequest(
        start=START,
        goals=(Goal(START + timedelta(days=7 * 8 - 1), "A"),),
        weekly_hours=8.0,
        weekly_load=None,
        availability=Availability({1: 60, 2: 90, 3: 75, 5: 240, 6: 150}, long_day=5),
        sports={"Ride": 1.0},
    )
    return as_events(build_plan(req, ATHLETE).sessions())


def _done(ev: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "id": f"i{n}",
        "start_date_local": ev["start_date_local"],
        "type": ev["type"],
        "moving_time": ev["moving_time"],
        "icu_training_load": ev["icu_training_load"],
    }


def _day(ev: dict[str, Any]) -> date:
    return date.fromisoformat(str(ev["start_date_local"])[:10])


def _about(props: Sequence[Adjustment], ev: dict[str, Any]) -> list[Adjustment]:
    return [a for a in props if a.change.external_id == ev["external_id"]]


def test_two_missed_sessions_get_proposals_with_reasons() -> None:
    events = _plan_events()
    past = [e for e in events if _day(e) < TODAY]
    key = next(e for e in past if "icucoach-key" in e["tags"] and "ride-endurance" not in str(e["tags"]))
    easy = next(e for e in past if "icucoach-key" not in e["tags"])
    done = [_done(e, n) for n, e in enumerate(past) if e not in (key, easy)]
    props = propose_adjustments(events, done, [], ATHLETE, today=TODAY)
    moved, skipped = _about(props, key), _about(props, easy)
    assert len(moved) == 1 and len(skipped) == 1
    assert moved[0].kind == "move" and moved[0].change.after is not None
    assert moved[0].change.after.day >= TODAY and "missed key session" in moved[0].reason
    assert skipped[0].kind == "drop" and "not made up" in skipped[0].reason
    new_day = moved[0].change.after.day
    hard_days = {
        _day(e)
        for e in events
        if any(t in str(e["tags"]) for t in ("vo2max", "threshold", "over-under", "30-30"))
    }
    assert not {new_day - timedelta(days=1), new_day + timedelta(days=1)} & (hard_days - {_day(key)})
    assert all(a.reason for a in props)


def test_a_key_session_never_goes_into_the_48h_before_a_race() -> None:
    events = _plan_events()
    past = [e for e in events if _day(e) < TODAY]
    keys = [e for e in past if "icucoach-key" in e["tags"]]
    done = [_done(e, n) for n, e in enumerate(past) if e not in keys]
    upcoming_hard = [
        e for e in events if TODAY <= _day(e) <= TODAY + timedelta(days=6) and "icucoach-key" in e["tags"]
    ]
    for race_day in [TODAY + timedelta(days=k) for k in range(0, 8)]:
        race = Goal(race_day, "B")
        props = propose_adjustments(events, done, [], ATHLETE, today=TODAY, races=(race,))
        for a in props:
            after = a.change.after
            if after is not None and (after.key or after.intensity == "hard"):
                assert not 0 <= (race_day - after.day).days <= 2, (race_day, a.reason)
        for e in upcoming_hard:  # a key session already in that window gets a proposal that says why
            if 0 <= (race_day - _day(e)).days <= 2:
                about = _about(props, e)
                assert about and about[0].kind in ("swap", "drop") and "race" in about[0].reason


def test_sick_today_drops_the_sessions() -> None:
    events = _plan_events()
    sick = {
        "category": "SICK",
        "start_date_local": f"{TODAY}T00:00:00",
        # Intervals.icu's end is exclusive: sick today and tomorrow
        "end_date_local": f"{TODAY + timedelta(days=2)}T00:00:00",
    }
    done = [_done(e, n) for n, e in enumerate(events) if _day(e) < TODAY]
    props = propose_adjustments([*events, sick], done, [], ATHLETE, today=TODAY)
    dropped = {a.change.external_id for a in props if a.kind == "drop" and a.change.action == "remove"}
    ill = {e["external_id"] for e in events if TODAY <= _day(e) <= TODAY + timedelta(days=1)}
    assert ill and ill <= dropped
    assert all("sick" in a.reason for a in props if a.change.external_id in ill)


def test_an_acwr_spike_shortens_the_coming_week() -> None:
    events = _plan_events()
    # Nothing for three weeks, then last week done as planned: next week's load would spike the ratio.
    done = [_done(e, n) for n, e in enumerate(events) if _day(e) < TODAY]
    props = propose_adjustments(
        events, done, [], ATHLETE, today=TODAY, activities_since=TODAY - timedelta(days=28)
    )
    shortened = [a for a in props if a.kind == "shorten"]
    assert shortened and all("ACWR" in a.reason for a in shortened)
    for a in shortened:
        assert a.change.after is not None and a.change.before is not None
        assert a.change.after.minutes < int(a.change.before["moving_time"]) / 60
        assert a.change.load_delta is not None and a.change.load_delta < 0


def test_sessions_cut_short_add_a_recovery_day() -> None:
    events = _plan_events()
    past = [e for e in events if _day(e) < TODAY]
    done = [_done(e, n) for n, e in enumerate(past)]
    for d in done[:2]:
        d["moving_time"] = int(d["moving_time"] * 0.5)
    props = propose_adjustments(events, done, [], ATHLETE, today=TODAY)
    rec = [a for a in props if a.kind == "add_recovery"]
    assert len(rec) == 1 and "cut short" in rec[0].reason
    after = rec[0].change.after
    assert after is not None and after.intensity == "easy" and not after.key and after.day >= TODAY


def _wellness(day: date, hrv_today: float, rhr_today: int) -> list[dict[str, Any]]:
    """Six weeks of steady HRV / resting HR, then ``day``'s readings."""
    past = [
        {"id": (day - timedelta(days=k)).isoformat(), "hrv": 80.0 + k % 3, "restingHR": 48}
        for k in range(1, 43)
    ]
    return [*past, {"id": day.isoformat(), "hrv": hrv_today, "restingHR": rhr_today}]


def test_hrv_crash_swaps_todays_intervals_and_a_normal_day_does_not() -> None:
    events = _plan_events()
    hard = next(e for e in events if _day(e) >= TODAY and "icucoach-template:ride-endurance" not in e["tags"])
    day = _day(hard)
    # A month at the athlete's usual load before the block, then the block as planned: no load signal.
    base = [
        {
            "id": f"b{k}",
            "start_date_local": f"{START - timedelta(days=k)}T08:00:00",
            "type": "Ride",
            "moving_time": 5400,
            "icu_training_load": 60,
        }
        for k in range(1, 29)
    ]
    done = base + [_done(e, n) for n, e in enumerate(events) if _day(e) < day]
    props = propose_adjustments(events, done, _wellness(day, 45.0, 60), ATHLETE, today=day)
    swapped = _about(props, hard)
    assert len(swapped) == 1 and swapped[0].kind == "swap"
    after = swapped[0].change.after
    assert after is not None and after.intensity == "easy" and after.day == day
    assert "readiness" in swapped[0].reason or "HRV" in swapped[0].reason
    calm = propose_adjustments(events, done, _wellness(day, 81.0, 48), ATHLETE, today=day)
    assert not _about(calm, hard)


def test_replanning_after_a_move_leaves_the_moved_session_alone() -> None:
    req = PlanRequest(
        start=START,
        goals=(Goal(START + timedelta(days=7 * 8 - 1), "A"),),
        weekly_hours=8.0,
        weekly_load=None,
        availability=Availability({1: 60, 2: 90, 3: 75, 5: 240, 6: 150}, long_day=5),
        sports={"Ride": 1.0},
    )
    plan = build_plan(req, ATHLETE)
    events = as_events(plan.sessions())
    past = [e for e in events if _day(e) < TODAY]
    key = next(e for e in past if "icucoach-key" in e["tags"] and "ride-endurance" not in str(e["tags"]))
    done = [_done(e, n) for n, e in enumerate(past) if e is not key]
    props = propose_adjustments(events, done, [], ATHLETE, today=TODAY)
    move = next(a for a in props if a.kind == "move")
    assert move.change.after is not None
    removed = {a.change.external_id for a in props if a.change.action == "remove"}
    applied = [
        {**e, **event_body(move.change.after)} if e["external_id"] == move.change.external_id else e
        for e in events
        if e["external_id"] not in removed
    ]
    end = plan.weeks[-1].start + timedelta(days=6)
    diff = diff_plan(plan, applied, window=(TODAY, end))
    assert move.change.external_id not in {c.external_id for c in diff.changes}


def test_a_proposal_over_a_hand_edited_session_says_so() -> None:
    events = _plan_events()
    past = [e for e in events if _day(e) < TODAY]
    done = [_done(e, n) for n, e in enumerate(past)]
    sick = {
        "category": "SICK",
        "start_date_local": f"{TODAY}T00:00:00",
        # Intervals.icu's end is exclusive: sick today and tomorrow
        "end_date_local": f"{TODAY + timedelta(days=2)}T00:00:00",
    }
    target = next(e for e in events if TODAY <= _day(e) <= TODAY + timedelta(days=1))
    target["description"] = str(target["description"]) + "\n- 5m 50%\n"  # the athlete changed it
    props = propose_adjustments([*events, sick], done, [], ATHLETE, today=TODAY)
    about = _about(props, target)
    assert about and about[0].change.hand_edited and "edited by hand" in about[0].reason
    assert not any(a.change.hand_edited for a in props if a.change.external_id != target["external_id"])
