"""``ftp_history.json``: ``{"indoor": {"YYYY-MM-DD": W}, "outdoor": {...}}`` (``section11.md`` §3.5), plus
``schema_version`` (readers of Section 11's file look only at ``indoor``/``outdoor``).

Seeded on the first export from the FTP each archived ride was analysed with (``analytics.export_metrics.
ftp_changes``), so the timeline starts with three years instead of empty; afterwards each export appends the
current cycling ``ftp``/``indoor_ftp`` from sport settings when it differs from the newest entry. Legacy flat
dict (Section 11 before the split) is read as outdoor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from icucoach.analytics.inputs import ActivityInput

Json = dict[str, Any]


def load_ftp_history(doc: Any) -> Json:
    if not isinstance(doc, dict):
        return {"indoor": {}, "outdoor": {}}
    if "indoor" in doc or "outdoor" in doc:
        return {"indoor": dict(doc.get("indoor") or {}), "outdoor": dict(doc.get("outdoor") or {})}
    return {"indoor": {}, "outdoor": {k: v for k, v in doc.items() if isinstance(v, int | float)}}


def _cycling_settings(athlete: Json) -> Json:
    for ss in athlete.get("sportSettings") or []:
        if "Ride" in (ss.get("types") or []):
            return ss
    return {}


def update_ftp_history(previous: Any, athlete: Json, activities: list[ActivityInput], today: date) -> Json:
    hist = load_ftp_history(previous)
    if not hist["indoor"] and not hist["outdoor"]:
        from icucoach.analytics.export_metrics import ftp_changes  # numpy: only when seeding

        seeded = ftp_changes(activities)
        hist = {"indoor": dict(seeded["indoor"]), "outdoor": dict(seeded["outdoor"])}
    ss = _cycling_settings(athlete)
    for kind, key in (("outdoor", "ftp"), ("indoor", "indoor_ftp")):
        value = ss.get(key)
        if not value:
            continue
        entries = hist[kind]
        newest = entries[max(entries)] if entries else None
        if newest is None or float(newest) != float(value):
            entries[today.isoformat()] = float(value)
    return {"schema_version": 1, **{k: dict(sorted(v.items())) for k, v in hist.items()}}


__all__ = ["load_ftp_history", "update_ftp_history"]
