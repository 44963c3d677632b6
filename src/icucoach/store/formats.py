"""Archived activities out of the store: CSV (one row per activity), GPX and TCX (one file per activity with
stored GPS/streams). Built with the stdlib (``csv``, ``xml.etree``); times are UTC in GPX/TCX as the formats
require, from the activity's ``start_date`` plus the ``time`` stream.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

Json = dict[str, Any]
CSV_COLUMNS = (
    "id",
    "day",
    "start_date_local",
    "type",
    "name",
    "source",
    "is_stub",
    "duplicate_of",
    "moving_time",
    "elapsed_time",
    "distance",
    "calories",
    "avg_hr",
    "max_hr",
    "avg_power",
    "np_power",
    "avg_cadence",
    "training_load",
    "has_gps",
    "icu_sync_date",
)
TCX_SPORT = {"cycling": "Biking", "run": "Running"}
GPX_NS = "http://www.topografix.com/GPX/1/1"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def to_csv(rows: list[Json]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in CSV_COLUMNS])
    return buf.getvalue()


def _start_utc(a: Json) -> datetime:
    raw = a.get("start_date") or a.get("start_date_local")
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00")).replace(tzinfo=None)


def _samples(streams: list[Json]) -> list[Json]:
    """Per-second samples with whatever the streams hold (t, lat, lon, ele, hr, watts, cad, dist)."""
    by = {s.get("type"): s for s in streams}
    time_s = (by.get("time") or {}).get("data") or []
    n = len(time_s)

    def col(name: str, key: str = "data") -> list:
        v = (by.get(name) or {}).get(key) or []
        return v if len(v) == n else [None] * n

    lat, lon = col("latlng"), col("latlng", "data2")
    ele, hr, watts, cad, dist = (
        col("altitude"),
        col("heartrate"),
        col("watts"),
        col("cadence"),
        col("distance"),
    )
    return [
        {
            "t": time_s[i],
            "lat": lat[i],
            "lon": lon[i],
            "ele": ele[i],
            "hr": hr[i],
            "watts": watts[i],
            "cad": cad[i],
            "dist": dist[i],
        }
        for i in range(n)
    ]


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_gpx(a: Json, streams: list[Json]) -> str | None:
    """A GPX 1.1 track with elevation, time and Garmin TrackPointExtension HR/cadence; None without GPS."""
    pts = [s for s in _samples(streams) if s["lat"] is not None and s["lon"] is not None]
    if not pts:
        return None
    ET.register_namespace("", GPX_NS)
    ext_ns = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    ET.register_namespace("gpxtpx", ext_ns)
    root = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": "icucoach"})
    trk = ET.SubElement(root, f"{{{GPX_NS}}}trk")
    ET.SubElement(trk, f"{{{GPX_NS}}}name").text = a.get("name") or str(a.get("id"))
    ET.SubElement(trk, f"{{{GPX_NS}}}type").text = a.get("type") or ""
    seg = ET.SubElement(trk, f"{{{GPX_NS}}}trkseg")
    start = _start_utc(a)
    for s in pts:
        p = ET.SubElement(seg, f"{{{GPX_NS}}}trkpt", {"lat": f"{s['lat']:.6f}", "lon": f"{s['lon']:.6f}"})
        if s["ele"] is not None:
            ET.SubElement(p, f"{{{GPX_NS}}}ele").text = f"{s['ele']:.1f}"
        ET.SubElement(p, f"{{{GPX_NS}}}time").text = _iso(start + timedelta(seconds=s["t"]))
        if s["hr"] is not None or s["cad"] is not None:
            ext = ET.SubElement(
                ET.SubElement(p, f"{{{GPX_NS}}}extensions"), f"{{{ext_ns}}}TrackPointExtension"
            )
            if s["hr"] is not None:
                ET.SubElement(ext, f"{{{ext_ns}}}hr").text = str(int(s["hr"]))
            if s["cad"] is not None:
                ET.SubElement(ext, f"{{{ext_ns}}}cad").text = str(int(s["cad"]))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def to_tcx(a: Json, streams: list[Json], family: str = "other") -> str | None:
    """A TCX activity with one lap and every sample as a trackpoint; None without a time stream."""
    samples = _samples(streams)
    if not samples:
        return None
    ET.register_namespace("", TCX_NS)
    ns = f"{{{TCX_NS}}}"
    root = ET.Element(f"{ns}TrainingCenterDatabase")
    act = ET.SubElement(
        ET.SubElement(root, f"{ns}Activities"), f"{ns}Activity", {"Sport": TCX_SPORT.get(family, "Other")}
    )
    start = _start_utc(a)
    ET.SubElement(act, f"{ns}Id").text = _iso(start)
    lap = ET.SubElement(act, f"{ns}Lap", {"StartTime": _iso(start)})
    ET.SubElement(lap, f"{ns}TotalTimeSeconds").text = str(a.get("elapsed_time") or a.get("moving_time") or 0)
    ET.SubElement(lap, f"{ns}DistanceMeters").text = str(a.get("distance") or 0)
    if a.get("calories") is not None:
        ET.SubElement(lap, f"{ns}Calories").text = str(int(a["calories"]))
    track = ET.SubElement(lap, f"{ns}Track")
    for s in samples:
        tp = ET.SubElement(track, f"{ns}Trackpoint")
        ET.SubElement(tp, f"{ns}Time").text = _iso(start + timedelta(seconds=s["t"]))
        if s["lat"] is not None and s["lon"] is not None:
            pos = ET.SubElement(tp, f"{ns}Position")
            ET.SubElement(pos, f"{ns}LatitudeDegrees").text = f"{s['lat']:.6f}"
            ET.SubElement(pos, f"{ns}LongitudeDegrees").text = f"{s['lon']:.6f}"
        if s["ele"] is not None:
            ET.SubElement(tp, f"{ns}AltitudeMeters").text = f"{s['ele']:.1f}"
        if s["dist"] is not None:
            ET.SubElement(tp, f"{ns}DistanceMeters").text = f"{s['dist']:.1f}"
        if s["hr"] is not None:
            hr = ET.SubElement(tp, f"{ns}HeartRateBpm")
            ET.SubElement(hr, f"{ns}Value").text = str(int(s["hr"]))
        if s["cad"] is not None:
            ET.SubElement(tp, f"{ns}Cadence").text = str(int(s["cad"]))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


__all__ = ["CSV_COLUMNS", "to_csv", "to_gpx", "to_tcx"]
