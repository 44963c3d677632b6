"""One week of sessions for a minutes target: which days train, which session is long / hard / moderate /
easy, how long each is, which sport, and the rendered workouts.

Rules (docs/planning.md): only available days, each within its minutes; at least one rest day a week; the
long session on the long day; hard sessions never on consecutive days (also across the week boundary) nor
in the 48 h before a race; the day before a race an opener; polarised = about one session in five above
LT2 and the rest below LT1 (Seiler), pyramidal = one in five at tempo / sweet spot plus one hard from five
sessions; recurring rules first, as fixed sessions or rest days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from icucoach.workouts.templates import TEMPLATES

from .model import Goal, PlannedSession, PlanRequest, Recurrence
from .sessions import MIN_MINUTES, ROLES, render, render_keys, role_of_template, session

QUALITY = ("hard", "moderate")


@dataclass(frozen=True)
class DayInfo:
    day: date
    avail: int  # minutes, 0 = unavailable
    factor: float  # volume kept (taper < 1)
    race: Goal | None  # a race on this day
    days_to_race: int | None  # days until the next race (1 = the day before)
    rest: bool  # a rest rule, or the day after an A/B race
    fixed: Recurrence | None  # a session rule for this weekday


@dataclass(frozen=True)
class WeekSpec:
    index: int
    kind: str  # build / recovery / taper / race
    minutes: int  # target before the day factors
    exclude: frozenset[date] = frozenset()  # days dropped to bring monotony down


def _round5(m: float, cap: int) -> int:
    v = int(round(m / 5.0) * 5)
    return min(v, cap - cap % 5 if cap >= 5 else cap)


def _quality_counts(n: int, kind: str, distribution: str) -> tuple[int, int]:
    """(hard, moderate) sessions for ``n`` sessions in a week of ``kind``."""
    if distribution == "pyramidal":
        moderate = max(1, round(0.2 * n)) if n >= 2 else 0
        hard = 1 if n >= 5 else 0
        if kind == "recovery":
            return 0, min(moderate, 1 if n >= 3 else 0)
        return hard, moderate
    hard = max(1, round(0.2 * n)) if n >= 3 else (1 if n == 2 else 0)
    if kind == "recovery":
        hard = 1 if n >= 4 else 0
    return hard, 0


def _adjacent(d: date, days: set[date]) -> bool:
    return (d - timedelta(days=1)) in days or (d + timedelta(days=1)) in days


def _near_race(info: DayInfo) -> bool:
    return info.days_to_race is not None and info.days_to_race <= 2


def _assign_sports(
    roles: list[tuple[DayInfo, str, int]], shares: Mapping[str, float], week: int
) -> dict[date, str]:
    """Sport per session: quality sessions take the sports in turn week by week (biggest share first, so
    every sport gets its intervals), then the rest longest first to the sport furthest below its share."""
    total = sum(m for _, _, m in roles) or 1
    done = dict.fromkeys(shares, 0.0)
    out: dict[date, str] = {}
    order = sorted(shares, key=lambda s: (-shares[s], s))
    quality = sorted((r for r in roles if r[1] in QUALITY), key=lambda r: r[0].day)
    for j, (info, role, minutes) in enumerate(quality):
        able = [s for s in order if role in ROLES.get(s, {})] or order
        pick = able[(week + j) % len(able)]
        out[info.day] = pick
        done[pick] += minutes
    rest = [r for r in roles if r[1] not in QUALITY]
    for info, role, minutes in sorted(rest, key=lambda r: (-r[2], r[0].day)):
        able = [s for s in shares if role in ROLES.get(s, {})] or list(shares)
        best = max(able, key=lambda s: (shares[s] * total - done[s], shares[s], s))
        out[info.day] = best
        done[best] += minutes
    return out


def build_week(
    days: Sequence[DayInfo],
    spec: WeekSpec,
    req: PlanRequest,
    shares: Mapping[str, float],
    settings_for: Any,
    hard_before: set[date],
) -> list[PlannedSession]:
    """The week's sessions for ``spec`` (``hard_before``: hard days already planned, for adjacency)."""
    out: list[PlannedSession] = []
    remaining = float(spec.minutes)
    trained: set[date] = set()
    rule_roles: dict[date, str] = {}
    for info in days:  # recurring sessions first: they are the athlete's own fixed points
        if not rule_applies(info):
            continue
        s = _fixed(info, info.fixed, shares, settings_for, spec.kind)  # type: ignore[arg-type]
        if s is not None:
            out.append(s)
            trained.add(info.day)
            rule_roles[info.day] = rule_role(info.fixed)  # type: ignore[arg-type]
            remaining -= s.minutes
    free = [
        i
        for i in days
        if i.avail >= 20
        and i.race is None
        and not i.rest
        and i.day not in trained
        and i.day not in spec.exclude
        and not (i.fixed and i.fixed.kind == "rest")
    ]
    if len(free) + len(trained) >= 7 and free:  # one rest day a week at least (Foster: monotony)
        free.remove(min(free, key=lambda i: (i.avail, i.day)))
    opener = [i for i in free if i.days_to_race == 1]
    free = [i for i in free if i.days_to_race != 1]
    # A taper cuts sessions as well as minutes: count them on the volume the taper days keep.
    kept = remaining * (sum(i.factor for i in free) / len(free) if free else 1.0)
    floor = 40 if spec.kind in ("taper", "race") else 20  # a taper week too small for a session rests
    n = 0 if kept < floor else min(len(free), max(1, round(kept / 60)))
    if n == 0 and not opener:
        return _sorted(out)
    long_pool = [i for i in free if not _near_race(i)]
    long_day: DayInfo | None = None
    # A long rule ("long run every Sunday") is the week's long session: no second one.
    if (
        long_pool and n >= 3 and "long" not in rule_roles.values()
    ):  # with one or two sessions there is no "long" one
        wanted = [i for i in long_pool if i.day.weekday() == req.availability.long_day]
        long_day = wanted[0] if wanted else max(long_pool, key=lambda i: (i.avail, i.day))
    rest_pool = sorted((i for i in free if i is not long_day), key=lambda i: (-i.avail, i.day))
    chosen = ([long_day] if long_day else []) + rest_pool[: n - (1 if long_day else 0)]
    hard_n, mod_n = _quality_counts(len(chosen) + len(out), spec.kind, req.distribution)
    # The rules' quality sessions are part of the week's quota, and their hard days count for adjacency.
    hard_n -= list(rule_roles.values()).count("hard")
    mod_n -= list(rule_roles.values()).count("moderate")
    hard_days = set(hard_before) | {s.day for s in out if s.intensity == "hard"}
    roles: dict[date, str] = {}
    if long_day is not None:
        roles[long_day.day] = "long"
    near_long = {long_day.day} if long_day else {d for d, r in rule_roles.items() if r == "long"}
    for role, count in (("hard", hard_n), ("moderate", mod_n)):
        cands = sorted(
            (i for i in chosen if i.day not in roles and not _near_race(i)),
            key=lambda i: (_adjacent(i.day, near_long), _adjacent(i.day, hard_days), -i.avail, i.day),
        )
        for i in cands:
            if count <= 0:
                break
            if role == "hard" and not req.allow_back_to_back_hard and _adjacent(i.day, hard_days):
                continue
            roles[i.day] = role
            if role == "hard":
                hard_days.add(i.day)
            count -= 1
    for i in chosen:
        roles.setdefault(i.day, "easy")
    minutes = _allocate(chosen, roles, remaining)
    for i in opener:
        roles[i.day] = "opener"
        minutes[i.day] = min(i.avail, max(MIN_MINUTES["opener"], min(40, round(0.2 * spec.minutes))))
    infos = {i.day: i for i in [*chosen, *opener]}
    plan_roles = [(infos[d], roles[d], minutes[d]) for d in minutes if minutes[d] > 0]
    sports = _assign_sports(plan_roles, shares, spec.index)
    q = 0  # quality sessions rotate by their count in the week, not by day: a partial week rotates alike
    for info, role, m in sorted(plan_roles, key=lambda r: r[0].day):
        s = _render_session(info, role, m, sports[info.day], settings_for, spec.index + q, spec.kind)
        q += role in QUALITY
        if s is not None:
            out.append(s)
    return _sorted(out)


