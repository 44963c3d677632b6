"""The plan builder over the client: what a plan needs is read from Intervals.icu, the pure core
(``icucoach.plan``) computes, and the calendar is written only through a stored preview.

- ``read_inputs``: the athlete's sport settings, today's CTL/ATL (the API's wellness values), the last 28
  days' loads, the calendar's races (goals) and planned workouts, recent activities and wellness.
- ``preview``: ``build_plan`` → ``diff_plan`` against the real calendar → a ``Preview`` (the diff's writes,
  and a fingerprint of the calendar they were computed against), stored by an id that hashes the diff.
- ``apply_preview``: re-reads the calendar; if it changed since the preview, only the writes not yet in
  effect are made, and only if every event they write over is exactly as previewed and no other event of
  the window changed (else the apply is refused: nothing is written); all in effect is a repeated apply:
  0 writes. Adds and changes go through
  ``bulk_upsert_events`` (``external_id`` upserts: a retried apply never duplicates), removals are explicit
  deletes of our own (``icucoach-plan:*``) events only; a hand-edited session is left alone unless
  ``overwrite_hand_edited``.
- ``adjust``: ``propose_adjustments`` over what happened, each proposal with a short stable id, and
  ``approve`` writing the chosen ones the same way.

Adapters (``commands/plan.py``, ``mcp/tools_plan.py``, the console's plan page) only parse and present.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.compliance import pair
from icucoach.analytics.health import HEALTH_CATEGORIES
from icucoach.analytics.inputs import from_api_activity, from_api_event
from icucoach.analytics.settings import DEFAULT_SETTINGS
from icucoach.coach.plan_previews import Preview, PreviewItem, PreviewStore, preview_id
from icucoach.insights.snapshot import fetch_snapshot
from icucoach.plan import (
    Adjustment,
    AthleteState,
    Availability,
    Change,
    Goal,
    Plan,
    PlanRequest,
    Recurrence,
    build_plan,
    diff_plan,
    event_body,
    propose_adjustments,
)
from icucoach.plan.model import EXTERNAL_ID_PREFIX

RACE_CATEGORIES = ("RACE_A", "RACE_B", "RACE_C")
RACE_HORIZON_DAYS = 400  # races further out than this are not goals of a block built now
HISTORY_DAYS = 28
COMPLIANCE_DAYS = 14
ADJUST_BACK_DAYS = 14  # planned sessions looked back on (missed / cut short)
ADJUST_AHEAD_DAYS = 42
SPORT_FAMILIES = {
    "Ride": ("Ride", "VirtualRide", "GravelRide", "MountainBikeRide", "EBikeRide", "TrackRide"),
    "Run": ("Run", "VirtualRun", "TrailRun"),
    "Swim": ("Swim", "OpenWaterSwim"),
}


class PlanError(Exception):
    """A plan that cannot be built or applied as asked: ``message`` says why, ``fix`` what to do."""

    def __init__(self, message: str, fix: str, kind: str = "usage") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.kind = kind  # usage | conflict | not_found


def _dump(model: Any) -> dict[str, Any]:
    if isinstance(model, Mapping):
        return dict(model)
    return dict(model.model_dump(mode="json"))


def family(sport: str | None) -> str | None:
    for fam, types in SPORT_FAMILIES.items():
        if sport in types:
            return fam
    return None


def is_ours(event: Mapping[str, Any]) -> bool:
    return str(event.get("external_id") or "").startswith(EXTERNAL_ID_PREFIX)


def _day(event: Mapping[str, Any], key: str = "start_date_local") -> date | None:
    try:
        return date.fromisoformat(str(event.get(key) or "")[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Inputs:
    """What was read for one athlete: the state the core plans from, the calendar's goals and events."""

    athlete_id: str
    name: str | None
    state: AthleteState
    races: tuple[Goal, ...]
    recent_sports: dict[str, float]  # family -> share of the last 28 days' moving time


