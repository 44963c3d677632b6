"""The one entry point adapters call: ``training_status(...) -> TrainingStatus``, the whole digest
(fitness and projection, ACWR, monotony, TID, hard days, recovery, readiness decision, alerts, phase, race
guidance, compliance, FTP progression, data quality), JSON-serialisable with ``to_dict()`` (``null`` for
missing values).

Inputs may be typed (``ActivityInput`` ...) or raw Intervals.icu API dicts; ``today`` is the athlete's local
date. Every window is fixed relative to ``today``; none depends on a display range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from icucoach.analytics.acwr import Acwr, acwr
from icucoach.analytics.capability import Trend, decoupling_trend, efficiency_trend
from icucoach.analytics.compliance import WeekCompliance, week_compliance
from icucoach.analytics.cp import benchmark_index, ftp_history_from_activities
from icucoach.analytics.days import DailyLoads, daily_loads
from icucoach.analytics.health import HealthContext, health_context
from icucoach.analytics.inputs import (
    ActivityInput,
    PlannedInput,
    SportSettingsInput,
    WellnessInput,
    dedupe_activities,
    from_api_activity,
    from_api_event,
    from_api_sport_settings,
    from_api_wellness,
)
from icucoach.analytics.load import (
    FitnessToday,
    ProjectionDay,
    fitness_from_wellness,
    fitness_model,
    fitness_on,
    pinned_to_wellness,
    planned_loads,
    project,
)
from icucoach.analytics.monotony import Monotony, monotony
from icucoach.analytics.phase import Phase, detect_phase
from icucoach.analytics.races import RaceGuidance, race_guidance
from icucoach.analytics.readiness import (
    Alert,
    Readiness,
    load_alerts,
    readiness,
    recovery_alerts,
    signals,
    sort_alerts,
)
from icucoach.analytics.recovery import Recovery, recovery
from icucoach.analytics.result import Metric, to_jsonable, without_keys
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.tid import TidDrift, hard_day, tid_drift
from icucoach.analytics.zones import ActivityBands, activity_bands


@dataclass(frozen=True)
class SportLoad:
    family: str
    acwr: Acwr
    monotony: Monotony
    load_7d: float
    load_28d: float

    def to_dict(self) -> dict:
        return {
            "sport": self.family,
            "acwr": self.acwr.to_dict(),
            "monotony": self.monotony.to_dict(),
            "load_7d": round(self.load_7d, 1),
            "load_28d": round(self.load_28d, 1),
        }


@dataclass(frozen=True)
class TrainingStatus:
    today: date
    fitness: FitnessToday
    fitness_source: str
    replay_max_delta: float | None
    projection: tuple[ProjectionDay, ...]
    acwr: Acwr
    monotony: Monotony
    by_sport: tuple[SportLoad, ...]
    primary_sport: str | None
    tid: TidDrift
    tid_primary: TidDrift | None
    hard_days_7d: int
    hard_days: dict[date, bool | None]
    recovery: Recovery
    readiness: Readiness
    alerts: tuple[Alert, ...]
    phase: Phase
    races: RaceGuidance
    compliance_this_week: WeekCompliance
    compliance_last_week: WeekCompliance
    benchmark: dict[str, Metric]
    capability: dict[str, Trend] = field(default_factory=dict)
    health: HealthContext = field(default_factory=HealthContext)
    data_quality: dict[str, Any] = field(default_factory=dict)
    # With ``settings.fitness_from_wellness``: the de-duplicated replay of today (``fitness`` is the API's).
    fitness_replay: FitnessToday | None = None

    def to_dict(self, compact: bool = False) -> dict:
        """The digest as JSON types; ``compact`` drops every metric's provenance (``inputs``)."""
        out = to_jsonable(
            {
                "date": self.today,
                "fitness": self.fitness.to_dict(),
                "fitness_source": self.fitness_source,
                "replay_max_delta": self.replay_max_delta,
                "projection": [
                    {
                        "date": p.day,
                        "planned_load": p.planned_load,
                        "ctl": p.ctl,
                        "atl": p.atl,
                        "form": p.form,
                        "form_zone": p.form_zone,
                    }
                    for p in self.projection
                ],
                "acwr": self.acwr.to_dict(),
                "monotony": self.monotony.to_dict(),
                "by_sport": [s.to_dict() for s in self.by_sport],
                "primary_sport": self.primary_sport,
                "tid": self.tid.to_dict(),
                "tid_primary_sport": None if self.tid_primary is None else self.tid_primary.to_dict(),
                "hard_days_7d": self.hard_days_7d,
                "hard_days_last_7": {
                    d.isoformat(): v for d, v in sorted(self.hard_days.items()) if (self.today - d).days < 7
                },
                "recovery": self.recovery.to_dict(),
                "readiness": self.readiness.to_dict(),
                "alerts": [a.to_dict() for a in self.alerts],
                "phase": self.phase.to_dict(),
                "races": self.races.to_dict(),
                "compliance": {
                    "this_week": self.compliance_this_week.to_dict(),
                    "last_week": self.compliance_last_week.to_dict(),
                },
                "benchmark_index": {k: v.to_dict() for k, v in self.benchmark.items()},
                "capability": {k: v.to_dict() for k, v in self.capability.items()},
                "health": self.health.to_dict(),
                "data_quality": self.data_quality,
                **({} if self.fitness_replay is None else {"fitness_replay": self.fitness_replay.to_dict()}),
            }
        )
        return without_keys(out) if compact else out


