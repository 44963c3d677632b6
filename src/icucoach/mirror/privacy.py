"""Privacy levels applied to the finished files before they are written (or pushed to a repository).

- ``none``: as exported.
- ``standard`` (default): athlete id, name, birth date, location and free-text notes (athlete notes, activity
  descriptions and coach notes, wellness comments) are redacted; age, sex and height stay.
- ``strict``: also GPS coarsened to 2 decimals (~1 km) everywhere (start/end coordinates, climbs, polylines)
  and activity names replaced by their sport (``"Ride session"``).
"""

from __future__ import annotations

import copy
from typing import Any

Json = dict[str, Any]
REDACTED = "REDACTED"
GPS_DECIMALS = 2


def _coarsen(node: Any) -> Any:
    """Round every coordinate pair / polyline point under ``node`` to ``GPS_DECIMALS``."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("start_coords", "end_coords") and isinstance(v, list):
                node[k] = [round(x, GPS_DECIMALS) if isinstance(x, float) else x for x in v]
            elif k == "polyline" and isinstance(v, list):
                node[k] = [[p[0], round(p[1], GPS_DECIMALS), round(p[2], GPS_DECIMALS), *p[3:]] for p in v]
            else:
                _coarsen(v)
    elif isinstance(node, list):
        for v in node:
            _coarsen(v)
    return node


def _rename(entry: Json, name_key: str = "name") -> None:
    if entry.get(name_key) is not None:
        entry[name_key] = f"{entry.get('type') or 'Activity'} session"


def apply_privacy(kind: str, doc: Json, level: str) -> Json:
    """A redacted copy of one file's document."""
    if level == "none":
        return doc
    out = copy.deepcopy(doc)
    strict = level == "strict"
    if kind == "latest":
        out["metadata"]["athlete_id"] = REDACTED
        prof = out.get("athlete_profile") or {}
        for key in ("name", "date_of_birth", "location", "platform_activated"):
            if key in prof:
                prof[key] = None
        out["athlete_notes"] = None
        for a in out.get("recent_activities") or []:
            a["description"] = None
            a["coach_notes"] = []
            if strict:
                _rename(a)
        for w in out.get("wellness_data") or []:
            w["comments"] = None
        cm = (out.get("current_status") or {}).get("current_metrics")
        if cm:
            cm["comments"] = None
    if kind == "intervals" and strict:
        for a in out.get("activities") or []:
            _rename(a)
    if strict:
        _coarsen(out)
    return out


__all__ = ["GPS_DECIMALS", "REDACTED", "apply_privacy"]
