"""Terrain of a course or a ridden track: distance, climbing, grade distribution, climbs and descents, course
character (Section 11's ``terrain_summary``, ``section11.md`` §3.4), from ``(lat, lon, elevation)`` points.

Algorithm: haversine distance; elevation smoothed as the mean over ±25 m of distance; gain = sum of positive
smoothed deltas; ~200 m chunks carry the grades. A climb starts on a chunk of grade ≥1 %, runs until the
smoothed elevation falls more than 50 m below its running high and ends at the high-water chunk; its start
is trimmed to the first chunk whose ~2 km look-ahead grade is ≥2.5 %. It is kept if ≥500 m long, ≥50 m of
elevation, ≥1.5 % average and then ≥100 m gain or ≥3 % average. Descents are climbs of the mirrored profile.
Category by elevation: HC ≥1000 m, 1 ≥650, 2 ≥400, 3 ≥200, 4 ≥100 (climbs only; a descent has no UCI
category). Character by metres per km: ≥30 mountain, ≥20 hilly, ≥5 rolling, else flat; a flat/rolling course
with an HC/Cat 1/Cat 2 climb is hilly. Grade distribution: share of distance (%) in 200 m chunks by |grade|:
``flat_pct`` <1 %, ``gentle_pct`` 1–3, ``moderate_pct`` 3–6, ``steep_pct`` ≥6; ``max_grade_pct`` is the
steepest chunk by |grade|, up or down (Section 11's meaning: a steep descent is terrain too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# Activity types ridden or run outside, whose GPS track has a terrain (Section 11's outdoor set).
OUTDOOR_TYPES = frozenset(
    {"Ride", "MountainBikeRide", "GravelRide", "EBikeRide", "Run", "TrailRun", "NordicSki", "Walk", "Hike"}
)
GRADE_BUCKETS = (("flat_pct", 1.0), ("gentle_pct", 3.0), ("moderate_pct", 6.0), ("steep_pct", math.inf))
CHUNK_M = 200.0
SMOOTH_HALF_M = 25.0
DROP_END_M = 50.0
LOOKAHEAD_M = 2000.0
NEW_HIGH_M = 0.01  # a flat run after the top (equal to it within float noise) does not extend a climb
POLYLINE_STEP_M = 500.0
_R = 6371008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _R * math.asin(min(1.0, math.sqrt(a)))


def cumulative_distance(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    dp, dl = np.diff(la), np.diff(lo)
    a = np.sin(dp / 2) ** 2 + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(dl / 2) ** 2
    d = 2 * _R * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return np.concatenate([[0.0], np.cumsum(d)])


def smooth_elevation(dist: np.ndarray, ele: np.ndarray, half_m: float = SMOOTH_HALF_M) -> np.ndarray:
    """Mean elevation over points within ±``half_m`` of distance of each point."""
    cs = np.concatenate([[0.0], np.cumsum(ele)])
    lo = np.searchsorted(dist, dist - half_m, side="left")
    hi = np.searchsorted(dist, dist + half_m, side="right")
    return (cs[hi] - cs[lo]) / np.maximum(hi - lo, 1)


def category(elevation_m: float) -> str | None:
    for limit, name in ((1000, "HC"), (650, "Cat 1"), (400, "Cat 2"), (200, "Cat 3"), (100, "Cat 4")):
        if elevation_m >= limit:
            return name
    return None


def course_character(elevation_per_km: float, climbs: Sequence[dict] = ()) -> str:
    char = (
        "mountain"
        if elevation_per_km >= 30
        else "hilly"
        if elevation_per_km >= 20
        else "rolling"
        if elevation_per_km >= 5
        else "flat"
    )
    if char in ("flat", "rolling") and any(c.get("category") in ("HC", "Cat 1", "Cat 2") for c in climbs):
        char = "hilly"
    return char


def grade_distribution(lengths_m: np.ndarray, grades_pct: np.ndarray) -> dict[str, float]:
    """Share of the total length (%, 1 dp) of chunks in each |grade| bucket (lower bound inclusive)."""
    total = float(np.sum(lengths_m))
    g = np.abs(grades_pct)
    out, lo = {}, 0.0
    for name, hi in GRADE_BUCKETS:
        share = float(np.sum(lengths_m[(g >= lo) & (g < hi)])) / total * 100 if total > 0 else 0.0
        out[name] = round(share, 1)
        lo = hi
    return out


def _segments(ch_ele: np.ndarray, ch_grade: np.ndarray) -> list[tuple[int, int]]:
    """Climb segments as chunk-boundary index pairs (start, end) on a profile sampled every CHUNK_M."""
    n = len(ch_grade)
    out = []
    i = 0
    look = max(1, int(round(LOOKAHEAD_M / CHUNK_M)))
    while i < n:
        if ch_grade[i] < 1.0:
            i += 1
            continue
        high_i, high = i + 1, ch_ele[i + 1]
        j = i + 1
        while j < n and ch_ele[j + 1] >= high - DROP_END_M:
            if ch_ele[j + 1] > high + NEW_HIGH_M:
                high_i, high = j + 1, ch_ele[j + 1]
            j += 1
        start = i
        while start < high_i - 1:
            ahead = min(start + look, high_i)
            if (ch_ele[ahead] - ch_ele[start]) / ((ahead - start) * CHUNK_M) * 100 >= 2.5:
                break
            start += 1
        out.append((start, high_i))
        i = max(high_i, i + 1)
    return out


def _climbs(ch_km, ch_ele, ch_grade, ch_lat, ch_lon, sign: float) -> list[dict]:
    found = []
    for s, e in _segments(sign * ch_ele, sign * ch_grade):
        length = (e - s) * CHUNK_M
        rise = float(sign * (ch_ele[e] - ch_ele[s]))
        avg = rise / length * 100 if length else 0.0
        if length < 500 or rise < 50 or avg < 1.5 or not (rise >= 100 or avg >= 3):
            continue
        seg: dict = {
            "position_km": round(float(ch_km[s]), 1),
            "distance_km": round(length / 1000, 1),
            "elevation_m": round(sign * rise),
            "avg_gradient_pct": round(sign * avg, 1),
            "max_gradient_pct": round(float(sign * np.max(sign * ch_grade[s:e])), 1),
            "start_coords": [round(float(ch_lat[s]), 5), round(float(ch_lon[s]), 5)],
            "end_coords": [round(float(ch_lat[e]), 5), round(float(ch_lon[e]), 5)],
        }
        if sign > 0:
            seg["category"] = category(seg["elevation_m"])  # the reported (rounded) metres, as Section 11
        found.append(seg)
    return found


def terrain_summary(
    points: Sequence[tuple[float, float, float | None]], source: str = "gpx_attachment", polyline: bool = True
) -> dict | None:
    """The terrain summary of a track; None with fewer than 10 points or no elevation."""
    if not points:
        return None
    arr = np.array(points, dtype=float)  # one conversion in C (None -> nan), not three float() per point
    return track_terrain(arr[:, 0], arr[:, 1], arr[:, 2], source, polyline)


def track_terrain(
    lat: np.ndarray, lon: np.ndarray, ele: np.ndarray, source: str = "gpx_attachment", polyline: bool = True
) -> dict | None:
    """``terrain_summary`` of parallel arrays (nan where a sample has no value); points lacking a coordinate
    or an elevation are left out."""
    keep = ~(np.isnan(lat) | np.isnan(lon) | np.isnan(ele))
    if int(np.count_nonzero(keep)) < 10:
        return None
    lat, lon, ele = lat[keep], lon[keep], ele[keep]
    dist = cumulative_distance(lat, lon)
    total = float(dist[-1])
    if total < 2 * CHUNK_M:
        return None
    sm = smooth_elevation(dist, ele)
    gain = float(np.sum(np.clip(np.diff(sm), 0, None)))
    marks = np.arange(0.0, total + 1e-9, CHUNK_M)
    if marks[-1] < total:
        marks = np.append(marks, total)
    ch_ele = np.interp(marks, dist, sm)
    ch_lat, ch_lon = np.interp(marks, dist, lat), np.interp(marks, dist, lon)
    seg = np.diff(marks)
    ch_grade = np.diff(ch_ele) / np.maximum(seg, 1.0) * 100
    km = marks / 1000
    climbs = _climbs(km, ch_ele, ch_grade, ch_lat, ch_lon, 1.0)
    descents = _climbs(km, ch_ele, ch_grade, ch_lat, ch_lon, -1.0)
    per_km = gain / (total / 1000)
    out = {
        "source": source,
        "total_distance_km": round(total / 1000, 1),
        "total_elevation_m": round(gain),
        "elevation_per_km": round(per_km, 1),
        "course_character": course_character(per_km, climbs),
        "max_grade_pct": round(float(np.max(np.abs(ch_grade))), 1),
        "grade_distribution": grade_distribution(seg, ch_grade),
        "start_coords": [round(float(lat[0]), 5), round(float(lon[0]), 5)],
        "climbs": climbs,
        "descents": descents,
    }
    if polyline:
        pm = np.arange(0.0, total + 1e-9, POLYLINE_STEP_M)
        out["polyline"] = [
            [round(float(k / 1000), 1), round(float(a), 5), round(float(b), 5), round(float(c))]
            for k, a, b, c in zip(
                pm, np.interp(pm, dist, lat), np.interp(pm, dist, lon), np.interp(pm, dist, sm), strict=True
            )
        ]
    return out


__all__ = [
    "GRADE_BUCKETS",
    "OUTDOOR_TYPES",
    "category",
    "course_character",
    "cumulative_distance",
    "grade_distribution",
    "haversine_m",
    "terrain_summary",
    "track_terrain",
]
