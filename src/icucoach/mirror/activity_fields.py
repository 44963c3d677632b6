"""One completed activity as Section 11's ``recent_activities[]`` entry (``section11.md`` §3.1 names).

Unit conversions only (s → h, m → km, m/s → km/h); the terrain of outdoor activities comes from
``analytics.terrain`` over the streams the store holds (fetched once per activity version);
``terrain_status`` is ``not_fetched`` when the store holds no streams for the activity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from icucoach.analytics.inputs import from_api_activity
from icucoach.analytics.terrain import terrain_summary

if TYPE_CHECKING:
    from icucoach.mirror.context import ExportContext

Json = dict[str, Any]
OUTDOOR = frozenset(
    {"Ride", "MountainBikeRide", "GravelRide", "EBikeRide", "Run", "TrailRun", "NordicSki", "Walk", "Hike"}
)


def r(v: Any, nd: int = 1) -> Any:
    if v is None or isinstance(v, bool):
        return v
    try:
        x = round(float(v), nd)
    except (TypeError, ValueError):
        return None
    return int(x) if nd == 0 else x


def hours_fmt(secs: Any) -> str | None:
    if not secs:
        return None
    s = int(round(float(secs)))
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def _zones(v: Any) -> Json | None:
    if not v:
        return None
    if isinstance(v[0], dict):
        return {str(z.get("id")).lower(): z.get("secs") for z in v if str(z.get("id", "")).startswith("Z")}
    return {f"z{i + 1}": secs for i, secs in enumerate(v)}


def _pace(speed: Any) -> str | None:
    if not speed:
        return None
    secs = 1000.0 / float(speed)
    return f"{int(secs // 60)}:{int(round(secs % 60)) % 60:02d}/km"


def _notes(desc: str | None) -> list[str]:
    return [ln[5:].strip() for ln in (desc or "").splitlines() if ln.strip().upper().startswith("NOTE:")]


def activity_terrain(streams: list[Json] | None) -> tuple[Json | None, str | None]:
    """(terrain_summary, terrain_status) from stored streams. ``streams`` is None when the store holds none
    for the activity (never fetched): ``not_fetched``, which says nothing about the data. ``no_gps`` /
    ``no_elevation`` only when fetched streams really lack coordinates / altitude."""
    if streams is None:
        return None, "not_fetched"
    if not streams:
        return None, "no_gps"
    by = {s.get("type"): s for s in streams}
    ll = by.get("latlng")
    alt = by.get("altitude")
    if not ll or not ll.get("data") or not ll.get("data2"):
        return None, "no_gps"
    if not alt or not alt.get("data"):
        return None, "no_elevation"
    pts = [
        (la, lo, el)
        for la, lo, el in zip(ll["data"], ll["data2"], alt["data"], strict=False)
        if la is not None and lo is not None
    ]
    if len(pts) < 10:
        return None, "no_gps"
    summary = terrain_summary(pts, source="streams", polyline=False)
    return (summary, None) if summary else (None, "no_elevation")


def activity_entry(ctx: ExportContext, a: Json) -> Json:
    aid = str(a.get("id"))
    typed = from_api_activity(a, ctx.timezone)
    secs = a.get("moving_time")
    ints = ctx.intervals.get(aid)
    has_intervals = bool(ints and any(i.get("type") == "WORK" for i in ints.get("icu_intervals") or []))
    terrain, terrain_status = (None, None)
    if a.get("type") in OUTDOOR and not typed.is_stub:
        terrain, terrain_status = activity_terrain(ctx.streams.get(aid))
    speed = a.get("average_speed")
    entry: Json = {
        "id": aid,
        "date": a.get("start_date_local"),
        "type": a.get("type"),
        "name": a.get("name"),
        "source": a.get("source"),
        "strava_stub": typed.is_stub,
        "duplicate_of": ctx.duplicates.get(aid),
        "duration_hours": r(secs / 3600.0, 2) if secs else None,
        "duration_formatted": hours_fmt(secs),
        "distance_km": r(a["distance"] / 1000.0, 2) if a.get("distance") else None,
        "tss": a.get("icu_training_load"),
        "intensity_factor": r(a.get("icu_intensity"), 1),
        "avg_power": a.get("icu_average_watts"),
        "normalized_power": a.get("icu_weighted_avg_watts"),
        "avg_hr": a.get("average_heartrate"),
        "max_hr": a.get("max_heartrate"),
        "avg_cadence": r(a.get("average_cadence"), 1),
        "avg_speed_kmh": r(speed * 3.6, 1) if speed else None,
        "max_speed_kmh": r(a["max_speed"] * 3.6, 1) if a.get("max_speed") else None,
        "pace": _pace(speed) if typed.family == "run" else None,
        "work_kj": r(a["icu_joules"] / 1000.0, 0) if a.get("icu_joules") else None,
        "calories": a.get("calories"),
        "carbs_used": a.get("carbs_used"),
        "carbs_ingested": a.get("carbs_ingested"),
        "variability_index": r(a.get("icu_variability_index"), 2),
        "decoupling": r(a.get("icu_hr_decoupling", a.get("decoupling")), 1),
        "efficiency_factor": r(a.get("icu_efficiency_factor"), 2),
        "hrrc": a.get("icu_hrr"),
        "elevation_m": r(a.get("total_elevation_gain"), 0),
        "feel": a.get("feel"),
        "rpe": a.get("icu_rpe"),
        "effort_response": None,
        "zone_distribution": {
            "hr_zones": _zones(a.get("icu_hr_zone_times")),
            "power_zones": _zones(a.get("icu_zone_times")),
            "pace_zones": _zones(a.get("pace_zone_times")),
        },
        "has_intervals": has_intervals,
        "interval_summary": a.get("interval_summary") or [],
        "has_dfa": bool(a.get("average_dfa_a1")),
        "has_gps": "latlng" in (a.get("stream_types") or []),
        "terrain_summary": terrain,
        "terrain_status": terrain_status,
        "weather_status": "unavailable" if not a.get("average_weather_temp") else None,
        "description": a.get("description"),
        "coach_notes": _notes(a.get("description")),
        "paired_event_id": a.get("paired_event_id"),
    }
    return entry


__all__ = ["OUTDOOR", "activity_entry", "activity_terrain", "hours_fmt", "r"]
