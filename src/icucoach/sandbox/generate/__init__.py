"""Deterministic synthetic Intervals.icu accounts: ``generate_world(seed, today)``.

The same seed (and pinned ``today``) always gives the same accounts, keys, history and calendar; with
``today=None`` each athlete's history ends on today's date in their own timezone, so the demo is current.
"""

from __future__ import annotations

import copy
import itertools
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.intervals.localtime import athlete_today
from icucoach.sandbox.generate import calendar as cal
from icucoach.sandbox.generate.activities import audit_stamp
from icucoach.sandbox.generate.history import build_history
from icucoach.sandbox.generate.profiles import (
    COACH,
    COACH_SHARES,
    PROFILES,
    AthleteProfile,
    api_key_for,
    athlete_record,
    sport_settings,
)
from icucoach.sandbox.generate.sessions import build_session, workout_text
from icucoach.sandbox.world import Account, AthleteStore, OAuthClient, World

SANDBOX_OAUTH_CLIENT = OAuthClient(
    client_id="icucoach-sandbox",
    client_secret="sandbox-client-secret",
    name="icucoach (sandbox)",
    redirect_uris=("http://localhost/", "http://127.0.0.1/"),
)


def list_accounts(seed: int = 42, squad: int = 0) -> list[Account]:
    """The demo logins for a seed, without generating any history (what ``sandbox --accounts`` prints).

    ``squad`` (``--squad N``): the N - 2 generated squad athletes' logins follow the three demo accounts."""
    out = [Account(p.athlete_id, p.name, p.role, api_key_for(seed, p.athlete_id)) for p in PROFILES]  # type: ignore[arg-type]
    if squad:
        from icucoach.sandbox.generate.squad import squad_members

        out += [
            Account(m.profile.athlete_id, m.profile.name, "athlete", api_key_for(seed, m.profile.athlete_id))
            for m in squad_members(seed, squad)
        ]
    return out


_PRISTINE: dict[tuple[int, date], World] = {}


def generate_world(seed: int = 42, today: date | None = None, squad: int = 0) -> World:
    """A fresh world. With a pinned ``today`` the first build per process is kept and later calls get a deep
    copy (~0.5 s instead of ~6 s), so every test module can own and mutate its world without paying again.

    ``squad`` N >= 2 gives the coach N athletes: the two demo athletes plus N - 2 generated squad athletes
    (``generate/squad.py``: planted personas first, then ordinary ones); 0 is the default world."""
    if squad:
        from icucoach.sandbox.generate.squad import DEMO_ATHLETES, MAX_SQUAD, add_squad

        if not DEMO_ATHLETES <= squad <= MAX_SQUAD:
            raise ValueError(f"squad must be from {DEMO_ATHLETES} to {MAX_SQUAD} athletes, got {squad}")
        world = generate_world(seed, today)
        add_squad(world.athletes, seed, today, squad, itertools.count(80_000_000))
        world.accounts = list_accounts(seed, squad)
        return world
    if today is None:
        return _build_world(seed, None)
    key = (seed, today)
    if key not in _PRISTINE:
        _PRISTINE[key] = _build_world(seed, today)
    return copy.deepcopy(_PRISTINE[key])


def _build_world(seed: int, today: date | None) -> World:
    event_ids = itertools.count(70_000_000)
    athletes: dict[str, AthleteStore] = {}
    files: dict[str, tuple[str, bytes]] = {}
    world_today = today or athlete_today(PROFILES[0].timezone)
    for n, profile in enumerate(PROFILES):
        key = api_key_for(seed, profile.athlete_id)
        day = today or athlete_today(profile.timezone)
        tz = ZoneInfo(profile.timezone)
        stamp = audit_stamp(datetime(day.year, day.month, day.day, 6, tzinfo=tz))
        if profile.role == "coach":
            t = profile.thresholds
            store = AthleteStore(
                athlete_record(profile, key, profile.weight, stamp),
                sport_settings(profile, t.ftp, None, None, stamp),
            )
        else:
            hist = build_history(profile, seed, day, event_ids, activity_base=40_000_000 + n * 2_000_000)
            store = AthleteStore(
                athlete_record(profile, key, hist.weight, stamp),
                hist.sport_settings,
                activities=hist.activities,
                details=hist.details,
                wellness=hist.wellness,
                events=hist.events,
            )
            store.hidden_loads = hist.hidden_loads
            store.ftp_history = hist.ftp_history
            files.update(hist.files)
            _library(store, profile, event_ids, stamp)
            _gear(store, profile)
        athletes[profile.athlete_id] = store
    for athlete_id, access in COACH_SHARES.items():
        athletes[athlete_id].shared_with[COACH.athlete_id] = access  # type: ignore[assignment]
    world = World(
        today=world_today,
        seed=seed,
        accounts=list_accounts(seed),
        athletes=athletes,
        oauth_clients={SANDBOX_OAUTH_CLIENT.client_id: SANDBOX_OAUTH_CLIENT},
    )
    world.files.update(files)
    return world


