"""Read tools over one athlete's account: profile and zones, activities (list, one in detail, streams),
wellness and fitness. Thin adapters over ``intervals`` (through the cache) and ``insights``.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastmcp.exceptions import ToolError
from pydantic import Field

from icucoach.mcp.context import AthleteArg, DateArg, DetailArg, day_range, session
from icucoach.mcp.format import (
    activity_row,
    downsample,
    hms,
    interval_table,
    pace,
    rnd,
    stub_summary,
)
from icucoach.mcp.registry import READ, Answer, arr, obj, tool

ActivityIdArg = Annotated[
    str,
    Field(description="From icu_list_activities, e.g. 'i40001123'.", pattern=r"^i?\d+$"),
]


def _pace_of(speed: float | None, units: str | None) -> str | None:
    return pace(speed, "Swim" if units and "100" in units else "Run")


def _sport_block(ss: Any, detail: bool) -> dict[str, Any]:
    ftp = ss.ftp
    block: dict[str, Any] = {
        "sports": ss.types,
        "ftp_w": ftp,
        "indoor_ftp_w": ss.indoor_ftp,
        "w_prime_j": ss.w_prime,
        "lthr_bpm": ss.lthr,
        "max_hr_bpm": ss.max_hr,
        "threshold_pace": _pace_of(ss.threshold_pace, ss.pace_units),
    }
    if ss.power_zones and ftp:
        block["power_zones"] = [
            {"name": n, "max_pct_ftp": z, "max_w": None if z >= 999 else round(ftp * z / 100)}
            for n, z in zip(
                ss.power_zone_names or [f"Z{i + 1}" for i in range(len(ss.power_zones))],
                ss.power_zones,
                strict=False,
            )
        ]
    if ss.hr_zones:
        block["hr_zones_max_bpm"] = ss.hr_zones
    if ss.pace_zones and ss.threshold_pace:
        block["pace_zones"] = [
            {
                "max_pct_threshold": z,
                "slowest_pace": None if z >= 999 else _pace_of(ss.threshold_pace * z / 100, ss.pace_units),
            }
            for z in ss.pace_zones
        ]
    if detail:
        block.update(
            {
                "p_max_w": ss.p_max,
                "sweet_spot_pct": [ss.sweet_spot_min, ss.sweet_spot_max],
                "power_zone_names": ss.power_zone_names,
                "hr_zone_names": ss.hr_zone_names,
                "pace_units": ss.pace_units,
                "hr_load_type": ss.hr_load_type,
                "warmup_s": ss.warmup_time,
                "cooldown_s": ss.cooldown_time,
            }
        )
    return {k: v for k, v in block.items() if v is not None or k in ("ftp_w", "lthr_bpm", "threshold_pace")}


@tool(
    READ,
    "Profile, thresholds, zones",
    {"profile": obj("person and units"), "sport_settings": arr("per sport group")},
)
async def icu_get_profile(athlete_id: AthleteArg = None, detail: DetailArg = "compact") -> Answer:
    """Profile and sport settings: FTP (W), threshold pace, LTHR/max HR (bpm), W′ (J), power/HR/pace zones per
    sport, weight, timezone (all dates are local to it). Read before planning or judging intensity."""
    s = session()
    ref = await s.athlete(athlete_id)
    a = await (await s.icu()).get_athlete(ref.id)
    profile = {
        "sex": a.sex,
        "city": a.city,
        "country": a.country,
        "timezone": a.timezone,
        "weight_kg": a.icu_weight or a.weight,
        "resting_hr_bpm": a.icu_resting_hr,
        "measurement": a.measurement_preference,
    }
    if detail == "full":
        profile.update(
            {
                "date_of_birth": a.icu_date_of_birth,
                "height_m": a.height,
                "plan": a.plan,
                "strava_connected": a.strava_authorized,
            }
        )
    sports = [_sport_block(ss, detail == "full") for ss in a.sportSettings or []]
    bits = [
        f"{(b['sports'] or ['?'])[0]}: "
        + ", ".join(
            x
            for x in (
                f"FTP {b['ftp_w']} W" if b.get("ftp_w") else "",
                f"threshold {b['threshold_pace']}" if b.get("threshold_pace") else "",
                f"LTHR {b['lthr_bpm']} bpm" if b.get("lthr_bpm") else "",
            )
            if x
        )
        for b in sports
    ]
    return Answer(
        f"{ref.label}, {a.timezone}. " + "; ".join(bits),
        {"athlete": ref.to_dict(), "profile": profile, "sport_settings": sports},
    )


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw[1:]) if raw.startswith("o") else int("x")
    except ValueError:
        raise ValueError("`cursor` is not one this server issued; start again without a cursor") from None


@tool(
    READ,
    "List activities",
    {
        "range": obj("oldest/newest local dates"),
        "activities": arr("rows"),
        "total": obj("totals over the whole range"),
        "next_cursor": {"type": ["string", "null"]},
        "strava_stubs": {"type": ["object", "null"]},
    },
)
async def icu_list_activities(
    oldest: DateArg = None,
    newest: DateArg = None,
    sport: Annotated[
        str | None,
        Field(
            description="Exact activity type, e.g. 'Ride', 'VirtualRide', 'Run'.",
            max_length=40,
        ),
    ] = None,
    limit: Annotated[int, Field(ge=1, le=100, description="Rows per page.")] = 25,
    cursor: Annotated[
        str | None, Field(description="next_cursor of the previous page.", max_length=40)
    ] = None,
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """Completed activities between local dates (default last 14 days), newest first: start, sport, name,
    moving time, km, load, intensity %, avg HR, power or pace; totals for the range; page with `cursor`.
    Strava stubs marked (no data, not zero). Details: icu_get_activity."""
    s = session()
    ref = await s.athlete(athlete_id)
    start, end = day_range(oldest, newest, ref.today, 14)
    acts = await (await s.icu()).list_activities(start, end, athlete_id=ref.id)
    if sport:
        acts = [a for a in acts if (a.type or "").lower() == sport.lower() or a.is_strava_stub]
    offset = _offset(cursor)
    page = acts[offset : offset + limit]
    real = [a for a in acts if not a.is_strava_stub]
    total = {
        "count": len(acts),
        "moving_time": hms(sum(a.moving_time or 0 for a in real)),
        "distance_km": rnd(sum(a.distance or 0 for a in real) / 1000, 1),
        "load": sum(a.icu_training_load or 0 for a in real),
    }
    nxt = _cursor(offset + limit) if offset + limit < len(acts) else None
    stubs = stub_summary(acts)
    head = (
        f"{ref.label}: {len(acts)} activities {start}..{end}, load {total['load']}, "
        f"{total['moving_time']}; showing {offset + 1 if page else 0}-{offset + len(page)}"
    )
    if nxt:
        head += f" (more: cursor={nxt})"
    if stubs:
        head += f"; {stubs['count']} Strava stub(s) without data"
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "range": {"oldest": str(start), "newest": str(end)},
            "activities": [activity_row(a, detail == "full") for a in page],
            "total": total,
            "next_cursor": nxt,
            "strava_stubs": stubs,
        },
    )


async def _core_temps(icu: Any, activity_id: str, intervals: list[Any]) -> dict[int, dict[str, Any]]:
    streams = await icu.get_streams(activity_id, ["core_temperature"])
    data: list[Any] = next((st.values() for st in streams if st.type == "core_temperature"), [])
    out: dict[int, dict[str, Any]] = {}
    for i, iv in enumerate(intervals):
        lo, hi = iv.start_index, iv.end_index
        if lo is None or hi is None or not data:
            continue
        chunk = [v for v in data[lo : hi + 1] if isinstance(v, int | float)]
        if chunk:
            out[i] = {"average_core_temperature": sum(chunk) / len(chunk)}
    return out


@tool(
    READ,
    "One activity with intervals",
    {
        "activity": obj("summary row"),
        "intervals": {"type": ["object", "null"], "description": "columns + rows"},
        "streams_available": {"type": ["array", "null"]},
        "strava_stub": {"type": "boolean"},
    },
)
async def icu_get_activity(
    activity_id: ActivityIdArg,
    include_intervals: Annotated[bool, Field(description="Add the interval/lap table.")] = True,
    detail: DetailArg = "compact",
) -> Answer:
    """One activity: summary (load, intensity %, power W, HR bpm, pace, RPE, decoupling %, EF; zone times in
    'full') and intervals with power, HR, cadence, pace, W′bal J, GCT ms, vertical oscillation cm, DFA α1,
    core temp °C where recorded. Samples: icu_get_streams."""
    s = session()
    icu = await s.icu()
    act = await icu.get_activity(activity_id, intervals=True)
    ref = await s.athlete(act.icu_athlete_id or None)
    if act.is_strava_stub:
        row = activity_row(act)
        return Answer(
            f"{ref.label}: activity {act.id} is a Strava stub; its data is not available via the API",
            {
                "athlete": ref.to_dict(),
                "activity": row,
                "intervals": None,
                "streams_available": None,
                "strava_stub": True,
            },
        )
    row = activity_row(act, detail=detail == "full")
    if detail != "full":
        row.update(
            {
                "decoupling_pct": rnd(act.decoupling),
                "efficiency_factor": rnd(act.icu_efficiency_factor, 2),
                "feel_1to5": act.feel,
            }
        )
    table = None
    ivs = act.intervals()
    if include_intervals and ivs:
        extra = await _core_temps(icu, act.id, ivs) if "core_temperature" in (act.stream_types or []) else {}
        table = interval_table(ivs, act.type, extra)
    head = (
        f"{ref.label}: {act.type} '{act.name}' {row.get('start_local')}, {row.get('moving_time')}, "
        f"load {act.icu_training_load}, {len(ivs)} intervals"
    )
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "activity": row,
            "intervals": table,
            "streams_available": act.stream_types,
            "strava_stub": False,
        },
    )


@tool(
    READ,
    "Activity streams (downsampled)",
    {
        "activity_id": {"type": "string"},
        "samples": {"type": "integer"},
        "bucket_s": {"type": ["number", "null"]},
        "streams": obj("type -> values"),
        "missing": arr("types the activity lacks"),
    },
)
async def icu_get_streams(
    activity_id: ActivityIdArg,
    types: Annotated[
        list[str] | None,
        Field(
            description="e.g. watts (W), heartrate (bpm), cadence, velocity_smooth (m/s), altitude (m), "
            "distance (m), w_bal (J), stance_time (ms), dfa_a1, core_temperature, vertical_oscillation (cm). "
            "Default: watts, heartrate, cadence, velocity_smooth.",
            max_length=12,
        ),
    ] = None,
    points: Annotated[int, Field(ge=10, le=2000, description="Values per stream.")] = 200,
) -> Answer:
    """One activity's time series averaged into `points` buckets (ask for few types and points); `time_s` =
    bucket start. Strava stubs have none."""
    s = session()
    icu = await s.icu()
    act = await icu.get_activity(activity_id)
    ref = await s.athlete(act.icu_athlete_id or None)
    wanted = types or ["watts", "heartrate", "cadence", "velocity_smooth"]
    have = set(act.stream_types or [])
    asked = [t for t in wanted if t in have]
    missing = [t for t in wanted if t not in have]
    if act.is_strava_stub:
        raise ToolError(
            f"Activity {act.id} is a Strava stub: no streams are available via the API. "
            "Connect the device directly to Intervals.icu for future activities."
        )
    if len(asked) * points > 6000:
        raise ValueError(
            f"{len(asked)} streams x {points} points is too much for one answer (limit 6000 values): "
            "ask for fewer types or points"
        )
    if not asked:
        raise ToolError(f"Activity {act.id} has none of {wanted}; it has: {sorted(have)}")
    streams = await icu.get_streams(act.id, sorted({*asked, "time"}))
    by_type = {st.type: st.values() for st in streams}
    n = len(by_type.get("time") or next(iter(by_type.values()), []))
    out = {"time_s": downsample(by_type.get("time", list(range(n))), points)}
    if n > points:
        out["time_s"] = [int(by_type.get("time", list(range(n)))[b * n // points]) for b in range(points)]
    for t in asked:
        out[t] = downsample(by_type.get(t, []), points)
    bucket = rnd(n / points, 1) if n > points else 1
    return Answer(
        f"{ref.label}: {len(asked)} streams of {act.id}, {n} samples -> {min(n, points)} points",
        {
            "athlete": ref.to_dict(),
            "activity_id": act.id,
            "samples": n,
            "bucket_s": bucket,
            "streams": out,
            "missing": missing,
        },
    )
