"""``latest.json`` blocks about the athlete's body and calendar: ``athlete_profile.display``,
``current_status.weight`` (weight and W/kg trend) and ``race_calendar`` (``section11.md`` §3.1, §4.15, §4.22).

The numbers come from ``analytics.weight`` and ``analytics.races``; the race rows are completed here with the
calendar event's own fields (type, planned distance and moving time) and whether it has a route file.
"""

from __future__ import annotations

from typing import Any

from icucoach.analytics.weight import weight_trend
from icucoach.mirror.context import ExportContext
from icucoach.mirror.display import to_display
from icucoach.mirror.routes import route_events

Json = dict[str, Any]


def profile_display(ctx: ExportContext) -> Json:
    """``athlete_profile.display``: the height in the athlete's unit (cm or in)."""
    return {"height": to_display(ctx.athlete.get("height"), "height", ctx.units)}


def ftp_setting_date(ftp_history: Json | None) -> str | None:
    """The date the current cycling FTP was set: the newest outdoor entry of ftp_history.json, else the
    newest indoor one (Intervals.icu has no FTP test date)."""
    for kind in ("outdoor", "indoor"):
        dates = sorted((ftp_history or {}).get(kind) or {})
        if dates:
            return dates[-1]
    return None


def weight_block(ctx: ExportContext, thresholds: Json, ftp_history: Json | None) -> Json:
    """``current_status.weight``: ``analytics.weight.weight_trend`` over the wellness weigh-ins, with the
    tested cycling FTP (else eFTP). Fields whose gate fails are null (Section 11 omits them)."""
    cycling = (thresholds.get("sports") or {}).get("cycling") or {}
    trend = weight_trend(
        ((w.day, w.weight) for w in ctx.wellness_inputs),
        ctx.today,
        ftp_tested=cycling.get("ftp"),
        eftp=thresholds.get("eftp"),
    ).to_dict()
    tested = trend["wkg_ftp_source"] == "tested"
    slope = trend["weight_28d_slope_kg_per_week"]
    lb = ctx.units.weight == "lb"
    return {
        **trend,
        "ftp_setting_date": ftp_setting_date(ftp_history) if tested else None,
        "display": {
            "weight_latest": to_display(trend["weight_latest_kg"], "weight", ctx.units),
            "weight_7d_avg": to_display(trend["weight_7d_avg_kg"], "weight", ctx.units),
            # a slope needs 3 decimals, more than the weight display kind keeps
            "weight_28d_slope_per_week": None
            if slope is None
            else {
                "value": round(slope * 2.20462, 3) if lb else slope,
                "unit": "lb/week" if lb else "kg/week",
            },
        },
    }


def _race_row(row: Json, event: Json, routed: set[str], ctx: ExportContext) -> Json:
    metres = event.get("distance")
    return {
        "name": row["name"],
        "date": row["date"],
        "category": row["category"],
        "type": event.get("type") or row.get("sport"),
        "days_until": row["days_to"],
        "moving_time_seconds": event.get("moving_time"),
        "distance_meters": metres,
        "display": {"distance": to_display(metres / 1000.0 if metres else None, "distance", ctx.units)},
        "has_terrain": str(row.get("id")) in routed,
        "id": row.get("id"),
        "sport": row.get("sport"),
        "days_to": row["days_to"],
    }


def race_calendar(ctx: ExportContext, races: Json) -> Json:
    """``race_calendar`` from ``analytics.races.race_guidance``: Section 11's race rows (``days_until``,
    ``type``, ``distance_meters``…, with our ``id``/``sport``/``days_to``), ``taper_alert.active`` (an A race
    in the taper window) and ``race_week.active`` with our race-week budget when active."""
    by_id = {str(e.get("id")): e for e in ctx.events}
    routed = {str(e.get("id")) for e, _ in route_events(ctx)}
    rows = [_race_row(x, by_id.get(str(x.get("id")), {}), routed, ctx) for x in races.get("races") or []]
    nxt = races.get("next_race")
    taper: Json = {"active": bool(races.get("taper_window"))}
    if taper["active"]:
        a_race = next((x for x in rows if x["category"] == "RACE_A"), None)
        if a_race is not None:
            taper.update(
                event_name=a_race["name"],
                event_date=a_race["date"],
                days_until=a_race["days_until"],
                message=f"A race '{a_race['name']}' is {a_race['days_until']} days away: time to start "
                "cutting volume while keeping the intensity; fitness (CTL) should top out about now.",
            )
    week = races.get("race_week")
    return {
        "next_race": next((x for x in rows if nxt and x["id"] == nxt.get("id")), rows[0] if rows else None),
        "all_races": rows,
        "taper_alert": taper,
        "race_week": {"active": True, **week} if week else {"active": False},
    }


__all__ = ["ftp_setting_date", "profile_display", "race_calendar", "weight_block"]
