"""The workout library: folders/plans (list with their workouts as ``children``, create — optionally copying a
folder —, partial update, delete with contents) and workouts (list, get, create, partial update, delete).

A workout's ``description`` in native workout text is parsed into ``workout_doc`` and the derived numbers by
``icucoach.workouts.enrich_event``, as for calendar events. Scope area: LIBRARY.
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.auth import athlete_store
from icucoach.sandbox.errors import audit_now, not_found, unprocessable
from icucoach.sandbox.routes.common import full_record, ok, read_json, validate_body, world_of
from icucoach.sandbox.world import AthleteStore, Json

_SERVER_FIELDS = {
    "id",
    "athlete_id",
    "updated",
    "children",
    "num_workouts",
    "owner",
    "canEdit",
    "sharedWithCount",
}
_CREATE_ONLY = {"file_contents", "file_contents_base64", "filename", "copy_folder_id"}


def _enrich(store: AthleteStore, workout: Json) -> None:
    if not workout.get("description"):
        return
    try:
        from icucoach.workouts import enrich_event  # type: ignore[attr-defined]
    except ImportError:
        return
    sport = workout.get("type")
    derived: dict[str, Any] = enrich_event(workout.get("description"), sport, store.sport_settings_for(sport))
    for key, value in (derived or {}).items():
        if key != "icu_ftp":  # workouts carry no ftp field
            workout[key] = value


def _folder_view(store: AthleteStore, folder: Json) -> Json:
    children = sorted(
        (w for w in store.workouts.values() if w.get("folder_id") == folder["id"]),
        key=lambda w: (w.get("day") or 0, int(w["id"])),
    )
    return {**folder, "children": children, "num_workouts": len(children)}


def _folder(store: AthleteStore, folder_id: int) -> Json:
    folder = store.folders.get(folder_id)
    if folder is None:
        raise not_found()
    return folder


def _workout(store: AthleteStore, workout_id: int) -> Json:
    workout = store.workouts.get(workout_id)
    if workout is None:
        raise not_found()
    return workout


async def list_folders(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY")
    return ok([_folder_view(store, f) for f in store.folders.values()])


async def create_folder(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY", write=True)
    body = await read_json(request)
    validate_body("CreateFolderDTO", body)
    world = world_of(request)
    source = None
    if body.get("copy_folder_id") is not None:
        source = _folder(store, int(body["copy_folder_id"]))
    name = body.get("name") or (f"Copy of {source['name']}" if source else None)
    if not name:
        raise unprocessable("name is required")
    values = {k: v for k, v in body.items() if k not in _SERVER_FIELDS and k not in _CREATE_ONLY}
    base = {k: v for k, v in (source or {}).items() if k not in _SERVER_FIELDS}
    folder = full_record("Folder", {**base, **values})
    folder.update(id=world.next_id(), athlete_id=store.id, name=name)
    folder["type"] = folder.get("type") or "FOLDER"
    folder["visibility"] = folder.get("visibility") or "PRIVATE"
    store.folders[folder["id"]] = folder
    if source is not None:
        for w in [w for w in store.workouts.values() if w.get("folder_id") == source["id"]]:
            dup = copy.deepcopy(w)
            dup.update(id=world.next_id(), folder_id=folder["id"], updated=audit_now())
            store.workouts[dup["id"]] = dup
    return ok(_folder_view(store, folder))


async def update_folder(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY", write=True)
    folder = _folder(store, request.path_params["folderId"])
    body = await read_json(request)
    validate_body("Folder", body)
    for key, value in body.items():
        if key not in _SERVER_FIELDS:
            folder[key] = value
    return ok(_folder_view(store, folder))


async def delete_folder(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY", write=True)
    folder_id = request.path_params["folderId"]
    _folder(store, folder_id)
    for wid in [wid for wid, w in store.workouts.items() if w.get("folder_id") == folder_id]:
        del store.workouts[wid]
    del store.folders[folder_id]
    return ok({})


async def list_workouts(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY")
    return ok(list(store.workouts.values()))


async def get_workout(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY")
    return ok(_workout(store, request.path_params["workoutId"]))


async def create_workout(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY", write=True)
    body = await read_json(request)
    validate_body("WorkoutEx", body)
    if not body.get("name"):
        raise unprocessable("name is required")
    if body.get("folder_id") is not None:
        _folder(store, int(body["folder_id"]))
    values = {k: v for k, v in body.items() if k not in _SERVER_FIELDS and k not in _CREATE_ONLY}
    workout = full_record("Workout", values)
    workout.update(id=world_of(request).next_id(), athlete_id=store.id, updated=audit_now())
    if workout.get("tags") is None:
        workout["tags"] = []
    _enrich(store, workout)
    store.workouts[workout["id"]] = workout
    return ok(workout)


async def update_workout(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY", write=True)
    workout = _workout(store, request.path_params["workoutId"])
    body = await read_json(request)
    validate_body("WorkoutEx", body)
    if body.get("folder_id") is not None:
        _folder(store, int(body["folder_id"]))
    reparse = any(k in body and body[k] != workout.get(k) for k in ("description", "type"))
    for key, value in body.items():
        if key not in _SERVER_FIELDS and key not in _CREATE_ONLY:
            workout[key] = value
    if reparse:
        _enrich(store, workout)
    workout["updated"] = audit_now()
    return ok(workout)


async def delete_workout(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["id"], "LIBRARY", write=True)
    workout_id = request.path_params["workoutId"]
    _workout(store, workout_id)
    del store.workouts[workout_id]
    return ok([workout_id])


ROUTES = [
    Route("/api/v1/athlete/{id}/folders", list_folders, methods=["GET"]),
    Route("/api/v1/athlete/{id}/folders", create_folder, methods=["POST"]),
    Route("/api/v1/athlete/{id}/folders/{folderId:int}", update_folder, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/folders/{folderId:int}", delete_folder, methods=["DELETE"]),
    Route("/api/v1/athlete/{id}/workouts", list_workouts, methods=["GET"]),
    Route("/api/v1/athlete/{id}/workouts", create_workout, methods=["POST"]),
    Route("/api/v1/athlete/{id}/workouts/{workoutId:int}", get_workout, methods=["GET"]),
    Route("/api/v1/athlete/{id}/workouts/{workoutId:int}", update_workout, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/workouts/{workoutId:int}", delete_workout, methods=["DELETE"]),
]
