"""Terrain as Section 11 writes it, for latest.json ``recent_activities[]`` and routes.json ``events[]``
(``section11.md`` §3.4): the analysis of ``analytics.terrain`` plus ``display`` blocks in the athlete's units,
and the honest ``terrain_status`` of an outdoor activity without a summary.

The display blocks are added here, not cached with the analysis, so a change of unit preference shows on
the next export without re-analysing any track.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from icucoach.analytics.terrain import track_terrain
from icucoach.mirror.display import Units, to_display

Json = dict[str, Any]
MIN_GPS_POINTS = 10  # fewer coordinate pairs than this is not a track (Section 11's threshold)


def with_display(summary: Json | None, units: Units) -> Json | None:
    """``summary`` with ``display`` blocks on it and on every climb and descent; an error entry unchanged."""
    if not summary or "error" in summary:
        return summary
    out = dict(summary)
    out["display"] = {
        "total_distance": to_display(out.get("total_distance_km"), "distance", units),
        "total_elevation": to_display(out.get("total_elevation_m"), "elevation", units),
        "elevation_per_distance": to_display(out.get("elevation_per_km"), "elevation_per_distance", units),
    }
    for key in ("climbs", "descents"):
        out[key] = [
            {
                **seg,
                "display": {
                    "position": to_display(seg.get("position_km"), "distance", units),
                    "distance": to_display(seg.get("distance_km"), "distance", units),
                    "elevation": to_display(seg.get("elevation_m"), "elevation", units),
                },
            }
            for seg in out.get(key) or []
        ]
    return out


def _floats(values: list | None, n: int) -> np.ndarray:
    """The first ``n`` samples as floats, nan where missing (a short stream is padded with nan)."""
    out = np.full(n, np.nan)
    if values:
        got = np.array(values[:n], dtype=float)  # None -> nan
        out[: len(got)] = got
    return out


def activity_terrain(streams: list[Json] | None, has_gps: bool = True) -> tuple[Json | None, str | None]:
    """(terrain_summary, terrain_status) of an outdoor activity from its stored streams.

    ``no_gps`` when the activity's own stream list has no ``latlng`` (``has_gps`` False) or fetched streams
    hold fewer than 10 coordinate pairs; ``not_fetched`` when it has GPS but the store holds no streams (says
    nothing about the data); ``no_elevation`` when the track has no altitude."""
    if not has_gps:
        return None, "no_gps"
    if streams is None:
        return None, "not_fetched"
    by = {s.get("type"): s for s in streams}
    ll = by.get("latlng") or {}
    n = min(len(ll.get("data") or []), len(ll.get("data2") or []))
    lat, lon = _floats(ll.get("data"), n), _floats(ll.get("data2"), n)
    if int(np.count_nonzero(~(np.isnan(lat) | np.isnan(lon)))) < MIN_GPS_POINTS:
        return None, "no_gps"
    ele = _floats((by.get("altitude") or {}).get("data"), n)
    if np.all(np.isnan(ele)):
        return None, "no_elevation"
    summary = track_terrain(lat, lon, ele, source="activity_streams", polyline=False)
    return (summary, None) if summary else (None, "no_elevation")


__all__ = ["activity_terrain", "with_display"]
