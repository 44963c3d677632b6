"""The calendar diff: what applying a plan would add, change, remove or keep in the Intervals.icu calendar,
per day with its load, and the POST /events body of a planned session.

Events are ours when their ``external_id`` starts with ``icucoach-plan:``; nothing else is touched. What we
write carries a content hash in its ``tags`` (``icucoach-hash:…``, over day, sport, name and workout text);
an event whose content no longer matches the hash it carries was edited by hand in the calendar, and any
change to it is flagged (``hand_edited``) with a reason instead of silently overwriting it.

Each event also names the goal its session builds toward (``icucoach-goal:<date>:<A|B|C>``, the first goal on
or after its day), so ``plan adjust`` knows a race given only to ``plan build --goal`` without local state.
The tag is not part of the content hash: an event written before it existed is still unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .model import EXTERNAL_ID_PREFIX, Goal, Plan, PlannedSession

ACTIONS = ("add", "change", "remove", "keep")
PLAN_TAG = "icucoach-plan"
HASH_TAG = "icucoach-hash:"
GOAL_TAG = "icucoach-goal:"


def content_hash(day: date | str, sport: str | None, name: str | None, text: str | None) -> str:
    """12 hex digits over what we write and the athlete sees (trailing spaces and blank edges ignored)."""
    norm = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    raw = json.dumps([str(day)[:10], sport or "", (name or "").strip(), norm])
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def session_hash(s: PlannedSession) -> str:
    return content_hash(s.day, s.sport, s.name, s.workout_text)


def event_day(ev: Mapping[str, Any]) -> date | None:
    v = ev.get("start_date_local")
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def event_hash(ev: Mapping[str, Any]) -> str:
    """The content hash of an event as it is now in the calendar."""
    return content_hash(
        str(ev.get("start_date_local") or ""), ev.get("type"), ev.get("name"), ev.get("description")
    )


def stored_hash(ev: Mapping[str, Any]) -> str | None:
    """The hash we wrote into the event's tags, None if it carries none."""
    for t in ev.get("tags") or ():
        if isinstance(t, str) and t.startswith(HASH_TAG):
            return t[len(HASH_TAG) :]
    return None


def goal_for(goals: Sequence[Goal], day: date) -> Goal | None:
    """The goal a session of ``day`` builds toward: the first one on or after that day."""
    return min((g for g in goals if g.date >= day), key=lambda g: g.date, default=None)


def event_goal(ev: Mapping[str, Any]) -> Goal | None:
    """The goal named by the event's ``icucoach-goal:`` tag, None if it carries none (or a bad one)."""
    for t in ev.get("tags") or ():
        if isinstance(t, str) and t.startswith(GOAL_TAG):
            day, _, prio = t[len(GOAL_TAG) :].partition(":")
            try:
                return Goal(date.fromisoformat(day), prio)
            except ValueError:
                return None
    return None


def tagged_goals(events: Sequence[Mapping[str, Any]]) -> tuple[Goal, ...]:
    """The goals our events name, one per date, by date."""
    found = {g.date: g for e in events if is_ours(e) and (g := event_goal(e)) is not None}
    return tuple(found[d] for d in sorted(found))


def is_ours(ev: Mapping[str, Any]) -> bool:
    ext = ev.get("external_id")
    return isinstance(ext, str) and ext.startswith(EXTERNAL_ID_PREFIX)


def hand_edited(ev: Mapping[str, Any]) -> bool:
    """Did someone change this event of ours in the calendar since we wrote it?"""
    h = stored_hash(ev)
    return h is not None and h != event_hash(ev)


def _id_day(external_id: str) -> date | None:
    """The day a session was first planned for, from its ``icucoach-plan:<day>:<slot>`` id."""
    try:
        return date.fromisoformat(external_id[len(EXTERNAL_ID_PREFIX) :].split(":", 1)[0])
    except ValueError:
        return None


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _before(ev: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "external_id", "start_date_local", "type", "name", "icu_training_load", "moving_time")
    return {k: ev.get(k) for k in keys}


ACTIONS = ("add", "change", "remove", "keep")


@dataclass(frozen=True)
class Change:
    action: str  # "add" | "change" | "remove" | "keep"
    day: date
    external_id: str | None
    before: Mapping[str, Any] | None
    after: PlannedSession | None
    reason: str
    load_delta: float | None
    hand_edited: bool = False
    goal: Goal | None = None  # what the session builds toward (its event's goal tag)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "day": self.day.isoformat(),
            "external_id": self.external_id,
            "before": None if self.before is None else _before(self.before),
            "after": None if self.after is None else self.after.to_dict(),
            "reason": self.reason,
            "load_delta": None if self.load_delta is None else round(self.load_delta, 1),
            "hand_edited": self.hand_edited,
        }


