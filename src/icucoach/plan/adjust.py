"""Adjustment proposals from what happened: missed or shortened sessions, red flags (sick or injured,
readiness skip / modify, HRV below its range), an ACWR spike, a race moved next to a key session.

Each proposal is a calendar ``Change`` to one of our planned events with a reason; nothing is written here.
A missed key session moves to the first free-enough day of the coming week (a day with an easy session of
ours, which it replaces), never next to another hard day and never into the 48 h before a race; a missed
easy session is not made up. Readiness is analytics.readiness's decision; ACWR is analytics.acwr's coupled
7/28-day ratio over the done load and the next 7 planned days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.acwr import acwr
from icucoach.analytics.health import HEALTH_CATEGORIES, last_day
from icucoach.analytics.inputs import from_api_activity, from_api_event, from_api_wellness, sport_family
from icucoach.analytics.readiness import readiness, signals
from icucoach.analytics.recovery import recovery
from icucoach.analytics.result import Metric

from .diff import Change, event_day, event_goal, hand_edited, is_ours, tagged_goals
from .model import AthleteState, Goal, PlannedSession
from .sessions import ROLES, render

KINDS = ("move", "shorten", "swap", "drop", "add_recovery")
MISSED_LOOKBACK_DAYS = 7
SHORTENED_SHARE = 0.7  # done under 70 % of the planned time counts as shortened
RACE_GUARD_DAYS = 2  # no key session in the 48 h before a race
BACK_EASY_DAYS = 2  # the first days back after being sick or injured are easy


@dataclass(frozen=True)
class Adjustment:
    change: Change
    kind: str  # move / shorten / swap / drop / add_recovery
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "change": self.change.to_dict()}


def _tags(ev: Mapping[str, Any]) -> list[str]:
    return [t for t in ev.get("tags") or () if isinstance(t, str)]


def _template(ev: Mapping[str, Any]) -> str:
    for t in _tags(ev):
        if t.startswith("icucoach-template:"):
            return t.split(":", 1)[1]
    return ""


def is_key(ev: Mapping[str, Any]) -> bool:
    return "icucoach-key" in _tags(ev)


def is_hard(ev: Mapping[str, Any]) -> bool:
    t = _template(ev)
    return any(t in roles.get("hard", ()) for roles in ROLES.values())


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def as_session(ev: Mapping[str, Any], day: date | None = None) -> PlannedSession:
    """A planned event of ours as a session (to move it: ``day``)."""
    d = day or event_day(ev) or date.min
    mt = _num(ev.get("moving_time"))
    return PlannedSession(
        day=d,
        sport=str(ev.get("type") or ""),
        template=_template(ev),
        name=str(ev.get("name") or ""),
        minutes=round(mt / 60) if mt is not None else 0,
        load=_num(ev.get("icu_training_load")) or 0.0,
        intensity="hard" if is_hard(ev) else "easy",
        workout_text=str(ev.get("description") or ""),
        workout_doc=ev.get("workout_doc") or {},
        external_id=str(ev.get("external_id")),
        key=is_key(ev),
    )


class _Proposals:
    def __init__(
        self, events: list[Mapping[str, Any]], athlete: AthleteState, today: date, since: date
    ) -> None:
        self.events = events
        self.athlete = athlete
        self.today = today
        self.since = since  # the first day the activities cover
        self.out: list[Adjustment] = []
        self.touched: set[str] = set()
        self.hard_days = {event_day(e) for e in events if is_hard(e)}

    def add(
        self, kind: str, action: str, ev: Mapping[str, Any], after: PlannedSession | None, why: str
    ) -> None:
        ext = str(ev.get("external_id"))
        if ext in self.touched:
            return
        self.touched.add(ext)
        before = _num(ev.get("icu_training_load"))
        delta = (after.load if after else 0.0) - before if before is not None else None
        day = after.day if after else (event_day(ev) or self.today)
        edited = action != "keep" and hand_edited(ev)
        if edited:  # never silently over a hand edit: the approver sees it
            why += "; the session was edited by hand in the calendar and this replaces the edit"
        change = Change(action, day, ext, ev, after, why, delta, edited, event_goal(ev))
        self.out.append(Adjustment(change, kind, why))

    def easier(self, ev: Mapping[str, Any], role: str, minutes: int) -> PlannedSession | None:
        sport = str(ev.get("type") or "Ride")
        r = render(sport, role, max(20, minutes), self.athlete.settings_for(sport) or {})
        if r is None:
            return None
        base = as_session(ev)
        return replace(
            base,
            template=r.template,
            name=r.name,
            minutes=r.minutes,
            load=r.load,
            intensity="easy",
            workout_text=r.text,
            workout_doc=r.doc,
            key=False,
        )


def _guarded(day: date, races: Sequence[Goal]) -> Goal | None:
    for g in races:
        if 0 <= (g.date - day).days <= RACE_GUARD_DAYS:
            return g
    return None


def propose_adjustments(
    plan_events: Sequence[Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]],
    wellness: Sequence[Mapping[str, Any]],
    athlete: AthleteState,
    *,
    today: date,
    races: Sequence[Goal] = (),
    activities_since: date | None = None,
) -> tuple[Adjustment, ...]:
    """Proposed changes to the plan's calendar events (API event dicts), each with its reason.

    ``plan_events`` may hold the whole calendar: only our WORKOUT events are changed; SICK / INJURED
    events are read as red flags. ``races`` are the current race dates (a moved race included).
    ``activities`` are every activity from ``activities_since`` (default: the first one's day) to today;
    earlier days' load comes from ``athlete.recent_daily_load``."""
    ours = sorted(
        (e for e in plan_events if is_ours(e) and e.get("category", "WORKOUT") == "WORKOUT" and event_day(e)),
        key=lambda e: (event_day(e), str(e.get("external_id"))),
    )
    acts = [from_api_activity(a) for a in activities]
    since = activities_since or min((a.day for a in acts), default=today)
    # a goal given only to `plan build --goal` is on the calendar as our events' goal tags
    given = {g.date for g in races}
    races = [*races, *(g for g in tagged_goals(ours) if g.date not in given)]
    p = _Proposals(list(ours), athlete, today, since)
    _red_flags(p, plan_events, wellness, acts, races)
    _missed(p, acts, races)
    _race_guard(p, races)
    _acwr_spike(p, acts)
    return tuple(sorted(p.out, key=lambda a: (a.change.day, a.change.external_id or "")))


def _done_on(acts: Sequence[Any], day: date, sport: str) -> list[Any]:
    fam = sport_family(sport)
    return [a for a in acts if a.day == day and a.family == fam]


def _missed(p: _Proposals, acts: Sequence[Any], races: Sequence[Goal]) -> None:
    start = p.today - timedelta(days=MISSED_LOOKBACK_DAYS)
    cut: list[str] = []
    for ev in p.events:
        d = event_day(ev)
        if d is None or not start <= d < p.today:
            continue
        done = _done_on(acts, d, str(ev.get("type") or ""))
        planned_s = _num(ev.get("moving_time"))
        if done:
            secs = sum(a.duration or 0 for a in done)
            if planned_s and secs < SHORTENED_SHARE * planned_s:
                cut.append(f"{d.isoformat()} ({secs / 60:.0f} of {planned_s / 60:.0f} min)")
            continue
        if not is_key(ev):
            why = (
                f"missed easy session of {d.isoformat()} ({ev.get('name')}): not made up, "
                "easy volume is not worth crowding the week"
            )
            p.add("drop", "keep", ev, None, why)
            continue
        target = _slot_for(p, ev, races)
        if target is None:
            why = (
                f"missed key session of {d.isoformat()} ({ev.get('name')}): no day in the coming week "
                "takes it without two hard days in a row or a race within 48 h, so it is dropped"
            )
            p.add("drop", "keep", ev, None, why)
            continue
        day, displaced = target
        why = f"missed key session of {d.isoformat()} ({ev.get('name')}) moved to {day.isoformat()}"
        if displaced is not None:
            why += f" in place of {displaced.get('name')}"
            p.add(
                "drop",
                "remove",
                displaced,
                None,
                f"{displaced.get('name')} on {day.isoformat()} makes room for the missed key session",
            )
        p.add("move", "change", ev, as_session(ev, day), why)
        p.hard_days.add(day)
    if len(cut) >= 2:  # sessions cut short again and again: fatigue, not a schedule problem
        nxt = [e for e in p.events if (event_day(e) or date.min) >= p.today and (is_hard(e) or is_key(e))]
        for ev in nxt[:1]:
            minutes = round((_num(ev.get("moving_time")) or 3600) / 60)
            after = p.easier(ev, "recovery", min(45, minutes))
            if after is not None:
                why = f"{len(cut)} sessions cut short in the last week ({', '.join(cut)}): an easy day first"
                p.add("add_recovery", "change", ev, after, why)


def _slot_for(
    p: _Proposals, ev: Mapping[str, Any], races: Sequence[Goal]
) -> tuple[date, Mapping[str, Any] | None] | None:
    by_day: dict[date, list[Mapping[str, Any]]] = {}
    for e in p.events:
        d = event_day(e)
        if d is not None:
            by_day.setdefault(d, []).append(e)
    for k in range(7):
        day = p.today + timedelta(days=k)
        if _guarded(day, races) is not None:
            continue
        if any(h is not None and abs((h - day).days) <= 1 for h in p.hard_days):
            continue
        others = [e for e in by_day.get(day, []) if str(e.get("external_id")) not in p.touched]
        if any(is_key(e) or is_hard(e) for e in others):
            continue
        if others:
            return day, others[0]
    return None


def _red_flags(
    p: _Proposals,
    calendar: Sequence[Mapping[str, Any]],
    wellness: Sequence[Mapping[str, Any]],
    acts: Sequence[Any],
    races: Sequence[Goal],
) -> None:
    well = [from_api_wellness(w) for w in wellness]
    ill_until: date | None = None
    what = "sick"
    for e in calendar:
        if e.get("category") in HEALTH_CATEGORIES and event_day(e) is not None:
            h = from_api_event(e)
            last = last_day(h.day, h.end_day)  # Intervals.icu's end date is exclusive
            # an entry covering today, or one that ended so recently that today is among the first days back
            if h.day <= p.today <= last + timedelta(days=BACK_EASY_DAYS):
                ill_until = max(ill_until or last, last)
                what = h.category.lower()
    today_w = next((w for w in well if w.day == p.today), None)
    if ill_until is None and today_w is not None and (today_w.injury or 0) >= 3:
        ill_until, what = p.today + timedelta(days=1), "injured (wellness)"
    if ill_until is not None:
        for ev in p.events:
            d = event_day(ev)
            if d is not None and p.today <= d <= ill_until:
                p.add("drop", "remove", ev, None, f"{what} until {ill_until.isoformat()}: no training")
        for ev in p.events:
            d = event_day(ev)
            if (
                d is not None
                and max(ill_until, p.today - timedelta(days=1))
                < d
                <= ill_until + timedelta(days=BACK_EASY_DAYS)
                and (is_hard(ev) or is_key(ev))
            ):
                after = p.easier(ev, "recovery", 40)
                if after is not None:
                    p.add(
                        "swap",
                        "change",
                        ev,
                        after,
                        f"first days back after being {what}: easy before intensity",
                    )
        return
    rec = recovery(well, p.today)
    daily = _daily_done(acts, p.today, p.athlete, p.since)
    sod = (
        acwr(daily).start_of_day
        if daily
        else Metric.none("acwr_start_of_day", "load history unknown", "ratio")
    )
    form = Metric.of("form", p.athlete.ctl - p.athlete.atl, "load/day")
    r = readiness(signals(rec, sod, form, p.athlete.phase), p.athlete.phase)
    hrv_low = rec.hrv.status in ("amber", "red")
    if r.decision == "go" and not hrv_low:
        return
    why = f"readiness {r.decision}: {r.rule}" if r.decision != "go" else "HRV below its normal range"
    for ev in p.events:
        d = event_day(ev)
        if d != p.today:
            continue
        minutes = round((_num(ev.get("moving_time")) or 3600) / 60)
        if r.decision == "skip":
            after = p.easier(ev, "recovery", min(40, minutes))
            if after is not None:
                p.add("swap", "change", ev, after, why + "; at most 30-45 min very easy")
            else:
                p.add("drop", "remove", ev, None, why)
        elif is_hard(ev) or is_key(ev):
            after = p.easier(ev, "easy", int(minutes * 0.8))
            if after is not None:
                p.add("swap", "change", ev, after, why + "; intervals replaced by an endurance session")


def _daily_done(acts: Sequence[Any], end: date, athlete: AthleteState, since: date) -> list[float] | None:
    """Done load per day for the 28 days ending ``end``; None when a day of them is unknown.

    The activities cover ``since`` onwards (a day without one is a rest day); a day before ``since`` comes
    from ``athlete.recent_daily_load`` (whose last entry is ``athlete.today``) and is never taken as 0:
    a zero chronic load would make any coming week look like a spike."""
    hist = athlete.recent_daily_load
    out: list[float] = []
    for k in range(27, -1, -1):
        day = end - timedelta(days=k)
        if day >= since:
            out.append(sum(a.load for a in acts if a.day == day and a.load is not None))
            continue
        back = (athlete.today - day).days
        if not 0 <= back < len(hist):
            return None
        out.append(float(hist[len(hist) - 1 - back]))
    return out


def _race_guard(p: _Proposals, races: Sequence[Goal]) -> None:
    for ev in p.events:
        d = event_day(ev)
        if d is None or d < p.today or not (is_key(ev) or is_hard(ev)):
            continue
        g = _guarded(d, races)
        if g is None:
            continue
        when = "on race day" if g.date == d else f"{(g.date - d).days * 24} h before the {g.priority} race"
        if g.date == d:
            p.add("drop", "remove", ev, None, f"{ev.get('name')} would fall {when} ({g.date.isoformat()})")
            continue
        after = p.easier(ev, "opener", 40) if (g.date - d).days == 1 else p.easier(ev, "easy", 45)
        if after is not None:
            p.add(
                "swap",
                "change",
                ev,
                after,
                f"{ev.get('name')} would fall {when} ({g.date.isoformat()}): swapped for an easier session",
            )
        else:
            p.add("drop", "remove", ev, None, f"{ev.get('name')} would fall {when} ({g.date.isoformat()})")


def _acwr_spike(p: _Proposals, acts: Sequence[Any], hi: float = 1.3) -> None:
    done = _daily_done(acts, p.today - timedelta(days=1), p.athlete, p.since)
    if done is None:  # without the last 28 days' load no ratio can be trusted
        return
    ahead = [0.0] * 7
    upcoming = []
    for ev in p.events:
        d = event_day(ev)
        if d is not None and 0 <= (d - p.today).days < 7 and str(ev.get("external_id")) not in p.touched:
            ahead[(d - p.today).days] += _num(ev.get("icu_training_load")) or 0.0
            upcoming.append(ev)
    ratio = acwr([*done, *ahead]).coupled.value
    if ratio is None or ratio <= hi:
        return
    chronic = sum([*done, *ahead][-28:]) / 28
    excess = sum(ahead) - (hi - 0.05) * chronic * 7
    for ev in sorted(upcoming, key=lambda e: (is_key(e), -(_num(e.get("icu_training_load")) or 0))):
        if excess <= 0:
            break
        load = _num(ev.get("icu_training_load")) or 0.0
        minutes = round((_num(ev.get("moving_time")) or 0) / 60)
        if is_key(ev) or minutes < 40:
            continue
        keep = max(0.5, 1 - excess / load) if load else 0.5
        after = p.easier(ev, "easy", int(minutes * keep))
        if after is not None:
            p.add(
                "shorten",
                "change",
                ev,
                after,
                f"projected ACWR {ratio:.2f} over {hi:.1f} in the next 7 days: shortened",
            )
            excess -= load - after.load
