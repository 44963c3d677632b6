"""Workout review: a planned workout and the activity that did it, compared step by step.

Owns the pure step-by-step comparison behind the coach console's workout review (issue 13):

1. **Plan.** The event's ``workout_doc`` is read with ``icucoach.workouts`` (repeats unrolled, distance steps
   given their duration from the pace target). Each step's target on the workout's primary basis (power, pace,
   HR) is resolved to the athlete's thresholds with ``chips.step_target``; which steps are *work* is
   ``chips.is_work_step``, so the review and the chip count the same repeats.
2. **Align.** Planned steps are matched in order with the activity's intervals (``icu_intervals`` of
   ``GET /activity/{id}/intervals``) by a small dynamic programme on durations: a step may take one interval
   or several consecutive ones (a steady hour recorded as 10-min auto-laps, a rep split by a lap press), a
   step may have no interval (*missed*: the athlete cut a rep), and an interval may have no step (an extra
   lap, listed but not judged). Interval type (WORK / RECOVERY) breaks ties.
3. **Judge.** Each matched step with a target is judged with the chip rule (``chips.judge``): inside the range
   widened by ``settings.chip_target_margin`` is a hit. Power is NP (``weighted_average_watts``), pace is
   speed, HR is average HR (under only when the peak never reached the range). On an HR plan, recovery steps
   are not judged: HR lags, so a recovery's HR says how hard the rep before it was. A recovery's or a
   cool-down's target is a ceiling: below it is still a hit.
4. **Across reps.** For the largest group of work reps with the same target: the fade (last rep's output vs
   the first's), the HR drift (HR per unit of output, last vs first) and the session's aerobic decoupling
   (the activity's own ``decoupling`` when the API gives it, else Pw:HR / Pa:HR over the intervals' two
   halves, metrics.md §10).

Values are in the units their names say; a value that cannot be known is None, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from icucoach.analytics.chips import is_work_step, judge, step_target
from icucoach.analytics.inputs import sport_family
from icucoach.analytics.planned_zones import primary_basis
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.workouts.doc import expand, from_workout_doc
from icucoach.workouts.model import PACE_UNIT_METRES, Repeat, Step
from icucoach.workouts.render import fmt_duration, fmt_pace_secs, render_step
from icucoach.workouts.resolve import Thresholds, step_seconds

KINDS = ("warmup", "work", "recovery", "cooldown", "steady")
VERDICTS = ("hit", "over", "under", "missed", "not_judged")
UNITS = {"power": "w", "pace": "m_s", "hr": "bpm"}
CEILINGS = ("recovery", "cooldown")  # steps whose target is a ceiling: under it is still a hit
# Alignment costs (dimensionless, against |ln(actual / planned duration)|): a missed step or an extra lap
# costs about what a factor-2.5 duration mismatch does, so laps are merged or skipped only when that fits
# the durations better than a forced match.
_MISS, _EXTRA, _MERGE, _TYPE, _UNTIMED = 1.0, 0.8, 0.02, 0.4, 0.3
_MAX_GROUP = 60  # laps one step may take (a 5-hour ride in 5-min auto-laps)


@dataclass(frozen=True)
class StepResult:
    """One planned step against the interval(s) that did it (``None`` where unknown, never 0)."""

    index: int  # position in the review (planned steps and extra laps in time order)
    label: str  # e.g. "Rep 2/4: 8m 95-105%"
    kind: str  # warmup / work / recovery / cooldown / steady
    rep: int | None  # 1-based rep number (inside its repeat, or among work steps outside repeats)
    planned_duration_s: int | None  # None for an extra lap the plan does not have
    actual_duration_s: int | None  # None for a missed step
    target_basis: str | None  # power / pace / hr
    target_lo: float | None  # in target_unit
    target_hi: float | None
    target_unit: str | None  # w / m_s / bpm
    actual: float | None  # power: NP (W); pace: speed (m/s); hr: average HR (bpm)
    actual_hr_bpm: float | None
    verdict: str  # hit / over / under / missed / not_judged
    delta_pct: float | None  # actual vs the nearest target edge, % of that edge (0 inside the range)
    interval_ids: tuple[int, ...] = ()  # the activity's interval ids this step took
    actual_power_w: float | None = None  # NP of the step, whatever the basis
    actual_speed_m_s: float | None = None
    max_hr_bpm: float | None = None
    gradient_pct: float | None = None  # average gradient over the step (terrain explains a slow rep)
    planned: bool = True  # False for an extra lap
    actual_unit: str | None = (
        None  # the unit of ``actual`` (the session's basis), also for a step without a target
    )

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, digits in _DIGITS.items():
            out[key] = _round(out[key], digits)
        out["interval_ids"] = list(self.interval_ids)
        return out


_DIGITS = {
    "target_lo": 3,
    "target_hi": 3,
    "actual": 3,
    "actual_hr_bpm": 0,
    "max_hr_bpm": 0,
    "actual_power_w": 0,
    "actual_speed_m_s": 3,
    "gradient_pct": 1,
    "delta_pct": 1,
}


@dataclass(frozen=True)
class StepReview:
    steps: list[StepResult]
    reps_hit: int  # work reps on target
    reps_total: int  # work reps planned
    rep_fade_pct: float | None  # last work rep's output vs the first's, same target (negative = faded)
    hr_drift_pct: float | None  # HR per unit output, last work rep vs first (positive = HR rose)
    decoupling_pct: float | None  # Pw:HR / Pa:HR: the activity's ``decoupling``, else from the intervals
    notes: list[str] = field(default_factory=list)
    basis: str | None = None  # the plan's primary target basis
    decoupling_source: str | None = None  # "activity" (the API's value) or "intervals" (computed here)
    pace_units: str | None = None  # pace plans: the athlete's display unit (secs/km, secs/100m ...)

    def reps(self, verdict: str) -> int:
        """Planned work reps with this verdict (``reps("hit") == reps_hit``)."""
        return sum(1 for s in self.steps if s.kind == "work" and s.planned and s.verdict == verdict)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("steps", "notes")}
        out.update({f"reps_{v}": self.reps(v) for v in ("over", "under", "missed")})
        for key, digits in (("rep_fade_pct", 1), ("hr_drift_pct", 1), ("decoupling_pct", 2)):
            out[key] = _round(out[key], digits)
        return {**out, "notes": list(self.notes), "steps": [s.to_dict() for s in self.steps]}


def _round(x: float | None, nd: int) -> float | None:
    return None if x is None else round(x, nd)


@dataclass(frozen=True)
class _Planned:
    step: Step
    kind: str
    rep: int | None
    reps: int | None
    secs: int
    target: tuple[float, float] | None  # on the basis, in the review's units (W, m/s, bpm)


@dataclass(frozen=True)
class _Done:
    """One interval, or several consecutive ones merged for one step."""

    ids: tuple[int, ...]
    secs: int | None
    np_w: float | None
    speed: float | None
    hr: float | None
    max_hr: float | None
    gradient: float | None


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) else None


def _secs(row: Mapping[str, Any]) -> int | None:
    for key in ("moving_time", "elapsed_time"):
        v = _num(row.get(key))
        if v is not None and v >= 0:
            return int(v)
    a, b = _num(row.get("start_index")), _num(row.get("end_index"))
    return int(b - a + 1) if a is not None and b is not None and b >= a else None


def _weighted(rows: Sequence[Mapping[str, Any]], key: str, power: float = 1.0) -> float | None:
    """Time-weighted mean of ``key`` (power 4 combines NPs: NP is a 4th-power mean)."""
    num = den = 0.0
    for r in rows:
        v, t = _num(r.get(key)), _secs(r)
        if v is None or v < 0:
            continue
        w = float(t) if t else 1.0
        num += w * v**power
        den += w
    return (num / den) ** (1 / power) if den > 0 else None


def _merge(rows: Sequence[Mapping[str, Any]]) -> _Done:
    secs = [_secs(r) for r in rows]
    known = [s for s in secs if s is not None]
    np_w = _weighted(rows, "weighted_average_watts", 4.0) or _weighted(rows, "average_watts")
    dist = [_num(r.get("distance")) for r in rows]
    moving = sum(known)
    if all(d is not None for d in dist) and moving > 0 and any(_num(r.get("average_speed")) for r in rows):
        speed: float | None = sum(d for d in dist if d is not None) / moving
    else:
        speed = _weighted(rows, "average_speed")
    peaks = [v for r in rows if (v := _num(r.get("max_heartrate"))) is not None]
    ids = tuple(int(i) for r in rows if isinstance(i := r.get("id"), int) and not isinstance(i, bool))
    return _Done(
        ids,
        moving if known else None,
        np_w,
        speed,
        _weighted(rows, "average_heartrate"),
        max(peaks) if peaks else None,
        _weighted(rows, "average_gradient"),
    )


def _rep_numbers(items: Sequence[Any]) -> list[tuple[int | None, int | None]]:
    """(rep, reps) for every step of ``expand`` (same order, same 10 000-rep cap)."""
    out: list[tuple[int | None, int | None]] = []
    for it in items:
        if isinstance(it, Repeat):
            n = max(0, min(it.reps, 10_000))
            out.extend((r + 1, n) for r in range(n) for _ in it.steps)
        elif isinstance(it, Step):
            out.append((None, None))
    return out


def _plan(
    doc: Mapping[str, Any] | None, sport: str | None, th: Thresholds, ftp: float | None
) -> tuple[str | None, list[_Planned]]:
    if not doc:
        return None, []
    try:
        w = from_workout_doc(dict(doc), sport)
    except (TypeError, ValueError, OverflowError):
        return None, []  # not the API's shape (e.g. "steps" not a list): no readable plan, laps still listed
    run = expand(w)
    reps = _rep_numbers(w.items)
    basis = primary_basis(doc, sport)
    work = [ph is None and basis is not None and is_work_step(s, run, basis, th) for s, ph in run]
    flat_work = [i for i, (wk, (rep, _)) in enumerate(zip(work, reps, strict=True)) if wk and rep is None]
    out: list[_Planned] = []
    for i, ((step, phase), (rep, n)) in enumerate(zip(run, reps, strict=True)):
        if phase is not None:
            kind = phase
        elif step.intensity in ("rest", "recovery"):
            kind = "recovery"
        elif work[i] and (rep is not None or len(flat_work) > 1):
            kind = "work"
        elif rep is not None or (flat_work and flat_work[0] < i < flat_work[-1]):
            kind = "recovery"
        else:
            kind = "steady"
        if kind == "work" and rep is None:
            rep, n = flat_work.index(i) + 1, len(flat_work)
        target = step_target(step, basis, th) if basis else None
        if target is not None and basis == "power":
            target = (target[0] * ftp / 100, target[1] * ftp / 100) if ftp else None
        if target is not None:
            target = (min(target), max(target))
        out.append(_Planned(step, kind, rep, n, step_seconds(step, th), target))
    return basis, out


def _match_cost(p: _Planned, secs: int, work_secs: int, laps: int) -> float:
    """|ln(actual / planned duration)|, plus a penalty when the laps' type (mostly WORK or not) is not the
    step's, plus a little per merged lap so that one lap of the right length beats two."""
    cost = abs(math.log(secs / p.secs)) if p.secs > 0 and secs > 0 else _UNTIMED
    want = {"work": True, "recovery": False}.get(p.kind)
    if want is not None and secs > 0 and (work_secs * 2 > secs) != want:
        cost += _TYPE
    return cost + _MERGE * (laps - 1)


