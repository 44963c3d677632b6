"""Performance-management load model: CTL (fitness), ATL (fatigue), TSB (form) from daily load.

Intervals.icu runs an exponentially weighted average over *daily summed* load in the athlete's local days,
with gain ``1 - exp(-1/tau)`` (tau 42 d for CTL, 7 d for ATL); see ``shared/reference/metrics.md`` §1.
Form is same-day ``CTL - ATL``; ramp is ``CTL[d] - CTL[d-7]``. ``FITNESS_DAYS`` calendar entries change the
time constants from their date on and ``SET_FITNESS`` entries seed CTL/ATL, as in Intervals.icu.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from icucoach.analytics.days import DailyLoads
from icucoach.analytics.inputs import ActivityInput, PlannedInput, WellnessInput
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

CTL_DAYS = 42
ATL_DAYS = 7


def gain(tau_days: float) -> float:
    """Daily gain of the exp-form EWMA: ``1 - e^(-1/tau)`` (0.0235283 for 42 d, 0.1331221 for 7 d)."""
    return 1.0 - math.exp(-1.0 / tau_days)


def pmc_series(
    daily_loads: Sequence[float] | np.ndarray,
    ctl0: float = 0.0,
    atl0: float = 0.0,
    ctl_days: float = CTL_DAYS,
    atl_days: float = ATL_DAYS,
) -> tuple[np.ndarray, np.ndarray]:
    """CTL and ATL at the end of each day, for consecutive days of summed load (rest days = 0).

    ``ctl0``/``atl0`` are the values at the end of the day before the first load.
    """
    loads = np.asarray(daily_loads, dtype=float)
    kc, ka = gain(ctl_days), gain(atl_days)
    ctl = np.empty_like(loads)
    atl = np.empty_like(loads)
    c, a = float(ctl0), float(atl0)
    for i, load in enumerate(loads):
        c += (load - c) * kc
        a += (load - a) * ka
        ctl[i] = c
        atl[i] = a
    return ctl, atl


def pmc_series_variable(
    daily_loads: Sequence[float] | np.ndarray,
    ctl_days: Sequence[float] | np.ndarray,
    atl_days: Sequence[float] | np.ndarray,
    ctl0: float = 0.0,
    atl0: float = 0.0,
    resets: dict[int, tuple[float | None, float | None]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Like ``pmc_series`` with per-day time constants and optional end-of-day resets ``{index: (ctl, atl)}``.

    With constant time constants and no resets it returns exactly what ``pmc_series`` returns.
    """
    loads = np.asarray(daily_loads, dtype=float)
    kc = 1.0 - np.exp(-1.0 / np.asarray(ctl_days, dtype=float))
    ka = 1.0 - np.exp(-1.0 / np.asarray(atl_days, dtype=float))
    ctl = np.empty_like(loads)
    atl = np.empty_like(loads)
    c, a = float(ctl0), float(atl0)
    resets = resets or {}
    for i, load in enumerate(loads):
        c += (load - c) * kc[i]
        a += (load - a) * ka[i]
        if i in resets:
            rc, ra = resets[i]
            c = c if rc is None else float(rc)
            a = a if ra is None else float(ra)
        ctl[i] = c
        atl[i] = a
    return ctl, atl


def form_percent(ctl: float, atl: float) -> float | None:
    """``100 (CTL - ATL) / CTL``; undefined (None) when CTL <= 0 rather than the 0 third-party code uses."""
    return 100.0 * (ctl - atl) / ctl if ctl > 0 else None


def form_zone(form: float | None, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> str | None:
    """Intervals.icu fitness-chart zone for a form value (absolute TSB, or % when ``form_as_percent``).

    -30 and -10 belong to the lower zone; +5 and +20 to the higher zone (metrics.md §1).
    """
    if form is None or not math.isfinite(form):
        return None
    if form >= settings.form_transition:
        return "transition"
    if form >= settings.form_fresh:
        return "fresh"
    if form > settings.form_grey:
        return "grey"
    if form > settings.form_optimal:
        return "optimal"
    return "high_risk"


def fitness_zone(ctl: float, atl: float, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> str | None:
    """The form zone of a day's CTL and ATL, on the athlete's basis: absolute form, or form % of CTL when
    ``form_as_percent`` (None then when CTL is 0)."""
    return form_zone(form_percent(ctl, atl) if settings.form_as_percent else ctl - atl, settings)


def ramp_rate(ctl: Sequence[float] | np.ndarray, index: int = -1, days: int = 7) -> float | None:
    """``CTL[d] - CTL[d-days]`` (CTL points per week for 7); None without ``days`` of history."""
    arr = np.asarray(ctl, dtype=float)
    i = index if index >= 0 else len(arr) + index
    if i - days < 0 or i >= len(arr):
        return None
    return float(arr[i] - arr[i - days])


def _constants(
    events: Iterable[PlannedInput], start: date, n: int, s: AnalyticsSettings
) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[float | None, float | None]]]:
    ctl_days = np.full(n, float(s.ctl_days))
    atl_days = np.full(n, float(s.atl_days))
    resets: dict[int, tuple[float | None, float | None]] = {}
    changes = sorted(
        (e for e in events if e.category == "FITNESS_DAYS" and (e.ctl_days or e.atl_days)),
        key=lambda e: e.day,
    )
    for e in changes:  # a FITNESS_DAYS entry applies from its date until the next one
        i = max(0, (e.day - start).days)
        if i < n:
            if e.ctl_days:
                ctl_days[i:] = e.ctl_days
            if e.atl_days:
                atl_days[i:] = e.atl_days
    for e in events:
        if e.category == "SET_FITNESS" and (e.set_ctl is not None or e.set_atl is not None):
            i = (e.day - start).days
            if 0 <= i < n:
                resets[i] = (e.set_ctl, e.set_atl)
    return ctl_days, atl_days, resets


