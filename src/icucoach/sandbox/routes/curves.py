"""Curves, best efforts and histograms: per activity (``/activity/{id}/power-curve`` …) and per athlete over
date windows (``/athlete/{id}/power-curves?type=&curves=1y,42d,s0,all,r.A.B`` → ``DataCurveSet``).

An athlete curve is the best of the per-activity curves (cached per activity, see ``analysis``) of the
activities of that sport in the window, each point naming the activity it came from; the curve set's
``activities`` maps those ids to the activities. Strava stubs have no data (422 when asked directly).
Scope area: ACTIVITY.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox import analysis
from icucoach.sandbox.auth import activity_for, athlete_store
from icucoach.sandbox.errors import missing_param, unprocessable
from icucoach.sandbox.routes.activities import readable
from icucoach.sandbox.routes.common import (
    athlete_today,
    check_ext,
    ok,
    q_float,
    q_int,
    q_list,
    world_of,
)
from icucoach.sandbox.world import AthleteStore, Json

_RANGE = re.compile(r"^r\.(\d{4}-\d{2}-\d{2})\.(\d{4}-\d{2}-\d{2})$")


def _distances(store: AthleteStore, sport: str | None) -> tuple[float, ...]:
    ss = store.sport_settings_for(sport)
    if ss and ss.get("best_effort_distances"):
        return tuple(float(d) for d in ss["best_effort_distances"])
    return analysis.SWIM_DISTANCES if sport and "Swim" in sport else analysis.RUN_DISTANCES


# --- per activity -------------------------------------------------------------------------------------------


def _detail(store: AthleteStore, activity: Json):
    return store.details.get(str(activity["id"]))


def _empty_curve(activity: Json) -> Json:
    return {"id": str(activity["id"]), "secs": [], "values": [], "start_index": [], "end_index": []}


async def activity_power_curve(request: Request) -> Response:
    check_ext(request.path_params["ext"])
    _, store, activity = activity_for(request, request.path_params["id"])
    curve = analysis.power_curve(_detail(store, readable(activity)))
    if curve is None:
        return ok({**_empty_curve(activity), "watts": [], "stream_type": "watts"})
    out = {"id": str(activity["id"]), **curve, "watts": curve["values"], "stream_type": "watts"}
    weight = activity.get("icu_weight")
    if weight:
        out["watts_per_kg"] = [round(v / weight, 2) for v in curve["values"]]
    return ok(out)


async def activity_hr_curve(request: Request) -> Response:
    check_ext(request.path_params["ext"])
    _, store, activity = activity_for(request, request.path_params["id"])
    curve = analysis.hr_curve(_detail(store, readable(activity)))
    return ok({"id": str(activity["id"]), **curve} if curve else _empty_curve(activity))


async def activity_pace_curve(request: Request) -> Response:
    check_ext(request.path_params["ext"])
    _, store, activity = activity_for(request, request.path_params["id"])
    curve = analysis.pace_curve(_detail(store, readable(activity)), _distances(store, activity.get("type")))
    if curve is None:
        return ok({"id": str(activity["id"]), "distance": [], "values": [], "type": "PACE"})
    return ok({"id": str(activity["id"]), **curve, "type": "PACE"})


async def best_efforts(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    stream = request.query_params.get("stream")
    if not stream:
        raise missing_param("stream")
    duration = q_int(request, "duration")
    distance = q_float(request, "distance")
    if not duration and not distance:
        raise unprocessable("duration or distance is required")
    efforts = analysis.best_efforts(
        _detail(store, readable(activity)),
        stream,
        duration=duration,
        distance=distance,
        count=q_int(request, "count", 8) or 8,
        min_value=q_float(request, "minValue"),
        start_index=q_int(request, "startIndex", 0) or 0,
        end_index=q_int(request, "endIndex", 0) or 0,
    )
    return ok({"efforts": efforts or []})


def _pace_transform(store: AthleteStore, activity: Json):
    ss = store.sport_settings_for(activity.get("type")) or {}
    per = 100.0 if str(ss.get("pace_units") or "").startswith("SECS_100") else 1000.0

    def transform(v: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            out = np.where(v > 0.3, per / np.maximum(v, 1e-9), np.inf)
        return out

    return transform, (5.0 if per == 100.0 else 15.0)


async def power_histogram(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    size = q_int(request, "bucketSize", 25) or 25
    return ok(analysis.histogram(_detail(store, readable(activity)), "watts", size) or [])


async def hr_histogram(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    size = q_int(request, "bucketSize", 5) or 5
    return ok(analysis.histogram(_detail(store, readable(activity)), "heartrate", size) or [])


async def pace_histogram(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    transform, size = _pace_transform(store, readable(activity))
    rows = analysis.histogram(_detail(store, activity), "velocity_smooth", size, transform=transform)
    return ok(rows or [])


# --- per athlete --------------------------------------------------------------------------------------------


def _season_starts(store: AthleteStore) -> list[date]:
    starts = [
        date.fromisoformat(str(e["start_date_local"])[:10])
        for e in store.events.values()
        if e.get("category") == "SEASON_START" and e.get("start_date_local")
    ]
    return sorted(starts, reverse=True)


def _curve_window(store: AthleteStore, curve_id: str, newest: date) -> tuple[date, date, str]:
    """(first day, last day, label) of a curve id."""
    m = re.fullmatch(r"(\d+)([dy])", curve_id)
    if m:
        n = int(m.group(1)) * (365 if m.group(2) == "y" else 1)
        label = (
            f"{m.group(1)} {'days' if m.group(2) == 'd' else 'year' + ('s' if int(m.group(1)) > 1 else '')}"
        )
        return newest - timedelta(days=n - 1), newest, label
    m = re.fullmatch(r"s(\d+)", curve_id)
    if m:
        k = int(m.group(1))
        starts = [s for s in _season_starts(store) if s <= newest]
        if len(starts) > k:
            end = newest if k == 0 else starts[k - 1] - timedelta(days=1)
            return starts[k], end, f"Season {starts[k].isoformat()}"
        year = newest.year - k
        return date(year, 1, 1), min(newest, date(year, 12, 31)), str(year)
    if curve_id == "all":
        days = [str(a.get("start_date_local") or "")[:10] for a in store.activities.values()]
        first = min((d for d in days if d), default=newest.isoformat())
        return date.fromisoformat(first), newest, "All time"
    m = _RANGE.match(curve_id)
    if m:
        lo, hi = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        return lo, hi, f"{lo.isoformat()} to {hi.isoformat()}"
    raise unprocessable(f"Invalid curve id '{curve_id}'")


def _activities_of(store: AthleteStore, sport: str | None, lo: date, hi: date) -> list[Json]:
    ss = store.sport_settings_for(sport)
    types = set(ss.get("types") or []) if ss else ({sport} if sport else set())
    lo_s, hi_s = lo.isoformat(), hi.isoformat() + "T99"
    return [
        a
        for a in store.activities.values()
        if a.get("source") != "STRAVA"
        and (not types or a.get("type") in types)
        and lo_s <= str(a.get("start_date_local") or "") <= hi_s
    ]


def _combine(per_activity: list[tuple[Json, Json]], xkey: str, better) -> Json:
    """Pointwise best over activities' curves; ``better(a, b)`` is True when value a beats b."""
    best: dict[float, tuple[int, str, int, int]] = {}
    for activity, curve in per_activity:
        for x, v, s, e in zip(
            curve[xkey], curve["values"], curve["start_index"], curve["end_index"], strict=True
        ):
            cur = best.get(x)
            if cur is None or better(v, cur[0]):
                best[x] = (v, str(activity["id"]), s, e)
    xs = sorted(best)
    return {
        xkey: xs,
        "values": [best[x][0] for x in xs],
        "activity_id": [best[x][1] for x in xs],
        "start_index": [best[x][2] for x in xs],
        "end_index": [best[x][3] for x in xs],
    }


