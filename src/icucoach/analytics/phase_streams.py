"""Phase over time and the evidence behind today's phase, in Section 11's shape (§4.19): the phase of every
past training week (history.json's weekly labels and monthly dominant phase), the previous phase and how many
weeks the current one has lasted, and two evidence streams — what the athlete *did* (stream 1: CTL slope,
ACWR trend, hard days per week) and what the calendar *plans* (stream 2: planned load and hard sessions for
the rest of this week and next week, days to the next race).

A past week's phase is ``phase.detect_phase`` run as of the week's last day, on the same daily loads and CTL
(Section 11 reads past weeks' CTL from a monthly-refreshed history file, §7 item 7). Each stream suggests a
phase on its own; ``stream_agreement`` says whether they agree (None when one has no opinion).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np

from icucoach.analytics.days import DailyLoads, week_start
from icucoach.analytics.inputs import PlannedInput
from icucoach.analytics.load import FitnessModel
from icucoach.analytics.monotony import monotony
from icucoach.analytics.phase import Phase, detect_phase
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

ACWR_TREND_BAND = 0.1  # week-end ACWR change, first to last complete week, that counts as a trend
HARD_PLAN_IF = 0.85  # a planned session at or above this intensity factor is a hard one
REDUCED_PLAN_RATIO = 0.8  # planned weekly load at or below 80 % of the recent weeks = a reduction
DEFAULT_SESSIONS = 5  # sessions expected per week when no complete week says otherwise


def rolling_acwr(loads: DailyLoads, d: date, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> float | None:
    """Coupled rolling-mean ACWR on day ``d`` (acute and chronic means ending that day)."""
    s = settings
    if loads.index(d) < 0 or d > loads.end:
        return None
    chronic = float(np.sum(loads.window(d, s.acwr_chronic_days))) / s.acwr_chronic_days
    if chronic <= 0:
        return None
    return float(np.sum(loads.window(d, s.acwr_acute_days))) / s.acwr_acute_days / chronic


def phase_on(
    loads: DailyLoads,
    model: FitnessModel,
    hard: Mapping[date, bool | None],
    d: date,
    events: Sequence[PlannedInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Phase:
    """``detect_phase`` as it would have answered on day ``d`` (HRV trend not replayed)."""
    s = settings
    fit = model.at(d)
    mono = monotony(loads.window(d, s.monotony_days), s).monotony.value
    return detect_phase(
        loads,
        model,
        dict(hard),
        d,
        events,
        rolling_acwr(loads, d, s),
        mono,
        None if fit is None else fit[0] - fit[1],
        None,
        s,
    )


def weekly_phases(
    loads: DailyLoads,
    model: FitnessModel,
    hard: Mapping[date, bool | None],
    week_starts: Iterable[date],
    events: Sequence[PlannedInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict[date, str | None]:
    """The phase of every *complete* week (as of its last day); weeks without enough history are None."""
    out: dict[date, str | None] = {}
    first = loads.first_activity
    # detect_phase only looks at training events of the next 7 days and races ahead: hand each week just
    # those, not the whole calendar (a 3-year replay would otherwise rescan every event ~150 times).
    training = sorted((e for e in events if e.is_training), key=lambda e: e.day)
    days = [e.day for e in training]
    races = [e for e in training if e.is_race]
    for ws in week_starts:
        end = ws + timedelta(days=6)
        if end > loads.end or first is None or (end - first).days + 1 < settings.phase_min_days:
            continue
        near = training[bisect_right(days, end) : bisect_right(days, end + timedelta(days=7))]
        ahead = [e for e in races if e.day == end or e.day > end + timedelta(days=7)]
        out[ws] = phase_on(loads, model, hard, end, near + ahead, settings).phase
    return out


def dominant_phase(weeks: Iterable[tuple[str | None, float]]) -> str | None:
    """The most frequent phase among ``(phase, week load)``; a tie goes to the phase with more load."""
    count: Counter[str] = Counter()
    load: dict[str, float] = {}
    for p, w in weeks:
        if p:
            count[p] += 1
            load[p] = load.get(p, 0.0) + (w or 0.0)
    if not count:
        return None
    return max(count, key=lambda p: (count[p], load[p]))


def phase_run(previous_weeks: Sequence[str | None], current: str | None) -> tuple[str | None, int | None]:
    """``(previous phase, weeks in the current phase)``: the last complete week's label, and the number of
    consecutive complete weeks with the current label plus this one (None without a current phase)."""
    previous = previous_weeks[-1] if previous_weeks else None
    if current is None:
        return previous, None
    n = 1
    for p in reversed(previous_weeks):
        if p != current:
            break
        n += 1
    return previous, n


def _week_days(ws: date) -> tuple[date, date]:
    return ws, ws + timedelta(days=6)


def phase_streams(
    phase: Phase,
    loads: DailyLoads,
    hard: Mapping[date, bool | None],
    today: date,
    events: Sequence[PlannedInput] = (),
    activity_days: Iterable[date] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict:
    """Stream 1 (done), stream 2 (planned), data quality and stream agreement for today's phase."""
    s = settings
    b = phase.basis or {}
    done = [w for w in phase.weeks if w.complete]
    ratios = [rolling_acwr(loads, w.start + timedelta(days=6), s) for w in done]
    ratios_ok = [x for x in ratios if x is not None]
    trend = None
    if len(ratios_ok) >= 2:
        change = ratios_ok[-1] - ratios_ok[0]
        trend = "rising" if change > ACWR_TREND_BAND else "falling" if change < -ACWR_TREND_BAND else "stable"
    slope = b.get("ctl_slope_per_week")
    hard_avg = b.get("hard_days_per_week")
    s1 = {
        "ctl_slope": slope,
        "acwr_trend": trend,
        "hard_day_pattern": None if hard_avg is None else round(hard_avg, 1),
        "weeks_available": len(done),
    }
    sug1 = None
    if slope is not None and hard_avg is not None and len(done) >= 2:
        if slope > s.phase_slope_build and hard_avg >= s.phase_hard_build:
            sug1 = "build"
        elif abs(slope) <= s.phase_slope_build and hard_avg <= s.phase_hard_build:
            sug1 = "base"

    # --- stream 2: the calendar --------------------------------------------------------------------------
    ws, we = _week_days(week_start(today, s.week_start))
    nws, nwe = _week_days(ws + timedelta(days=7))
    training = [e for e in events if e.is_training]
    rest = [e for e in training if today <= e.day <= we]
    nxt = [e for e in training if nws <= e.day <= nwe]
    prior = [w.load for w in done[-3:]]
    prior_mean = float(np.mean(prior)) if prior else 0.0
    days_left = (we - today).days + 1
    delta = (
        sum(e.load or 0.0 for e in rest) * 7.0 / days_left / prior_mean if rest and prior_mean > 0 else None
    )
    nxt_ratio = sum(e.load or 0.0 for e in nxt) / prior_mean if nxt and prior_mean > 0 else None
    counts = Counter(d for d in activity_days)
    per_week = [
        sum(n for d, n in counts.items() if w.start <= d <= w.start + timedelta(days=6)) for w in done
    ]
    expected = max(1, round(float(np.mean(per_week)))) if per_week and any(per_week) else DEFAULT_SESSIONS

    def is_hard(e: PlannedInput) -> bool:
        return (
            e.is_race
            or (e.intensity is not None and e.intensity >= HARD_PLAN_IF)
            or (e.load or 0) >= s.hard_load
        )

    n_hard = sum(1 for e in rest if is_hard(e))
    hard_planned_days = {e.day for e in rest if is_hard(e) and e.day > today}
    hard_done = sum(1 for i in range((today - ws).days + 1) if hard.get(ws + timedelta(days=i)))
    races = sorted(e.day for e in events if e.is_race and e.day >= today)
    s2 = {
        "planned_tss_delta": None if delta is None else round(delta, 2),
        "hard_sessions_planned": n_hard,
        "current_week_hard_days_completed": hard_done,
        "current_week_hard_days_total": hard_done + len(hard_planned_days),
        "race_proximity": (races[0] - today).days if races else None,
        "next_week_load": None if nxt_ratio is None else round(nxt_ratio, 2),
        "plan_coverage_current_week": round(len(rest) / expected, 2),
        "plan_coverage_next_week": round(len(nxt) / expected, 2),
    }
    sug2 = None
    reliable = len(rest) + len(nxt) >= 3
    reduced = [x for x in (delta, nxt_ratio) if x is not None and x <= REDUCED_PLAN_RATIO]
    if races and (races[0] - today).days <= s.taper_days and reduced:
        sug2 = "taper"
    elif reliable and reduced:
        sug2 = "deload"
    elif n_hard >= 2 or (nxt and sum(is_hard(e) for e in nxt) >= 2):
        sug2 = "build"
    quality = "good" if len(done) >= 3 else "poor"
    return {
        "stream_1": s1,
        "stream_2": s2,
        "data_quality": quality,
        "stream_agreement": None if sug1 is None or sug2 is None else sug1 == sug2,
        "suggested": {"stream_1": sug1, "stream_2": sug2},
    }


__all__ = [
    "dominant_phase",
    "phase_on",
    "phase_run",
    "phase_streams",
    "rolling_acwr",
    "weekly_phases",
]
