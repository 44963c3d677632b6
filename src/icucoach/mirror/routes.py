"""``routes.json`` (``section11.md`` §3.4): the terrain of planned events' GPX/TCX/FIT route attachments.

Each summary carries ``display`` blocks in the athlete's units (``mirror.terrain_fields``); its ``source`` is
``gpx_attachment`` (``tcx_attachment``, ``fit_attachment``) as Section 11 names it. Attachments are downloaded
once into the store (keyed by attachment id); a failed download is retried after a day instead of being
cached forever (Section 11 bug §7.9). GPX and TCX are parsed with ``xml.etree``, FIT
with ``fit_tool``; the analysis (climbs, grades, course character, polyline) is ``analytics.terrain``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from icucoach import __version__
from icucoach.analytics.terrain import terrain_summary
from icucoach.mirror.context import ExportContext
from icucoach.mirror.files import script_hash
from icucoach.mirror.terrain_fields import with_display
from icucoach.store.db import Store

Json = dict[str, Any]
Point = tuple[float, float, float | None]
Fetcher = Callable[[str], Awaitable[bytes]]
ROUTE_EXT = (".gpx", ".tcx", ".fit")
RETRY_FAILED_AFTER = timedelta(hours=24)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_gpx(data: bytes) -> list[Point]:
    """Track points (``trkpt``), else route points (``rtept``), with elevation when present."""
    root = ET.fromstring(data)
    pts: dict[str, list[Point]] = {"trkpt": [], "rtept": []}
    for el in root.iter():
        kind = _local(el.tag)
        if kind in pts and el.get("lat") is not None and el.get("lon") is not None:
            ele = next((c.text for c in el if _local(c.tag) == "ele"), None)
            lat, lon = el.get("lat"), el.get("lon")
            pts[kind].append((float(lat or "nan"), float(lon or "nan"), float(ele) if ele else None))
    return pts["trkpt"] or pts["rtept"]


def parse_tcx(data: bytes) -> list[Point]:
    root = ET.fromstring(data)
    out: list[Point] = []
    for tp in root.iter():
        if _local(tp.tag) != "Trackpoint":
            continue
        lat = lon = ele = None
        for c in tp.iter():
            name = _local(c.tag)
            if name == "LatitudeDegrees":
                lat = float(c.text or "nan")
            elif name == "LongitudeDegrees":
                lon = float(c.text or "nan")
            elif name == "AltitudeMeters":
                ele = float(c.text or "nan")
        if lat is not None and lon is not None:
            out.append((lat, lon, ele))
    return out


def parse_fit(data: bytes) -> list[Point]:
    from fit_tool.fit_file import FitFile
    from fit_tool.profile.messages.record_message import RecordMessage

    fit = FitFile.from_bytes(data)
    out: list[Point] = []
    for rec in fit.records:
        m = rec.message
        if isinstance(m, RecordMessage) and m.position_lat is not None and m.position_long is not None:
            alt = getattr(m, "enhanced_altitude", None) or getattr(m, "altitude", None)
            out.append((float(m.position_lat), float(m.position_long), alt))
    return out


def parse_route(filename: str, data: bytes) -> list[Point]:
    name = filename.lower()
    if name.endswith(".gpx"):
        return parse_gpx(data)
    if name.endswith(".tcx"):
        return parse_tcx(data)
    if name.endswith(".fit"):
        return parse_fit(data)
    raise ValueError(f"unsupported route format: {filename}")


def route_events(ctx: ExportContext) -> list[tuple[Json, Json]]:
    """(event, attachment) pairs of events from 14 days back to 90 ahead with a route attachment."""
    lo = (ctx.today - timedelta(days=14)).isoformat()
    hi = (ctx.today + timedelta(days=90)).isoformat()
    out = []
    for e in ctx.events:
        if not lo <= str(e.get("start_date_local"))[:10] <= hi:
            continue
        for att in e.get("attachments") or []:
            if str(att.get("filename") or att.get("url") or "").lower().endswith(ROUTE_EXT):
                out.append((e, att))
    return out


def _due(held: Json | None) -> bool:
    if held is None:
        return True
    if held.get("content") is not None:
        return False
    when = datetime.strptime(held["fetched_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return datetime.now(UTC) - when >= RETRY_FAILED_AFTER


async def fetch_attachments(ctx: ExportContext, store: Store, fetch: Fetcher) -> list[str]:
    """Download route attachments the store lacks; returns failure messages (never raises)."""
    failures = []
    for e, att in route_events(ctx):
        att_id = str(att.get("id") or att.get("url"))
        if not _due(store.attachment(att_id)):
            continue
        try:
            data = await fetch(str(att.get("url")))
            store.put_attachment(att_id, str(att.get("url")), att.get("filename"), data, None)
        except Exception as exc:  # any download failure is recorded and retried later
            msg = f"{type(exc).__name__}: {exc}"[:300]
            store.put_attachment(att_id, str(att.get("url")), att.get("filename"), None, msg)
            failures.append(f"route attachment {att.get('filename')} of event {e.get('id')}: {msg}")
    return failures


def build_routes(ctx: ExportContext, store: Store, generated_at: str) -> Json:
    entries = []
    for e, att in route_events(ctx):
        att_id = str(att.get("id") or att.get("url"))
        filename = str(att.get("filename") or att.get("url"))
        held = store.attachment(att_id)
        if held is None or held.get("content") is None:
            summary: Json = {"error": (held or {}).get("error") or "not downloaded yet"}
        else:
            try:
                pts = parse_route(filename, held["content"])
                ext = filename.rsplit(".", 1)[-1].lower()
                summary = with_display(terrain_summary(pts, source=f"{ext}_attachment"), ctx.units) or {
                    "error": "route too short or without elevation"
                }
            except Exception as exc:  # a malformed file becomes an error entry, not a failed export
                summary = {"error": f"cannot parse {filename}: {type(exc).__name__}"}
        t = str(e.get("start_date_local") or "")[11:16]
        entries.append(
            {
                "event_id": e.get("id"),
                "event_name": e.get("name"),
                "event_date": str(e.get("start_date_local"))[:10],
                "category": e.get("category"),
                "attachment_id": att_id,
                "filename": filename,
                "start_time": t if t and t != "00:00" else None,
                "terrain_summary": summary,
            }
        )
    return {
        "generated_at": generated_at,
        "sync_version": f"icucoach {__version__}",
        "script_hash": script_hash(),
        "schema_version": 1,
        "events": entries,
    }


__all__ = [
    "build_routes",
    "fetch_attachments",
    "parse_fit",
    "parse_gpx",
    "parse_route",
    "parse_tcx",
    "route_events",
]
