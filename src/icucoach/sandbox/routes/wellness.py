"""Wellness endpoints: the list (JSON or CSV, ascending by date, ``fields=``), one day, and the upserts
(``PUT wellness/{date}``, ``PUT wellness`` with ``id`` in the body, ``PUT wellness-bulk``).

Upsert semantics as the real API: only the fields sent change, a missing day is created, ``-1`` unsets a
numeric field, unknown fields are refused with 422, and the fitness fields the server computes (ctl, atl,
rampRate, ctlLoad, atlLoad, sportInfo) are not writable. Scope area: WELLNESS. Each upsert notifies the
athlete's OAuth apps: webhook ``WELLNESS_UPDATED`` with the changed records.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.auth import athlete_store
from icucoach.sandbox.errors import audit_now, not_found, unprocessable
from icucoach.sandbox.routes.common import (
    athlete_today,
    check_ext,
    csv_response,
    date_window,
    empty_ok,
    full_record,
    ok,
    parse_local_date,
    pick_fields,
    q_list,
    read_json,
    spec_fields,
    validate_body,
    world_of,
)
from icucoach.sandbox.webhooks import notify
from icucoach.sandbox.world import AthleteStore, Json

_COMPUTED = {"ctl", "atl", "rampRate", "ctlLoad", "atlLoad", "sportInfo", "updated"}


async def list_wellness(request: Request) -> Response:
    ext = check_ext(request.path_params["ext"], ("", ".json", ".csv"))
    _, store = athlete_store(request, request.path_params["id"], "WELLNESS")
    today = athlete_today(world_of(request), store)
    lo, hi = date_window(request, None, today)
    rows = sorted((w for d, w in store.wellness.items() if lo <= d <= hi), key=lambda w: w["id"])
    fields = q_list(request, "fields") or q_list(request, "cols")
    if ext == ".csv":
        columns = ["id", *[f for f in fields if f != "id"]] if fields else None
        return csv_response(rows, columns, "wellness.csv")
    return ok([pick_fields(w, fields) for w in rows])


async def get_wellness(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "WELLNESS")
    day = parse_local_date(request.path_params["date"]).isoformat()
    record = store.wellness.get(day)
    if record is None:
        raise not_found()
    return ok(record)


def upsert(store: AthleteStore, day: str, body: Json, local_date: str | None = None) -> Json:
    """Apply a partial wellness record for ``day`` (validated first, so a bad body changes nothing)."""
    validate_body("Wellness", body, unknown="reject")
    if body.get("id") not in (None, day):
        raise unprocessable(f"id '{body['id']}' does not match the date '{day}'")
    numeric = {k for k, t in spec_fields()["Wellness"].items() if t in ("integer", "number")}
    record = store.wellness.get(day)
    if record is None:
        record = full_record("Wellness", {"id": day})
        store.wellness[day] = record
        store.wellness = dict(sorted(store.wellness.items()))  # keep the store in date order
    for key, value in body.items():
        if key in _COMPUTED or key == "id":
            continue
        if key in numeric and value is not None and value == -1:
            value = None
        record[key] = value
    record["updated"] = audit_now()
    if local_date == day:  # the athlete's "current" weight / resting HR follow today's record
        if "weight" in body:
            store.athlete["icu_weight"] = record.get("weight")
        if "restingHR" in body:
            store.athlete["icu_resting_hr"] = record.get("restingHR")
    return record


async def put_wellness_day(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "WELLNESS", write=True)
    day = parse_local_date(request.path_params["date"]).isoformat()
    body = await read_json(request)
    record = upsert(store, day, body, request.query_params.get("localDate"))
    notify(request, store.id, "WELLNESS_UPDATED", records=[record])
    return ok(record)


async def put_wellness(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "WELLNESS", write=True)
    body = await read_json(request)
    if not body.get("id"):
        raise unprocessable("id (the record's date, YYYY-MM-DD) is required")
    day = parse_local_date(str(body["id"]), "id").isoformat()
    record = upsert(store, day, {**body, "id": day}, request.query_params.get("localDate"))
    notify(request, store.id, "WELLNESS_UPDATED", records=[record])
    return ok(record)


async def put_wellness_bulk(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "WELLNESS", write=True)
    body = await read_json(request, list)
    days = []
    for item in body:  # validate everything before changing anything
        if not item.get("id"):
            raise unprocessable("Each wellness record needs an id (YYYY-MM-DD)")
        day = parse_local_date(str(item["id"]), "id").isoformat()
        validate_body("Wellness", item, unknown="reject")
        days.append(day)
    records = [upsert(store, day, {**item, "id": day}) for day, item in zip(days, body, strict=True)]
    if records:
        notify(request, store.id, "WELLNESS_UPDATED", records=records)
    return empty_ok()


ROUTES = [
    Route("/api/v1/athlete/{id}/wellness{ext:ext}", list_wellness, methods=["GET"]),
    Route("/api/v1/athlete/{id}/wellness", put_wellness, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/wellness-bulk", put_wellness_bulk, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/wellness/{date}", get_wellness, methods=["GET"]),
    Route("/api/v1/athlete/{id}/wellness/{date}", put_wellness_day, methods=["PUT"]),
]