LIBRARY = {
    "Ride": ("ride_intervals", "ride_tempo", "ride_long"),
    "Run": ("run_intervals", "run_tempo", "run_long", "run_easy"),
    "Swim": ("swim_css", "swim_endurance"),
}


def _library(store: AthleteStore, profile: AthleteProfile, ids: Any, stamp: str) -> None:
    """A folder of the athlete's staple workouts, as a coach would keep them."""
    folder_id = next(ids)
    children: list[dict[str, Any]] = []
    rng = np.random.default_rng(int(profile.athlete_id[1:]))
    css = profile.thresholds.swim_css
    for sport, kinds in LIBRARY.items():
        if not any(s.startswith(sport) or (sport == "Ride" and s == "VirtualRide") for s in profile.sports):
            continue
        for kind in kinds:
            session = build_session(kind, 1.0, rng, css)
            if session is None:
                continue
            settings = store.sport_settings_for(session.sport)
            wid = next(ids)
            w: dict[str, Any] = {
                "id": wid,
                "athlete_id": profile.athlete_id,
                "folder_id": folder_id,
                "name": session.name,
                "description": workout_text(session),
                "type": session.sport,
                "indoor": session.indoor,
                "color": None,
                "tags": [],
                "day": None,
                "days": None,
                "target": "AUTO",
                "targets": [],
                "hide_from_athlete": False,
                "time": None,
                "sub_type": None,
                "for_week": False,
                "distance": None,
                "carbs_per_hour": None,
                "plan_applied": None,
                "updated": stamp,
            }
            # Workout (library) records carry the parsed structure but, unlike events, no icu_ftp
            w.update(
                {
                    k: v
                    for k, v in cal.enrich(w["description"], session.sport, settings).items()
                    if k != "icu_ftp"
                }
            )
            store.workouts[wid] = w
            children.append(w)
    store.folders[folder_id] = {
        "id": folder_id,
        "athlete_id": profile.athlete_id,
        "type": "FOLDER",
        "name": "Staple sessions",
        "description": "Sessions I come back to every block.",
        "children": [],
        "visibility": "PRIVATE",
        "start_date_local": None,
        "rollout_weeks": None,
        "auto_rollout_day": None,
        "num_workouts": len(children),
        "duration_weeks": None,
        "activity_types": sorted({c["type"] for c in children}),
        "owner": None,
    }


def _gear(store: AthleteStore, profile: AthleteProfile) -> None:
    totals: dict[str, float] = {}
    for a in store.activities.values():
        if a.get("source") == "STRAVA":
            continue
        kind = (
            "Bike"
            if a["type"] in ("Ride", "VirtualRide")
            else "Shoes"
            if a["type"] in ("Run", "TrailRun")
            else None
        )
        if kind:
            gid = f"{'b' if kind == 'Bike' else 'g'}{profile.athlete_id[1:]}1"
            a["gear"] = {"id": gid, "name": None, "distance": None, "primary": True}
            totals[gid] = totals.get(gid, 0.0) + (a.get("distance") or 0.0)
    for gid, dist in totals.items():
        bike = gid.startswith("b")
        store.gear[gid] = {
            "id": gid,
            "type": "Bike" if bike else "Shoes",
            "name": "Canyon Endurace" if bike else "Pegasus 41",
            "purchased": "2023-10-01",
            "notes": None,
            "distance": round(dist, 1),
            "time": None,
            "activities": None,
            "retired": None,
            "component": False,
            "component_ids": [],
            "reminders": [],
            "activity_filters": [],
        }
        for a in store.activities.values():
            if (a.get("gear") or {}).get("id") == gid:
                a["gear"]["name"] = store.gear[gid]["name"]
                a["gear"]["distance"] = round(dist, 1)
