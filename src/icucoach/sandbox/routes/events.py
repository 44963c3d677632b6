"""Calendar events: list (JSON/CSV; default window today … today+6 in the athlete's timezone), get, create,
partial update, delete, bulk create with ``upsert`` on ``external_id``, bulk delete by id / external_id, and
range delete by date and category.

Planned workouts: when a WORKOUT event's ``description`` is created or changed, it is parsed server-side into
``workout_doc``, ``moving_time``, ``icu_training_load``, ``icu_intensity``, ``joules``… by
``icucoach.workouts.enrich_event``, as Intervals.icu does. ``external_id`` matching is scoped to the caller's
OAuth app (bearer tokens) or to events the key owner created without an app (API keys). Scope area: CALENDAR.
Every write that changes something notifies the athlete's OAuth apps: webhook ``CALENDAR_UPDATED``
(``records: []``, a cue to re-fetch, as the real payload is). Attachment ``url``s are served absolute (built
from the request's base URL), as the real service's are.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.auth import Caller, athlete_store, oauth_client_number
from icucoach.sandbox.errors import audit_now, not_found, unprocessable
from icucoach.sandbox.resolve import resolve_doc
from icucoach.sandbox.routes.common import (
    athlete_today,
    check_ext,
    csv_response,
    date_window,
    days_after,
    empty_ok,
    full_record,
    ok,
    parse_local_datetime,
    q_bool,
    q_int,
    q_list,
    q_required,
    read_json,
    validate_body,
    world_of,
)
from icucoach.sandbox.webhooks import notify
from icucoach.sandbox.world import AthleteStore, Json, World

_CREATE_ONLY = {"workout", "file_contents", "file_contents_base64", "filename"}
_SERVER_FIELDS = {"id", "athlete_id", "created_by_id", "oauth_client_id", "updated"}
_ENRICHED = (
    "workout_doc",
    "moving_time",
    "distance",
    "icu_training_load",
    "icu_intensity",
    "joules",
    "joules_above_ftp",
    "icu_ftp",
)
CSV_COLUMNS = [
    "id",
    "start_date_local",
    "category",
    "type",
    "name",
    "description",
    "moving_time",
    "icu_training_load",
    "icu_intensity",
    "external_id",
    "paired_activity_id",
]


def _enrich(store: AthleteStore, event: Json) -> None:
    """Parse a WORKOUT's native text into workout_doc and the derived numbers (no-op without the parser)."""
    if event.get("category") != "WORKOUT" or not event.get("description"):
        return
    try:
        from icucoach.workouts import enrich_event  # type: ignore[attr-defined]
    except ImportError:
        return
    sport = event.get("type")
    derived: dict[str, Any] = enrich_event(event.get("description"), sport, store.sport_settings_for(sport))
    for key, value in (derived or {}).items():
        event[key] = value


def _is_mine(store: AthleteStore, caller: Caller, event: Json) -> bool:
    """May ``caller`` match this event by external_id? Same OAuth app, or the key owner without an app."""
    if caller.is_bearer:
        return event.get("oauth_client_id") == oauth_client_number(caller.client_id)
    return (
        event.get("oauth_client_id") is None and (event.get("created_by_id") or store.id) == caller.athlete_id
    )


def _by_external_id(store: AthleteStore, caller: Caller, external_id: str) -> Json | None:
    for event in store.events.values():
        if event.get("external_id") == external_id and _is_mine(store, caller, event):
            return event
    return None


def _validate(body: Json, creating: bool) -> None:
    validate_body("EventEx", body)
    if creating:
        if not body.get("category"):
            raise unprocessable("category is required")
        if not body.get("start_date_local"):
            raise unprocessable("start_date_local is required")
    for key in ("start_date_local", "end_date_local"):
        if body.get(key):
            body[key] = parse_local_datetime(str(body[key]), key)


def _from_library(body: Json) -> Json:
    """EventEx.workout: a library workout to schedule (its text, type and doc), body fields win."""
    workout = body.get("workout")
    if not isinstance(workout, dict):
        return body
    base = {
        k: workout.get(k)
        for k in (
            "name",
            "description",
            "type",
            "indoor",
            "color",
            "moving_time",
            "icu_training_load",
            "icu_intensity",
            "joules",
            "joules_above_ftp",
            "workout_doc",
            "target",
            "tags",
            "distance",
            "carbs_per_hour",
        )
    }
    return {**{k: v for k, v in base.items() if v is not None}, **body}


