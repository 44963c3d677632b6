"""Compact, unit-labelled renderings of API records for tool answers.

Conventions every tool follows: units in key names (``_s``, ``_km``, ``_w``, ``_bpm``, ``_pct``), paces as
``m:ss/km`` (run) or ``m:ss/100m`` (swim) strings, athlete-local timestamps (``YYYY-MM-DDTHH:MM``), ``null``
for a value that is missing (never 0), and Strava stubs marked ``strava_stub: true`` with why their numbers
are absent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from icucoach.intervals import Activity
from icucoach.intervals.errors import STRAVA_HINT

STRAVA_NOTE = (
    "Strava-synced activity: Intervals.icu may not share its data through the API, so its numbers are "
    "unknown (not zero). " + STRAVA_HINT
)
SWIM = ("Swim", "OpenWaterSwim")
RUNLIKE = ("Run", "VirtualRun", "TrailRun", "Walk", "Hike")


def rnd(value: Any, digits: int = 1) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, digits) if digits else int(round(value))
    return value


def hms(secs: float | None) -> str | None:
    if secs is None:
        return None
    s = int(round(secs))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def pace(speed_ms: float | None, sport: str | None) -> str | None:
    """Speed in m/s as the pace runners and swimmers read (``4:31/km``, ``1:45/100m``)."""
    if not speed_ms or speed_ms <= 0:
        return None
    if sport in SWIM:
        return f"{hms(100 / speed_ms)}/100m"
    return f"{hms(1000 / speed_ms)}/km"


def local_minute(stamp: str | None) -> str | None:
    return stamp[:16] if stamp else None


def stub_row(a: Activity) -> dict[str, Any]:
    return {
        "id": a.id,
        "start_local": local_minute(a.start_date_local),
        "strava_stub": True,
        "sport": None,
        "name": None,
        "load": None,
        "note": "Strava-synced: data not available via the API (not zero effort)",
    }


def activity_row(a: Activity, detail: bool = False) -> dict[str, Any]:
    """One activity as a compact row (``detail`` adds efficiency, zones and device fields)."""
    if a.is_strava_stub:
        return stub_row(a)
    sport = a.type
    row: dict[str, Any] = {
        "id": a.id,
        "start_local": local_minute(a.start_date_local),
        "sport": sport,
        "name": a.name,
        "moving_time": hms(a.moving_time),
        "distance_km": rnd(a.distance / 1000, 2) if a.distance else None,
        "load": a.icu_training_load,
        "intensity_pct": rnd(a.icu_intensity),
        "avg_hr_bpm": a.average_heartrate,
    }
    if a.icu_average_watts is not None or a.icu_weighted_avg_watts is not None:
        row["avg_power_w"] = a.icu_average_watts
        row["norm_power_w"] = a.icu_weighted_avg_watts
    if sport in RUNLIKE or sport in SWIM:
        row["pace"] = pace(a.average_speed, sport)
    row["rpe"] = a.icu_rpe
    if a.race:
        row["race"] = True
    if detail:
        row.update(
            {
                "elapsed_time": hms(a.elapsed_time),
                "elevation_gain_m": rnd(a.total_elevation_gain, 0),
                "calories_kcal": a.calories,
                "feel_1to5": a.feel,
                "trimp": rnd(a.trimp),
                "efficiency_factor": rnd(a.icu_efficiency_factor, 2),
                "decoupling_pct": rnd(a.decoupling),
                "variability_index": rnd(a.icu_variability_index, 2),
                "ftp_w": a.icu_ftp,
                "avg_cadence": rnd(a.average_cadence),
                "power_zone_s": a.power_zone_secs() or None,
                "hr_zone_s": a.hr_zone_secs() or None,
                "pace_zone_s": a.pace_zone_secs() or None,
                "device": a.device_name,
                "source": a.source,
                "trainer": a.trainer,
                "paired_event_id": a.paired_event_id,
                "description": a.description,
            }
        )
    return row


def stub_summary(activities: Iterable[Activity]) -> dict[str, Any] | None:
    stubs = [a.id for a in activities if a.is_strava_stub]
    if not stubs:
        return None
    return {"count": len(stubs), "ids": stubs[:20], "note": STRAVA_NOTE}


# Per-interval fields: (output key, interval attribute, digits).
INTERVAL_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("avg_power_w", "average_watts", 0),
    ("norm_power_w", "weighted_average_watts", 0),
    ("max_power_w", "max_watts", 0),
    ("intensity_pct", "intensity", 0),
    ("load", "training_load", 1),
    ("zone", "zone", 0),
    ("avg_hr_bpm", "average_heartrate", 0),
    ("max_hr_bpm", "max_heartrate", 0),
    ("avg_cadence", "average_cadence", 0),
    ("avg_speed_ms", "average_speed", 2),
    ("decoupling_pct", "decoupling", 1),
    ("wbal_start_j", "wbal_start", 0),
    ("wbal_end_j", "wbal_end", 0),
    ("ground_contact_ms", "average_stance_time", 0),
    ("vertical_oscillation_cm", "average_vertical_oscillation", 1),
    ("dfa_a1", "average_dfa_a1", 2),
    ("core_temp_c", "average_core_temperature", 2),
)


def interval_table(
    intervals: Sequence[Any], sport: str | None, extra: dict[int, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Intervals as a column table (``columns`` + ``rows``); columns without any value are left out."""
    extra = extra or {}
    base = ["n", "type", "label", "start_s", "duration_s", "distance_m"]
    rows: list[dict[str, Any]] = []
    for i, iv in enumerate(intervals):
        row: dict[str, Any] = {
            "n": i + 1,
            "type": iv.type,
            "label": iv.label,
            "start_s": iv.start_time,
            "duration_s": iv.moving_time or iv.elapsed_time,
            "distance_m": rnd(iv.distance, 0),
        }
        values = {**(iv.model_extra or {}), **extra.get(i, {})}
        for key, attr, digits in INTERVAL_FIELDS:
            v = getattr(iv, attr, None) if attr in type(iv).model_fields else values.get(attr)
            row[key] = rnd(float(v), digits) if isinstance(v, int | float) and not isinstance(v, bool) else v
        if sport in RUNLIKE or sport in SWIM:
            row["pace"] = pace(iv.average_speed, sport)
        rows.append(row)
    keys = base + [k for k, _, _ in INTERVAL_FIELDS] + (["pace"] if sport in RUNLIKE or sport in SWIM else [])
    columns = [k for k in keys if k in base or any(r.get(k) is not None for r in rows)]
    return {"columns": columns, "rows": [[r.get(c) for c in columns] for r in rows]}


