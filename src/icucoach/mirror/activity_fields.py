"""One completed activity as Section 11's ``recent_activities[]`` entry (``section11.md`` §3.1 names).

Unit conversions only (s → h, m → km, m/s → km/h) and ``display`` blocks in the athlete's units; terrain
(``mirror.terrain_fields``) and weather (``mirror.weather``) have their own modules. Section 11's names and
value formats are kept (``duration_formatted`` ``"1h40m1s"``, ``zone_distribution.*.z1_time``, speeds in km/h
labelled ``KPH``); our extra names (``avg_speed_kmh``, ``pace``, ``terrain_status: not_fetched``, ...) stay
beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from icucoach.analytics.inputs import from_api_activity
from icucoach.analytics.terrain import OUTDOOR_TYPES
from icucoach.mirror.display import to_display
from icucoach.mirror.terrain_fields import activity_terrain, with_display
from icucoach.mirror.weather import weather_basics, weather_block

if TYPE_CHECKING:
    from icucoach.mirror.context import ExportContext

Json = dict[str, Any]
OUTDOOR = OUTDOOR_TYPES
ZONE_IDS = frozenset(f"z{n}" for n in range(1, 8))  # every zone dict has all seven keys (null: no zone)
SPEED_UNIT = "KPH"  # avg_speed/max_speed are converted to km/h whatever the athlete's preference


def r(v: Any, nd: int = 1) -> Any:
    if v is None or isinstance(v, bool):
        return v
    try:
        x = round(float(v), nd)
    except (TypeError, ValueError):
        return None
    return int(x) if nd == 0 else x


def get(d: Any, path: str) -> Any:
    """The value at a dotted ``path`` of nested dicts, None where any step is missing."""
    for part in path.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(part)
    return d


def format_duration(secs: Any) -> str | None:
    """Section 11's compact duration: ``"1h40m1s"``, ``"53m"``, ``"26m9s"`` (zero parts left out)."""
    if not secs:
        return None
    s = int(round(float(secs)))
    parts = [(s // 3600, "h"), (s % 3600 // 60, "m"), (s % 60, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def _zones(v: Any) -> Json | None:
    """Seconds per zone as ``{"z1_time": …}`` (Section 11's names), z1–z7; sweet spot (SS) left out."""
    if not v:
        return None
    if isinstance(v[0], dict):
        pairs = [(str(z.get("id", "")).lower(), z.get("secs")) for z in v]
    else:
        pairs = [(f"z{i + 1}", secs) for i, secs in enumerate(v)]
    held = {zid: secs for zid, secs in pairs if zid in ZONE_IDS}
    if not held:
        return None
    return {f"z{n}_time": held.get(f"z{n}") for n in range(1, 8)}


def _pace(speed: Any) -> str | None:
    if not speed:
        return None
    secs = 1000.0 / float(speed)
    return f"{int(secs // 60)}:{int(round(secs % 60)) % 60:02d}/km"


def _notes(desc: str | None) -> list[str]:
    return [ln[5:].strip() for ln in (desc or "").splitlines() if ln.strip().upper().startswith("NOTE:")]


def activity_entry(ctx: ExportContext, a: Json) -> Json:
    aid = str(a.get("id"))
    typed = from_api_activity(a, ctx.timezone)
    secs = a.get("moving_time")
    ints = ctx.intervals.get(aid)
    has_intervals = bool(ints and any(i.get("type") == "WORK" for i in ints.get("icu_intervals") or []))
    stream_types = a.get("stream_types")
    has_gps = "latlng" in stream_types if stream_types is not None else None
    terrain, terrain_status = (None, None)
    if a.get("type") in OUTDOOR and not typed.is_stub:
        terrain, terrain_status = activity_terrain(ctx.streams.get(aid), has_gps is not False)
    speed, top = a.get("average_speed"), a.get("max_speed")
    avg_kmh = r(speed * 3.6, 1) if speed else None
    max_kmh = r(top * 3.6, 1) if top else None
    distance_km = r(a["distance"] / 1000.0, 2) if a.get("distance") else None
    elevation = a.get("total_elevation_gain")
    pace = _pace(speed) if typed.family == "run" else None
    zones = {
        "hr_zones": _zones(a.get("icu_hr_zone_times")),
        "power_zones": _zones(a.get("icu_zone_times")),
        "pace_zones": _zones(a.get("pace_zone_times")),
    }
    u = ctx.units
    entry: Json = {
        "id": aid,
        "date": a.get("start_date_local"),
        "type": a.get("type"),
        "name": a.get("name"),
        "source": a.get("source"),
        "strava_stub": typed.is_stub,
        "duplicate_of": ctx.duplicates.get(aid),
        "duration_hours": r(secs / 3600.0, 2) if secs else None,
        "duration_formatted": format_duration(secs),
        "distance_km": distance_km,
        "tss": a.get("icu_training_load"),
        "intensity_factor": r(a.get("icu_intensity"), 1),
        "avg_power": a.get("icu_average_watts"),
        "normalized_power": a.get("icu_weighted_avg_watts"),
        "avg_hr": a.get("average_heartrate"),
        "max_hr": a.get("max_heartrate"),
        "avg_cadence": r(a.get("average_cadence"), 1),
        "avg_speed": avg_kmh,
        "avg_speed_unit": SPEED_UNIT,
        "max_speed": max_kmh,
        "max_speed_unit": SPEED_UNIT,
        "avg_speed_kmh": avg_kmh,
        "max_speed_kmh": max_kmh,
        "avg_pace": pace,
        "pace": pace,
        **weather_basics(a, ctx.athlete, u),
        "work_kj": r(a["icu_joules"] / 1000.0, 0) if a.get("icu_joules") else None,
        "calories": a.get("calories"),
        "carbs_used": a.get("carbs_used"),
        "carbs_ingested": a.get("carbs_ingested"),
        "variability_index": r(a.get("icu_variability_index"), 2),
        "decoupling": r(a.get("icu_hr_decoupling", a.get("decoupling")), 1),
        "efficiency_factor": r(a.get("icu_efficiency_factor"), 2),
        "hrrc": a.get("icu_hrr"),
        "elevation_m": r(elevation, 0),
        "display": {
            "distance": to_display(distance_km, "distance", u),
            "elevation": to_display(elevation, "elevation", u),
            "avg_speed": to_display(avg_kmh, "speed", u),
            "max_speed": to_display(max_kmh, "speed", u),
        },
        "feel": a.get("feel"),
        "rpe": a.get("icu_rpe"),
        "effort_response": None,
        "zone_distribution": zones if any(zones.values()) else None,
        "has_intervals": has_intervals,
        "interval_summary": a.get("interval_summary") or [],
        "has_dfa": False,  # set from the session's dfa block by mirror.dfa_fields (key in Section 11's place)
        "has_gps": bool(has_gps),
        "terrain_summary": with_display(terrain, u),
        "terrain_status": terrain_status,
        **weather_block(a, u),
        "description": a.get("description"),
        "coach_notes": _notes(a.get("description")),
        "paired_event_id": a.get("paired_event_id"),
    }
    return entry


__all__ = ["OUTDOOR", "activity_entry", "activity_terrain", "format_duration", "get", "r"]