def _create(world: World, store: AthleteStore, caller: Caller, body: Json) -> Json:
    body = _from_library(body)
    values = {k: v for k, v in body.items() if k not in _CREATE_ONLY and k not in _SERVER_FIELDS}
    event = full_record("Event", values)
    event.setdefault("paired_activity_id", None)
    event.update(
        id=world.next_id(),
        athlete_id=store.id,
        created_by_id=caller.athlete_id,
        oauth_client_id=oauth_client_number(caller.client_id) if caller.is_bearer else None,
        updated=audit_now(),
    )
    if event.get("tags") is None:
        event["tags"] = []
    if "description" in body:
        _enrich(store, event)
    store.events[event["id"]] = event
    return event


def _update(store: AthleteStore, event: Json, body: Json) -> Json:
    """Partial update: fields not sent are kept; a changed description or sport re-parses the workout."""
    body = _from_library(body)
    reparse = ("description" in body and body["description"] != event.get("description")) or (
        "type" in body and body["type"] != event.get("type")
    )
    for key, value in body.items():
        if key in _CREATE_ONLY or key in _SERVER_FIELDS:
            continue
        event[key] = value
    if reparse or ("category" in body and "description" in body):
        _enrich(store, event)
    event["updated"] = audit_now()
    return event


def _event(store: AthleteStore, event_id: int) -> Json:
    event = store.events.get(event_id)
    if event is None:
        raise not_found()
    return event


def _public(request: Request, event: Json) -> Json:
    """The event as served: attachment ``url``s absolute, built from the request's base URL, as the real
    service's are (clients fetch them with a plain GET); the world keeps them as server paths."""
    atts = event.get("attachments")
    if not atts or not any(str(a.get("url") or "").startswith("/") for a in atts):
        return event
    base = str(request.base_url).rstrip("/")
    return {
        **event,
        "attachments": [
            {**a, "url": base + a["url"]} if str(a.get("url") or "").startswith("/") else a for a in atts
        ],
    }


def _changed(request: Request, store: AthleteStore) -> None:
    notify(request, store.id, "CALENDAR_UPDATED", records=[])


# --- handlers -----------------------------------------------------------------------------------------------


async def list_events(request: Request) -> Response:
    fmt = check_ext(request.path_params["format"], ("", ".json", ".csv"))
    _, store = athlete_store(request, request.path_params["id"], "CALENDAR")
    today = athlete_today(world_of(request), store)
    oldest_param = request.query_params.get("oldest")
    oldest = date.fromisoformat(oldest_param[:10]) if oldest_param and len(oldest_param) >= 10 else today
    lo, hi = date_window(request, today, days_after(oldest, 6))
    categories = set(q_list(request, "category") or [])
    calendar_id = q_int(request, "calendar_id")
    rows = [
        e
        for e in store.events.values()
        if lo <= str(e.get("start_date_local") or "") <= hi
        and (not categories or e.get("category") in categories)
        and (calendar_id is None or e.get("calendar_id") == calendar_id)
    ]
    rows.sort(key=lambda e: (str(e.get("start_date_local") or ""), int(e["id"])))
    limit = q_int(request, "limit")
    if limit is not None and limit >= 0:
        rows = rows[:limit]
    if q_bool(request, "resolve"):
        rows = [
            {**e, "workout_doc": resolve_doc(e.get("workout_doc"), store.sport_settings_for(e.get("type")))}
            if e.get("workout_doc")
            else e
            for e in rows
        ]
    if fmt == ".csv":
        return csv_response(rows, CSV_COLUMNS, "events.csv")
    return ok([_public(request, e) for e in rows])


async def get_event(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "CALENDAR")
    event = _event(store, request.path_params["eventId"])
    if q_bool(request, "resolve") and event.get("workout_doc"):
        event = {
            **event,
            "workout_doc": resolve_doc(event["workout_doc"], store.sport_settings_for(event.get("type"))),
        }
    return ok(_public(request, event))