@dataclass(frozen=True)
class FitnessModel:
    """CTL/ATL per local day over ``loads``' range, how it was obtained, how well it matches wellness."""

    start: date
    ctl: np.ndarray
    atl: np.ndarray
    ctl_days: np.ndarray
    atl_days: np.ndarray
    source: str
    replay_max_delta: float | None = None  # max |replay - wellness| over overlapping days (CTL and ATL)
    replay_days_compared: int = 0
    notes: tuple[str, ...] = field(default=())

    def at(self, d: date) -> tuple[float, float] | None:
        i = (d - self.start).days
        if 0 <= i < len(self.ctl):
            return float(self.ctl[i]), float(self.atl[i])
        return None


def fitness_model(
    loads: DailyLoads,
    wellness: Iterable[WellnessInput] = (),
    events: Iterable[PlannedInput] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    anchor: bool = True,
) -> FitnessModel:
    """Replay daily loads into CTL/ATL, compare with the wellness values, and anchor on them if needed.

    The replay starts from 0 at ``loads.start``. If the wellness record of the last complete day (before
    ``loads.end``) carries CTL/ATL that the replay misses by more than ``replay_tolerance`` (history shorter
    than Intervals', a manual seed, a load edited upstream), the recurrence restarts from that record, so
    today's values are Intervals' own plus today's completed load. Today's wellness record is never used as
    the anchor: it may already include planned load.
    """
    s = settings
    n = len(loads.loads)
    evs = list(events)
    cd, ad, resets = _constants(evs, loads.start, n, s)
    ctl, atl = pmc_series_variable(loads.loads, cd, ad, resets=resets)
    by_day = {w.day: w for w in wellness if w.ctl is not None and w.atl is not None}
    deltas = []
    for d, w in by_day.items():
        i = (d - loads.start).days
        if 0 <= i < n and d < loads.end:
            deltas.append(max(abs(ctl[i] - w.ctl), abs(atl[i] - w.atl)))  # type: ignore[operator]
    max_delta = float(max(deltas)) if deltas else None
    source, notes = "replay of daily icu_training_load from 0", []
    if loads.history_days < s.pmc_warmup_days:
        notes.append(f"only {loads.history_days} day(s) of history: CTL needs ~{s.pmc_warmup_days} to settle")
    if anchor and by_day:
        past = [d for d in by_day if loads.start <= d < loads.end]
        if past:
            d = max(past)
            i = (d - loads.start).days
            w = by_day[d]
            if abs(ctl[i] - w.ctl) > s.replay_tolerance or abs(atl[i] - w.atl) > s.replay_tolerance:  # type: ignore[operator]
                resets = {**{k: v for k, v in resets.items() if k > i}, i: (w.ctl, w.atl)}
                ctl, atl = pmc_series_variable(loads.loads, cd, ad, resets=resets)
                source = f"wellness CTL/ATL of {d.isoformat()} + replay of {n - 1 - i} day(s) of load"
    return FitnessModel(loads.start, ctl, atl, cd, ad, source, max_delta, len(deltas), tuple(notes))


@dataclass(frozen=True)
class FitnessToday:
    day: date
    ctl: Metric
    atl: Metric
    form: Metric
    form_percent: Metric
    form_zone: str | None
    ramp_rate: Metric

    def to_dict(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "ctl": self.ctl.to_dict(),
            "atl": self.atl.to_dict(),
            "form": self.form.to_dict(),
            "form_percent": self.form_percent.to_dict(),
            "form_zone": self.form_zone,
            "ramp_rate": self.ramp_rate.to_dict(),
        }


def _fitness(
    d: date,
    c: float,
    a: float,
    ramp: float | None,
    ramp_formula: str,
    prov: dict[str, Any],
    settings: AnalyticsSettings,
) -> FitnessToday:
    """The day's figures from its CTL, ATL and ramp, whichever source gave them (``prov`` says which)."""
    tsb = c - a
    pct = form_percent(c, a)
    ramp_status = None
    if ramp is not None:
        ramp_status = (
            "red" if ramp >= settings.ramp_alarm else "amber" if ramp >= settings.ramp_warning else "ok"
        )
    return FitnessToday(
        d,
        Metric.of("ctl", c, "load/day", **prov),
        Metric.of("atl", a, "load/day", **prov),
        Metric.of("form", tsb, "load/day", formula="CTL - ATL (same day)", **prov),
        Metric.of("form_percent", pct, "%", reason=None if pct is not None else "CTL is 0", **prov),
        fitness_zone(c, a, settings),
        Metric.of(
            "ramp_rate",
            ramp,
            "CTL/week",
            status=ramp_status,
            reason=None if ramp is not None else f"fewer than {settings.ramp_days} days modelled",
            formula=ramp_formula,
            **prov,
        ),
    )


