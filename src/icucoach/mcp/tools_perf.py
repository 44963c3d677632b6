"""Performance and load tools: power/pace/HR curves with window comparison, best efforts, the training
summary per period and sport, and the analytics training-status digest (via ``insights``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from icucoach.insights import SnapshotWindow
from icucoach.mcp.context import AthleteArg, DateArg, DetailArg, day_range, session
from icucoach.mcp.derived import analysis
from icucoach.mcp.format import compact_metrics, hms, pace, rnd
from icucoach.mcp.registry import READ, Answer, arr, obj, tool

POWER_SECS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 5400, 7200)
HR_SECS = (60, 300, 600, 1200, 1800, 3600)
RUN_METRES = (400, 800, 1000, 1609, 3000, 5000, 10000, 21097, 42195)
SWIM_METRES = (50, 100, 200, 400, 800, 1500, 3800)
_WINDOW = re.compile(r"^(\d{1,4}[dy]|all|s\d|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$")

WindowsArg = Annotated[
    list[str] | None,
    Field(
        description="First = reference: '42d', '90d', '1y', 'all', 's0' (this season), 's1' (last), "
        "'YYYY-MM-DD..YYYY-MM-DD'. Default ['42d', '1y'].",
        max_length=4,
    ),
]


def _curve_ids(windows: list[str] | None) -> list[str]:
    out = []
    for w in windows or ["42d", "1y"]:
        w = w.strip()
        if not _WINDOW.match(w):
            raise ValueError(f"window {w!r} is not one of 42d / 1y / all / s0 / YYYY-MM-DD..YYYY-MM-DD")
        out.append("r." + w.replace("..", ".") if ".." in w else w)
    return out


def _label(x: float, kind: str) -> str:
    if kind == "pace":
        return f"{x / 1000:g}km" if x >= 1000 and x not in (1609,) else ("1mi" if x == 1609 else f"{x:g}m")
    return f"{int(x)}s" if x < 60 else (f"{int(x // 60)}m" if x < 3600 else f"{x / 3600:g}h")


def _sample(curve: Any, points: tuple[int, ...], kind: str, sport: str) -> dict[str, Any]:
    xs = list(curve.distance or []) if kind == "pace" else list(curve.secs or [])
    vals = list(curve.values or [])
    ids = list(curve.activity_id or [])
    out: dict[str, Any] = {}
    for p in points:
        best = None
        for i, x in enumerate(xs):
            if x is not None and abs(x - p) <= (p * 0.02 if kind == "pace" else 0) and i < len(vals):
                best = i
                break
        if best is None or vals[best] is None:
            out[_label(p, kind)] = None
            continue
        v = vals[best]
        entry: dict[str, Any] = {"activity_id": ids[best] if best < len(ids) else None}
        if kind == "pace":
            entry.update({"time": hms(v), "pace": pace(p / v if v else None, sport)})
        elif kind == "power":
            entry["watts"] = v
            wkg = curve.watts_per_kg or [None] * len(vals)
            entry["w_per_kg"] = wkg[best] if best < len(wkg) else None
        else:
            entry["bpm"] = v
        out[_label(p, kind)] = entry
    return out


def _primary(entry: Any) -> float | None:
    if not isinstance(entry, dict):
        return None
    if "watts" in entry:
        return entry["watts"]
    if "bpm" in entry:
        return entry["bpm"]
    t = entry.get("time")
    if not t:
        return None
    parts = [int(x) for x in t.split(":")]
    return float(sum(v * 60**i for i, v in enumerate(reversed(parts))))


async def _curve_set(kind: str, sport: str, ids: list[str], ref: Any) -> Any:
    icu = await session().icu()
    if kind == "power":
        return await icu.get_power_curves(sport, ids, newest=ref.today, athlete_id=ref.id)
    if kind == "hr":
        return await icu.get_hr_curves(sport, ids, newest=ref.today, athlete_id=ref.id)
    return await icu.get_pace_curves(sport, ids, newest=ref.today, athlete_id=ref.id)


@tool(
    READ,
    "Power, pace or HR curves",
    {
        "kind": {"type": "string"},
        "sport": {"type": "string"},
        "curves": arr("one per window"),
        "comparison": {"type": ["object", "null"], "description": "% change of each window vs the first"},
    },
)
async def icu_get_curves(
    kind: Annotated[
        Literal["power", "pace", "hr"],
        Field(description="power (W), pace or hr (bpm held)."),
    ] = "power",
    sport: Annotated[
        str, Field(description="Activity type: Ride, Run, Swim, VirtualRide…", max_length=40)
    ] = "Ride",
    windows: WindowsArg = None,
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """Best efforts at standard durations (power W, W/kg; HR bpm) or distances (pace) per date window, and the
    % the first window beats each other (negative = worse), each with its activity. Race distances:
    icu_get_best_efforts."""
    s = session()
    ref = await s.athlete(athlete_id)
    ids = _curve_ids(windows)
    data = await _curve_set(kind, sport, ids, ref)
    swim = sport in ("Swim", "OpenWaterSwim")
    points = (
        POWER_SECS if kind == "power" else HR_SECS if kind == "hr" else SWIM_METRES if swim else RUN_METRES
    )
    curves = []
    for c in data.curves():
        row = {
            "window": c.id,
            "label": c.label,
            "from": (c.start_date_local or "")[:10] or None,
            "to": (c.end_date_local or "")[:10] or None,
            "best": _sample(c, points, kind, sport),
        }
        if detail == "full":
            row["activities_in_window_load"] = c.training_load
        curves.append(row)
    comparison = None
    if len(curves) > 1:
        comparison = {}
        ref_best = curves[0]["best"]
        for other in curves[1:]:
            deltas = {}
            for k, v in ref_best.items():
                a, b = _primary(v), _primary(other["best"].get(k))
                if a and b:
                    change = (a - b) / b * 100 if kind != "pace" else (b - a) / b * 100
                    deltas[k] = rnd(change)
                else:
                    deltas[k] = None
            comparison[f"{curves[0]['window']} vs {other['window']}"] = deltas
    return Answer(
        f"{ref.label}: {kind} curves for {sport} over {', '.join(ids)}",
        {"athlete": ref.to_dict(), "kind": kind, "sport": sport, "curves": curves, "comparison": comparison},
    )


@tool(
    READ,
    "Best efforts for ride, run or swim",
    {"sport": {"type": "string"}, "window": {"type": "string"}, "efforts": obj("per duration/distance")},
)
async def icu_get_best_efforts(
    sport: Annotated[
        Literal["ride", "run", "swim"],
        Field(description="ride: peak power; run/swim: race distances."),
    ] = "ride",
    window: Annotated[
        str, Field(description="'42d', '1y', 'all', 's0' or 'YYYY-MM-DD..YYYY-MM-DD'.", max_length=24)
    ] = "1y",
    athlete_id: AthleteArg = None,
) -> Answer:
    """Personal bests in one window: ride peak power (W, W/kg) 5 s–2 h; run 400 m–marathon; swim 50 m–3.8 km
    (pace /100 m); each with activity and date. Compare windows: icu_get_curves."""
    s = session()
    ref = await s.athlete(athlete_id)
    cid = _curve_ids([window])
    kind, type_, points = {
        "ride": ("power", "Ride", POWER_SECS),
        "run": ("pace", "Run", RUN_METRES),
        "swim": ("pace", "Swim", SWIM_METRES),
    }[sport]
    data = await _curve_set(kind, type_, cid, ref)
    curve = next(iter(data.curves()), None)
    efforts = _sample(curve, points, kind, type_) if curve else {}
    acts = data.activities or {}
    for e in efforts.values():
        if isinstance(e, dict) and e.get("activity_id") in acts:
            e["date"] = (acts[e["activity_id"]].start_date_local or "")[:10] or None
    found = sum(1 for e in efforts.values() if e)
    return Answer(
        f"{ref.label}: {sport} best efforts over {window}: {found} of {len(points)} set",
        {"athlete": ref.to_dict(), "sport": sport, "window": window, "efforts": efforts},
    )


@tool(
    READ,
    "Training summary by period and sport",
    {
        "range": obj("oldest/newest"),
        "period": {"type": "string"},
        "periods": arr("one per period"),
        "notes": obj("how numbers were counted"),
    },
)
async def icu_get_training_summary(
    oldest: DateArg = None,
    newest: DateArg = None,
    period: Annotated[
        Literal["week", "month", "day"], Field(description="Grouping (weeks start Monday).")
    ] = "week",
    athlete_id: AthleteArg = None,
    detail: DetailArg = "compact",
) -> Answer:
    """Load, sessions, moving time s, distance m, intensity split (Seiler: z1 < first threshold < z2 < second
    < z3; % time) per period, total and per sport (default: 4 full weeks + this week). Strava stubs count
    as hidden, not zero."""
    s = session()
    ref = await s.athlete(athlete_id)
    monday = ref.today - timedelta(days=ref.today.weekday())
    start, end = day_range(oldest, newest, ref.today, (ref.today - monday).days + 29)
    history = max(400, (ref.today - start).days + 1)
    found = await analysis(await s.icu(), ref.id, ref.today, SnapshotWindow(history_days=history))
    periods = found.summaries(start, end, period)
    if detail != "full":
        periods = [compact_metrics(p, 1) for p in periods]
    total = sum((p.get("total") or {}).get("load") or 0 for p in periods)
    hidden = sum(p.get("hidden_activities") or 0 for p in periods)
    head = f"{ref.label}: {len(periods)} {period}s {start}..{end}, load {rnd(float(total), 0)}"
    if hidden:
        head += f"; {hidden} Strava stub(s) hidden (data unavailable, not zero)"
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "range": {"oldest": str(start), "newest": str(end)},
            "period": period,
            "periods": periods,
            "notes": {
                "moving_time_s": "seconds",
                "distance_m": "metres",
                "load": "training load",
                "hidden_activities": "Strava stubs: data unavailable via the API",
            },
        },
    )


STATUS_KEYS_COMPACT = (
    "date",
    "fitness",
    "acwr",
    "monotony",
    "by_sport",
    "primary_sport",
    "tid",
    "hard_days_7d",
    "recovery",
    "readiness",
    "alerts",
    "phase",
    "races",
    "compliance",
    "data_quality",
)


async def status_digest(athlete_id: str | None, detail: str) -> tuple[Any, dict[str, Any]]:
    """(athlete, digest) shared by the tool and the resource."""
    s = session()
    ref = await s.athlete(athlete_id)
    full = (await analysis(await s.icu(), ref.id, ref.today)).status_dict()
    if detail == "full":
        return ref, full
    digest = {k: compact_metrics(full.get(k)) for k in STATUS_KEYS_COMPACT if k in full}
    acwr = digest.get("acwr")
    if isinstance(acwr, dict):  # one ratio is enough in compact mode: the coupled rolling one
        digest["acwr"] = {"coupled": acwr.get("coupled"), "ewma": acwr.get("ewma")}
    digest["projection_7d"] = [compact_metrics(p) for p in (full.get("projection") or [])[1:8]]
    return ref, digest


@tool(
    READ, "Training-status digest", {"status": obj("ACWR, monotony, TID, recovery, readiness, alerts, phase")}
)
async def icu_get_training_status(athlete_id: AthleteArg = None, detail: DetailArg = "compact") -> Answer:
    """Today's digest: fitness/fatigue/form, ACWR (7/28 d; >1.5 spike), monotony, strain, intensity
    distribution and drift, hard days in 7, HRV and resting HR, readiness with reasons, alerts, phase, next
    races, this/last week's compliance. 'full': inputs, 14-day projection."""
    ref, digest = await status_digest(athlete_id, detail)
    rd = digest.get("readiness") or {}
    decision = rd.get("decision") if isinstance(rd, dict) else None
    phase = digest.get("phase") or {}
    alerts = digest.get("alerts") or []
    head = (
        f"{ref.label}: readiness {decision or 'unknown'}, phase "
        f"{phase.get('phase') if isinstance(phase, dict) else phase}, {len(alerts)} alert(s)"
    )
    return Answer(head, {"athlete": ref.to_dict(), "status": digest})