def _is_key(role: str, kind: str) -> bool:
    """A week's key sessions: its long and hard ones in build and taper weeks."""
    return role in ("hard", "long") and kind in ("build", "taper")


def _sorted(sessions: list[PlannedSession]) -> list[PlannedSession]:
    return sorted(sessions, key=lambda s: (s.day, s.external_id))


def _allocate(chosen: list[DayInfo], roles: dict[date, str], total: float) -> dict[date, int]:
    """Minutes per chosen day: quality ~15 % of the week (45-90 min), long ~30 % (60-300), easy the rest;
    what a day cannot hold goes to the long day, then the easy days, then the quality days."""
    caps = {i.day: i.avail for i in chosen}
    out: dict[date, float] = {}
    for i in chosen:
        r = roles[i.day]
        if r in QUALITY:
            out[i.day] = min(caps[i.day], max(45.0, min(90.0, 0.15 * total)))
        elif r == "long":
            out[i.day] = min(caps[i.day], max(60.0, min(300.0, 0.3 * total)))
    easy = [i.day for i in chosen if i.day not in out]
    left = total - sum(out.values())
    for d in easy:
        out[d] = min(caps[d], max(0.0, left / len(easy)))
    longs = [d for d in out if roles[d] == "long"]
    if longs and easy:  # the long session is never shorter than an easy one when its day has the time
        d0 = longs[0]
        pool = out[d0] + sum(out[d] for d in easy)
        want = min(caps[d0], pool / (len(easy) + 1) + 5)
        if want > out[d0]:
            out[d0] = want
            for d in easy:
                out[d] = min(caps[d], max(0.0, (pool - want) / len(easy)))
    for group, ceiling in (("long", 360.0), ("easy", 600.0), ("recovery", 600.0), ("q", 120.0)):
        left = total - sum(out.values())
        for d in sorted(out):
            if left <= 1:
                break
            r = roles[d]
            if (group == "q" and r in QUALITY) or r == group:
                add = min(left, min(caps[d], ceiling) - out[d])
                if add > 0:
                    out[d] += add
                    left -= add
    res: dict[date, int] = {}
    for d, m in out.items():
        r = roles[d]
        v = _round5(m, caps[d])
        res[d] = v if v >= MIN_MINUTES[r] else 0
    if all(v == 0 for v in res.values()) and res:  # a tiny week: one short session rather than none
        d = max(res, key=lambda k: caps[k])
        res[d] = min(caps[d], max(MIN_MINUTES[roles[d]], _round5(total, caps[d])))
    return res


