"""Activity endpoints: the athlete's activity list (and CSV), one activity (optionally with intervals),
partial update, intervals, streams (JSON/CSV) and activity messages.

Strava-synced activities are stored as the ``Hidden`` stub (``source: "STRAVA"``); lists and ``GET`` return
the stub, while streams, intervals and updates answer 422 "Cannot read Strava activities via the API".
Scope area: ACTIVITY. An update notifies the athlete's OAuth apps (webhook ``ACTIVITY_UPDATED``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.analysis import streams_by_type
from icucoach.sandbox.auth import activity_for, athlete_store
from icucoach.sandbox.errors import access_denied, audit_now, strava_restricted, unprocessable
from icucoach.sandbox.routes.common import (
    check_ext,
    csv_response,
    date_window,
    ok,
    pick_fields,
    q_bool,
    q_int,
    q_list,
    read_json,
    validate_body,
    world_of,
)
from icucoach.sandbox.webhooks import notify
from icucoach.sandbox.world import AthleteStore, Json

_READ_ONLY = {
    "id",
    "icu_athlete_id",
    "source",
    "start_date",
    "created",
    "analyzed",
    "icu_sync_date",
    "strava_id",
    "oauth_client_id",
    "oauth_client_name",
    "stream_types",
    "file_type",
    "external_id",
    "perceived_exertion",  # a Strava mirror: silently ignored on write (use icu_rpe)
}
CSV_COLUMNS = [
    "id",
    "start_date_local",
    "type",
    "name",
    "moving_time",
    "elapsed_time",
    "distance",
    "total_elevation_gain",
    "icu_training_load",
    "icu_intensity",
    "icu_ftp",
    "icu_average_watts",
    "icu_weighted_avg_watts",
    "average_heartrate",
    "max_heartrate",
    "average_cadence",
    "calories",
    "icu_efficiency_factor",
    "decoupling",
    "trainer",
    "race",
    "source",
]


def is_strava(activity: Json) -> bool:
    return activity.get("source") == "STRAVA"


def readable(activity: Json) -> Json:
    """The activity, or 422 if it is a Strava stub."""
    if is_strava(activity):
        raise strava_restricted()
    return activity


def _window(request: Request, store: AthleteStore) -> list[Json]:
    lo, hi = date_window(request, None, None, required=True)
    rows = [a for a in store.activities.values() if lo <= str(a.get("start_date_local") or "") <= hi]
    route_id = q_int(request, "route_id")
    if route_id is not None:
        rows = [a for a in rows if a.get("route_id") == route_id]
    rows.sort(key=lambda a: (a.get("start_date_local") or "", str(a["id"])), reverse=True)
    limit = q_int(request, "limit")
    if limit is not None and limit >= 0:
        rows = rows[:limit]
    return rows


async def list_activities(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "ACTIVITY")
    fields = q_list(request, "fields")
    return ok([pick_fields(a, fields) for a in _window(request, store)])


async def activities_by_ids(request: Request) -> Response:
    """``GET /athlete/{athleteId}/activities/{ids}``: the listed activities in the order asked; unknown ids
    are ignored, as the real API does."""
    _, store = athlete_store(request, request.path_params["athleteId"], "ACTIVITY")
    with_intervals = q_bool(request, "intervals")
    out: list[Json] = []
    for activity_id in (x.strip() for x in request.path_params["ids"].split(",")):
        activity = store.activities.get(activity_id)
        if activity is None:
            continue
        if with_intervals and not is_strava(activity):
            dto = intervals_dto(store, activity)
            activity = {**activity, "icu_intervals": dto["icu_intervals"], "icu_groups": dto["icu_groups"]}
        out.append(activity)
    return ok(out)


async def activities_csv(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "ACTIVITY")
    rows = sorted(store.activities.values(), key=lambda a: a.get("start_date_local") or "", reverse=True)
    return csv_response(rows, CSV_COLUMNS, "activities.csv")


def intervals_dto(store: AthleteStore, activity: Json) -> Json:
    detail = store.details.get(str(activity["id"]))
    dto: Json = {}
    if detail is not None and detail.intervals is not None:
        dto = detail.cached("intervals", detail.intervals)
    return {
        "id": activity["id"],
        "analyzed": dto.get("analyzed", activity.get("analyzed")),
        "icu_intervals": dto.get("icu_intervals") or [],
        "icu_groups": dto.get("icu_groups") or [],
    }


async def get_activity(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    if is_strava(activity) or not q_bool(request, "intervals"):
        return ok(activity)
    dto = intervals_dto(store, activity)
    return ok({**activity, "icu_intervals": dto["icu_intervals"], "icu_groups": dto["icu_groups"]})


async def put_activity(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"], write=True)
    readable(activity)
    body = await read_json(request)
    validate_body("Activity", body)
    for key, value in body.items():
        if key not in _READ_ONLY and value is not None:  # nulls are ignored: fields cannot be cleared
            activity[key] = value
    notify(request, store.id, "ACTIVITY_UPDATED", activity=activity)
    return ok(activity)


async def get_intervals(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    return ok(intervals_dto(store, readable(activity)))


def _selected_streams(request: Request, store: AthleteStore, activity: Json) -> list[Json]:
    by_type = streams_by_type(store.details.get(str(activity["id"])))
    types = q_list(request, "types")
    if not types:
        chosen = list(by_type.values())
    else:
        wanted = list(dict.fromkeys(types))
        if q_bool(request, "includeDefaults"):
            wanted = [*dict.fromkeys(["time", *wanted])]
        chosen = [by_type[t] for t in wanted if t in by_type]
    return [_stream_shape(s) for s in chosen]


def _stream_shape(s: Json) -> Json:
    data = s.get("data") or []
    return {
        "type": s.get("type"),
        "name": s.get("name"),
        "data": data,
        "data2": s.get("data2"),
        "valueTypeIsArray": bool(s.get("valueTypeIsArray", False)),
        "anomalies": s.get("anomalies"),
        "custom": bool(s.get("custom", False)),
        "allNull": bool(s.get("allNull", all(v is None for v in data))),
        **{k: v for k, v in s.items() if k not in _STREAM_KEYS},
    }


_STREAM_KEYS = {"type", "name", "data", "data2", "valueTypeIsArray", "anomalies", "custom", "allNull"}


async def get_streams(request: Request) -> Response:
    ext = check_ext(request.path_params["ext"], ("", ".json", ".csv"))
    _, store, activity = activity_for(request, request.path_params["id"])
    streams = _selected_streams(request, store, readable(activity))
    if ext != ".csv":
        return ok(streams)
    columns: list[str] = []
    cols: list[list] = []
    for s in streams:
        if s["type"] == "latlng":
            columns += ["lat", "lng"]
            cols += [s["data"], s.get("data2") or []]
        else:
            columns.append(str(s["type"]))
            cols.append(s["data"])
    n = max((len(c) for c in cols), default=0)
    rows = [
        {c: (col[i] if i < len(col) else None) for c, col in zip(columns, cols, strict=True)}
        for i in range(n)
    ]
    return csv_response(rows, columns, f"{activity['id']}.csv")


# --- messages -----------------------------------------------------------------------------------------------


async def list_messages(request: Request) -> Response:
    _, store, activity = activity_for(request, request.path_params["id"])
    rows = store.messages.get(str(activity["id"]), [])
    since = q_int(request, "sinceId")
    if since is not None:
        rows = [m for m in rows if int(m["id"]) > since]
    limit = q_int(request, "limit", 100) or 100
    return ok(rows[:limit])


async def post_message(request: Request) -> Response:
    caller, store, activity = activity_for(request, request.path_params["id"])
    if caller.is_bearer and not caller.has_scope("ACTIVITY", write=True):
        raise access_denied()
    body = await read_json(request)
    validate_body("NewActivityMsg", body)
    content = body.get("content")
    if not isinstance(content, str) or not content.strip():
        raise unprocessable("content is required")
    world = world_of(request)
    author = world.store(caller.athlete_id)
    msg = {
        "id": world.next_id(),
        "athlete_id": caller.athlete_id,
        "name": (author.athlete.get("name") if author else None),
        "created": audit_now(),
        "type": "TEXT",
        "content": content,
        "activity_id": str(activity["id"]),
        "start_index": None,
        "end_index": None,
        "answer": None,
        "attachment_url": None,
        "attachment_mime_type": None,
        "deleted": None,
        "deleted_by_id": None,
        "join_group_id": None,
        "accept_coaching_group_id": None,
        "seen": False,
    }
    store.messages.setdefault(str(activity["id"]), []).append(msg)
    return ok({"id": msg["id"], "new_chat": None})


ROUTES = [
    Route("/api/v1/athlete/{id}/activities", list_activities, methods=["GET"]),
    Route("/api/v1/athlete/{id}/activities.csv", activities_csv, methods=["GET"]),
    Route("/api/v1/athlete/{athleteId}/activities/{ids}", activities_by_ids, methods=["GET"]),
    Route("/api/v1/activity/{id}", get_activity, methods=["GET"]),
    Route("/api/v1/activity/{id}", put_activity, methods=["PUT"]),
    Route("/api/v1/activity/{id}/intervals", get_intervals, methods=["GET"]),
    Route("/api/v1/activity/{id}/streams{ext:ext}", get_streams, methods=["GET"]),
    Route("/api/v1/activity/{id}/messages", list_messages, methods=["GET"]),
    Route("/api/v1/activity/{id}/messages", post_message, methods=["POST"]),
]
