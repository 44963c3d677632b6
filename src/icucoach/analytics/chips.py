"""Session chips: each day's planned and done sessions classified with one stated rule per colour.

Matching is ``compliance.pair`` (explicit ``paired_event_id`` / ``paired_activity_id`` first, then the same
local date and sport family, then a Strava stub of that date; one activity pairs with at most one plan).
Each pair, unpaired plan and unpaired activity becomes one ``Chip`` (thresholds in ``AnalyticsSettings``,
``chip_*``; the rules with their sources are in docs/coach.md):

=================  ========  =============================================================================
kind               colour    rule
=================  ========  =============================================================================
race               purple    a RACE_A/B/C event on the day with an activity, or an activity marked race
sick               grey      a planned session not done on a day a SICK or INJURED event covers (and a
                             covered day with nothing planned or done gets one sick chip)
missed             red       a planned WORKOUT before today with no activity
pending            none      a planned WORKOUT today (or later) not yet done
unplanned          blue      an activity no plan pairs with
done_unverified    green*    a plan paired with a Strava stub: done, metrics withheld by Strava — never
                             judged, never counted as zero effort
done               green     paired, duration within +-15 % of the plan, load within +-15 % when the plan and
                             the activity share a power or pace load basis, and the main set met: with
                             interval data >= 80 % of the planned work repeats on target (range +-5 %);
                             without it, IF within +-5 % (IF ratio = sqrt(load ratio / duration ratio), as
                             IF = sqrt(load / (hours x 100))), or average HR within +-5 % on an HR plan
changed            amber     paired, one of the above outside its band; ``reason`` says which, first match:
                             ``over_target`` (load or intensity above), ``shortened`` (duration below),
                             ``under_target`` (load or intensity below), ``longer`` (duration above)
=================  ========  =============================================================================

A plan without any target (e.g. "40m strength circuit") is judged on duration only. An HR plan's load is not
compared: its planned load is time x (HR / LTHR)^2 while a recorded HR load is HRSS (TRIMP-based), two
different models that disagree by 15-25 % on the same ride; duration and average HR judge it instead.
Ratios are done / planned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.compliance import Pair, pair
from icucoach.analytics.inputs import (
    RACE_CATEGORIES,
    ActivityInput,
    PlannedInput,
    from_api_activity,
    from_api_event,
    sport_family,
)
from icucoach.analytics.planned_zones import primary_basis
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.workouts.doc import expand, from_workout_doc
from icucoach.workouts.resolve import Thresholds, hr_bpm, pace_speed, power_pct, step_seconds

COLOURS = {
    "done": "green",
    "done_unverified": "green",
    "changed": "amber",
    "missed": "red",
    "unplanned": "blue",
    "race": "purple",
    "sick": "grey",
    "pending": "none",
}
HEALTH = ("SICK", "INJURED")
POWER_KEY = "weighted_average_watts"


@dataclass(frozen=True)
class PlanDetail:
    """What the chip rules read from a planned event's structure (``workout_doc``)."""

    basis: str | None  # power / pace / hr: the plan's primary target
    avg_hr: float | None  # time-weighted middle of the HR targets (bpm), for HR plans
    work: tuple[tuple[float, float], ...] = ()  # main-set work steps' target ranges on ``basis``
    work_secs: tuple[int, ...] = ()


def plan_detail(event: Mapping[str, Any], sport_settings: Mapping[str, Any] | None = None) -> PlanDetail:
    """Read a WORKOUT event's structure: its basis, planned average HR and work-step targets."""
    doc = event.get("workout_doc")
    sport = event.get("type")
    if not doc:
        return PlanDetail(None, None)
    th = Thresholds.from_settings(dict(sport_settings) if sport_settings else None, sport)
    basis = primary_basis(doc, sport)
    run = expand(from_workout_doc(dict(doc), sport))
    hr_secs = hr_sum = 0.0
    work: list[tuple[float, float]] = []
    work_secs: list[int] = []
    for step, phase in run:
        n = step_seconds(step, th)
        h = hr_bpm(step.hr, th)
        if h and n:
            hr_secs += n
            hr_sum += n * (h[0] + h[1]) / 2
        if phase is None and step.intensity not in ("rest", "recovery") and basis is not None:
            r = step_target(step, basis, th)
            if r is not None and is_work_step(step, run, basis, th):
                work.append((min(r), max(r)))
                work_secs.append(n)
    return PlanDetail(basis, hr_sum / hr_secs if hr_secs else None, tuple(work), tuple(work_secs))


