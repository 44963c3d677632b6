"""Calendar events in API shape: planned workouts (with workout text parsed server-side into
``workout_doc``), races, illness and injury, notes, and GPX route attachments for some planned events.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.sandbox.generate.activities import audit_stamp
from icucoach.sandbox.generate.sessions import Session, workout_text

EVENT_FIELDS = (
    "id",
    "start_date_local",
    "icu_training_load",
    "icu_atl",
    "icu_ctl",
    "type",
    "calendar_id",
    "uid",
    "athlete_id",
    "category",
    "end_date_local",
    "name",
    "description",
    "indoor",
    "color",
    "moving_time",
    "icu_ftp",
    "w_prime",
    "p_max",
    "atl_days",
    "ctl_days",
    "updated",
    "not_on_fitness_chart",
    "show_as_note",
    "show_on_ctl_line",
    "for_week",
    "target",
    "joules",
    "joules_above_ftp",
    "workout_doc",
    "push_errors",
    "athlete_cannot_edit",
    "hide_from_athlete",
    "structure_read_only",
    "created_by_id",
    "shared_event_id",
    "entered",
    "carbs_per_hour",
    "sub_type",
    "distance",
    "tags",
    "attachments",
    "oauth_client_id",
    "external_id",
    "load_target",
    "time_target",
    "distance_target",
    "plan_athlete_id",
    "plan_folder_id",
    "plan_workout_id",
    "plan_applied",
    "icu_intensity",
    "paired_activity_id",
)


def enrich(description: str | None, sport: str | None, settings: dict[str, Any] | None) -> dict[str, Any]:
    """What Intervals.icu fills in server-side when it parses a workout description."""
    from icucoach.workouts import enrich_event

    return enrich_event(description, sport, settings)


def base_event(
    event_id: int, athlete_id: str, day: date, category: str, name: str, created: datetime, creator: str
) -> dict[str, Any]:
    ev: dict[str, Any] = dict.fromkeys(EVENT_FIELDS)
    ev.update(
        {
            "id": event_id,
            "uid": f"{event_id}@intervals.icu",
            "athlete_id": athlete_id,
            "calendar_id": 0,
            "category": category,
            "name": name,
            "start_date_local": f"{day.isoformat()}T00:00:00",
            "updated": audit_stamp(created),
            "created_by_id": creator,
            "not_on_fitness_chart": False,
            "show_as_note": False,
            "show_on_ctl_line": False,
            "for_week": False,
            "hide_from_athlete": False,
            "athlete_cannot_edit": False,
            "structure_read_only": False,
            "tags": [],
            "attachments": [],
            "push_errors": [],
            "entered": False,
            "plan_applied": None,
        }
    )
    return ev


def workout_event(
    event_id: int,
    athlete_id: str,
    day: date,
    session: Session,
    settings: dict[str, Any] | None,
    tz: ZoneInfo,
    creator: str,
) -> dict[str, Any]:
    created = datetime(day.year, day.month, day.day, 8, tzinfo=tz) - timedelta(days=10)
    ev = base_event(event_id, athlete_id, day, "WORKOUT", session.name, created, creator)
    text = workout_text(session)
    ev.update({"type": session.sport, "description": text, "indoor": session.indoor, "target": "AUTO"})
    ev.update(enrich(text, session.sport, settings))
    return ev


def race_event(
    event_id: int,
    athlete_id: str,
    day: date,
    category: str,
    name: str,
    sport: str,
    distance: float,
    tz: ZoneInfo,
    creator: str,
) -> dict[str, Any]:
    created = datetime(day.year, day.month, day.day, 8, tzinfo=tz) - timedelta(days=120)
    ev = base_event(event_id, athlete_id, day, category, name, created, creator)
    ev.update(
        {
            "type": sport,
            "distance_target": distance,
            "distance": distance,
            "description": f"{name}: {distance / 1000:g} km. Goal: race it well.",
        }
    )
    return ev


def span_event(
    event_id: int, athlete_id: str, start: date, end: date, category: str, name: str, tz: ZoneInfo
) -> dict[str, Any]:
    created = datetime(start.year, start.month, start.day, 9, tzinfo=tz)
    ev = base_event(event_id, athlete_id, start, category, name, created, athlete_id)
    ev["end_date_local"] = f"{(end + timedelta(days=1)).isoformat()}T00:00:00"
    return ev


def note_event(
    event_id: int, athlete_id: str, day: date, name: str, text: str, tz: ZoneInfo
) -> dict[str, Any]:
    created = datetime(day.year, day.month, day.day, 9, tzinfo=tz) - timedelta(days=3)
    ev = base_event(event_id, athlete_id, day, "NOTE", name, created, athlete_id)
    ev.update({"description": text, "show_as_note": True})
    return ev


def gpx_route(name: str, home: tuple[float, float], distance_m: float, climb_m: float, seed: int) -> str:
    """A GPX 1.1 track: an out-and-back with a climb, enough for route analysis (distance, climbs)."""
    rng = np.random.default_rng(seed)
    n = max(50, int(distance_m / 50))
    frac = np.linspace(0, 1, n)
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.03, n))
    step = distance_m / n
    lat = home[0] + np.cumsum(step * np.cos(heading)) / 111_320.0
    lng = home[1] + np.cumsum(step * np.sin(heading)) / (111_320.0 * np.cos(np.radians(home[0])))
    ele = 30 + climb_m * np.clip(np.sin(np.pi * frac * 2.2), 0, None) + rng.normal(0, 1.5, n)
    pts = "\n".join(
        f'      <trkpt lat="{la:.6f}" lon="{lo:.6f}"><ele>{e:.1f}</ele></trkpt>'
        for la, lo, e in zip(lat, lng, ele, strict=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="icucoach-sandbox" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <trk><name>{name}</name>\n    <trkseg>\n{pts}\n    </trkseg>\n  </trk>\n</gpx>\n"
    )