def _typed(items: Iterable[Any], conv, cls) -> list:
    return [conv(x) if isinstance(x, Mapping) else x for x in items if isinstance(x, Mapping | cls)]


def training_status(
    activities: Iterable[ActivityInput | Mapping],
    wellness: Iterable[WellnessInput | Mapping] = (),
    events: Iterable[PlannedInput | Mapping] = (),
    sport_settings: Sequence[SportSettingsInput | Mapping] = (),
    today: date | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    tz: str | None = None,
) -> TrainingStatus:
    s = settings
    raw_acts = [from_api_activity(a, tz) if isinstance(a, Mapping) else a for a in activities]
    wel = sorted(_typed(wellness, from_api_wellness, WellnessInput), key=lambda w: w.day)
    evs = _typed(events, from_api_event, PlannedInput)
    sps = [from_api_sport_settings(x) if isinstance(x, Mapping) else x for x in sport_settings]
    if today is None:
        today = max([a.day for a in raw_acts] + [w.day for w in wel] or [date.today()])
    dd = dedupe_activities([a for a in raw_acts if a.day <= today], s)
    acts = dd.kept

    # --- load & fitness -------------------------------------------------------------------------------------
    first = min((a.day for a in acts), default=today)
    start = max(
        min(first, today - timedelta(days=s.acwr_acute_days + s.acwr_chronic_days)),
        today - timedelta(days=s.history_days),
    )
    loads = daily_loads(acts, start, today)
    fit_loads = (
        daily_loads(acts, start, today, weights=s.fitness_sport_weights) if s.fitness_sport_weights else loads
    )
    model = fitness_model(fit_loads, wel, evs, s)
    fit = fitness_on(model, today, s)
    yday = model.at(today - timedelta(days=1)) or (0.0, 0.0)
    fit_replay = None
    source = model.source
    if s.fitness_from_wellness:  # the numbers the athlete sees in Intervals.icu, the replay kept beside them
        by_day = {w.day: w for w in wel}
        api = fitness_from_wellness(by_day[today], model, s) if today in by_day else None
        if api is not None:
            fit_replay, fit, source = fit, api, str(api.ctl.inputs.get("source"))
        model = pinned_to_wellness(model, wel)
        yday = model.at(today - timedelta(days=1)) or (0.0, 0.0)
    ahead = planned_loads(evs, today, s.projection_days + 1, [a for a in acts if a.day == today])
    ahead[0] += float(loads.loads[-1])
    proj = tuple(project(yday[0], yday[1], today, list(ahead), s))

    hist = loads.history_days
    tot_acwr = acwr(
        loads.window(today, s.acwr_acute_days + s.acwr_chronic_days),
        hist,
        s,
        ewma_history=loads.loads,
        sport="all",
    )
    week = loads.window(today, s.monotony_days)
    tot_mono = monotony(week, s, sport="all", end=today.isoformat())
    families = sorted(
        {a.family for a in acts if a.load and a.day > today - timedelta(days=s.acwr_chronic_days)}
    )
    by_sport = []
    for fam in families:
        fl = daily_loads(acts, start, today, fam)
        by_sport.append(
            SportLoad(
                fam,
                acwr(
                    fl.window(today, s.acwr_acute_days + s.acwr_chronic_days),
                    fl.history_days,
                    s,
                    ewma_history=fl.loads,
                    sport=fam,
                ),
                monotony(fl.window(today, s.monotony_days), s, s.monotony_min_active_days, sport=fam),
                float(np.sum(fl.window(today, 7))),
                float(np.sum(fl.window(today, 28))),
            )
        )
    primary = max(by_sport, key=lambda x: (x.load_7d, x.load_28d)).family if by_sport else None

    # --- intensity ------------------------------------------------------------------------------------------
    look = today - timedelta(days=max(s.tid_long_days, 7 * (s.phase_weeks + 1) + 6))
    recent = [a for a in acts if a.day >= look]
    bands: dict[str, ActivityBands | None] = {a.id: activity_bands(a, sps, s) for a in recent}
    drift = tid_drift(recent, today, None, sps, s, bands)
    drift_primary = tid_drift(recent, today, primary, sps, s, bands) if primary else None
    per_day: dict[date, list[ActivityBands]] = {}
    for a in recent:
        b = bands.get(a.id)
        if b is not None:
            per_day.setdefault(a.day, []).append(b)
    hard = {}
    for i in range((today - look).days + 1):
        d = look + timedelta(days=i)
        li = loads.index(d)
        day_load = float(loads.loads[li]) if li >= 0 else None
        hard[d] = (
            hard_day(per_day.get(d, []), day_load if day_load else None, s)
            if (d in per_day or day_load)
            else False
        )
    hard_7d = sum(1 for i in range(7) if hard.get(today - timedelta(days=i)))

    # --- recovery, phase, readiness, races ------------------------------------------------------------------
    rec = recovery(wel, today, s)
    phase = detect_phase(
        loads,
        model,
        hard,
        today,
        evs,
        tot_acwr.coupled.value,
        tot_mono.monotony.value,
        fit.form.value,
        rec.hrv.trend,
        s,
    )
    races = race_guidance(evs, today, yday[0], yday[1], loads, ahead, s)
    race_week = races.race_week is not None
    # Readiness is judged before today's training: form at the start of the day = yesterday's CTL - ATL,
    # consistent with the start-of-day ACWR.
    form_sod = Metric.of(
        "form_start_of_day", yday[0] - yday[1], "load/day", date=(today - timedelta(days=1)).isoformat()
    )
    sig = signals(rec, tot_acwr.start_of_day, form_sod, phase.phase, race_week, s)
    ready = readiness(sig, phase.phase, race_week, s)

    # --- alerts ---------------------------------------------------------------------------------------------
    l28 = float(np.sum(loads.window(today, 28)))
    deload_ctx = l28 > 0 and float(np.sum(week)) < s.deload_context_ratio * l28 / 4.0
    alerts = load_alerts(
        tot_acwr.coupled,
        tot_mono.monotony,
        tot_mono.strain,
        fit.ramp_rate,
        fit.form_zone,
        fit.form,
        deload_ctx,
        s,
    )
    alerts += recovery_alerts(sig, s)
    if drift.state in ("acute_depolarization", "shifting"):
        alerts.append(
            Alert(
                "tid_" + drift.state,
                "warning" if drift.state == "acute_depolarization" else "info",
                3,
                f"intensity distribution {drift.short.classification} over 7 days vs "
                f"{drift.long.classification} over 28",
                "polarization_index",
                drift.pi_delta,
            )
        )
    if races.taper_window and races.next_race:
        alerts.append(
            Alert("race_taper", "info", 1, f"A race in {races.next_race['days_to']} days: taper window")
        )
    if races.race_week:
        rw = races.race_week
        alerts.append(
            Alert("race_week", "info", 1, f"race week: {rw['race']['name']} in {rw['days_to']} day(s)")
        )
        if not rw["on_target"]:
            alerts.append(
                Alert(
                    "race_week_form",
                    "warning",
                    1,
                    f"projected race-day form {rw['projected_race_day_form']} outside {rw['form_target']}",
                    "form",
                    rw["projected_race_day_form"],
                )
            )
    capability = {
        "durability": decoupling_trend(acts, today, s),
        "efficiency": efficiency_trend(acts, today, s),
    }
    dur = capability["durability"]
    if dur.reliable and dur.mean_long.value is not None and dur.mean_long.value > s.decoupling_coupled_pct:
        alerts.append(
            Alert(
                "durability_low",
                "warning",
                3,
                f"mean decoupling {dur.mean_long.value:.1f} % over 28 "
                f"days ({dur.mean_long.inputs.get('n')} steady long sessions)",
                "decoupling",
                dur.mean_long.value,
                s.decoupling_coupled_pct,
            )
        )
    elif dur.reliable and dur.trend == "declining":
        alerts.append(
            Alert(
                "durability_declining",
                "info",
                3,
                "decoupling rising: 7-day mean above the 28-day mean",
                "decoupling",
                dur.mean_short.value,
                s.capability_decoupling_band,
            )
        )
    health = health_context(evs, wel, today, s)
    if health.clarification_required:
        alerts.append(
            Alert(
                "health_check",
                "warning",
                1,
                "ask about health before a full session: " + "; ".join(health.reasons),
            )
        )
    stubs_28 = [a.id for a in raw_acts if a.is_stub and today - timedelta(days=28) < a.day <= today]
    if stubs_28:
        alerts.append(
            Alert(
                "strava_stubs",
                "info",
                3,
                f"{len(stubs_28)} Strava-stub activity(ies) in 28 days: "
                "metrics unavailable, excluded from load (not counted as zero effort)",
            )
        )

    # --- compliance, benchmark, quality ---------------------------------------------------------------------
    this_w = week_compliance(evs, acts, today, today, s)
    last_w = week_compliance(evs, acts, today - timedelta(days=7), today, s)
    bench: dict[str, Metric] = {}
    for sp in sps:
        if sp.ftp_history:
            key = "/".join(sp.types) or "default"
            bench[key] = benchmark_index(sp.ftp_history, today, s, sport=key, source="sport settings history")
    if not bench:  # no explicit history: the FTP each ride was analysed with (icu_ftp)
        ftp_hist = ftp_history_from_activities(acts)
        if ftp_hist:
            bench["cycling"] = benchmark_index(
                ftp_hist, today, s, sport="cycling", source="activities' icu_ftp"
            )
    quality = {
        "activities": len(raw_acts),
        "duplicates_removed": dd.duplicate_of,
        "strava_stubs": [a.id for a in raw_acts if a.is_stub],
        "without_load": list(loads.missing_load),
        "history_days": hist,
        "notes": list(loads.notes) + list(model.notes),
        "replay_days_compared": model.replay_days_compared,
    }
    return TrainingStatus(
        today,
        fit,
        source,
        model.replay_max_delta,
        proj,
        tot_acwr,
        tot_mono,
        tuple(by_sport),
        primary,
        drift,
        drift_primary,
        hard_7d,
        hard,
        rec,
        ready,
        tuple(sort_alerts(alerts)),
        phase,
        races,
        this_w,
        last_w,
        bench,
        capability,
        health,
        quality,
        fit_replay,
    )


__all__ = ["DailyLoads", "TrainingStatus", "training_status"]
