"""Three years of one athlete's life, day by day: what was planned, what was done, how the body responded.

Two passes: the first estimates daily load from the planned sessions (relative intensity only) to get the
fitness curve that moves thresholds; the second performs every session with the thresholds of its day,
computing each activity from its own streams. Planned workouts are done, skipped or changed; some sessions
reach Intervals.icu only through Strava (stubs) and one ride is recorded by two devices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.sandbox.generate import calendar as cal
from icucoach.sandbox.generate.activities import Context, audit_stamp, build_activity, iso_utc, strava_stub
from icucoach.sandbox.generate.profiles import AthleteProfile, sport_settings
from icucoach.sandbox.generate.reference import fitness_fatigue
from icucoach.sandbox.generate.season import DayPlan, Season, plan_season, threshold_multiplier
from icucoach.sandbox.generate.sessions import Session, build_session, race_session
from icucoach.sandbox.generate.streams import Physiology
from icucoach.sandbox.generate.wellness import build_wellness, days_between
from icucoach.sandbox.world import ActivityDetail

HISTORY_DAYS = 3 * 365
HORIZON_DAYS = 56
HOMES = {
    "Australia/Sydney": (-33.8688, 151.2093),
    "America/Denver": (40.0150, -105.2705),
    "Europe/London": (51.4545, -2.5879),
}


@dataclass
class History:
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: dict[str, ActivityDetail] = field(default_factory=dict)
    hidden_loads: dict[str, int] = field(default_factory=dict)  # Strava stubs' loads, counted in fitness
    wellness: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    sport_settings: list[dict[str, Any]] = field(default_factory=list)
    ftp_history: list[tuple[str, float]] = field(default_factory=list)
    weight: float = 0.0


def _sessions_for(
    profile: AthleteProfile, plan: DayPlan, rng: np.random.Generator, css: float | None, run_speed: float
) -> list[Session]:
    if plan.race is not None:
        return [race_session(plan.race.sport, plan.race.distance_m, run_speed)]
    if plan.absence is not None and "*" in plan.absence.blocks:
        return []
    kinds = list(profile.week.get(plan.day.weekday(), ("rest",)))
    if plan.phase in ("off-season", "recovery", "taper"):
        kinds = [k.replace("intervals", "tempo") if plan.phase == "taper" else k for k in kinds]
        if plan.phase != "taper":
            kinds = ["run_easy" if k.startswith("run") else k for k in kinds if "intervals" not in k]
    out = []
    for k in kinds:
        s = build_session(k, plan.load_factor, rng, css)
        if s is None:
            continue
        if plan.absence is not None and s.sport in plan.absence.blocks:
            continue  # injured: the blocked sport is not trained
        out.append(s)
    return out


def _relative_load(s: Session) -> float:
    return sum(st.secs * ((st.lo + st.hi) / 2) ** 2 for st in s.segments()) / 36.0


def build_history(profile: AthleteProfile, seed: int, today: date, ids: Any, activity_base: int) -> History:
    """Everything the sandbox serves for one athlete. ``ids`` hands out event ids."""
    rng = np.random.default_rng([seed, int(profile.athlete_id[1:])])
    tz = ZoneInfo(profile.timezone)
    start, end = today - timedelta(days=HISTORY_DAYS - 1), today + timedelta(days=HORIZON_DAYS)
    main = "Run" if "Ride" not in profile.sports else "Ride"
    season: Season = plan_season(rng, start, today, end, main, runner="Ride" not in profile.sports)
    t = profile.thresholds
    hist = History(weight=profile.weight)

    # pass 1: planned relative load -> fitness curve -> thresholds of each day
    day_sessions: list[list[Session]] = []
    for plan in season.days:
        day_sessions.append(_sessions_for(profile, plan, rng, t.swim_css, t.run_threshold_speed or 3.5))
    est = np.array([sum(_relative_load(s) for s in ss) for ss in day_sessions])
    ctl_est, atl_est = fitness_fatigue(est)
    mult = threshold_multiplier(ctl_est, ctl_ref=float(np.median(ctl_est[:HISTORY_DAYS])))
    ftp = [t.ftp * m if t.ftp else None for m in mult]
    run_speed = [t.run_threshold_speed * m if t.run_threshold_speed else None for m in mult]
    css = [t.swim_css * (1 + (m - 1) * 0.6) if t.swim_css else None for m in mult]

    ctx_settings = sport_settings(
        profile,
        ftp[HISTORY_DAYS - 1],
        run_speed[HISTORY_DAYS - 1],
        css[HISTORY_DAYS - 1],
        audit_stamp(datetime(2024, 1, 1, tzinfo=tz)),
    )
    by_sport = {typ: ss for ss in ctx_settings for typ in ss["types"]}
    ctx = Context(profile.athlete_id, tz, profile.sex, HOMES[profile.timezone], by_sport)
    hist.sport_settings = ctx_settings

    counter = 0
    daily_load = np.zeros(HISTORY_DAYS)
    strava_days = {HISTORY_DAYS - 520 + k * 3 for k in range(4)}
    duplicate_day = HISTORY_DAYS - 40
    for i, plan in enumerate(season.days[:HISTORY_DAYS]):
        fatigue = float(np.clip((atl_est[i] - ctl_est[i]) / 40.0, 0, 1))
        for j, session in enumerate(day_sessions[i]):
            is_today = i == HISTORY_DAYS - 1
            if is_today and session.start_hour >= 12:
                continue  # the afternoon session of today is still ahead
            # the plan: structured sessions were planned workouts; some skipped, some changed
            event = None
            if session.structured:
                settings = by_sport.get(session.sport)
                event = cal.workout_event(
                    next(ids), profile.athlete_id, plan.day, session, settings, tz, profile.athlete_id
                )
                hist.events[event["id"]] = event
                roll = rng.random()
                if roll < 0.08 and not is_today:
                    continue  # skipped
                if roll < 0.18:
                    session = _changed(session)
            elif rng.random() < 0.05:
                continue  # life happens
            sport = session.sport
            lthr = (t.lthr_ride if sport in ("Ride", "VirtualRide") else t.lthr_run) or t.lthr_run or 165
            phys = Physiology(
                ftp[i], run_speed[i], css[i], int(lthr), t.max_hr, t.resting_hr, hist.weight, fatigue
            )
            counter += 1
            act_id = f"i{activity_base + counter}"
            recent = i >= HISTORY_DAYS - 90
            sensor_rich = recent and (
                sport in ("Run", "TrailRun") or session.kind in ("ride_long", "run_long")
            )
            act, detail = build_activity(
                ctx,
                session,
                phys,
                plan.day,
                act_id,
                seed * 1_000_003 + counter,
                "GARMIN_CONNECT" if sport != "VirtualRide" else "ZWIFT",
                sensor_rich,
            )
            act["name"] = plan.race.name if plan.race is not None else act["name"]
            if event is not None:
                act["paired_event_id"] = event["id"]
                event["paired_activity_id"] = act_id
            daily_load[i] += act["icu_training_load"] or 0
            if i in strava_days and j == 0 and not session.structured:
                stub_id = str(9_100_000_000 + counter)
                hist.activities[stub_id] = strava_stub(act, stub_id)
                hist.hidden_loads[stub_id] = act["icu_training_load"] or 0
                continue
            hist.activities[act_id] = act
            hist.details[act_id] = detail
            if i == duplicate_day and j == 0:
                counter += 1  # the same ride from a second head unit, started two seconds later
                shifted = datetime.fromisoformat(act["start_date_local"]) + timedelta(seconds=2)
                dup = dict(
                    act,
                    id=f"i{activity_base + counter}",
                    source="WAHOO",
                    device_name="Wahoo ELEMNT BOLT",
                    start_date_local=shifted.isoformat(),
                    paired_event_id=None,
                    start_date=iso_utc(shifted.replace(tzinfo=tz)),
                )
                hist.activities[dup["id"]] = dup
                hist.details[dup["id"]] = detail
                daily_load[i] += dup["icu_training_load"] or 0  # Intervals counts both: the load is doubled
        day_ftp = ftp[i]
        if day_ftp and (i == 0 or day_ftp != ftp[i - 1]):
            hist.ftp_history.append((plan.day.isoformat(), round(float(day_ftp))))

    days = days_between(start, today)
    ill = np.array(
        [
            1 if p.absence is not None and p.absence.category == "SICK" else 0
            for p in season.days[:HISTORY_DAYS]
        ]
    )
    info = [
        [{"type": "Ride", "eftp": round(float(f), 1), "wPrime": t.w_prime, "pMax": t.p_max}] if f else []
        for f in ftp[:HISTORY_DAYS]
    ]
    hist.wellness = build_wellness(
        days,
        daily_load,
        ill,
        profile.hrv_kind,
        profile.hrv_baseline,
        t.resting_hr,
        profile.weight,
        info,
        rng,
        tz,
    )
    _calendar(profile, season, hist, ids, rng, tz, today, by_sport, day_sessions, run_speed[HISTORY_DAYS - 1])
    return hist


def _changed(session: Session) -> Session:
    """The athlete cut the main set short: same session, fewer repeats."""
    blocks = [b if b.reps <= 2 else type(b)(b.title, b.steps, b.reps - 2) for b in session.blocks]
    return Session(
        session.kind,
        session.sport,
        session.name,
        blocks,
        True,
        session.start_hour,
        session.indoor,
        session.terrain,
        session.race,
        session.distance_goal,
        ["shortened"],
    )


def _calendar(
    profile: AthleteProfile,
    season: Season,
    hist: History,
    ids: Any,
    rng: np.random.Generator,
    tz: ZoneInfo,
    today: date,
    by_sport: dict[str, dict[str, Any]],
    day_sessions: list[list[Session]],
    run_speed: float | None,
) -> None:
    aid = profile.athlete_id
    for race in season.races:
        ev = cal.race_event(
            next(ids), aid, race.day, race.category, race.name, race.sport, race.distance_m, tz, aid
        )
        if race.day > today and race.category == "RACE_A":
            name = f"{race.name.lower().replace(' ', '-')}.gpx"
            gpx = cal.gpx_route(
                race.name,
                HOMES[profile.timezone],
                min(race.distance_m, 60_000),
                420,
                int(rng.integers(10**9)),
            )
            key = f"{aid}/{ev['id']}/{name}"
            hist.files[key] = ("application/gpx+xml", gpx.encode())
            ev["attachments"] = [
                {
                    "id": f"att-{ev['id']}",
                    "filename": name,
                    "mimetype": "application/gpx+xml",
                    "url": f"/files/{key}",
                }
            ]
        hist.events[ev["id"]] = ev
    for ab in season.absences:
        ev = cal.span_event(next(ids), aid, ab.start, ab.end, ab.category, ab.name, tz)
        hist.events[ev["id"]] = ev
    # the plan ahead: every session from tomorrow (and this afternoon) to the horizon
    first_future = HISTORY_DAYS - 1
    for i in range(first_future, len(season.days)):
        plan = season.days[i]
        for session in day_sessions[i]:
            if i == first_future and session.start_hour < 12:
                continue
            if plan.race is not None:
                continue  # the race event itself is the plan
            ev = cal.workout_event(next(ids), aid, plan.day, session, by_sport.get(session.sport), tz, aid)
            if not session.structured:
                ev["description"] = _free_text(session)
                ev.update(cal.enrich(ev["description"], session.sport, by_sport.get(session.sport)))
            if session.kind == "ride_long" and len([e for e in hist.events.values() if e["attachments"]]) < 3:
                name = f"long-ride-{plan.day.isoformat()}.gpx"
                key = f"{aid}/{ev['id']}/{name}"
                hist.files[key] = (
                    "application/gpx+xml",
                    cal.gpx_route(
                        "Long ride loop", HOMES[profile.timezone], 70_000, 900, int(rng.integers(10**9))
                    ).encode(),
                )
                ev["attachments"] = [
                    {
                        "id": f"att-{ev['id']}",
                        "filename": name,
                        "mimetype": "application/gpx+xml",
                        "url": f"/files/{key}",
                    }
                ]
            hist.events[ev["id"]] = ev
    for k, offset in enumerate((-20, 3, 17)):
        day = today + timedelta(days=offset)
        ev = cal.note_event(
            next(ids),
            aid,
            day,
            ("Travel", "Work trip", "Family weekend")[k],
            ("Hotel gym only", "Long days; keep it easy", "No training Saturday")[k],
            tz,
        )
        hist.events[ev["id"]] = ev


def _free_text(session: Session) -> str:
    """Unstructured sessions are still planned as one steady step, so they carry duration and load."""
    st = session.segments()[0]
    mins = max(1, round(session.planned_secs / 60))
    pct = round(st.lo * 100)
    if session.sport == "WeightTraining":
        return f"- {mins}m strength circuit"
    if session.sport in ("Run", "TrailRun"):
        return f"Steady\n- {mins}m {pct}% Pace"
    if session.sport == "Swim":
        return f"Steady\n- {mins}m {pct}% Pace"
    return f"Endurance\n- {mins}m {pct}%"