async def read_inputs(client: Any, athlete_id: str, today: date | None = None) -> Inputs:
    """The athlete's snapshot (``insights.fetch_snapshot``: athlete, activities, wellness and events in four
    requests, as every other view reads them) and the races of the next 400 days (one more)."""
    snap = await fetch_snapshot(client, athlete_id, today=today)
    aid, today = snap.athlete_id, snap.today
    races = await client.list_events(
        today, today + timedelta(days=RACE_HORIZON_DAYS), list(RACE_CATEGORIES), athlete_id=aid
    )
    first = today - timedelta(days=HISTORY_DAYS - 1)
    dated = [(d, a) for a in snap.activities if (d := _day(a)) is not None and first <= d <= today]
    activities = [a for _, a in dated]
    latest = next((w for w in reversed(snap.wellness) if w.get("ctl") is not None), None)
    loads = [0.0] * HISTORY_DAYS
    seconds: dict[str, float] = {}
    for d, a in dated:
        loads[(d - first).days] += float(a.get("icu_training_load") or 0)
        fam = family(a.get("type"))
        if fam is not None:
            seconds[fam] = seconds.get(fam, 0.0) + float(a.get("moving_time") or 0)
    total = sum(seconds.values())
    planned = [e for e in snap.events if e.get("category") == "WORKOUT"]
    state = AthleteState(
        today=today,
        # the API's values (what the athlete sees); a new account without wellness starts from zero
        ctl=float(latest.get("ctl") or 0.0) if latest else 0.0,
        atl=float(latest.get("atl") or 0.0) if latest else 0.0,
        sport_settings=tuple(snap.sport_settings),
        recent_daily_load=tuple(loads),
        phase=snap.status().phase.phase,
        compliance_pct=compliance(planned, activities, today - timedelta(days=COMPLIANCE_DAYS - 1), today),
    )
    goals = tuple(
        Goal(d, str(e.category)[-1], e.name)
        for e in races
        if (d := _day(_dump(e))) is not None and d >= today
    )
    shares = {f: s / total for f, s in sorted(seconds.items()) if total and s / total >= 0.1}
    return Inputs(aid, snap.athlete.get("name"), state, goals, shares)


def compliance(
    planned: Sequence[Mapping[str, Any]], done: Sequence[Mapping[str, Any]], first: date, today: date
) -> float | None:
    """Planned sessions done (in full or in part) over ``first``..``today``, in % (None: nothing planned)."""
    plans = [from_api_event(e) for e in planned if _day(e) is not None]
    acts = [from_api_activity(a) for a in done if _day(a) is not None]
    # today's session may still be done: judged from yesterday back
    pairs = [
        p for p in pair(plans, acts, first, today, today) if p.planned is not None and p.status != "pending"
    ]
    if not pairs:
        return None
    return 100.0 * sum(1 for p in pairs if p.status in ("completed", "partial")) / len(pairs)


@dataclass(frozen=True)
class Ask:
    """What the caller asked for (the adapters' flags), before the calendar fills the gaps."""

    goals: tuple[Goal, ...] = ()
    weekly_hours: float | None = None
    weekly_load: float | None = None
    availability: Availability | None = None
    sports: dict[str, float] = field(default_factory=dict)
    distribution: str = "polarised"
    weeks: int | None = None
    start: date | None = None
    recurrences: tuple[Recurrence, ...] = ()


def make_request(ask: Ask, inputs: Inputs) -> PlanRequest:
    """The ``PlanRequest``: given goals plus the calendar's races (a given goal wins on its date), the
    sport mix of the last 4 weeks when none is given, tomorrow as the start."""
    start = ask.start or inputs.state.today + timedelta(days=1)
    given = {g.date for g in ask.goals}
    goals = tuple(
        sorted([*ask.goals, *(g for g in inputs.races if g.date not in given)], key=lambda g: g.date)
    )
    if ask.weeks is None and not any(g.priority == "A" and g.date >= start for g in goals):
        raise PlanError(
            f"there is no A race on the calendar after {start} and none was given, so the block has no end",
            "give a goal race with priority A (DATE:A, e.g. 2027-04-12:A), or a number of weeks",
        )
    if ask.weekly_hours is None and ask.weekly_load is None:
        raise PlanError("no weekly budget given", "give the weekly hours (e.g. 8)")
    if ask.availability is None or not any(m > 0 for m in ask.availability.days.values()):
        raise PlanError("no training days given", "give the days you can train, e.g. mon,wed,sat,sun")
    sports = ask.sports or inputs.recent_sports or {"Ride": 1.0}
    return PlanRequest(
        start=start,
        goals=goals,
        weekly_hours=ask.weekly_hours,
        weekly_load=ask.weekly_load,
        availability=ask.availability,
        sports=sports,
        distribution=ask.distribution,
        weeks=ask.weeks,
        recurrences=ask.recurrences,
    )