async def create_event(request: Request) -> Response:
    caller, store = athlete_store(request, request.path_params["id"], "CALENDAR", write=True)
    body = await read_json(request)
    _validate(body, creating=True)
    if q_bool(request, "upsertOnUid") and body.get("uid"):
        for event in store.events.values():
            if event.get("uid") == body["uid"]:
                updated = _update(store, event, body)
                _changed(request, store)
                return ok(_public(request, updated))
    created = _create(world_of(request), store, caller, body)
    _changed(request, store)
    return ok(_public(request, created))


async def update_event(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "CALENDAR", write=True)
    event = _event(store, request.path_params["eventId"])
    body = await read_json(request)
    _validate(body, creating=False)
    updated = _update(store, event, body)
    _changed(request, store)
    return ok(_public(request, updated))


async def delete_event(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "CALENDAR", write=True)
    _event(store, request.path_params["eventId"])
    del store.events[request.path_params["eventId"]]
    _changed(request, store)
    return ok({})


async def bulk_create(request: Request) -> Response:
    caller, store = athlete_store(request, request.path_params["id"], "CALENDAR", write=True)
    body = await read_json(request, list)
    for item in body:  # validate all before writing any
        _validate(item, creating=not (q_bool(request, "upsert") and item.get("external_id")))
    world = world_of(request)
    upsert = q_bool(request, "upsert")
    on_uid = q_bool(request, "upsertOnUid") and not upsert
    out: list[Json] = []
    for item in body:
        existing = None
        if upsert and item.get("external_id"):
            existing = _by_external_id(store, caller, str(item["external_id"]))
        elif on_uid and item.get("uid"):
            existing = next((e for e in store.events.values() if e.get("uid") == item["uid"]), None)
        if existing is None:
            if not item.get("category") or not item.get("start_date_local"):
                raise unprocessable("category and start_date_local are required")
            out.append(_create(world, store, caller, item))
        else:
            out.append(_update(store, existing, item))
    if out:
        _changed(request, store)
    return ok([_public(request, e) for e in out])


async def bulk_delete(request: Request) -> Response:
    caller, store = athlete_store(request, request.path_params["id"], "CALENDAR", write=True)
    body = await read_json(request, list)
    doomed: set[int] = set()
    for item in body:
        validate_body("DoomedEvent", item)
        if item.get("external_id"):
            event = _by_external_id(store, caller, str(item["external_id"]))
            if event is not None:
                doomed.add(int(event["id"]))
        elif item.get("id") is not None and int(item["id"]) in store.events:
            doomed.add(int(item["id"]))
    for event_id in doomed:
        del store.events[event_id]
    if doomed:
        _changed(request, store)
    return ok({"eventsDeleted": len(doomed)})


async def delete_range(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "CALENDAR", write=True)
    q_required(request, "oldest")
    categories = set(q_list(request, "category") or [])
    if not categories:
        q_required(request, "category")
    lo, hi = date_window(request, None, None, required=True)
    created_by = request.query_params.get("createdById")
    doomed = [
        eid
        for eid, e in store.events.items()
        if lo <= str(e.get("start_date_local") or "") <= hi
        and e.get("category") in categories
        and (created_by is None or (e.get("created_by_id") or store.id) == created_by)
    ]
    for eid in doomed:
        del store.events[eid]
    if doomed:
        _changed(request, store)
    return empty_ok()


ROUTES = [
    Route("/api/v1/athlete/{id}/events{format:ext}", list_events, methods=["GET"]),
    Route("/api/v1/athlete/{id}/events", create_event, methods=["POST"]),
    Route("/api/v1/athlete/{id}/events", delete_range, methods=["DELETE"]),
    Route("/api/v1/athlete/{id}/events/bulk", bulk_create, methods=["POST"]),
    Route("/api/v1/athlete/{id}/events/bulk-delete", bulk_delete, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/events/{eventId:int}", get_event, methods=["GET"]),
    Route("/api/v1/athlete/{id}/events/{eventId:int}", update_event, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/events/{eventId:int}", delete_event, methods=["DELETE"]),
]
