"""``intervals.json`` (``section11.md`` §3.3, ``schema_version`` 1): per-interval detail and the DFA α1 block
of the endurance sessions (cycling, run, ski, rowing, swim; structured or not: unstructured ones carry their
laps or auto-intervals) dated in the last 14 days, with a ``fetch_state`` per activity
(``mirror.fetch_state``).

Intervals are fetched once per activity version into the store (``store.sync.fetch_details``) and refetched
when the activity's ``icu_sync_date`` changes (edited intervals are never stale). As in Section 11, a session
is listed when it has intervals or a ``dfa`` block (``mirror.dfa_fields``). Field names follow Section 11;
nulls are stripped from each interval.
"""

from __future__ import annotations

from typing import Any

from icucoach import __version__
from icucoach.mirror.activity_fields import r
from icucoach.mirror.context import ExportContext
from icucoach.mirror.dfa_fields import RETENTION_DAYS, window_activities
from icucoach.mirror.fetch_state import build_fetch_state
from icucoach.mirror.files import script_hash

Json = dict[str, Any]
SCHEMA = 1


def _interval(i: Json) -> Json:
    speed = i.get("average_speed")
    row = {
        "type": i.get("type"),
        "label": i.get("group_id") or i.get("label"),
        "duration_secs": i.get("elapsed_time"),
        "moving_secs": i.get("moving_time"),
        "start_secs": i.get("start_time"),
        "end_secs": i.get("end_time"),
        "distance_km": r(i["distance"] / 1000.0, 3) if i.get("distance") else None,
        "avg_power": i.get("average_watts"),
        "max_power": i.get("max_watts"),
        "normalized_power": i.get("weighted_average_watts"),
        "avg_hr": i.get("average_heartrate"),
        "max_hr": i.get("max_heartrate"),
        "min_hr": i.get("min_heartrate"),
        "avg_cadence": i.get("average_cadence"),
        "avg_speed_kmh": r(speed * 3.6, 1) if speed else None,
        "zone": i.get("zone"),
        "w_bal_start": i.get("wbal_start"),
        "w_bal_end": i.get("wbal_end"),
        "training_load": i.get("training_load"),
        "decoupling": i.get("decoupling"),
        "avg_dfa_a1": i.get("average_dfa_a1"),
    }
    return {k: v for k, v in row.items() if v is not None}


def zone_basis(a: Json, intervals: list[Json]) -> str | None:
    if any(i.get("zone_min_watts") is not None or i.get("zone_max_watts") is not None for i in intervals):
        return "power"
    has_hr, has_pace = bool(a.get("icu_hr_zone_times")), bool(a.get("pace_zone_times"))
    if has_hr and not has_pace:
        return "hr"
    if has_pace and not has_hr:
        return "pace"
    return None


def build_intervals(ctx: ExportContext, generated_at: str, failed: dict[str, dict[str, str]]) -> Json:
    acts = window_activities(ctx)
    entries: list[Json] = []
    for a in acts:
        aid = str(a["id"])
        raw = (ctx.intervals.get(aid) or {}).get("icu_intervals") or []
        block = ctx.dfa_blocks.get(aid)
        if not raw and block is None:
            continue
        entries.append(
            {
                "activity_id": aid,
                "date": a["start_date_local"][:10],
                "start_datetime": a.get("start_date_local"),
                "type": a.get("type"),
                "name": a.get("name"),
                "interval_summary": a.get("interval_summary") or None,
                "zone_basis": zone_basis(a, raw) if raw else None,
                "duplicate_of": ctx.duplicates.get(aid),
                "intervals": [_interval(i) for i in raw],
                "dfa": block,
            }
        )
    version = f"icucoach {__version__}"
    return {
        "generated_at": generated_at,
        "schema_version": SCHEMA,
        "version": version,
        "script_hash": script_hash(),
        "scan_hours": 72,
        "retention_days": RETENTION_DAYS,
        "activities": entries,
        "fetch_state": build_fetch_state(ctx, acts, failed),
    }


__all__ = ["RETENTION_DAYS", "build_intervals", "zone_basis"]