def step_target(step: Any, basis: str, th: Thresholds) -> tuple[float, float] | None:
    """A step's target on ``basis``: % FTP (power), bpm (hr) or m/s (pace); None when it has none."""
    if basis == "power":
        return power_pct(step.power, th)
    if basis == "hr":
        return hr_bpm(step.hr, th)
    return pace_speed(step.pace, th)


def is_work_step(step: Any, run: Sequence[tuple[Any, str | None]], basis: str, th: Thresholds) -> bool:
    """A main-set step (not warm-up/cool-down, not rest) is work when it is marked ``intensity=interval``
    or is as hard as the hardest main-set step (within 3 %): the 'on' of on/off."""
    if step.intensity in ("rest", "recovery"):
        return False
    if step.intensity == "interval":
        return step_target(step, basis, th) is not None
    mids = [sum(r) / 2 for s, ph in run if ph is None and (r := step_target(s, basis, th)) is not None]
    mine = step_target(step, basis, th)
    if mine is None or not mids:
        return False
    return sum(mine) / 2 >= max(mids) * 0.97


@dataclass(frozen=True)
class MainSet:
    """Planned work repeats vs the activity's WORK intervals, in order."""

    planned_reps: int
    done_reps: int
    hits: int
    over: int
    under: int
    met: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "planned_reps": self.planned_reps,
            "done_reps": self.done_reps,
            "hits": self.hits,
            "over": self.over,
            "under": self.under,
            "met": self.met,
        }


def main_set(
    detail: PlanDetail,
    intervals: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    ftp: float | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> MainSet | None:
    """Compare the plan's work steps with the activity's WORK intervals (``GET /activity/{id}/intervals``).

    Power targets are read as % of ``ftp`` (the activity's ``icu_ftp``), HR as bpm, pace as m/s. None when the
    plan has no work steps, the basis cannot be read from the intervals (e.g. a power plan, no power), or the
    plan is one steady step recorded as several laps (no repeats to compare: the session IF judges it).

    Power is the interval's ``weighted_average_watts`` (NP) as % FTP: outdoors, coasting pulls an average
    below what the rider held. HR: a repeat is over when its average HR is above the range and under only
    when its *peak* HR never reached it (HR lags the first 1-2 minutes of every repeat)."""
    s = settings
    if not detail.work or detail.basis is None:
        return None
    rows = intervals.get("icu_intervals", []) if isinstance(intervals, Mapping) else intervals
    work = [iv for iv in rows if iv.get("type") == "WORK"]
    if len(detail.work) == 1 and len(work) > 1:
        return None  # one steady step recorded as laps: no repeats to compare; the session IF judges it
    hits = over = under = 0
    done = 0
    m = s.chip_target_margin
    for (lo, hi), iv in zip(detail.work, work, strict=False):
        peak: float | None = None
        if detail.basis == "power":
            w = iv.get(POWER_KEY)
            v = 100.0 * w / ftp if w is not None and ftp else None
        elif detail.basis == "hr":
            v = iv.get("average_heartrate")
            peak = iv.get("max_heartrate")
        else:
            v = iv.get("average_speed")
        if v is None:
            return None
        done += 1
        verdict = judge(v, lo, hi, m, peak)
        over += verdict == "over"
        under += verdict == "under"
        hits += verdict == "hit"
    need = s.chip_reps_hit_frac * len(detail.work)
    return MainSet(len(detail.work), done, hits, over, under, hits >= need - 1e-9)


def judge(value: float, lo: float, hi: float, margin: float, peak: float | None = None) -> str:
    """over / under / hit of one repeat against its target range widened by ``margin`` (a fraction).

    ``peak`` (HR plans): under only when the peak never reached the range, as HR lags every repeat."""
    if value > hi * (1 + margin):
        return "over"
    if (peak if peak is not None else value) < lo * (1 - margin):
        return "under"
    return "hit"


@dataclass(frozen=True)
class Chip:
    day: date
    kind: str  # see COLOURS
    reason: str | None = None  # changed: over_target / shortened / under_target / longer
    sport: str | None = None
    planned_id: str | None = None
    activity_id: str | None = None
    name: str = ""
    planned_secs: float | None = None
    done_secs: float | None = None
    planned_load: float | None = None
    done_load: float | None = None
    duration_ratio: float | None = None
    load_ratio: float | None = None  # only when plan and activity share a load basis
    intensity_ratio: float | None = None  # IF ratio (power/pace) or average-HR ratio (HR plans)
    basis: str | None = None
    main_set: MainSet | None = None

    @property
    def colour(self) -> str:
        return COLOURS[self.kind]

    @property
    def sentence(self) -> str:
        what = self.name or self.sport or "session"
        if self.kind == "done":
            return f"{what}: done as planned"
        if self.kind == "done_unverified":
            return f"{what}: done (Strava activity, metrics withheld)"
        if self.kind == "missed":
            return f"{what}: missed"
        if self.kind == "pending":
            return f"{what}: planned, not done yet"  # today or a later day of the week
        if self.kind == "sick":
            return f"{what}: not done, sick or injured" if self.planned_id else "sick or injured"
        if self.kind == "race":
            return f"{what}: race"
        if self.kind == "unplanned":
            return f"{what}: unplanned"
        parts = []
        if self.duration_ratio is not None:
            parts.append(f"duration {100 * self.duration_ratio:.0f} %")
        if self.load_ratio is not None:
            parts.append(f"load {100 * self.load_ratio:.0f} %")
        if self.intensity_ratio is not None:
            parts.append(f"{'avg HR' if self.basis == 'hr' else 'IF'} {100 * self.intensity_ratio:.0f} %")
        label = (self.reason or "changed").replace("_", " ")
        return f"{what}: {label} ({', '.join(parts)} of plan)" if parts else f"{what}: {label}"

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None, nd: int = 3) -> float | None:
            return None if x is None else round(x, nd)

        return {
            "date": self.day.isoformat(),
            "kind": self.kind,
            "colour": self.colour,
            "reason": self.reason,
            "sentence": self.sentence,
            "sport": self.sport,
            "planned_id": self.planned_id,
            "activity_id": self.activity_id,
            "name": self.name,
            "planned_secs": r(self.planned_secs, 0),
            "done_secs": r(self.done_secs, 0),
            "planned_load": r(self.planned_load, 1),
            "done_load": r(self.done_load, 1),
            "duration_ratio": r(self.duration_ratio),
            "load_ratio": r(self.load_ratio),
            "intensity_ratio": r(self.intensity_ratio),
            "basis": self.basis,
            "main_set": None if self.main_set is None else self.main_set.to_dict(),
        }