def _curve_set(request: Request, kind: str) -> Json:
    _, store = athlete_store(request, request.path_params["id"], "ACTIVITY")
    check_ext(request.path_params["ext"])
    sport = request.query_params.get("type")
    if kind == "power" and not sport:
        raise missing_param("type")
    # Without ``type`` the power and HR curves span every sport, as Intervals.icu's do; pace needs one.
    sport = sport or ("Run" if kind == "pace" else None)
    newest_param = request.query_params.get("newest")
    newest = (
        date.fromisoformat(newest_param[:10]) if newest_param else athlete_today(world_of(request), store)
    )
    curve_ids = q_list(request, "curves") or ["1y"]
    distances = _distances(store, sport)
    weight = store.athlete.get("icu_weight") or store.athlete.get("weight")
    curves: list[Json] = []
    used: dict[str, Json] = {}
    for cid in curve_ids:
        lo, hi, label = _curve_window(store, cid, newest)
        acts = _activities_of(store, sport, lo, hi)
        per: list[tuple[Json, Json]] = []
        for a in acts:
            detail = store.details.get(str(a["id"]))
            if kind == "power":
                c = analysis.power_curve(detail)
            elif kind == "hr":
                c = analysis.hr_curve(detail)
            else:
                c = analysis.pace_curve(detail, distances)
            if c:
                per.append((a, c))
        if kind == "pace":
            combined = _combine(per, "distance", lambda a, b: a < b)
        else:
            combined = _combine(per, "secs", lambda a, b: a > b)
        curve: Json = {
            "id": cid,
            "label": label,
            "filters": [],
            "start_date_local": lo.isoformat() + "T00:00:00",
            "end_date_local": hi.isoformat() + "T00:00:00",
            "days": (hi - lo).days + 1,
            "moving_time": sum(int(a.get("moving_time") or 0) for a in acts),
            "training_load": sum(int(a.get("icu_training_load") or 0) for a in acts),
            "weight": weight,
            **combined,
        }
        if kind == "power":
            curve["watts_per_kg"] = [round(v / weight, 2) for v in combined["values"]] if weight else []
            curve["powerModels"] = []
        if kind == "pace":
            curve["type"] = "PACE"
            curve["paceModels"] = []
        curves.append(curve)
        for aid in set(combined["activity_id"]):
            used[aid] = store.activities[aid]
    return {"list": curves, "activities": used}


