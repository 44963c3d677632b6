"""Training phase detection: base, build, peak, taper, recovery, deload, overreached — with confidence and
reasons — from the load trend (weekly CTL slope from *daily* CTL), hard days, ACWR/monotony, recovery, the
planned calendar and the race calendar.

Unlike Section 11 (``section11.md`` §7 item 7) past-week CTL comes from the daily model rather than a
monthly-refreshed history file, and the weeks looked at are whatever history really exists.
Priority: overreached > taper > peak > deload > recovery > build/base by score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from icucoach.analytics.days import DailyLoads, week_start
from icucoach.analytics.inputs import PlannedInput
from icucoach.analytics.load import FitnessModel
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


@dataclass(frozen=True)
class WeekRow:
    start: date
    load: float
    hard_days: int
    ctl_end: float
    complete: bool

    def to_dict(self) -> dict:
        return {
            "week_start": self.start.isoformat(),
            "load": round(self.load, 1),
            "hard_days": self.hard_days,
            "ctl_end": round(self.ctl_end, 2),
            "complete": self.complete,
        }


@dataclass(frozen=True)
class Phase:
    phase: str | None
    confidence: str | None
    reasons: tuple[str, ...]
    basis: dict = field(default_factory=dict)
    weeks: tuple[WeekRow, ...] = ()

    def to_dict(self) -> dict:
        return {
            "phase": self.phase,
            "confidence": self.confidence,
            "reasons": list(self.reasons),
            "basis": self.basis,
            "weeks": [w.to_dict() for w in self.weeks],
        }


def week_rows(
    loads: DailyLoads,
    model: FitnessModel,
    hard: dict[date, bool | None],
    today: date,
    weeks: int,
    week_start_dow: int = 0,
) -> list[WeekRow]:
    """The current (partial) week and up to ``weeks`` complete weeks before it, oldest first."""
    cur = week_start(today, week_start_dow)
    rows = []
    for k in range(weeks, -1, -1):
        ws = cur - timedelta(days=7 * k)
        we = min(ws + timedelta(days=6), today)
        if we < max(loads.start, loads.first_activity or loads.end):
            continue
        i0, i1 = max(0, loads.index(ws)), loads.index(we)
        load = float(np.sum(loads.loads[i0 : i1 + 1]))
        hd = sum(1 for i in range((we - ws).days + 1) if hard.get(ws + timedelta(days=i)))
        ctl_end = float(model.ctl[(we - model.start).days])
        rows.append(WeekRow(ws, load, hd, ctl_end, we == ws + timedelta(days=6)))
    return rows


def detect_phase(
    loads: DailyLoads,
    model: FitnessModel,
    hard: dict[date, bool | None],
    today: date,
    events: Sequence[PlannedInput] = (),
    acwr: float | None = None,
    monotony: float | None = None,
    form: float | None = None,
    hrv_trend: str | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Phase:
    s = settings
    if loads.history_days < s.phase_min_days:
        return Phase(None, None, (f"only {loads.history_days} day(s) of history (needs {s.phase_min_days})",))
    rows = week_rows(loads, model, hard, today, s.phase_weeks, s.week_start)
    done = [r for r in rows if r.complete]
    reasons: list[str] = []
    slope = 0.0
    if len(done) >= 2:
        slope = float(np.polyfit(np.arange(len(done)), [r.ctl_end for r in done], 1)[0])
    else:  # too few complete weeks: the CTL change over the last 14 days, per week
        i = (today - model.start).days
        slope = float(model.ctl[i] - model.ctl[max(0, i - 14)]) / 2.0
    hard_avg = (
        float(np.mean([r.hard_days for r in done])) if done else float(rows[-1].hard_days if rows else 0)
    )
    load_trend = None  # OLS slope of complete weekly loads, as a fraction of their mean per week
    if len(done) >= s.phase_min_weeks_trend and np.mean([r.load for r in done]) > 0:
        wl = [r.load for r in done]
        load_trend = float(np.polyfit(np.arange(len(wl)), wl, 1)[0] / np.mean(wl))
    prior = [r.load for r in done[-3:]]
    prior_mean = float(np.mean(prior)) if prior else 0.0
    cur = rows[-1] if rows else None
    days_in = (today - cur.start).days + 1 if cur else 7
    cur_rate = cur.load * 7.0 / days_in if cur else 0.0  # current week's load at its pace so far
    # Planned load for the rest of this week and the next 7 days (training events only).
    horizon = [e for e in events if e.is_training and today < e.day <= today + timedelta(days=7)]
    planned_next = sum(e.load or 0.0 for e in horizon)
    plan_ratio = planned_next / prior_mean if prior_mean > 0 and horizon else None
    races = sorted(
        (e for e in events if e.category in ("RACE_A", "RACE_B") and e.day >= today), key=lambda e: e.day
    )
    next_race = races[0] if races else None
    days_to_race = (next_race.day - today).days if next_race else None
    i_today = (today - model.start).days
    ctl_now = float(model.ctl[i_today])
    ctl_max = float(np.max(model.ctl[max(0, i_today - 90) : i_today + 1]))
    basis = {
        "ctl_slope_per_week": round(slope, 2),
        "hard_days_per_week": round(hard_avg, 2),
        "load_trend_per_week": None if load_trend is None else round(load_trend, 3),
        "weeks_complete": len(done),
        "prior_weekly_load": round(prior_mean, 1),
        "current_week_load_rate": round(cur_rate, 1),
        "planned_next_7d": round(planned_next, 1),
        "plan_ratio": None if plan_ratio is None else round(plan_ratio, 2),
        "acwr": acwr,
        "monotony": monotony,
        "form": None if form is None else round(form, 1),
        "hrv_trend": hrv_trend,
        "days_to_race": days_to_race,
        "ctl": round(ctl_now, 1),
        "ctl_max_90d": round(ctl_max, 1),
    }
    weeks = tuple(rows)
    conf_data = "high" if len(done) >= s.phase_min_weeks_trend else "medium" if len(done) >= 2 else "low"

    def out(phase: str, conf: str, *why: str) -> Phase:
        order = ["low", "medium", "high"]
        c = order[min(order.index(conf), order.index(conf_data))]
        return Phase(phase, c, tuple(why) + tuple(reasons), basis, weeks)

    if (
        acwr is not None
        and acwr >= s.acwr_red
        and (
            (form is not None and form < s.form_optimal)
            or hrv_trend == "below"
            or (monotony is not None and monotony >= s.monotony_red)
        )
    ):
        return out(
            "overreached",
            "high",
            f"ACWR {acwr:.2f} with "
            + (
                "form in the high-risk zone"
                if form is not None and form < s.form_optimal
                else "HRV below its normal range"
                if hrv_trend == "below"
                else f"monotony {monotony:.2f}"
            ),
        )
    if next_race is not None and days_to_race is not None and days_to_race <= s.taper_days:
        reducing = (plan_ratio is not None and plan_ratio <= s.phase_deload_ratio) or (
            prior_mean > 0 and cur_rate <= s.phase_deload_ratio * prior_mean
        )
        return out(
            "taper",
            "high" if reducing else "medium",
            f"{next_race.category} '{next_race.name}' in {days_to_race} day(s)",
            *(["load reduced vs the previous weeks"] if reducing else ["load not reduced yet"]),
        )
    if (
        next_race is not None
        and days_to_race is not None
        and days_to_race <= s.peak_days
        and ctl_max > 0
        and ctl_now >= s.phase_peak_ctl_frac * ctl_max
    ):
        return out(
            "peak",
            "medium",
            f"{next_race.category} in {days_to_race} days and CTL at "
            f"{100 * ctl_now / ctl_max:.0f} % of its 90-day high",
        )
    built = slope > 0 or hard_avg >= s.phase_hard_build
    last_done = done[-1].load if done else None
    if (
        prior_mean > 0
        and len(done) >= s.phase_min_weeks_trend
        and built
        and (
            cur_rate <= s.phase_deload_ratio * float(np.mean([r.load for r in done[-4:-1]] or [prior_mean]))
            and days_in >= 3
        )
    ):
        return out(
            "deload",
            "medium",
            f"this week's load rate {cur_rate:.0f} <= {s.phase_deload_ratio:.0%} of "
            "the previous weeks after a build",
        )
    if slope < s.phase_slope_recovery and hard_avg < s.phase_hard_recovery:
        return out("recovery", "medium", f"CTL falling {slope:.1f}/week with few hard days")
    # Score build vs base. CTL also rises while it converges on a *constant* load (a new athlete, or after a
    # break), so the weekly load trend is scored alongside the CTL slope.
    score_build = score_base = 0
    if slope > 2 * s.phase_slope_build:
        score_build += 2
    elif slope > s.phase_slope_build:
        score_build += 1
    elif slope >= s.phase_slope_recovery:
        score_base += 1
    if load_trend is not None:
        if load_trend >= s.phase_load_trend_build:
            score_build += 2
        elif load_trend >= s.phase_load_trend_build / 2:
            score_build += 1
        elif abs(load_trend) < s.phase_load_trend_build / 2:
            score_base += 1
    if hard_avg >= s.phase_hard_build + 1:
        score_build += 2
    elif hard_avg >= s.phase_hard_build:
        score_build += 1
    else:
        score_base += 2 if hard_avg <= 1 else 1
    if plan_ratio is not None:
        if plan_ratio >= 1.0:
            score_build += 1
        else:
            score_base += 1
    margin = score_build - score_base
    if last_done is not None:
        reasons.append(f"last complete week load {last_done:.0f}")
    phase = "build" if margin > 0 else "base"
    conf = "high" if abs(margin) >= 3 else "medium" if abs(margin) >= 2 else "low"
    return out(
        phase,
        conf,
        f"CTL slope {slope:+.1f}/week, {hard_avg:.1f} hard day(s)/week (score build "
        f"{score_build} vs base {score_base})",
    )
