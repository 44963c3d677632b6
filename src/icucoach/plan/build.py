"""``build_plan``: a periodised block of sessions from the template library for a request and an athlete.

The block runs in calendar weeks (Monday to Sunday) to the A race's week (or ``req.weeks`` weeks); the
first one is planned whole and keeps its days from ``req.start`` to its Sunday, so a re-plan a day later
fits the same weeks and keeps the same sessions where nothing changed. Week kinds: the A race's
week is "race", the weeks its taper touches are "taper", the rest cycle 3:1 build/recovery (2:1 below CTL
30). Each week is built for a minutes target (the budget; 65 % of it in a recovery week), then the target is
scaled until the week's end-of-week ACWR (7-day / 28-day coupled, as analytics.acwr) sits inside the band
and Foster monotony is under the limit. Loads are what the server computes for each workout text, and the
projection is analytics.load.project over the plan's daily loads. Rules and sources: docs/planning.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.acwr import acwr
from icucoach.analytics.days import week_start  # Monday-start: plan weeks are calendar weeks
from icucoach.analytics.load import pmc_series, project
from icucoach.analytics.monotony import monotony

from .model import (
    AthleteState,
    DayLoads,
    Plan,
    PlannedSession,
    PlanRequest,
    PlanWeek,
    Projection,
)
from .sessions import SPORTS
from .week import DayInfo, WeekSpec, build_week, rule_applies, rule_role

TAPER_DAYS = {"A": 12, "B": 6, "C": 2}
# Volume kept on taper days: A -40 % in its first days, -55 % in the last week (Bosquet 2007: -41-60 %).
TAPER_VOLUME = {"A": (0.6, 0.45), "B": (0.7, 0.7), "C": (0.85, 0.85)}
RECOVERY_SHARE = 0.65
STEP_LOADING = {3: (0.98, 1.02), 4: (0.97, 1.0, 1.03)}  # budget share per build week of a cycle
LOW_CTL = 30.0  # below it, 2:1 build/recovery cycles instead of 3:1
MAX_WEEKS = 52
ACWR_MARGIN = 0.03  # aim this far inside the band: template durations round to the minute


@dataclass(frozen=True)
class _Ctx:
    req: PlanRequest
    athlete: AthleteState
    shares: dict[str, float]

    def settings_for(self, sport: str) -> dict[str, Any]:
        return self.athlete.settings_for(sport) or {}


def _bounds(req: PlanRequest, n: int) -> list[tuple[date, date]]:
    """Each week's first and last day: calendar weeks, the first one from the start to its Sunday."""
    mon = week_start(req.start)
    return [(max(req.start, mon + timedelta(days=7 * i)), mon + timedelta(days=7 * i + 6)) for i in range(n)]