# Curve sets over long windows may compute many activities' curves the first time: off the event loop.


async def athlete_power_curves(request: Request) -> Response:
    return ok(await run_in_threadpool(_curve_set, request, "power"))


async def athlete_hr_curves(request: Request) -> Response:
    return ok(await run_in_threadpool(_curve_set, request, "hr"))


async def athlete_pace_curves(request: Request) -> Response:
    return ok(await run_in_threadpool(_curve_set, request, "pace"))


ROUTES = [
    Route("/api/v1/activity/{id}/power-curve{ext:ext}", activity_power_curve, methods=["GET"]),
    Route("/api/v1/activity/{id}/hr-curve{ext:ext}", activity_hr_curve, methods=["GET"]),
    Route("/api/v1/activity/{id}/pace-curve{ext:ext}", activity_pace_curve, methods=["GET"]),
    Route("/api/v1/activity/{id}/best-efforts", best_efforts, methods=["GET"]),
    Route("/api/v1/activity/{id}/power-histogram", power_histogram, methods=["GET"]),
    Route("/api/v1/activity/{id}/hr-histogram", hr_histogram, methods=["GET"]),
    Route("/api/v1/activity/{id}/pace-histogram", pace_histogram, methods=["GET"]),
    Route("/api/v1/athlete/{id}/power-curves{ext:ext}", athlete_power_curves, methods=["GET"]),
    Route("/api/v1/athlete/{id}/hr-curves{ext:ext}", athlete_hr_curves, methods=["GET"]),
    Route("/api/v1/athlete/{id}/pace-curves{ext:ext}", athlete_pace_curves, methods=["GET"]),
]