def plan_window(plan: Plan) -> tuple[date, date]:
    """The calendar days a plan speaks for: its start to the last day of its last week."""
    start = plan.request.start
    if not plan.weeks:
        return start, start
    last = max(plan.weeks[-1].start + timedelta(days=6), *(s.day for s in plan.sessions()), start)
    return start, last


async def workout_events(client: Any, athlete_id: str, window: tuple[date, date]) -> list[dict[str, Any]]:
    events = await client.list_events(window[0], window[1], ["WORKOUT"], athlete_id=athlete_id)
    return [_dump(e) for e in events]


def _content(e: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    return (
        str(e.get("external_id") or ""),
        str(e.get("start_date_local") or "")[:10],
        str(e.get("name") or ""),
        str(e.get("type") or ""),
        str(e.get("description") or "").strip(),
    )


def fingerprint(events: Sequence[Mapping[str, Any]]) -> str:
    """What a preview was computed against: every workout event of the window, by id and content."""
    rows = sorted((str(e.get("id")), *_content(e)) for e in events)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def _touches(it: PreviewItem, ev: Mapping[str, Any]) -> bool:
    """Does the item write over this event (its external_id's, or the one it deletes)?"""
    exts = {it.external_id, (it.body or {}).get("external_id")} - {None}
    return ev.get("external_id") in exts or (it.event_id is not None and ev.get("id") == it.event_id)


def touched(it: PreviewItem, events: Sequence[Mapping[str, Any]]) -> str:
    """The fingerprint of the events one preview item writes over (none for an add to an empty slot:
    that it is still empty is what is fingerprinted)."""
    return fingerprint([e for e in events if _touches(it, e)])


def untouched(items: Sequence[PreviewItem], events: Sequence[Mapping[str, Any]]) -> str:
    """The fingerprint of the window's events that no item writes over (a workout the athlete added...)."""
    return fingerprint([e for e in events if not any(_touches(it, e) for it in items)])


def _stamped(it: PreviewItem, events: Sequence[Mapping[str, Any]]) -> PreviewItem:
    return replace(it, before=touched(it, events))


def _item(index: int, c: Change) -> PreviewItem:
    after = c.after
    before = c.before or {}
    return PreviewItem(
        index=index,
        action=c.action,
        day=c.day.isoformat(),
        name=after.name if after else str(before.get("name") or ""),
        sport=after.sport if after else before.get("type"),
        load=after.load if after else before.get("icu_training_load"),
        minutes=after.minutes if after else None,
        load_delta=c.load_delta,
        reason=c.reason,
        hand_edited=c.hand_edited,
        external_id=c.external_id,
        body=event_body(after, c.goal) if after is not None and c.action in ("add", "change") else None,
        event_id=before.get("id") if c.action == "remove" or _moved(c) else None,
    )


def _moved(c: Change) -> bool:
    """A change whose session moved to another day: its new external_id differs from the old event's."""
    return (
        c.before is not None
        and c.after is not None
        and is_ours(c.before)
        and c.before.get("external_id") != c.after.external_id
    )


@dataclass(frozen=True)
class Built:
    plan: Plan
    preview: Preview
    keeps: int


async def preview(
    client: Any, inputs: Inputs, ask: Ask, store: PreviewStore | None = None, *, created: str = ""
) -> Built:
    """Build the plan, diff it against the calendar, and (with a store) keep the preview by its id."""
    req = make_request(ask, inputs)
    try:
        plan = build_plan(req, inputs.state)
    except ValueError as exc:  # the core's word on an impossible request (no room, bad mix, ...)
        raise PlanError(str(exc), "change the goal, hours or days and build again") from None
    window = plan_window(plan)
    events = await workout_events(client, inputs.athlete_id, window)
    diff = diff_plan(plan, events, window=window)
    changes = (c for c in diff.changes if c.action != "keep")
    items = tuple(_stamped(_item(i, c), events) for i, c in enumerate(changes))
    keeps = sum(1 for c in diff.changes if c.action == "keep")
    summary = plan_summary(plan)
    pid = preview_id(inputs.athlete_id, window, fingerprint(events), items)
    pv = Preview(
        id=pid,
        athlete_id=inputs.athlete_id,
        athlete_name=inputs.name,
        window=(window[0].isoformat(), window[1].isoformat()),
        base=fingerprint(events),
        items=items,
        keeps=keeps,
        summary=summary,
        created=created,
        untouched=untouched(items, events),
    )
    if store is not None:
        store.save(pv)
    return Built(plan, pv, keeps)


def plan_summary(plan: Plan) -> dict[str, Any]:
    """The figures every surface shows: weeks (kind, hours, load, ACWR, monotony), race-day form, warnings."""
    a = plan.request.a_race()
    return {
        "start": plan.request.start.isoformat(),
        "a_race": a.to_dict() if a else None,
        "weeks": [
            {
                "start": w.start.isoformat(),
                "kind": w.kind,
                "hours": round(w.hours, 2),
                "load": round(w.load, 1),
                "acwr_end": None if w.acwr_end is None else round(w.acwr_end, 2),
                "monotony": None if w.monotony is None else round(w.monotony, 2),
                "sessions": len(w.sessions),
            }
            for w in plan.weeks
        ],
        "race_day_form": (
            {k: round(v, 1) for k, v in plan.race_day_form.items()} if plan.race_day_form else None
        ),
        "warnings": list(plan.warnings),
    }


@dataclass(frozen=True)
class Applied:
    """What an apply or approve wrote: counts of calls' contents, and what was left alone and why."""

    upserted: int
    deleted: int
    skipped: tuple[str, ...] = ()  # hand-edited sessions left as they are
    already: bool = False  # the preview's writes were already in effect: nothing written

    @property
    def writes(self) -> int:
        return self.upserted + self.deleted

    def to_dict(self) -> dict[str, Any]:
        return {
            "upserted": self.upserted,
            "deleted": self.deleted,
            "writes": self.writes,
            "skipped_hand_edited": list(self.skipped),
            "already_applied": self.already,
        }


def _in_effect(it: PreviewItem, events: Sequence[Mapping[str, Any]]) -> bool:
    """The item's write is already what the calendar shows (it was applied before)."""
    if it.body is not None:
        ext = it.body.get("external_id")
        now = next((e for e in events if e.get("external_id") == ext), None)
        if now is None or _content(now) != _content(it.body):
            return False
    return it.event_id is None or all(e.get("id") != it.event_id for e in events)


def _still_to_write(
    pv: Preview, items: Sequence[PreviewItem], events: Sequence[Mapping[str, Any]]
) -> list[PreviewItem]:
    """The items not yet in effect, when the calendar changed since the preview: accepted only if each
    of them finds the events it writes over exactly as previewed and no other event of the window changed
    (an earlier apply of the other items, or of the same preview without its hand-edited sessions, is no
    reason to refuse; a workout added or edited elsewhere is); else refused."""
    pending = [it for it in items if not _in_effect(it, events)]
    others_changed = pv.untouched is None or untouched(pv.items, events) != pv.untouched
    if others_changed or any(it.before is None or touched(it, events) != it.before for it in pending):
        raise PlanError(
            f"the calendar of {pv.athlete_name or pv.athlete_id} changed since preview {pv.id} was made, "
            "so it was not applied (nothing was written)",
            "build the plan again and apply the new preview",
            kind="conflict",
        )
    return pending


async def write_items(
    client: Any, athlete_id: str, items: Sequence[PreviewItem], *, overwrite_hand_edited: bool
) -> Applied:
    """Upsert every add/change body in one call and delete the removed events of ours in another."""
    skipped = tuple(f"{it.day} {it.name}" for it in items if it.hand_edited and not overwrite_hand_edited)
    chosen = [it for it in items if overwrite_hand_edited or not it.hand_edited]
    bodies = [it.body for it in chosen if it.body is not None]
    doomed = [it.event_id for it in chosen if it.event_id is not None]
    if bodies:
        await client.bulk_upsert_events(bodies, athlete_id=athlete_id)
    if doomed:
        await client.bulk_delete_events(ids=doomed, athlete_id=athlete_id)
    return Applied(len(bodies), len(doomed), skipped)


async def apply_preview(
    client: Any,
    pv: Preview,
    *,
    overwrite_hand_edited: bool = False,
    only: Sequence[int] | None = None,
) -> Applied:
    """Write a stored preview (or the changes ``only`` names, by index) if the calendar is as it was."""
    items = [it for it in pv.items if only is None or it.index in set(only)]
    unknown = sorted(set(only or ()) - {it.index for it in pv.items})
    if unknown:
        raise PlanError(
            f"preview {pv.id} has no change {', '.join(map(str, unknown))}",
            f"pick among 0..{len(pv.items) - 1}",
        )
    window = (date.fromisoformat(pv.window[0]), date.fromisoformat(pv.window[1]))
    events = await workout_events(client, pv.athlete_id, window)
    if fingerprint(events) != pv.base:
        # a hand-edited change that this apply would skip anyway does not make it a different apply
        writing = [it for it in items if overwrite_hand_edited or not it.hand_edited]
        pending = _still_to_write(pv, writing, events)
        if not pending:
            return Applied(0, 0, already=True)
        items = [it for it in items if it in pending or it not in writing]  # skipped ones are reported
    # a removal is only ever of an event of ours: the preview file is the user's, not trusted blindly
    ours = {e.get("id") for e in events if is_ours(e)}
    items = [replace(it, event_id=it.event_id if it.event_id in ours else None) for it in items]
    return await write_items(client, pv.athlete_id, items, overwrite_hand_edited=overwrite_hand_edited)


# ------------------------------------------------------------------------------------------------ adjust


@dataclass(frozen=True)
class Proposal:
    id: str
    adjustment: Adjustment
    item: PreviewItem

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.adjustment.kind,
            "reason": self.adjustment.reason,
            **self.item.to_dict(brief=True),
        }


