"""Per-activity weather, as Section 11 writes it on ``recent_activities[]`` (``section11.md`` §3.1): the flat
``avg_temp``/``wind_speed`` fields with their unit labels, and for outdoor activities either a
``weather_summary`` (when Intervals.icu has computed the activity's weather, ``has_weather``) or
``weather_status: "unavailable"``.

Everything comes from the activity record itself (no extra request). Temperatures and wind are passed through
as the API gives them, in the athlete's account units, which the ``*_unit`` labels and ``units`` block name.
"""

from __future__ import annotations

from typing import Any

from icucoach.analytics.terrain import OUTDOOR_TYPES
from icucoach.mirror.display import Units

Json = dict[str, Any]

# weather_summary key -> Activity field (Intervals.icu's Open-Meteo weather for the ride's track and time)
_SUMMARY_FIELDS = (
    ("avg_wind_speed", "average_wind_speed"),
    ("avg_wind_gust", "average_wind_gust"),
    ("prevailing_wind_deg", "prevailing_wind_deg"),
    ("headwind_pct", "headwind_percent"),
    ("tailwind_pct", "tailwind_percent"),
    ("avg_temp", "average_weather_temp"),
    ("avg_temp_device", "average_temp"),
    ("avg_feels_like", "average_feels_like"),
    ("min_feels_like", "min_feels_like"),
    ("max_feels_like", "max_feels_like"),
    ("min_temp", "min_weather_temp"),
    ("max_temp", "max_weather_temp"),
    ("clouds_pct", "average_clouds"),
    ("rain", "max_rain"),
    ("snow", "max_snow"),
)


def _first(a: Json, *keys: str) -> Any:
    return next((a[k] for k in keys if a.get(k) is not None), None)


def _r2(v: Any) -> Any:
    return round(v, 2) if isinstance(v, float) else v


def weather_basics(a: Json, athlete: Json, units: Units) -> Json:
    """``avg_temp`` (weather model, else the device's sensor), ``weather``, ``humidity``, ``wind_speed`` and
    their unit labels (``C``/``F``; the athlete's wind code, ``MPS`` by default). The API has no humidity or
    weather description fields today: those stay null unless it sends them."""
    return {
        "avg_temp": _first(a, "average_weather_temp", "average_temp"),
        "avg_temp_unit": units.temp.upper(),
        "weather": _first(a, "weather_description", "weather"),
        "humidity": _first(a, "humidity", "average_humidity"),
        "wind_speed": _first(a, "average_wind_speed", "wind_speed"),
        "wind_speed_unit": athlete.get("wind_speed") or "MPS",
    }


def weather_summary(a: Json, units: Units) -> Json:
    """Section 11's ``weather_summary`` block of an activity with ``has_weather``."""
    out: Json = {
        "source": "intervals_open_meteo",
        "units": {"wind": units.wind, "temp": units.temp, "rain": units.rain},
    }
    out.update({name: _r2(a.get(field)) for name, field in _SUMMARY_FIELDS})
    return out


def weather_block(a: Json, units: Units) -> Json:
    """``weather_summary`` and ``weather_status`` (both null indoors, where Section 11 leaves them out)."""
    if a.get("type") not in OUTDOOR_TYPES:
        return {"weather_summary": None, "weather_status": None}
    if not a.get("has_weather"):
        return {"weather_summary": None, "weather_status": "unavailable"}
    return {"weather_summary": weather_summary(a, units), "weather_status": None}


__all__ = ["weather_basics", "weather_block", "weather_summary"]