@dataclass(frozen=True)
class CalendarDiff:
    changes: tuple[Change, ...]

    def writes(self) -> int:
        """Calls applying this diff makes: every add, change and remove (a keep writes nothing)."""
        return sum(1 for c in self.changes if c.action != "keep")

    def load_delta(self) -> float:
        return sum(c.load_delta or 0.0 for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        counts = {a: sum(1 for c in self.changes if c.action == a) for a in ACTIONS}
        return {
            "writes": self.writes(),
            "counts": counts,
            "hand_edited": sum(1 for c in self.changes if c.hand_edited),
            "load_delta": round(self.load_delta(), 1),
            "changes": [c.to_dict() for c in self.changes],
        }


def event_body(s: PlannedSession, goal: Goal | None = None) -> dict[str, Any]:
    """The POST /events body (EventEx field names) for a planned session building toward ``goal``; the
    server derives workout_doc, moving_time and icu_training_load from the description, as for any workout
    text."""
    tags = [PLAN_TAG, f"{HASH_TAG}{session_hash(s)}", f"icucoach-template:{s.template}"]
    if s.key:
        tags.append("icucoach-key")
    if goal is not None:
        tags.append(f"{GOAL_TAG}{goal.date.isoformat()}:{goal.priority}")
    return {
        "category": "WORKOUT",
        "start_date_local": f"{s.day.isoformat()}T00:00:00",
        "type": s.sport,
        "name": s.name,
        "description": s.workout_text,
        "external_id": s.external_id,
        "tags": tags,
    }


def diff_plan(
    plan: Plan, existing_events: Sequence[Mapping[str, Any]], *, window: tuple[date, date]
) -> CalendarDiff:
    """The changes that bring the calendar's ``window`` (inclusive) to ``plan``: planned sessions are matched
    to events by ``external_id``; only our events are changed or removed, and only inside the window."""
    lo, hi = window
    planned = {s.external_id: s for s in plan.sessions() if lo <= s.day <= hi}
    ours: dict[str, Mapping[str, Any]] = {}
    changes: list[Change] = []
    for ev in existing_events:
        if not is_ours(ev) or ev.get("category", "WORKOUT") != "WORKOUT":
            continue
        ext = str(ev["external_id"])
        day = event_day(ev)
        if ext not in planned and (day is None or not lo <= day <= hi):
            continue
        planned_for = _id_day(ext)
        if ext not in planned and planned_for is not None and planned_for < lo:
            continue  # a past session moved into the window by an adjustment: history, not this plan's
        if ext in ours:  # a duplicate (an apply retried without upsert): keep one
            changes.append(_remove(ev, day or lo, "duplicate of another event with the same external_id"))
            continue
        ours[ext] = ev
    for ext, s in planned.items():
        found = ours.get(ext)
        goal = goal_for(plan.request.goals, s.day)
        if found is None:
            changes.append(Change("add", s.day, ext, None, s, "new in the plan", s.load, goal=goal))
        else:
            changes.append(replace(_compare(found, s), goal=goal))
    for ext, ev in ours.items():
        if ext not in planned:
            changes.append(_remove(ev, event_day(ev) or lo, "no longer in the plan"))
    changes.sort(key=lambda c: (c.day, c.external_id or "", ACTIONS.index(c.action)))
    return CalendarDiff(tuple(changes))


def _remove(ev: Mapping[str, Any], day: date, reason: str) -> Change:
    edited = hand_edited(ev)
    if edited:
        reason += "; it was edited by hand in the calendar since icucoach wrote it"
    load = _num(ev.get("icu_training_load"))
    return Change(
        "remove", day, str(ev.get("external_id")), ev, None, reason, None if load is None else -load, edited
    )


def _compare(ev: Mapping[str, Any], s: PlannedSession) -> Change:
    before_load = _num(ev.get("icu_training_load"))
    delta = s.load - before_load if before_load is not None else None
    want, now, stored = session_hash(s), event_hash(ev), stored_hash(ev)
    edited = stored is not None and stored != now
    if now == want and not edited:
        return Change("keep", s.day, s.external_id, ev, s, "unchanged", 0.0)
    if edited:
        why = (
            "edited by hand in the calendar since icucoach wrote it; applying would overwrite that edit"
            if stored == want
            else "edited by hand in the calendar and changed in the plan; applying would overwrite the edit"
        )
        return Change("change", s.day, s.external_id, ev, s, why, delta, True)
    return Change("change", s.day, s.external_id, ev, s, _what_changed(ev, s), delta)


def _what_changed(ev: Mapping[str, Any], s: PlannedSession) -> str:
    parts = []
    if ev.get("name") != s.name:
        parts.append(f"{ev.get('name')} -> {s.name}")
    if ev.get("type") != s.sport:
        parts.append(f"sport {ev.get('type')} -> {s.sport}")
    mt = _num(ev.get("moving_time"))
    if mt is not None and round(mt / 60) != s.minutes:
        parts.append(f"{round(mt / 60)} -> {s.minutes} min")
    if event_day(ev) != s.day:
        parts.append(f"moved to {s.day.isoformat()}")
    if not parts:
        parts.append("workout steps changed")
    return "plan changed: " + ", ".join(parts)