def downsample(values: Sequence[Any], points: int) -> list[Any]:
    """Bucket means to at most ``points`` values (``None`` samples are skipped; all-None bucket -> None)."""
    n = len(values)
    if n <= points:
        return [rnd(v, 2) if isinstance(v, float) else v for v in values]
    out: list[Any] = []
    for b in range(points):
        lo, hi = b * n // points, (b + 1) * n // points
        chunk = [v for v in values[lo:hi] if isinstance(v, int | float) and not isinstance(v, bool)]
        out.append(rnd(sum(chunk) / len(chunk), 2) if chunk else None)
    return out


def compact_metrics(value: Any, digits: int = 2) -> Any:
    """Strip ``inputs`` from analytics ``Metric`` dicts: ``{"value", "unit", "status"}`` -> value (or
    ``{"value", "status"}`` when the status is not ok); floats rounded."""
    if isinstance(value, dict):
        if "value" in value and "unit" in value:
            v = rnd(value["value"], digits)
            status = value.get("status")
            return v if status in (None, "ok") else {"value": v, "status": status}
        return {k: compact_metrics(v, digits) for k, v in value.items() if k != "inputs"}
    if isinstance(value, list):
        return [compact_metrics(v, digits) for v in value]
    return rnd(value, digits) if isinstance(value, float) else value


__all__ = [
    "STRAVA_NOTE",
    "activity_row",
    "compact_metrics",
    "downsample",
    "hms",
    "interval_table",
    "local_minute",
    "pace",
    "rnd",
    "stub_row",
    "stub_summary",
]
