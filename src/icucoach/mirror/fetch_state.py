"""intervals.json ``fetch_state``: Section 11's per-activity bookkeeping of the two detail requests
(``intervals``, ``streams``), from what the store knows: the detail-fetch ledger (``store.fetch_log``:
attempts, first and last request), the stored details, and this run's failures.

Status vocabulary is Section 11's (``ok`` / ``pending`` / ``tombstone``). We do not retry on a timer: a detail
is fetched once per version of the activity and fetched again when Intervals.icu's ``icu_sync_date`` changes,
so an answer without data (no laps, no DFA a1 stream) is ``tombstone`` / ``no_data`` rather than Section 11's
``pending`` that later expires (``retry_expired``); a failed request is ``pending`` / ``transient`` and is
retried on the next run. Timestamps are the athlete's local time with its UTC offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from icucoach.store import fetch_log

if TYPE_CHECKING:
    from icucoach.mirror.context import ExportContext

Json = dict[str, Any]


def paired_planned(ctx: ExportContext) -> set[str]:
    """Activities paired with a planned workout that has steps (Section 11's extended-retry pairing)."""
    with_steps = {
        str(e.get("id"))
        for e in ctx.events
        if isinstance(e.get("workout_doc"), dict) and e["workout_doc"].get("steps")
    }
    out = {
        str(e["paired_activity_id"])
        for e in ctx.events
        if e.get("paired_activity_id") and str(e.get("id")) in with_steps
    }
    out |= {str(a["id"]) for a in ctx.activities if str(a.get("paired_event_id")) in with_steps}
    return out


def _local(stamp: Any, tz: ZoneInfo | None) -> str | None:
    if not stamp:
        return None
    try:
        t = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (t.astimezone(tz) if tz else t).isoformat()


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except Exception:
        return None


def _endpoint(logged: Json | None, status: str, reason: str, tz: ZoneInfo | None) -> Json:
    logged = logged or {}
    return {
        "attempts": logged.get("attempts"),
        "first_seen": _local(logged.get("first_seen"), tz),
        "last_attempt": _local(logged.get("last_attempt"), tz),
        "status": status,
        "reason": reason,
        # Section 11 waits for a retry timer; we retry a failed or missing detail on the very next run
        "next_retry_at": None,
    }


def build_fetch_state(ctx: ExportContext, acts: list[Json], failed: dict[str, dict[str, str]]) -> Json:
    """``fetch_state`` of ``acts`` (the activities intervals.json covers), keyed and sorted by activity id."""
    tz = _zone(ctx.timezone)
    log = fetch_log.load(ctx.store, str(ctx.athlete.get("id"))) if ctx.store is not None else {}
    paired = paired_planned(ctx)
    state: dict[str, Json] = {}
    for a in acts:
        aid = str(a["id"])
        logged = log.get(aid) or {}
        errors = failed.get(aid) or {}
        held = ctx.intervals.get(aid)
        if "intervals" in errors:
            iv = _endpoint(logged.get("intervals"), "pending", "transient", tz)
            iv["message"] = errors["intervals"]
        elif held is None:
            iv = _endpoint(logged.get("intervals"), "pending", "not_fetched", tz)
        elif held.get("icu_intervals"):
            iv = _endpoint(logged.get("intervals"), "ok", "ok", tz)
            iv["source_icu_sync_date"] = a.get("icu_sync_date")
        else:
            iv = _endpoint(logged.get("intervals"), "tombstone", "no_data", tz)
        if "streams" in errors:
            st = _endpoint(logged.get("streams"), "pending", "transient", tz)
            st["message"] = errors["streams"]
        elif aid in ctx.dfa_blocks:
            st = _endpoint(logged.get("streams"), "ok", "ok", tz)
        elif aid in ctx.streams or not a.get("stream_types"):
            st = _endpoint(logged.get("streams"), "tombstone", "no_data", tz)
        else:
            st = _endpoint(logged.get("streams"), "pending", "not_fetched", tz)
        state[aid] = {
            "date": a["start_date_local"][:10],
            "paired_planned": aid in paired,
            "intervals": iv,
            "streams": st,
        }
    return dict(sorted(state.items()))


__all__ = ["build_fetch_state", "paired_planned"]
