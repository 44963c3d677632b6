"""Section 11's ``display`` blocks: a canonical metric value as ``{"value", "unit"}`` in the athlete's own
Intervals.icu unit preferences (metric or imperial distance, kg or lb, cm or in), so an AI narrates without
unit arithmetic. Canonical inputs: distance km, elevation m, elevation per distance m/km, weight kg,
height m, speed km/h. The rounding per kind matches Section 11 (``sync.py`` ``_to_display``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Keys: the API's enums (Athlete.wind_speed MPS|KNOTS|KMH|MPH|BFT, rain MM|INCHES, height_units CM|FEET) and
# the spellings Section 11 looks for (KPH, IN), which the API never sends: it shows every km/h, knots,
# Beaufort, inch and feet athlete as m/s, mm and cm. "kn"/"bft" have no Section 11 code.
_WIND = {"MPS": "m/s", "KPH": "km/h", "KMH": "km/h", "MPH": "mph", "KNOTS": "kn", "BFT": "bft"}
_RAIN = {"MM": "mm", "IN": "in", "INCHES": "in"}


@dataclass(frozen=True)
class Units:
    """The athlete's unit preferences, read from the athlete record (``GET /athlete/{id}``)."""

    distance: str = "metric"  # metric | imperial
    weight: str = "kg"  # kg | lb
    height: str = "cm"  # cm | in
    temp: str = "c"  # c | f
    wind: str = "m/s"  # m/s | km/h | mph | kn | bft
    rain: str = "mm"  # mm | in

    @classmethod
    def of(cls, athlete: dict[str, Any] | None) -> Units:
        a = athlete or {}
        return cls(
            distance="imperial" if a.get("measurement_preference") not in ("meters", None) else "metric",
            weight="lb" if a.get("weight_pref_lb") else "kg",
            height="in" if a.get("height_units") in ("IN", "FEET") else "cm",
            temp="f" if a.get("fahrenheit") else "c",
            wind=_WIND.get(str(a.get("wind_speed")), "m/s"),
            rain=_RAIN.get(str(a.get("rain")), "mm"),
        )


def to_display(value: float | None, kind: str, units: Units) -> dict[str, Any] | None:
    """``value`` (canonical unit of ``kind``) as ``{"value", "unit"}``; ``None`` stays ``None``."""
    if value is None:
        return None
    imperial = units.distance == "imperial"
    if kind == "distance":
        return (
            {"value": round(value * 0.621371, 2), "unit": "mi"}
            if imperial
            else {"value": round(value, 2), "unit": "km"}
        )
    if kind == "elevation":
        return (
            {"value": round(value * 3.28084), "unit": "ft"}
            if imperial
            else {"value": round(value), "unit": "m"}
        )
    if kind == "elevation_per_distance":
        return (
            {"value": round(value * 5.28), "unit": "ft/mi"}
            if imperial
            else {"value": round(value), "unit": "m/km"}
        )
    if kind == "speed":
        return (
            {"value": round(value * 0.621371, 1), "unit": "mph"}
            if imperial
            else {"value": round(value, 1), "unit": "km/h"}
        )
    if kind == "weight":
        return (
            {"value": round(value * 2.20462, 1), "unit": "lb"}
            if units.weight == "lb"
            else {"value": round(value, 1), "unit": "kg"}
        )
    if kind == "height":
        return (
            {"value": round(value * 39.3701), "unit": "in"}
            if units.height == "in"
            else {"value": round(value * 100), "unit": "cm"}
        )
    raise ValueError(f"unknown display kind {kind!r}")


__all__ = ["Units", "to_display"]
