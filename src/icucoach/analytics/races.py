"""Race calendar guidance: next race, taper window, race-week load budget and the projected race-day form.

Race events are ``RACE_A`` / ``RACE_B`` / ``RACE_C`` within ``race_horizon_days``. In race week the normal
weekly load is taken as CTL x 7 and the budget is a fraction of it per priority; race-day form is projected
with the planned calendar and compared with a target band for the race's expected duration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from icucoach.analytics.days import DailyLoads
from icucoach.analytics.inputs import PlannedInput
from icucoach.analytics.load import project
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


def duration_class(seconds: float | None, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> str:
    if seconds is None:
        return "medium"
    if seconds < settings.race_short_s:
        return "short_intense"
    return "medium" if seconds <= settings.race_long_s else "long_endurance"


@dataclass(frozen=True)
class RaceGuidance:
    next_race: dict | None
    races: tuple[dict, ...]
    taper_window: bool
    race_week: dict | None

    def to_dict(self) -> dict:
        return {
            "next_race": self.next_race,
            "races": list(self.races),
            "taper_window": self.taper_window,
            "race_week": self.race_week,
        }


def race_guidance(
    events: Sequence[PlannedInput],
    today: date,
    ctl: float,
    atl: float,
    loads: DailyLoads,
    planned: np.ndarray,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> RaceGuidance:
    """``planned``: planned load per day starting today (index 0 = today), at least to the race day."""
    s = settings
    horizon = today + timedelta(days=s.race_horizon_days)
    races = sorted(
        (e for e in events if e.is_race and today <= e.day <= horizon), key=lambda e: (e.day, e.category)
    )
    rows = tuple(
        {
            "id": e.id,
            "date": e.day.isoformat(),
            "name": e.name,
            "category": e.category,
            "sport": e.sport,
            "days_to": (e.day - today).days,
        }
        for e in races
    )
    if not races:
        return RaceGuidance(None, rows, False, None)
    nxt = rows[0]
    a_race = next((e for e in races if e.category == "RACE_A"), None)
    taper = a_race is not None and s.race_week_days < (a_race.day - today).days <= s.taper_days
    week_race = next(
        (e for e in races if e.category in ("RACE_A", "RACE_B") and (e.day - today).days <= s.race_week_days),
        None,
    )
    if week_race is None:
        week_race = next((e for e in races if (e.day - today).days <= s.race_week_days), None)
    rw = None
    if week_race is not None:
        days_to = (week_race.day - today).days
        lo, hi = s.race_week_budget.get(week_race.category, s.race_week_budget["RACE_B"])
        normal = ctl * 7.0
        start = week_race.day - timedelta(days=7)
        spent = float(np.sum(loads.loads[max(0, loads.index(start)) : loads.index(today) + 1]))
        # Race-day form = state at the end of the day before the race, projected with the planned calendar.
        pre = list(planned[1:days_to]) if days_to > 1 else []
        proj = project(ctl, atl, today + timedelta(days=1), pre, s) if pre else []
        c_end, a_end = (proj[-1].ctl, proj[-1].atl) if proj else (ctl, atl)
        tsb = c_end - a_end
        cls = duration_class(week_race.moving_time, s)
        t_lo, t_hi = s.race_tsb_target[cls]
        if week_race.category == "RACE_B":
            t_lo, t_hi = t_lo + s.race_b_form_shift, t_hi + s.race_b_form_shift
        rw = {
            "race": {
                "date": week_race.day.isoformat(),
                "name": week_race.name,
                "category": week_race.category,
            },
            "days_to": days_to,
            "normal_weekly_load": round(normal, 1),
            "budget": [round(lo * normal, 1), round(hi * normal, 1)],
            "spent_since_d7": round(spent, 1),
            "remaining_budget": [
                round(max(0.0, lo * normal - spent), 1),
                round(max(0.0, hi * normal - spent), 1),
            ],
            "projected_race_day_form": round(tsb, 1),
            "form_target": [t_lo, t_hi],
            "duration_class": cls,
            "on_target": t_lo <= tsb <= t_hi,
            "advice": (
                "reduce load further"
                if tsb < t_lo
                else "you may keep a little more work"
                if tsb > t_hi
                else "projected form is in the target band"
            ),
        }
    return RaceGuidance(nxt, rows, taper, rw)
