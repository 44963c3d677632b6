"""The coach's squad (``icucoach sandbox --squad N``): athletes varied on purpose, deterministic by seed.

With ``--squad N`` the coach (``i100003``) sees N athletes: the two demo athletes plus N - 2 generated here,
each with a *persona* planted so that the coach views and their triage rules have something to find, in the
data a coach reads through the normal endpoints (activities, wellness, events with ``workout_doc``):

==============  ===================================================================================
persona         what is planted
==============  ===================================================================================
compliant       every planned session done as planned
overreaching    the last 10 days a daily long ride (no rest day): ACWR and monotony high, HRV falling
                day by day and resting HR rising (wellness), form deep negative
sick            a ``SICK`` event over the last 4 days (through today); no training those days, the planned
                sessions stay on the calendar; wellness HRV down, resting HR up, sleep short, soreness and
                fatigue 4/4, a comment ("sore throat, staying in bed")
skipper         in the last 3 weeks every other planned session is not done (earlier: the usual 8 %)
too_hard        every session done about 12 % above its targets (load ~ +30 %, IF ~ +12 %)
no_power        a cyclist without a power meter: rides have heart rate only (no ``watts`` stream, no power
                fields, load = HRSS), the coach plans in % LTHR, the ride sport settings have no FTP
strava_only     every activity reached Intervals.icu through Strava, so the API returns stubs (id, date,
                ``source: STRAVA``, ``_note``); their loads still count in wellness CTL/ATL
ordinary        the rest: runners, cyclists and triathletes who skip ~8 % and shorten ~10 % of sessions
==============  ===================================================================================

Every athlete is coached: all sessions (structured or not) are WORKOUT events created by the coach, paired
to the activity that did them (``paired_event_id`` / ``paired_activity_id``, as Intervals.icu pairs them),
except Strava stubs, which the API returns without a link. History is 12 weeks (wellness CTL/ATL start from
a steady pre-history, so fitness is settled), the plan runs 3 weeks ahead, and each athlete has an A race.

Speed: a full activity is computed from 1 Hz streams (~6 ms each); only the last ``FULL_DETAIL_DAYS`` need
streams and intervals for the coach's workout review, so older sessions are summary-only records (no
streams, as a manual upload or an old import), their summary computed from the session's steps with the same
formulas. A 12-athlete squad (10 generated) builds in about 2 s on a loaded 2-core machine (``make bench``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.intervals.localtime import athlete_today
from icucoach.sandbox.generate import calendar as cal
from icucoach.sandbox.generate.activities import (
    Context,
    _hrss,
    _trimp,
    _zone_times,
    activity_head,
    audit_stamp,
    build_activity,
    strava_stub,
)
from icucoach.sandbox.generate.profiles import (
    COACH,
    AthleteProfile,
    Thresholds,
    api_key_for,
    athlete_record,
    sport_settings,
)
from icucoach.sandbox.generate.sessions import Session, build_session, workout_text
from icucoach.sandbox.generate.squad_sessions import (
    camp_ride,
    hr_workout_text,
    quantized,
    scaled,
    shortened,
    steady_text,
    weather,
    workout_event,
)
from icucoach.sandbox.generate.streams import Physiology
from icucoach.sandbox.generate.wellness import build_wellness, days_between
from icucoach.sandbox.world import ActivityDetail, AthleteStore

PERSONAS = ("compliant", "overreaching", "sick", "skipper", "too_hard", "no_power", "strava_only")
SQUAD_HISTORY_DAYS = 84
FULL_DETAIL_DAYS = 21
SQUAD_HORIZON_DAYS = 21
SICK_DAYS = 4  # the sick athlete's SICK event covers the last 4 days, today included
OVERREACH_DAYS = 10
SKIP_WINDOW_DAYS = 21
TOO_HARD_FACTOR = 1.12
DEMO_ATHLETES = 2  # the squad's first two members are the demo athletes (i100001, i100002)
MAX_SQUAD = 40

# weekday -> (session kind, load factor) per athlete type
WEEKS: dict[str, dict[int, tuple[tuple[str, float], ...]]] = {
    "cyclist": {
        1: (("ride_intervals", 1.0),),
        2: (("ride_long", 0.5),),
        3: (("ride_tempo", 1.0),),
        5: (("ride_long", 1.0),),
        6: (("ride_long", 0.6),),
    },
    "runner": {
        1: (("run_intervals", 1.0),),
        2: (("run_easy", 1.0),),
        3: (("run_tempo", 1.0),),
        4: (("run_easy", 0.8),),
        6: (("run_long", 1.0),),
    },
    "triathlete": {
        0: (("swim_css", 1.0),),
        1: (("ride_intervals", 1.0),),
        2: (("run_easy", 1.0),),
        3: (("ride_tempo", 0.9), ("swim_endurance", 0.8)),
        5: (("ride_long", 0.9),),
        6: (("run_long", 0.9),),
    },
}
SPORTS = {
    "cyclist": ("Ride", "VirtualRide", "WeightTraining"),
    "runner": ("Run", "TrailRun", "WeightTraining"),
    "triathlete": ("Ride", "VirtualRide", "Run", "Swim", "WeightTraining"),
}
PERSONA_KIND = {
    "compliant": "triathlete",
    "overreaching": "cyclist",
    "sick": "runner",
    "skipper": "triathlete",
    "too_hard": "cyclist",
    "no_power": "cyclist",
    "strava_only": "runner",
}
ORDINARY_KINDS = ("runner", "cyclist", "triathlete")
HOMES = (
    ("Europe/Berlin", "Berlin", "Germany", (52.52, 13.405)),
    ("Europe/Madrid", "Girona", "Spain", (41.9794, 2.8214)),
    ("America/New_York", "Boston", "United States", (42.3601, -71.0589)),
    ("Pacific/Auckland", "Auckland", "New Zealand", (-36.8485, 174.7633)),
    ("Asia/Tokyo", "Tokyo", "Japan", (35.6762, 139.6503)),
    ("Europe/London", "Leeds", "United Kingdom", (53.8008, -1.5491)),
)
NAMES = (
    ("Ana", "Costa", "F"),
    ("Ben", "Okafor", "M"),
    ("Chloé", "Martin", "F"),
    ("Dev", "Patel", "M"),
    ("Elin", "Berg", "F"),
    ("Felix", "Wagner", "M"),
    ("Grace", "Kim", "F"),
    ("Hugo", "Silva", "M"),
    ("Ines", "Moreau", "F"),
    ("Jonas", "Weber", "M"),
    ("Kaia", "Hansen", "F"),
    ("Liam", "Murphy", "M"),
)


@dataclass(frozen=True)
class SquadMember:
    profile: AthleteProfile
    persona: str
    kind: str  # cyclist / runner / triathlete
    home: tuple[float, float]
    volume: float  # load factor of a normal week (1.0 = the session catalogue's sizes)


def squad_ids(squad: int) -> list[str]:
    """Athlete ids of the generated part of a squad of ``squad`` (the demo athletes are not included)."""
    return [f"i2{k + 1:05d}" for k in range(max(0, squad - DEMO_ATHLETES))]


def persona_of(index: int) -> str:
    """The persona of the ``index``-th generated athlete (0-based): planted cases first, then ordinary."""
    return PERSONAS[index] if index < len(PERSONAS) else "ordinary"


def squad_members(seed: int, squad: int) -> list[SquadMember]:
    """Who the generated athletes are (identity and habits; no history), deterministic by seed."""
    rng = np.random.default_rng([seed, 7_331])
    out: list[SquadMember] = []
    for k, aid in enumerate(squad_ids(squad)):
        persona = persona_of(k)
        kind = PERSONA_KIND.get(persona, ORDINARY_KINDS[k % len(ORDINARY_KINDS)])
        first, last, sex = NAMES[k % len(NAMES)]
        if k >= len(NAMES):
            last = f"{last} {k // len(NAMES) + 1}"
        tz, city, country, home = HOMES[k % len(HOMES)]
        f = 1.0 if sex == "M" else 0.86
        ftp = round(float(rng.uniform(230, 300)) * f)
        run = round(float(rng.uniform(3.6, 4.5)) * (1.0 if sex == "M" else 0.92), 2)
        max_hr = int(rng.integers(178, 196))
        rest = int(rng.integers(42, 56))
        lthr = int(round(max_hr * 0.9))
        th = Thresholds(
            ftp=ftp if kind != "runner" else None,
            lthr_ride=lthr - 4 if kind != "runner" else None,
            run_threshold_speed=run if kind != "cyclist" else None,
            lthr_run=lthr if kind != "cyclist" else None,
            swim_css=round(float(rng.uniform(1.05, 1.35)), 2) if kind == "triathlete" else None,
            max_hr=max_hr,
            resting_hr=rest,
        )
        profile = AthleteProfile(
            athlete_id=aid,
            name=f"{first} {last}",
            firstname=first,
            lastname=last,
            sex=sex,
            timezone=tz,
            city=city,
            country=country,
            date_of_birth=f"{1975 + int(rng.integers(0, 30))}-0{1 + k % 9}-1{k % 10}",
            weight=round(float(rng.uniform(62, 80)) * (1.0 if sex == "M" else 0.85), 1),
            height=round(float(rng.uniform(1.65, 1.92)) * (1.0 if sex == "M" else 0.95), 2),
            thresholds=th,
            hrv_kind="rmssd" if k % 4 != 3 else "sdnn",
            hrv_baseline=round(float(rng.uniform(45, 90)), 1),
            sports=SPORTS[kind],
        )
        out.append(SquadMember(profile, persona, kind, home, round(float(rng.uniform(0.9, 1.1)), 3)))
    return out


# --- summary-only activities (older than FULL_DETAIL_DAYS) -------------------------------------------------


def _summary_activity(
    ctx: Context, session: Session, phys: Physiology, day: date, act_id: str, seed: int, source: str
) -> dict[str, Any]:
    """An activity record without streams, its summary computed from the steps (10 s resolution)."""
    rel = np.concatenate([np.full(max(1, st.secs // 10), (st.lo + st.hi) / 2) for st in session.segments()])
    n = int(sum(st.secs for st in session.segments()))
    t = np.arange(len(rel)) * 10.0
    sport = session.sport
    settings = ctx.settings_by_sport.get(sport) or {}
    lthr = float(settings.get("lthr") or phys.lthr)
    effort = rel if sport != "WeightTraining" else np.full(len(rel), 0.68)
    hr = (phys.resting_hr + (phys.lthr - phys.resting_hr) * (0.28 + 0.72 * effort)) * (
        1 + (0.035 + 0.03 * phys.fatigue) * t / 3600.0
    )
    hr = np.minimum(hr, phys.max_hr)
    hour = session.start_hour + (seed % 40) / 60.0
    local = datetime(day.year, day.month, day.day, int(hour), int((hour % 1) * 60), seed % 60, tzinfo=ctx.tz)
    trimp = _trimp(np.repeat(hr, 10), phys.resting_hr, phys.max_hr, ctx.sex)
    hr_load = _hrss(trimp, lthr, phys.resting_hr, phys.max_hr, ctx.sex)
    a: dict[str, Any] = {
        **activity_head(ctx, act_id, local, sport, session, source),
        "file_type": "fit",
        "created": audit_stamp(local + timedelta(seconds=n + 600)),
        "analyzed": audit_stamp(local + timedelta(seconds=n + 660)),
        "paired_event_id": None,
        "tags": [],
        "moving_time": n,
        "elapsed_time": n,
        "icu_recording_time": n,
        "has_heartrate": True,
        "average_heartrate": int(round(float(hr.mean()))),
        "max_heartrate": int(round(float(hr.max()))) + 3,
        "athlete_max_hr": phys.max_hr,
        "lthr": int(lthr),
        "icu_resting_hr": phys.resting_hr,
        "icu_weight": phys.weight,
        "icu_hr_zones": settings.get("hr_zones"),
        "icu_hr_zone_times": _zone_times(np.repeat(hr, 10), settings.get("hr_zones") or [999]),
        "trimp": round(trimp, 2),
        "hr_load": int(round(hr_load)),
        "hr_load_type": settings.get("hr_load_type"),
        "pace_load_type": settings.get("pace_load_type"),
        "stream_types": [],
        "icu_lap_count": 1,
        "attachments": [],
    }
    load, intensity = hr_load, 100.0 * (float(hr.mean()) - phys.resting_hr) / max(1.0, lthr - phys.resting_hr)
    if sport in ("Ride", "VirtualRide") and phys.ftp:
        p = np.repeat(rel * phys.ftp, 10)
        zones = settings.get("power_zones") or [55, 75, 90, 105, 120, 150, 999]
        np_ = float(np.mean(p**4) ** 0.25)
        ifac = np_ / phys.ftp
        a.update(
            {
                "icu_ftp": int(round(phys.ftp)),
                "icu_average_watts": int(round(float(p.mean()))),
                "icu_weighted_avg_watts": int(round(np_)),
                "icu_joules": int(p.sum()),
                "device_watts": True,
                "icu_power_zones": zones,
                "icu_zone_times": [
                    {"id": f"Z{i + 1}", "secs": s}
                    for i, s in enumerate(_zone_times(100 * p / phys.ftp, zones))
                ],
                "power_load": int(round(n / 3600 * ifac * ifac * 100)),
            }
        )
        load, intensity = a["power_load"], ifac * 100
    elif sport in ("Run", "TrailRun", "Swim"):
        thr = float(
            settings.get("threshold_pace") or (phys.run_speed if sport != "Swim" else phys.css) or 3.0
        )
        v = np.repeat(rel * thr, 10)
        dist = float(v.sum())
        avg_v = dist / max(1, n)
        zones = settings.get("pace_zones") or [999]
        rel_v = avg_v / thr
        a.update(
            {
                "distance": round(dist, 1),
                "icu_distance": round(dist, 1),
                "average_speed": round(avg_v, 3),
                "pace": round(avg_v, 3),
                "threshold_pace": round(thr, 4),
                "pace_zones": zones,
                "pace_zone_times": _zone_times(100 * v / thr, zones),
                "pace_load": int(round(n / 3600 * rel_v * rel_v * 100)),
            }
        )
        load, intensity = a["pace_load"], rel_v * 100
    a["icu_training_load"] = int(round(load))
    a["icu_intensity"] = round(intensity, 2)
    return a


# --- one athlete --------------------------------------------------------------------------------------------


def _ride_settings_without_power(ss: list[dict[str, Any]]) -> None:
    for s in ss:
        if "Ride" in s["types"]:
            for k in (
                "ftp",
                "indoor_ftp",
                "w_prime",
                "p_max",
                "power_zones",
                "power_zone_names",
                "mmp_model",
            ):
                s[k] = None
            s["sweet_spot_min"] = s["sweet_spot_max"] = None
            s["load_order"] = s["tiz_order"] = s["workout_order"] = "HR_PACE_POWER"


def _without_watts(detail: ActivityDetail) -> ActivityDetail:
    streams = detail.streams
    assert streams is not None
    return ActivityDetail(
        streams=lambda: [s for s in streams() if s["type"] != "watts"], intervals=detail.intervals
    )


def build_member(member: SquadMember, seed: int, today: date, event_ids: Any, coach_id: str) -> AthleteStore:
    """Everything the sandbox serves for one squad athlete (history, wellness, calendar)."""
    p, persona = member.profile, member.persona
    th = p.thresholds
    aid = p.athlete_id
    rng = np.random.default_rng([seed, int(aid[1:])])
    tz = ZoneInfo(p.timezone)
    stamp = audit_stamp(datetime(today.year, today.month, today.day, 6, tzinfo=tz))
    ss = sport_settings(p, th.ftp, th.run_threshold_speed, th.swim_css, stamp)
    if persona == "no_power":
        _ride_settings_without_power(ss)
    by_sport = {typ: s for s in ss for typ in s["types"]}
    ctx = Context(aid, tz, p.sex, member.home, by_sport)
    store = AthleteStore(athlete_record(p, api_key_for(seed, aid), p.weight, stamp), ss)
    store.athlete["icu_resting_hr"] = th.resting_hr
    start = today - timedelta(days=SQUAD_HISTORY_DAYS - 1)
    horizon = today + timedelta(days=SQUAD_HORIZON_DAYS)
    race_day = today + timedelta(days=int(rng.integers(35, 63)))
    week = WEEKS[member.kind]
    sick_from = today - timedelta(days=SICK_DAYS - 1)
    ftp = None if persona == "no_power" else th.ftp
    loads = np.zeros(SQUAD_HISTORY_DAYS)
    counter = 0
    source = "STRAVA" if persona == "strava_only" else "GARMIN_CONNECT"
    day = start
    skip_toggle = False
    enriched: dict[tuple[str, str], dict[str, Any]] = {}
    while day <= horizon:
        i = (day - start).days
        week_no = i // 7
        factor = member.volume * (0.7 if week_no % 4 == 3 else 1.0 + 0.05 * (week_no % 4))
        camp = persona == "overreaching" and today - timedelta(days=OVERREACH_DAYS - 1) <= day <= today
        plans: list[Session] = []
        if camp:
            plans.append(camp_ride(rng))
        else:
            for kind, f in week.get(day.weekday(), ()):
                s = build_session(kind, factor * f, rng, th.swim_css)
                if s is not None:
                    plans.append(s if s.structured else quantized(s))
        for session in plans:
            future = day > today or (day == today and session.start_hour >= 12)
            settings = by_sport.get(session.sport)
            lthr = int((th.lthr_ride if session.sport in ("Ride", "VirtualRide") else th.lthr_run) or 165)
            if persona == "no_power" and session.sport in ("Ride", "VirtualRide"):
                text = hr_workout_text(session, th, lthr)
            else:
                text = workout_text(session) if session.structured else steady_text(session)
            event = workout_event(next(event_ids), aid, day, session, text, settings, tz, coach_id, enriched)
            store.events[event["id"]] = event
            if future:
                continue
            # what the athlete did
            roll = rng.random()
            if persona == "sick" and day >= sick_from:
                continue
            if persona == "skipper" and (today - day).days < SKIP_WINDOW_DAYS:
                skip_toggle = not skip_toggle
                if skip_toggle:
                    continue
            elif persona not in ("compliant", "overreaching") and roll < 0.08 and day < today:
                continue
            done = session
            if persona == "too_hard":
                done = scaled(session, TOO_HARD_FACTOR, 1.04)
            elif persona == "ordinary" and roll > 0.90:
                done = shortened(session)
            counter += 1
            act_id = f"i{int(aid[1:]) * 1000 + counter}"
            phys = Physiology(
                ftp, th.run_threshold_speed, th.swim_css, lthr, th.max_hr, th.resting_hr, p.weight, 0.1
            )
            act_seed = seed * 1_000_003 + int(aid[1:]) * 1000 + counter
            if (today - day).days < FULL_DETAIL_DAYS and persona != "strava_only":
                dev = "ZWIFT" if done.sport == "VirtualRide" else source
                act, detail = build_activity(ctx, done, phys, day, act_id, act_seed, dev, True)
                if persona == "no_power" and "watts" in act["stream_types"]:
                    act["stream_types"] = [k for k in act["stream_types"] if k != "watts"]
                    act["device_name"] = "Garmin Edge 530"
                    detail = _without_watts(detail)
                store.details[act_id] = detail
            else:
                act = _summary_activity(ctx, done, phys, day, act_id, act_seed, source)
            act["name"] = session.name
            weather(act, day, act_seed)
            _swim_load(act)
            loads[i] += act["icu_training_load"] or 0
            if persona == "strava_only":
                stub_id = str(14_000_000_000 + int(aid[1:]) * 1000 + counter)
                store.activities[stub_id] = strava_stub(act, stub_id)
                store.hidden_loads[stub_id] = act["icu_training_load"] or 0
                continue
            act["paired_event_id"] = event["id"]
            event["paired_activity_id"] = act_id
            store.activities[act_id] = act
        day += timedelta(days=1)

    # the calendar beyond sessions: the A race, illness
    ev = cal.race_event(
        next(event_ids),
        aid,
        race_day,
        "RACE_A",
        "Autumn Classic",
        _main_sport(member),
        42_195.0 if member.kind == "runner" else 100_000.0,
        tz,
        coach_id,
    )
    store.events[ev["id"]] = ev
    if persona == "sick":
        ev = cal.span_event(next(event_ids), aid, sick_from, today, "SICK", "Flu", tz)
        ev["description"] = "Fever and sore throat, staying in bed."
        store.events[ev["id"]] = ev

    store.wellness = _wellness(member, loads, start, today, rng, tz)
    return store


def _swim_load(act: dict[str, Any]) -> None:
    """Swim pace load is cubic in relative speed (Intervals.icu's SWIM pace load, as the planner computes a
    swim workout's load in ``workouts.doc``); the base generator's is quadratic, so squad swims are redone."""
    if act.get("type") != "Swim" or not act.get("threshold_pace") or not act.get("average_speed"):
        return
    rel = float(act["average_speed"]) / float(act["threshold_pace"])
    swimming = float(act.get("distance") or 0.0) / float(act["average_speed"])  # seconds actually swimming
    load = int(round(swimming / 3600 * rel**3 * 100))
    act["pace_load"] = act["icu_training_load"] = load


def _main_sport(member: SquadMember) -> str:
    return "Run" if member.kind == "runner" else "Ride"


def _wellness(
    member: SquadMember, loads: np.ndarray, start: date, today: date, rng: np.random.Generator, tz: ZoneInfo
) -> dict[str, dict[str, Any]]:
    """Wellness over the history; CTL/ATL start from a steady pre-history at the first four weeks' mean."""
    p, persona = member.profile, member.persona
    pre = SQUAD_HISTORY_DAYS
    mean = float(loads[:28].mean()) if len(loads) else 0.0
    all_loads = np.concatenate([np.full(pre, mean), loads])
    days = days_between(start - timedelta(days=pre), today)
    ill = np.zeros(len(days))
    if persona == "sick":
        ill[-SICK_DAYS:] = 1
    rows = build_wellness(
        days,
        all_loads,
        ill,
        p.hrv_kind,
        p.hrv_baseline,
        p.thresholds.resting_hr,
        p.weight,
        [[] for _ in days],
        rng,
        tz,
    )
    out = {k: v for k, v in rows.items() if k >= start.isoformat()}
    # the last week always recorded (the planted signals must be readable), gaps stay earlier
    for k in range(8):
        d = (today - timedelta(days=k)).isoformat()
        rec = out[d]
        if rec["restingHR"] is None:
            rec.update(_reading(member, rng, sick=persona == "sick" and k < SICK_DAYS))
    if persona == "overreaching":
        for k in range(OVERREACH_DAYS):  # k days before today; the deeper into the block the worse
            rec = out[(today - timedelta(days=k)).isoformat()]
            depth = OVERREACH_DAYS - k
            key = "hrv" if p.hrv_kind == "rmssd" else "hrvSDNN"
            rec[key] = round(p.hrv_baseline * (1.0 - 0.035 * depth), 1)
            rec["restingHR"] = int(p.thresholds.resting_hr + round(0.8 * depth))
            rec["sleepSecs"] = int((7.0 - 0.08 * depth) * 3600)
            rec["fatigue"] = 4 if depth > 6 else 3
            rec["soreness"] = 3
    if persona == "sick":
        for k in range(SICK_DAYS):
            rec = out[(today - timedelta(days=k)).isoformat()]
            key = "hrv" if p.hrv_kind == "rmssd" else "hrvSDNN"
            rec[key] = round(p.hrv_baseline * 0.72, 1)
            rec["restingHR"] = int(p.thresholds.resting_hr + 8)
            rec.update(
                {"sleepSecs": int(5.8 * 3600), "soreness": 4, "fatigue": 4, "mood": 3, "readiness": 20}
            )
            rec["comments"] = "Sore throat and fever, staying in bed"
    return out


def _reading(member: SquadMember, rng: np.random.Generator, sick: bool) -> dict[str, Any]:
    p = member.profile
    hrv = p.hrv_baseline * float(np.exp(rng.normal(0, 0.05)))
    rec: dict[str, Any] = {
        "restingHR": int(p.thresholds.resting_hr + round(float(rng.normal(0, 1)))),
        "sleepSecs": int(float(rng.normal(7.5, 0.4)) * 3600),
        "sleepScore": 80,
        "soreness": 1,
        "fatigue": 2,
        "stress": 1,
        "mood": 1,
        "motivation": 1,
        "readiness": 70,
    }
    rec["hrv" if p.hrv_kind == "rmssd" else "hrvSDNN"] = round(hrv, 1)
    return rec


def add_squad(
    athletes: dict[str, AthleteStore], seed: int, today: date | None, squad: int, event_ids: Any
) -> list[SquadMember]:
    """Generate the squad's athletes into ``athletes`` and share them with the coach (WRITE)."""
    members = squad_members(seed, squad)
    for m in members:
        day = today or athlete_today(m.profile.timezone)
        store = build_member(m, seed, day, event_ids, COACH.athlete_id)
        store.shared_with[COACH.athlete_id] = "WRITE"
        athletes[m.profile.athlete_id] = store
    return members


__all__ = ["PERSONAS", "SquadMember", "add_squad", "persona_of", "squad_ids", "squad_members"]