def _weeks(req: PlanRequest) -> tuple[int, list[str]]:
    a = req.a_race()
    if req.weeks:
        return max(1, min(MAX_WEEKS, req.weeks)), []
    if a is not None:
        return min(MAX_WEEKS, (a.date - week_start(req.start)).days // 7 + 1), []
    return 4, ["no A race and no number of weeks given: planned 4 weeks"]


def cycle_len(ctl: float) -> int:
    """Weeks per build/recovery cycle: 3 (2:1) below CTL 30, else 4 (3:1)."""
    return 3 if ctl < LOW_CTL else 4


def _kinds(req: PlanRequest, n: int, ctl: float) -> list[str]:
    a = req.a_race()
    cycle = cycle_len(ctl)
    out, c = [], 0
    for ws, we in _bounds(req, n):
        if a is not None and ws <= a.date <= we:
            out.append("race")
        elif a is not None and a.date - timedelta(days=TAPER_DAYS["A"]) <= we and ws < a.date:
            out.append("taper")
        else:
            out.append("recovery" if c % cycle == cycle - 1 else "build")
            c += 1
    return out


def _days(req: PlanRequest, n: int) -> list[DayInfo]:
    end = _bounds(req, n)[-1][1]
    goals = sorted(
        (g for g in req.goals if req.start <= g.date <= end + timedelta(days=2)), key=lambda g: g.date
    )
    rest_days = {r.weekday for r in req.recurrences if r.kind == "rest"}
    fixed = {r.weekday: r for r in req.recurrences if r.kind == "session"}
    a = req.a_race()
    out = []
    first = week_start(req.start)  # whole weeks: a partial first week is fitted as the whole week
    for k in range((end - first).days + 1):
        d = first + timedelta(days=k)
        factor, race, to_race = 1.0, None, None
        for g in goals:
            gap = (g.date - d).days
            if gap == 0:
                race = g
            elif 0 < gap <= TAPER_DAYS[g.priority]:
                early, late = TAPER_VOLUME[g.priority]
                factor = min(factor, late if gap <= 7 else early)
            if gap > 0 and (to_race is None or gap < to_race):
                to_race = gap
        after_race = any((d - g.date).days == 1 and g.priority in "AB" for g in goals)
        past_a = a is not None and d > a.date and req.weeks is None
        out.append(
            DayInfo(
                day=d,
                avail=req.availability.minutes(d.weekday()),
                factor=factor,
                race=race,
                days_to_race=to_race,
                rest=d.weekday() in rest_days or after_race or past_a,
                fixed=fixed.get(d.weekday()),
            )
        )
    return out


def _shares(req: PlanRequest, athlete: AthleteState) -> tuple[dict[str, float], list[str]]:
    warn = []
    shares = {s: float(v) for s, v in req.sports.items() if v and v > 0}
    for s in list(shares):
        if s not in SPORTS:
            warn.append(f"no templates for {s}: its share goes to the other sports")
            shares.pop(s)
        elif s == "Swim" and not (athlete.settings_for("Swim") or {}).get("threshold_pace"):
            warn.append("no swim threshold pace (CSS): swims are planned without pace targets")
    if not shares:
        shares = {"Ride": 1.0}
        warn.append("no sport with templates in the mix: planned rides")
    total = sum(shares.values())
    return {s: v / total for s, v in sorted(shares.items())}, warn


def _history(athlete: AthleteState, start: date) -> list[float]:
    """28 days of daily load ending the day before ``start``; days we do not know are at CTL (the mean
    daily load the athlete's fitness stands for) and the days between today and the start are rest."""
    hist = [float(x) for x in athlete.recent_daily_load[-28:]]
    gap = max(0, (start - athlete.today).days - 1)
    hist = [float(athlete.ctl)] * max(0, 28 - len(hist)) + hist + [0.0] * gap
    return hist[-28:] if gap == 0 else hist


def _week_loads(days: Sequence[DayInfo], sessions: Sequence[PlannedSession]) -> list[float]:
    by_day = {d.day: 0.0 for d in days}
    for s in sessions:
        by_day[s.day] += s.load
    return [by_day[d.day] for d in days]


def _ratio(hist: Sequence[float], week: Sequence[float]) -> float | None:
    return acwr([*hist[-(28 - len(week)) :], *week]).coupled.value


def _mono(week: Sequence[float]) -> float | None:
    return monotony(week).monotony.value


def _budget_minutes(ctx: _Ctx, days: Sequence[DayInfo]) -> tuple[int, list[str]]:
    """Weekly minutes for the budget: the hours, or the minutes whose sessions add up to the weekly load
    (calibrated on a plain build week), or the athlete's current weekly load + 5 % when neither is given."""
    req = ctx.req
    if req.weekly_hours is not None:
        return int(round(req.weekly_hours * 60)), []
    warn = []
    load = req.weekly_load
    if load is None:
        load = max(70.0, ctx.athlete.ctl * 7 * 1.05)
        warn.append(f"no weekly hours or load given: aiming at {load:.0f} load/week (current CTL x 7 + 5 %)")
    probe = [replace(d, factor=1.0, race=None, days_to_race=None, rest=False) for d in days[:7]]
    minutes = int(load / 60 * 60)
    for _ in range(3):
        got = sum(
            s.load
            for s in build_week(
                probe, WeekSpec(0, "build", minutes), req, ctx.shares, ctx.settings_for, set()
            )
        )
        if got <= 0:
            break
        minutes = int(minutes * load / got)
    return max(30, minutes), warn


@dataclass
class _Fit:
    """A week's sessions after the fitting loop, the minutes target it ended on and what held it."""

    sessions: list[PlannedSession]
    target: float
    why: str


def _fit_week(
    ctx: _Ctx,
    wdays: Sequence[DayInfo],
    spec: WeekSpec,
    budget: int,
    hist: Sequence[float],
    hard: set[date],
    max_build: float,
) -> _Fit:
    """Build the week, then scale its minutes target until the end-of-week ACWR is inside the band, the
    hours inside the budget, a taper week under the build weeks and monotony under the limit (dropping the
    smallest easy session). Session counts are discrete, so targets can oscillate: after 12 tries the
    biggest week that kept every rule wins."""
    req, athlete = ctx.req, ctx.athlete
    hi, lo_aim = req.acwr_band[1] - ACWR_MARGIN, req.acwr_band[0] + ACWR_MARGIN
    kind, target, exclude, why = spec.kind, float(spec.minutes), spec.exclude, ""
    # A B/C race's taper days are cut on purpose: the minutes they drop are not given back elsewhere.
    grows = kind == "build" and not race_tapered(wdays)
    s21 = sum(hist[-21:])
    best: tuple[float, list[PlannedSession]] | None = None
    sessions: list[PlannedSession] = []
    for _ in range(12):
        sessions = build_week(
            wdays,
            replace(spec, minutes=int(target), exclude=exclude),
            req,
            ctx.shares,
            ctx.settings_for,
            hard,
        )
        loads = _week_loads(wdays, sessions)
        total, planned, mono = sum(loads), sum(x.minutes for x in sessions), _mono(loads)
        r = 4 * total / (s21 + total) if s21 + total > 0 else None  # 7-day / 28-day at the week's end
        fits = (
            (r is None or r <= req.acwr_band[1])
            and planned <= 1.1 * budget
            and (mono or 0) < req.max_monotony
        )
        if fits and (best is None or total > best[0]):
            best = (total, sessions)
        if r is not None and r > hi and total > 0:
            cap = hi * s21 / (4 - hi)
            if spec.index == 0 and s21 < 0.25 * 21 * athlete.ctl:
                # Next to no recent load: the ratio is unstable from a near-zero chronic load
                # (Impellizzeri 2020), so the first week may carry what the athlete's CTL stands for.
                cap = max(cap, 7 * athlete.ctl)
            if total > cap:
                target *= max(0.2, min(0.97, cap / total))
                why = "the ACWR band"
                continue
        cap_share = {"taper": 0.9, "race": 0.75}.get(kind)
        if cap_share and max_build and total > cap_share * max_build:
            # A taper week is lighter than any build week, the race week clearly so.
            target *= (cap_share - 0.05) * max_build / total
            continue
        if planned > 1.08 * budget:  # template durations round up: stay inside the +10 %
            target *= 1.05 * budget / planned
            continue
        if grows and r is not None and r < lo_aim and total > 0 and target < 1.05 * budget - 5:
            grown = min(1.05 * budget, target * min(1.5, lo_aim * s21 / (4 - lo_aim) / total))
            if grown > target + 5:
                target = grown
                continue
        if grows and not why and 0 < planned < 0.93 * budget and target < 1.08 * budget:
            grown = min(1.08 * budget, target * 0.96 * budget / planned)
            if grown > target + 2:  # template durations rounded the week down: give it back
                target = grown
                continue
        if mono is not None and mono >= req.max_monotony:
            easy = [s for s in sessions if s.intensity == "easy" and not s.key and s.recurrence_id is None]
            if len(easy) > 1:
                exclude = exclude | {min(easy, key=lambda s: (s.load, s.day)).day}
                why = why or "the monotony limit"
                continue
        return _Fit(sessions, target, why)
    return _Fit(best[1] if best is not None else sessions, target, why)


def race_tapered(wdays: Sequence[DayInfo]) -> bool:
    """A week a B/C race (or its taper) cuts: not a build week to step the next weeks from."""
    return any(d.factor < 1.0 or d.race is not None for d in wdays)


def hard_seed(
    req: PlanRequest, athlete: AthleteState, days: Sequence[DayInfo], before: Sequence[PlannedSession]
) -> set[date]:
    """Hard days the block must not put a hard session next to, known before any week is built: the hard
    sessions kept (before the start, or before today when rules are edited); the Sunday before a Monday
    start when the athlete's load that day (what was done, as the input's recent daily loads carry it)
    reached CTL, the mean daily load their fitness stands for: a full training day, maybe a hard one, so day
    1 is not hard (the first week's own days before a later start are planned, their hard days counted);
    and every hard rule's day over the block (no hard session the day before next week's rule)."""
    out = {s.day for s in before if s.intensity == "hard"}
    eve = req.start - timedelta(days=1)
    loads = athlete.recent_daily_load
    back = (athlete.today - eve).days  # 0: the last load is the eve's
    monday = req.start.weekday() == 0
    if monday and 0 <= back < len(loads) and athlete.ctl > 0 and loads[-1 - back] >= athlete.ctl:
        out.add(eve)
    out |= {d.day for d in days if rule_applies(d) and d.fixed and rule_role(d.fixed) == "hard"}
    return out


def rule_warnings(days: Sequence[DayInfo]) -> list[str]:
    """What became of rules the block could not follow as written: a rule on a day without training time
    (never planned), and a long / hard rule in the 48 h before a race (the taper's session instead)."""
    out: list[str] = []
    seen: set[str] = set()
    for d in days:
        rec = d.fixed
        if rec is None or rec.kind != "session":
            continue
        label = f"rule {rec.id} ({rec.template or 'session'})"
        if d.avail < 10 and rec.id not in seen:
            seen.add(rec.id)
            out.append(f"{label}: {d.day.strftime('%a')} is not a training day, so the rule is never planned")
        elif d.avail >= 10 and d.race is None and not d.rest and not rule_applies(d):
            out.append(f"{label} on {d.day}: within 48 h of a race, the taper's session takes its place")
    return out


def _within_band(
    req: PlanRequest, wdays: Sequence[DayInfo], sessions: Sequence[PlannedSession], hist: Sequence[float]
) -> tuple[list[PlannedSession], list[str]]:
    """The week's sessions with its end-of-week ACWR (on the loads before it as they are, not as the fit
    assumed) inside the band: the smallest easy session goes first, never a rule's, a key one or the
    opener; a week that cannot drop one (a single session) keeps it and says so."""
    hi, out = req.acwr_band[1], list(sessions)
    while True:
        r = _ratio(hist, _week_loads(wdays, out))
        if r is None or r <= hi:
            return out, []
        spare = [s for s in out if s.recurrence_id is None and not s.key and "opener" not in s.template]
        if len(out) < 2 or not spare:
            return out, [
                f"week of {wdays[0].day}: ACWR {r:.2f}, over the band's {hi}: "
                "the load before it is low for even this week's smallest plan"
            ]
        out.remove(min(spare, key=lambda s: (s.intensity == "hard", s.load, s.day)))


def _build_warnings(
    req: PlanRequest, wdays: Sequence[DayInfo], budget: int, minutes: int, ratio: float | None, why: str
) -> list[str]:
    """Why a build week is under its budget or under the ACWR band: a B/C race's taper when one cuts the
    week, else what held the fitting (the ACWR band, the monotony limit, the time, the session limits)."""
    start = wdays[0].day.isoformat()
    low = ratio is not None and ratio < req.acwr_band[0]
    if race_tapered(wdays):
        if minutes >= 0.9 * budget + 1 and not low:
            return []
        races = sorted(
            {g for d in wdays for g in req.goals if 0 <= (g.date - d.day).days <= TAPER_DAYS[g.priority]},
            key=lambda g: g.date,
        )
        named = ", ".join(f"the {g.priority} race on {g.date}" for g in races) or "a race"
        return [f"week of {start}: {minutes / 60:.1f} h planned, cut by the taper for {named}"]
    out = []
    if minutes < 0.9 * budget + 1:
        avail = sum(d.avail for d in wdays)
        why = why or ("the available time" if avail < 0.9 * budget else "the session limits")
        out.append(
            f"week of {start}: {minutes / 60:.1f} h planned, "
            f"under the {budget / 60:.1f} h budget, held by {why}"
        )
    if low:
        out.append(
            f"week of {start}: ACWR {ratio:.2f}, under the band's {req.acwr_band[0]}: "
            "the budget or the available time is below the athlete's recent load"
        )
    return out


def _base_minutes(kinds: Sequence[str], i: int, budget: int, last_build: int, ctl: float) -> int:
    """The week's minutes before fitting: step loading inside a cycle (Bompa & Haff: 97 / 100 / 103 % of
    the budget, 98 / 102 % in 2:1), 65 % of the last build week in a recovery week, and the last build
    week's minutes in the taper (it trims the block's real volume, not a budget the block never reached)."""
    kind = kinds[i]
    if kind == "recovery":
        return int(min(budget, last_build) * RECOVERY_SHARE)
    if kind != "build":
        return min(budget, last_build)
    step = 0
    while step < i and kinds[i - step - 1] == "build":
        step += 1
    steps = STEP_LOADING[cycle_len(ctl)]
    return int(budget * steps[min(step, len(steps) - 1)])


def build_plan(req: PlanRequest, athlete: AthleteState, before: Sequence[PlannedSession] = ()) -> Plan:
    """The plan for ``req``; deterministic for the same inputs. ``before``: sessions already done or kept
    before the start (their hard days are not followed by a hard day 1)."""
    n, warnings = _weeks(req)
    shares, w2 = _shares(req, athlete)
    warnings += w2
    ctx = _Ctx(req, athlete, shares)
    days = _days(req, n)
    kinds = _kinds(req, n, athlete.ctl)
    budget, w3 = _budget_minutes(ctx, days)
    warnings += w3
    warnings += rule_warnings([d for d in days if d.day >= req.start])
    hard = hard_seed(req, athlete, days, before)
    hist = _history(athlete, req.start)
    # The first week is fitted whole, from its Monday, on the history before it; only its days from the
    # start are kept. A re-plan a day later then fits the same week and keeps the same sessions.
    fit_hist = hist[: len(hist) - (req.start - days[0].day).days]
    weeks: list[PlanWeek] = []
    last_build, max_build, per_min = budget, 0.0, None
    for i, kind in enumerate(kinds):
        wdays = days[7 * i : 7 * i + 7]
        base = _base_minutes(kinds, i, budget, last_build, athlete.ctl)
        fit = _fit_week(ctx, wdays, WeekSpec(i, kind, base), budget, fit_hist, hard, max_build)
        if i == 0 and wdays[0].day < req.start and not [s for s in fit.sessions if s.day >= req.start]:
            # The whole week's sessions all fell before the start: plan the days left instead.
            wdays = [replace(d, avail=0) if d.day < req.start else d for d in wdays]
            fit = _fit_week(ctx, wdays, WeekSpec(i, kind, base), budget, fit_hist, hard, max_build)
        loads = _week_loads(wdays, fit.sessions)
        total, minutes = sum(loads), sum(s.minutes for s in fit.sessions)
        if kind == "build":
            if not race_tapered(wdays):  # a B/C race week is not the step the next weeks are scaled from
                last_build, max_build = minutes, max(max_build, total)
            warnings += _build_warnings(req, wdays, budget, minutes, _ratio(fit_hist, loads), fit.why)
        if per_min is None and minutes:
            per_min = total / minutes
        hard |= {s.day for s in fit.sessions if s.intensity == "hard"}
        left = [d for d in wdays if d.day >= req.start]
        kept, w4 = _within_band(req, left, [s for s in fit.sessions if s.day >= req.start], hist)
        warnings += w4
        hist = [*hist, *_week_loads(left, kept)]
        fit_hist = hist
        start = max(wdays[0].day, req.start)
        weeks.append(PlanWeek(start, kind, fit.target * (per_min or 0.0), tuple(kept), 0.0, 0.0, None, None))
    if max_build and max_build < 7 * athlete.ctl:
        warnings.append(
            f"the build weeks carry up to {max_build:.0f} load, under the {7 * athlete.ctl:.0f} a week the "
            f"athlete's CTL ({athlete.ctl:.0f}) stands for: fitness will fall over the block"
        )
    if athlete.compliance_pct is not None and athlete.compliance_pct < 70:
        warnings.append(
            f"recent compliance is {athlete.compliance_pct:.0f} %: "
            "a plan the athlete completes beats a bigger one"
        )
    return assemble(req, athlete, weeks, warnings)


def assemble(
    req: PlanRequest, athlete: AthleteState, weeks: Sequence[PlanWeek], warnings: Sequence[str]
) -> Plan:
    """The plan from its weeks' sessions: each week's hours, load, monotony and end-of-week ACWR, and the
    projection, recomputed from the sessions (used after build and after editing sessions)."""
    hist = _history(athlete, req.start)
    out = []
    for w in weeks:
        days = [w.start + timedelta(days=k) for k in range(7 - w.start.weekday())]
        loads = [sum(s.load for s in w.sessions if s.day == d) for d in days]
        minutes = sum(s.minutes for s in w.sessions)
        out.append(
            replace(
                w, hours=minutes / 60, load=sum(loads), monotony=_mono(loads), acwr_end=_ratio(hist, loads)
            )
        )
        hist = [*hist, *loads]
    projection, form = _project(req, athlete, out)
    return Plan(req, tuple(out), projection, form, tuple(warnings))


def _project(
    req: PlanRequest, athlete: AthleteState, weeks: Sequence[PlanWeek]
) -> tuple[tuple[Projection, ...], dict[str, float] | None]:
    """CTL/ATL/TSB per plan day (analytics.load.project); days between today and the start are rest."""
    daily = plan_daily_loads(weeks)
    c0, a0 = float(athlete.ctl), float(athlete.atl)
    gap = (req.start - athlete.today).days - 1
    if gap > 0:
        c, a = pmc_series([0.0] * gap, c0, a0)
        c0, a0 = float(c[-1]), float(a[-1])
    days = project(c0, a0, req.start, daily.loads)
    out = tuple(Projection(p.day, p.ctl, p.atl, p.form, p.planned_load) for p in days)
    a_race = req.a_race()
    form = None
    for p in out:
        if a_race is not None and p.day == a_race.date:
            form = {"ctl": p.ctl, "atl": p.atl, "tsb": p.tsb}
    return out, form


def plan_daily_loads(weeks: Sequence[PlanWeek]) -> DayLoads:
    """The plan's load per day from its first week's start (rest days 0)."""
    if not weeks:
        return DayLoads(date.min, ())
    start = weeks[0].start
    n = (week_start(weeks[-1].start) + timedelta(days=7) - start).days
    loads = [0.0] * n
    for w in weeks:
        for s in w.sessions:
            loads[(s.day - start).days] += s.load
    return DayLoads(start, tuple(loads))


def week_stats(loads: Sequence[float], hist: Sequence[float]) -> tuple[float | None, float | None]:
    """(monotony, end-of-week ACWR) of a week's daily loads after ``hist`` (28+ days before it)."""
    return _mono(loads), _ratio(hist, loads)