def fitness_on(model: FitnessModel, d: date, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> FitnessToday:
    """CTL, ATL, same-day form, form %, form zone and 7-day ramp on day ``d``."""
    i = (d - model.start).days
    prov: dict[str, Any] = {"date": d.isoformat(), "source": model.source, "ctl_days": None, "atl_days": None}
    if not 0 <= i < len(model.ctl):
        none = Metric.none("ctl", "date outside the modelled range")
        return FitnessToday(d, none, none, none, none, None, none)
    prov["ctl_days"], prov["atl_days"] = float(model.ctl_days[i]), float(model.atl_days[i])
    if model.notes:
        prov["notes"] = list(model.notes)
    ramp = ramp_rate(model.ctl, i, settings.ramp_days)
    formula = f"CTL[d] - CTL[d-{settings.ramp_days}]"
    return _fitness(d, float(model.ctl[i]), float(model.atl[i]), ramp, formula, prov, settings)


def pinned_to_wellness(model: FitnessModel, wellness: Iterable[WellnessInput]) -> FitnessModel:
    """The model with every day that has a wellness CTL/ATL replaced by those values (the series the
    athlete sees in Intervals.icu); days without a record keep the replay."""
    ctl, atl = model.ctl.copy(), model.atl.copy()
    pinned = 0
    for w in wellness:
        i = (w.day - model.start).days
        if w.ctl is not None and w.atl is not None and 0 <= i < len(ctl):
            ctl[i], atl[i] = w.ctl, w.atl
            pinned += 1
    if not pinned:
        return model
    source = f"Intervals.icu wellness CTL/ATL ({pinned} day(s)); {model.source} elsewhere"
    return dataclasses.replace(model, ctl=ctl, atl=atl, source=source)


def fitness_from_wellness(
    w: WellnessInput, model: FitnessModel, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> FitnessToday | None:
    """CTL, ATL, form, form %, zone and ramp of day ``w.day`` exactly as the Intervals.icu wellness record
    gives them (what the athlete sees); ramp is the record's ``rampRate``, else ``CTL[d] - CTL[d-7]`` with
    the earlier CTL from the model. None when the record lacks CTL or ATL. The time constants come from the
    model."""
    if w.ctl is None or w.atl is None:
        return None
    d = w.day
    i = (d - model.start).days
    prov: dict[str, Any] = {"date": d.isoformat(), "source": f"Intervals.icu wellness of {d.isoformat()}"}
    if 0 <= i < len(model.ctl):
        prov["ctl_days"], prov["atl_days"] = float(model.ctl_days[i]), float(model.atl_days[i])
    c = float(w.ctl)
    ramp, formula = w.ramp_rate, "wellness rampRate"
    if ramp is None:
        before = model.at(d - timedelta(days=settings.ramp_days))
        ramp = None if before is None else c - before[0]
        formula = f"CTL[d] - CTL[d-{settings.ramp_days}]"
    return _fitness(d, c, float(w.atl), ramp, formula, prov, settings)


@dataclass(frozen=True)
class ProjectionDay:
    day: date
    planned_load: float
    ctl: float
    atl: float
    form: float
    form_zone: str | None


def project(
    ctl0: float,
    atl0: float,
    start: date,
    planned_loads: Sequence[float],
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    ctl_days: float | None = None,
    atl_days: float | None = None,
) -> list[ProjectionDay]:
    """Project CTL/ATL/form forward from end-of-day values before ``start`` with a planned load per day."""
    ctl, atl = pmc_series(
        planned_loads, ctl0, atl0, ctl_days or settings.ctl_days, atl_days or settings.atl_days
    )
    out = []
    for i, load in enumerate(planned_loads):
        c, a = float(ctl[i]), float(atl[i])
        out.append(
            ProjectionDay(start + timedelta(days=i), float(load), c, a, c - a, fitness_zone(c, a, settings))
        )
    return out


def planned_loads(
    events: Iterable[PlannedInput], start: date, days: int, done: Iterable[ActivityInput] = ()
) -> np.ndarray:
    """Planned load per day from ``start`` for ``days`` days (training categories only).

    A planned event already paired with a completed activity, or matched by sport on the same day, is not
    counted again: its load is in the completed activities.
    """
    done_ids = {a.id for a in done}
    done_fam = {(a.day, a.family) for a in done}
    out = np.zeros(days)
    for e in events:
        i = (e.day - start).days
        if not 0 <= i < days or not e.is_training or e.load is None:
            continue
        if e.paired_activity_id in done_ids or (e.day, e.family) in done_fam:
            continue
        out[i] += e.load
    return out
