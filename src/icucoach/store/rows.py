"""How an Intervals.icu activity record maps onto the archive's queryable ``activities`` columns (the record
itself is kept whole in ``raw``)."""

from __future__ import annotations

from typing import Any

from icucoach.analytics.inputs import from_api_activity

Json = dict[str, Any]


def _num(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def activity_columns(athlete_id: str, a: Json) -> dict[str, Any]:
    """The queryable columns of one activity record (the record itself goes to ``raw``)."""
    typed = from_api_activity(a)
    return {
        "id": str(a["id"]),
        "athlete_id": athlete_id,
        "day": typed.day.isoformat(),
        "start_date_local": typed.start.isoformat(),
        "type": a.get("type"),
        "name": a.get("name"),
        "source": a.get("source"),
        "is_stub": typed.is_stub,
        "moving_time": _num(a.get("moving_time")),
        "elapsed_time": _num(a.get("elapsed_time")),
        "distance": _num(a.get("distance")),
        "calories": _num(a.get("calories")),
        "avg_hr": _num(a.get("average_heartrate")),
        "max_hr": _num(a.get("max_heartrate")),
        "avg_power": _num(a.get("icu_average_watts") or a.get("average_watts")),
        "np_power": _num(a.get("icu_weighted_avg_watts")),
        "avg_cadence": _num(a.get("average_cadence")),
        "training_load": _num(a.get("icu_training_load")),
        "has_gps": "latlng" in (a.get("stream_types") or []),
        "icu_sync_date": a.get("icu_sync_date"),
        "analyzed": a.get("analyzed"),
        "raw": a,
    }