def _proposal_id(a: Adjustment) -> str:
    c = a.change
    key = [a.kind, c.action, c.day.isoformat(), c.external_id, c.after.to_dict() if c.after else None]
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Adjusted:
    proposals: tuple[Proposal, ...]
    preview: Preview  # the proposals as a preview: approve them all or some (by index) with apply_preview


async def adjust(
    client: Any, inputs: Inputs, *, today: date | None = None, store: PreviewStore | None = None
) -> Adjusted:
    """Proposals for the plan's events around ``today`` from the activities of the last 28 days, the
    wellness of the HRV baseline's span, and the SICK / INJURED entries of the calendar."""
    day = today or inputs.state.today
    aid = inputs.athlete_id
    window = (day - timedelta(days=ADJUST_BACK_DAYS), day + timedelta(days=ADJUST_AHEAD_DAYS))
    events = await workout_events(client, aid, window)
    # the 28 days ACWR needs (missing days would count as rest), and the HRV baseline's 60 days of wellness
    since = day - timedelta(days=HISTORY_DAYS)
    health = await client.list_events(since, window[1], list(HEALTH_CATEGORIES), athlete_id=aid)
    activities = [_dump(a) for a in await client.list_activities(since, day, athlete_id=aid)]
    well_from = day - timedelta(days=DEFAULT_SETTINGS.hrv_long_days)
    wellness = [_dump(w) for w in await client.list_wellness(well_from, day, athlete_id=aid)]
    found = propose_adjustments(
        [*(e for e in events if is_ours(e)), *(_dump(h) for h in health)],
        activities,
        wellness,
        inputs.state,
        today=day,
        races=inputs.races,
        activities_since=since,
    )
    proposals = tuple(
        Proposal(_proposal_id(a), a, _stamped(_item(i, a.change), events)) for i, a in enumerate(found)
    )
    items = tuple(p.item for p in proposals)
    base = fingerprint(events)
    pv = Preview(
        id=preview_id(aid, window, base, items),
        athlete_id=aid,
        athlete_name=inputs.name,
        window=(window[0].isoformat(), window[1].isoformat()),
        base=base,
        items=items,
        keeps=0,
        summary={"adjust": [p.to_dict() for p in proposals]},
        untouched=untouched(items, events),
    )
    if store is not None and items:
        store.save(pv)
    return Adjusted(proposals, pv)


async def approve(
    client: Any,
    athlete_id: str,
    proposals: Sequence[Proposal],
    ids: Sequence[str] | None,
    *,
    overwrite_hand_edited: bool = False,
) -> Applied:
    """Write the proposals ``ids`` names (None: all of them)."""
    known = {p.id for p in proposals}
    missing = [i for i in ids or () if i not in known]
    if missing:
        raise PlanError(
            f"no current proposal has id {', '.join(missing)} (the calendar may have changed since)",
            "ask for the adjustments again and approve the ids listed now",
            kind="not_found",
        )
    chosen = [p.item for p in proposals if ids is None or p.id in ids]
    return await write_items(client, athlete_id, chosen, overwrite_hand_edited=overwrite_hand_edited)


__all__ = [
    "Adjusted",
    "Applied",
    "Ask",
    "Built",
    "Inputs",
    "PlanError",
    "Proposal",
    "adjust",
    "apply_preview",
    "approve",
    "fingerprint",
    "make_request",
    "plan_summary",
    "preview",
    "read_inputs",
]