def activity_basis(a: ActivityInput) -> str:
    """The basis an activity's load was computed on: power when it has power, pace for runs/swims with
    a threshold pace, else heart rate."""
    if a.np or a.avg_power:
        return "power"
    if a.family in ("run", "swim") and a.threshold_pace:
        return "pace"
    return "hr"


def _ratio(done: float | None, planned: float | None) -> float | None:
    if done is None or not planned or planned <= 0:
        return None
    return done / planned


def classify(
    p: PlannedInput,
    a: ActivityInput,
    detail: PlanDetail | None = None,
    main: MainSet | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Chip:
    """The chip of one plan paired with one activity (the ``done`` / ``changed`` rules)."""
    s = settings
    base = {
        "day": p.day,
        "sport": a.sport if not a.is_stub else p.sport,
        "planned_id": p.id,
        "activity_id": a.id,
        "name": p.name,
        "planned_secs": p.moving_time,
        "planned_load": p.load,
    }
    if p.is_race or a.race:
        return Chip(kind="race", done_secs=a.duration, done_load=a.load, **base)  # type: ignore[arg-type]
    if a.is_stub:
        return Chip(kind="done_unverified", **base)  # type: ignore[arg-type]
    detail = detail or PlanDetail(None, None)
    basis = detail.basis
    dur = _ratio(a.duration, p.moving_time)
    comparable = basis in ("power", "pace") and basis == activity_basis(a)
    load = _ratio(a.load, p.load) if comparable else None
    if basis == "hr":
        inten = _ratio(a.avg_hr, detail.avg_hr)
    elif comparable and load is not None and dur:
        inten = math.sqrt(load / dur)  # IF ratio from load per hour: IF = sqrt(load / (hours x 100))
    else:
        inten = None
    tol, itol = s.chip_tolerance, s.chip_intensity_tolerance
    # a missed main set is over_target when more of its reps were over than under (or than on target)
    over = (load is not None and load > 1 + tol) or (
        main.over > main.hits or (not main.met and main.over > main.under)
        if main is not None
        else inten is not None and inten > 1 + itol
    )
    under_main = (
        not main.met and main.over <= main.under
        if main is not None
        else inten is not None and inten < 1 - itol
    )
    reason = None
    if over:
        reason = "over_target"
    elif dur is not None and dur < 1 - tol:
        reason = "shortened"
    elif (load is not None and load < 1 - tol) or under_main:
        reason = "under_target"
    elif dur is not None and dur > 1 + tol:
        reason = "longer"
    return Chip(
        kind="done" if reason is None else "changed",
        reason=reason,
        done_secs=a.duration,
        done_load=a.load,
        duration_ratio=dur,
        load_ratio=load,
        intensity_ratio=inten,
        basis=basis,
        main_set=main,
        **base,  # type: ignore[arg-type]
    )


def _covered(events: Sequence[PlannedInput], day: date) -> bool:
    for e in events:
        if e.category in HEALTH:
            last = (e.end_day - timedelta(days=1)) if e.end_day and e.end_day > e.day else e.day
            if e.day <= day <= last:
                return True
    return False


def session_chips(
    events: Sequence[Mapping[str, Any] | PlannedInput],
    activities: Sequence[Mapping[str, Any] | ActivityInput],
    start: date,
    end: date,
    today: date,
    sport_settings: Sequence[Mapping[str, Any]] = (),
    intervals: Mapping[str, Mapping[str, Any]] | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    tz: str | None = None,
) -> list[Chip]:
    """Chips for every day in [start, end], in day order (plans first, then unplanned activities).

    ``events`` and ``activities`` are API dicts (or typed inputs: then no structure is read);
    ``sport_settings`` the athlete's ``sportSettings`` (zones and thresholds for the structure); ``intervals``
    maps an activity id
    to its ``IntervalsDTO`` when the caller fetched it (the main-set rule then uses the intervals)."""
    raw_events = [e for e in events if isinstance(e, Mapping)]
    evs = [from_api_event(e) if isinstance(e, Mapping) else e for e in events]
    acts = [from_api_activity(a, tz) if isinstance(a, Mapping) else a for a in activities]
    details: dict[str, PlanDetail] = {}
    for e in raw_events:
        if e.get("category") == "WORKOUT":
            details[str(e.get("id"))] = plan_detail(e, settings_for(sport_settings, e.get("type")))
    pairs: list[Pair] = pair(evs, acts, start, end, today, settings)
    chips: list[Chip] = []
    used = {pr.done.id for pr in pairs if pr.done is not None and pr.planned is not None}
    # races: a race event with an activity that day (same family or a stub) is a race chip
    for race in sorted(
        (e for e in evs if e.category in RACE_CATEGORIES and start <= e.day <= end), key=lambda e: e.day
    ):
        cand = next(
            (
                a
                for a in acts
                if a.day == race.day
                and a.id not in used
                and (a.is_stub or a.race or a.family == sport_family(race.sport))
            ),
            None,
        )
        if cand is not None:
            used.add(cand.id)
            chips.append(classify(race, cand, None, None, settings))
        elif race.day < today:
            chips.append(Chip(race.day, "missed", sport=race.sport, planned_id=race.id, name=race.name))
    for pr in pairs:
        p, a = pr.planned, pr.done
        if p is not None and a is not None:
            d = details.get(p.id)
            main = None
            if intervals and a.id in intervals and d is not None:
                main = main_set(d, intervals[a.id], a.ftp, settings)
            chips.append(classify(p, a, d, main, settings))
        elif p is not None:
            # the docs' order: sick before missed and pending (a session planned today on a sick day is sick)
            kind = "sick" if _covered(evs, p.day) else "pending" if p.day >= today else "missed"
            chips.append(
                Chip(
                    p.day,
                    kind,
                    sport=p.sport,
                    planned_id=p.id,
                    name=p.name,
                    planned_secs=p.moving_time,
                    planned_load=p.load,
                )
            )
        elif a is not None and a.id not in used:
            kind = "race" if a.race else "unplanned"
            chips.append(
                Chip(
                    a.day,
                    kind,
                    sport=a.sport if not a.is_stub else None,
                    activity_id=a.id,
                    name="Strava activity" if a.is_stub else a.sport,
                    done_secs=a.duration,
                    done_load=a.load,
                )
            )
    day = start
    while day <= min(end, today):
        if _covered(evs, day) and not any(c.day == day for c in chips):
            chips.append(Chip(day, "sick"))
        day += timedelta(days=1)
    chips.sort(key=lambda c: (c.day, c.planned_id is None, c.planned_id or "", c.activity_id or ""))
    return chips


def settings_for(sport_settings: Sequence[Mapping[str, Any]], sport: str | None) -> Mapping[str, Any] | None:
    for ss in sport_settings:
        if sport in (ss.get("types") or ()):
            return ss
    fam = sport_family(sport)
    for ss in sport_settings:
        if any(sport_family(t) == fam for t in ss.get("types") or ()):
            return ss
    return None


def count(chips: Sequence[Chip], kind: str, reason: str | None = None) -> int:
    return sum(1 for c in chips if c.kind == kind and (reason is None or c.reason == reason))