def _render_session(
    info: DayInfo, role: str, minutes: int, sport: str, settings_for: Any, rotation: int, kind: str
) -> PlannedSession | None:
    # Taper: volume goes, intensity stays (Mujika & Padilla 2003): quality sessions keep >= 75 %.
    factor = info.factor if role not in QUALITY else max(info.factor, 0.75)
    if role == "opener":
        factor = 1.0
    m = int(round(minutes * factor / 5.0) * 5)
    if m < MIN_MINUTES[role]:
        if role not in QUALITY and factor < 1.0:
            return None  # a taper day too short for the session: rest is the taper
        m = MIN_MINUTES[role]
    if m > info.avail:
        return None
    ss = settings_for(sport)
    while m >= 10:
        r = render(sport, role, m, ss, rotation if role in QUALITY else 0)
        if r is None:
            return None
        if r.minutes <= info.avail:
            return session(info.day, sport, role, r, key=_is_key(role, kind))
        m -= 5
    return None


def rule_role(rec: Recurrence) -> str:
    """The role a session rule plays in its week (easy when it names no template)."""
    return role_of_template(rec.template) if rec.template else "easy"


def rule_applies(info: DayInfo) -> bool:
    """Whether the day's session rule is planned as the rule says. Not on a race, a rest day or a day
    without time, and a long / hard / moderate rule not in the 48 h before a race (the taper's session for
    the day, or the opener, takes its place: build.rule_warnings says so)."""
    rec = info.fixed
    if rec is None or rec.kind != "session" or info.race is not None or info.rest or info.avail < 10:
        return False
    return not (_near_race(info) and rule_role(rec) in (*QUALITY, "long"))


def _fixed(
    info: DayInfo, rec: Recurrence, shares: Mapping[str, float], settings_for: Any, kind: str
) -> PlannedSession | None:
    t = TEMPLATES.get(rec.template or "")
    sport = rec.sport or (t.sport if t else None) or max(shares, key=lambda s: (shares[s], s))
    role = rule_role(rec)
    base = rec.minutes or (t.default_minutes if t else 60)
    m = min(info.avail, max(10, int(round(base * (info.factor if role not in QUALITY else 1.0)))))
    ss = settings_for(sport)
    keys = (rec.template,) if rec.template else ROLES.get(sport, {}).get("easy", ())
    while m >= 10:
        r = render_keys(tuple(k for k in keys if k), sport, m, ss)
        if r is None:
            return None
        if r.minutes <= info.avail:
            key = _is_key(role, kind)
            return session(info.day, sport, role, r, slot=f"r-{rec.id}", recurrence_id=rec.id, key=key)
        m -= 5
    return None
