"""Section 11's DFA α1 fields (``section11.md`` §4.16), from the stored streams of recent sessions: the
``dfa`` block of each intervals.json entry, ``recent_activities[].has_dfa`` / ``dfa_summary`` and
``derived_metrics.capability.dfa_a1_profile`` in latest.json. The numbers are ``analytics.dfa``'s.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from icucoach.analytics import dfa
from icucoach.analytics.inputs import from_api_activity, sport_family

if TYPE_CHECKING:
    from icucoach.mirror.context import ExportContext

Json = dict[str, Any]
RETENTION_DAYS = 14  # intervals.json keeps sessions dated today-14 .. today (Section 11's retention)
FAMILIES = frozenset({"cycling", "run", "ski", "rowing", "swim"})  # Section 11's interval/DFA families
STREAMS = ("dfa_a1", "artifacts", "heartrate", "watts", "time")


def window_activities(ctx: ExportContext) -> list[Json]:
    """The activities intervals.json covers, newest first: endurance sessions dated in the retention window
    (Strava stubs excluded: the API gives no details for them)."""
    oldest = (ctx.today - timedelta(days=RETENTION_DAYS)).isoformat()
    return [
        a
        for a in ctx.activities
        if a["start_date_local"][:10] >= oldest
        and sport_family(a.get("type")) in FAMILIES
        and not from_api_activity(a).is_stub
    ]


def session_blocks(ctx: ExportContext) -> dict[str, Json]:
    """Activity id -> ``dfa`` block, for window activities whose stored streams include ``dfa_a1``."""
    out: dict[str, Json] = {}
    for a in window_activities(ctx):
        aid = str(a["id"])
        by_type = {s.get("type"): s.get("data") for s in ctx.streams.get(aid) or []}
        block = dfa.session_block(*(by_type.get(k) for k in STREAMS))
        if block is not None:
            out[aid] = block
    return out


def _indoor(a: Json) -> bool:
    return a.get("type") == "VirtualRide" or a.get("trainer") is True


def _profile(ctx: ExportContext) -> Json | None:
    by_id = {str(a["id"]): a for a in ctx.activities}
    sessions = [
        dfa.DfaSession(
            activity_id=aid,
            date=by_id[aid]["start_date_local"][:10],
            start=by_id[aid]["start_date_local"],
            name=by_id[aid].get("name"),
            sport=by_id[aid].get("type"),
            family=sport_family(by_id[aid].get("type")),
            indoor=_indoor(by_id[aid]),
            block=block,
        )
        for aid, block in ctx.dfa_blocks.items()
    ]
    return dfa.profile(sessions)


def attach_latest(doc: Json, ctx: ExportContext) -> None:
    """``recent_activities[].has_dfa`` (a ``dfa`` block exists for the session) and ``dfa_summary`` (null
    unless the block is sufficient), and ``derived_metrics.capability.dfa_a1_profile``."""
    blocks = ctx.dfa_blocks
    for entry in doc.get("recent_activities") or []:
        block = blocks.get(str(entry.get("id")))
        entry["has_dfa"] = block is not None
        entry["dfa_summary"] = dfa.summary(block) if block and block["quality"]["sufficient"] else None
    doc["derived_metrics"].setdefault("capability", {})["dfa_a1_profile"] = _profile(ctx)


__all__ = ["FAMILIES", "RETENTION_DAYS", "attach_latest", "session_blocks", "window_activities"]