def _align(plan: Sequence[_Planned], rows: Sequence[Mapping[str, Any]]) -> list[tuple[int | None, int, int]]:
    """The cheapest monotone alignment, as (plan index or None for an extra lap, first row, end row)."""
    n, m = len(plan), len(rows)
    secs = [_secs(r) or 0 for r in rows]
    work = [t if r.get("type") == "WORK" else 0 for r, t in zip(rows, secs, strict=True)]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            if j < m and c + _EXTRA < cost[i][j + 1]:
                cost[i][j + 1], back[i][j + 1] = c + _EXTRA, (i, j)
            if i == n:
                continue
            p = plan[i]
            if c + _MISS < cost[i + 1][j]:
                cost[i + 1][j], back[i + 1][j] = c + _MISS, (i, j)
            total = total_work = 0
            for k in range(j + 1, min(m, j + _MAX_GROUP) + 1):
                total += secs[k - 1]
                total_work += work[k - 1]
                cc = c + _match_cost(p, total, total_work, k - j)
                if cc < cost[i + 1][k]:
                    cost[i + 1][k], back[i + 1][k] = cc, (i, j)
                if p.secs <= 0 or total > 2.5 * p.secs + 60:
                    break  # more laps only make the duration worse
    path: list[tuple[int | None, int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        prev = back[i][j]
        assert prev is not None
        pi, pj = prev
        if pi == i:
            path.append((None, pj, j))  # extra lap
        elif pj == j:
            path.append((pi, j, j))  # missed step
        else:
            path.append((pi, pj, j))
        i, j = pi, pj
    return path[::-1]


def _delta_pct(v: float, lo: float, hi: float) -> float:
    if v > hi:
        return 100.0 * (v - hi) / hi if hi else 0.0
    if v < lo:
        return 100.0 * (v - lo) / lo if lo else 0.0
    return 0.0


def _label(p: _Planned) -> str:
    text = render_step(p.step).removeprefix("-").strip()
    head = {"warmup": "Warm-up", "cooldown": "Cool-down", "steady": "Steady"}.get(p.kind)
    if head is None:
        head = ("Rep" if p.kind == "work" else "Recovery") + (f" {p.rep}/{p.reps}" if p.rep else "")
    return f"{head}: {text}" if text else head


def _result(
    index: int,
    p: _Planned | None,
    d: _Done | None,
    basis: str | None,
    row_type: str | None,
    margin: float,
    laps: bool = True,
) -> StepResult:
    """One row of the review; ``laps`` is False when the activity has no intervals (nothing can be missed)."""
    actual = None
    if d is not None:
        actual = {"power": d.np_w, "pace": d.speed, "hr": d.hr}.get(basis or "")
    verdict, delta = "not_judged", None
    lo = hi = None
    if p is not None and p.target is not None:
        lo, hi = p.target
    if p is not None and d is None:
        verdict = "missed" if laps else "not_judged"
    elif (
        lo is not None
        and hi is not None
        and actual is not None
        and not (basis == "hr" and p and p.kind == "recovery")
    ):
        verdict = judge(actual, lo, hi, margin, d.max_hr if d is not None and basis == "hr" else None)
        delta = _delta_pct(actual, lo, hi)
        if verdict == "under" and p is not None and p.kind in CEILINGS:
            verdict = "hit"  # easier than an easy target is what the plan asked for
    if p is None:
        kind = "work" if row_type == "WORK" else "recovery"
        label = "Extra lap" if d is None or d.secs is None else f"Extra lap: {fmt_duration(d.secs)}"
    else:
        kind, label = p.kind, _label(p)
    return StepResult(
        index=index,
        label=label,
        kind=kind,
        rep=p.rep if p else None,
        planned_duration_s=p.secs if p and p.secs > 0 else None,
        actual_duration_s=d.secs if d else None,
        target_basis=basis if p is not None and p.target is not None else None,
        target_lo=lo,
        target_hi=hi,
        target_unit=UNITS.get(basis or "") if p is not None and p.target is not None else None,
        actual=actual,
        actual_unit=UNITS.get(basis or "") if actual is not None else None,
        actual_hr_bpm=d.hr if d else None,
        verdict=verdict,
        delta_pct=delta,
        interval_ids=d.ids if d else (),
        actual_power_w=d.np_w if d else None,
        actual_speed_m_s=d.speed if d else None,
        max_hr_bpm=d.max_hr if d else None,
        gradient_pct=d.gradient if d else None,
        planned=p is not None,
    )


def _output(s: StepResult, family: str) -> float | None:
    """What the athlete produced: power when recorded, else speed where speed means effort (run, swim)."""
    if s.actual_power_w:
        return s.actual_power_w
    if family in ("run", "swim", "walk", "rowing") and s.actual_speed_m_s:
        return s.actual_speed_m_s
    return None


def _fade_group(steps: Sequence[StepResult]) -> list[StepResult]:
    groups: dict[tuple[Any, ...], list[StepResult]] = {}
    for s in steps:  # planned reps only: an extra lap has no rep number and no target to fade from
        if s.kind == "work" and s.planned and s.actual_duration_s is not None:
            groups.setdefault((s.target_lo, s.target_hi, s.planned_duration_s), []).append(s)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= 2 else []


def _decoupling(rows: Sequence[Mapping[str, Any]], family: str) -> float | None:
    """Pw:HR (or Pa:HR) over the intervals' two halves by time, metrics.md §10."""
    timed = [(r, _secs(r) or 0) for r in rows]
    total = sum(t for _, t in timed)
    if total <= 0:
        return None
    halves: list[list[Mapping[str, Any]]] = [[], []]
    at = 0
    for r, t in timed:
        halves[0 if at + t / 2 <= total / 2 else 1].append(r)
        at += t
    ratios = []
    for half in halves:
        d = _merge(half) if half else None
        out = None if d is None else d.np_w or (d.speed if family in ("run", "swim", "walk") else None)
        if d is None or out is None or not d.hr:
            return None
        ratios.append(out / d.hr)
    return 100.0 * (ratios[0] - ratios[1]) / ratios[0]


def _pace_text(speed: float, th: Thresholds) -> str:
    unit = th.default_pace_units
    metres = PACE_UNIT_METRES.get(unit, 1000.0)
    return f"{fmt_pace_secs(metres / speed)} /{unit.removeprefix('secs/')}"


def _notes(
    review_steps: Sequence[StepResult],
    group: Sequence[StepResult],
    basis: str | None,
    th: Thresholds,
    fade: float | None,
    drift: float | None,
    dec: float | None,
    settings: AnalyticsSettings,
) -> list[str]:
    """Plain sentences with numbers: reps on target, missed reps, extra laps, fade, drift, decoupling."""
    notes: list[str] = []
    if review_steps and all(s.actual_duration_s is None for s in review_steps):
        notes.append("The activity has no recorded laps to compare with the plan.")
    work = [s for s in review_steps if s.kind == "work" and s.planned]  # the reps of the plan, as reps_total
    if work:
        hit = sum(1 for s in work if s.verdict == "hit")
        parts = [f"{n} {v}" for v in ("over", "under", "missed") if (n := sum(s.verdict == v for s in work))]
        tail = f" ({', '.join(parts)})" if parts else ""
        notes.append(f"{hit} of {len(work)} work reps on target{tail}.")
    for s in work:
        if s.verdict == "missed":
            notes.append(f"{s.label} is not in the recorded laps.")
    extra = sum(1 for s in review_steps if not s.planned)
    if extra and extra == len(review_steps):
        notes.append(
            f"No planned steps: the {extra} recorded lap{'s are' if extra > 1 else ' is'} listed, not judged."
        )
    elif extra:
        notes.append(f"{extra} recorded lap{'s' if extra > 1 else ''} matched no planned step.")
    if fade is not None and group:
        a, b = group[0], group[-1]
        if basis == "pace" and a.actual_speed_m_s and b.actual_speed_m_s:
            unit = th.default_pace_units
            unit_m = PACE_UNIT_METRES.get(unit, 1000.0)
            slower = unit_m / b.actual_speed_m_s - unit_m / a.actual_speed_m_s
            word = "slower" if slower > 0 else "faster"
            first, last = _pace_text(a.actual_speed_m_s, th), _pace_text(b.actual_speed_m_s, th)
            notes.append(
                f"Rep {b.rep} ran {last} against {first} in rep {a.rep}:"
                f" {abs(slower):.0f} s {word} per {unit.removeprefix('secs/')} ({fade:+.1f} % speed)."
            )
        elif a.actual_power_w and b.actual_power_w:
            notes.append(
                f"Rep {b.rep} held {b.actual_power_w:.0f} W against {a.actual_power_w:.0f} W in rep {a.rep}"
                f" ({fade:+.1f} %)."
            )
        else:
            notes.append(f"Output from rep {a.rep} to rep {b.rep}: {fade:+.1f} %.")
        ga, gb = a.gradient_pct, b.gradient_pct
        if ga is not None and gb is not None and abs(gb - ga) >= 1:
            notes.append(f"Terrain: rep {a.rep} averaged {ga:+.1f} % gradient, rep {b.rep} {gb:+.1f} %.")
    if drift is not None and group:
        a, b = group[0], group[-1]
        notes.append(
            f"HR per unit of output changed {drift:+.1f} % from rep {a.rep} to rep {b.rep}"
            f" ({a.actual_hr_bpm or 0:.0f} to {b.actual_hr_bpm or 0:.0f} bpm)."
        )
    if dec is not None:
        word = "coupled" if dec < settings.decoupling_coupled_pct else "decoupled"
        notes.append(
            f"Aerobic decoupling {dec:.1f} % ({word}: under {settings.decoupling_coupled_pct:.0f} % counts as"
            " coupled, Friel)."
        )
    return notes


def review_steps(
    workout_doc: Mapping[str, Any] | None,
    intervals: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    sport_settings: Mapping[str, Any] | None,
    activity: Mapping[str, Any] | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> StepReview:
    """Planned steps vs the activity's intervals, each judged (see the module docstring).

    ``intervals`` is the ``IntervalsDTO`` or its ``icu_intervals`` list; ``sport_settings`` the athlete's
    entry for the sport (thresholds and zones); ``activity`` the activity record (sport, ``icu_ftp`` for
    power targets, ``decoupling``). With no ``workout_doc`` every interval is listed, none judged."""
    act = activity or {}
    raw = intervals.get("icu_intervals") if isinstance(intervals, Mapping) else intervals
    rows = [r for r in (raw or []) if isinstance(r, Mapping)]
    if all(_num(r.get("start_index")) is not None for r in rows):
        rows.sort(key=lambda r: float(r["start_index"]))
    sport = act.get("type") if isinstance(act.get("type"), str) else None
    family = sport_family(sport)
    th = Thresholds.from_settings(dict(sport_settings) if sport_settings else None, sport)
    ftp = _num(act.get("icu_ftp")) or th.ftp
    basis, plan = _plan(workout_doc, sport, th, ftp)
    steps: list[StepResult] = []
    m = settings.chip_target_margin
    if not plan:
        for k, r in enumerate(rows):
            steps.append(_result(k, None, _merge([r]), None, r.get("type"), m))
    else:
        path = _align(plan, rows) if rows else [(i, 0, 0) for i in range(len(plan))]
        for k, (pi, a, b) in enumerate(path):
            d = _merge(rows[a:b]) if b > a else None
            row_type = rows[a].get("type") if b > a else None
            steps.append(_result(k, plan[pi] if pi is not None else None, d, basis, row_type, m, bool(rows)))
    work = [s for s in steps if s.kind == "work" and s.planned]
    group = _fade_group(steps)
    fade = drift = None
    if group:
        o1, o2 = _output(group[0], family), _output(group[-1], family)
        if o1 and o2:
            fade = 100.0 * (o2 - o1) / o1
            h1, h2 = group[0].actual_hr_bpm, group[-1].actual_hr_bpm
            if h1 and h2:
                drift = 100.0 * ((h2 / o2) / (h1 / o1) - 1)
    dec, source = _num(act.get("decoupling")), "activity"
    if dec is None:
        dec, source = _decoupling(rows, family), "intervals"
    return StepReview(
        steps=steps,
        reps_hit=sum(1 for s in work if s.verdict == "hit"),
        reps_total=len(work),
        rep_fade_pct=fade,
        hr_drift_pct=drift,
        decoupling_pct=dec,
        notes=_notes(steps, group, basis, th, fade, drift, dec, settings),
        basis=basis,
        decoupling_source=source if dec is not None else None,
        pace_units=th.default_pace_units if basis == "pace" else None,
    )
