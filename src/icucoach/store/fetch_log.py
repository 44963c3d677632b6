"""The detail-fetch ledger: per activity and detail kind (``intervals``, ``streams``), how many times a run
asked for it (one attempt per run, whether the activity's intervals came alone or in a bulk request with
others), when the first and the last attempt were, and whether the last one failed. It is sync state
(``Store.set_state``), kept for activities of the last ``KEEP_DAYS`` days; intervals.json's ``fetch_state``
reports it.

    {"i123": {"date": "2026-11-20", "streams": {"attempts": 1, "first_seen": "...Z", "last_attempt": "...Z",
                                                "failed": false}}}
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from icucoach.store.db import Store

Json = dict[str, Any]
KEY = "detail_fetches"
KEEP_DAYS = 28


def load(store: Store, athlete_id: str) -> dict[str, Json]:
    return store.get_state(athlete_id, KEY) or {}


def record(
    store: Store,
    athlete_id: str,
    attempts: Iterable[tuple[str, str, str, bool]],
    when: str,
    today: date,
) -> None:
    """Count one attempt per ``(kind, activity id, local date, failed)`` made at ``when`` (UTC ISO)."""
    log = load(store, athlete_id)
    for kind, aid, day, failed in attempts:
        entry = log.setdefault(aid, {"date": day})
        entry["date"] = day
        prev = entry.get(kind) or {}
        entry[kind] = {
            "attempts": int(prev.get("attempts") or 0) + 1,
            "first_seen": prev.get("first_seen") or when,
            "last_attempt": when,
            "failed": failed,
        }
    oldest = (today - timedelta(days=KEEP_DAYS)).isoformat()
    store.set_state(athlete_id, KEY, {k: v for k, v in log.items() if str(v.get("date")) >= oldest})


__all__ = ["KEY", "load", "record"]
