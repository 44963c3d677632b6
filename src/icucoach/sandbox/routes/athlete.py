"""Athlete endpoints: the athlete with sport settings, the public profile, partial athlete update, the coach's
athlete list (``GET /athletes``) and sport settings (list, by id or activity type, partial update).

Scope area: SETTINGS. ``icu_api_key`` is never returned. ``email`` is shown only to the athlete themself
through an OAuth bearer token (an app's sign-in); API keys and coaches see ``null``. Sport settings writes
notify the athlete's OAuth apps: webhook ``SPORT_SETTINGS_UPDATED`` with all ``sportSettings``.
"""

from __future__ import annotations

import re
import unicodedata

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.auth import Caller, athlete_store, require_key_caller
from icucoach.sandbox.errors import audit_now, not_found, unprocessable
from icucoach.sandbox.routes.common import full_record, ok, read_json, spec_fields, validate_body, world_of
from icucoach.sandbox.webhooks import notify
from icucoach.sandbox.world import AthleteStore, Json, World

_HIDDEN = ("icu_api_key",)
_PROFILE_FIELDS = [
    *("id", "name", "profile_medium", "city", "state", "country", "timezone", "sex", "bio", "website"),
    *("email", "countries", "languages", "icu_coach"),
]
_READ_ONLY_ATHLETE = {"id", "icu_api_key", "icu_admin", "icu_activated", "plan", "status", "icu_permission"}
_READ_ONLY_SETTINGS = {"id", "athlete_id", "created"}


def _public(athlete: Json) -> Json:
    return {k: v for k, v in athlete.items() if k not in _HIDDEN and k != "sportSettings"}


def _is_coach(world: World, athlete_id: str) -> bool:
    return any(a.athlete_id == athlete_id and a.role == "coach" for a in world.accounts)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


def email_for(caller: Caller, store: AthleteStore) -> str | None:
    """The address only the athlete's own OAuth sign-in sees (stored, else ``first.last@example.org``)."""
    if not caller.is_bearer or caller.athlete_id != store.id:
        return None
    stored = store.athlete.get("email")
    if stored:
        return str(stored)
    words = [_ascii_word(str(store.athlete.get(k) or "")) for k in ("firstname", "lastname")]
    return (".".join(w for w in words if w) or store.id.lower()) + "@example.org"


def with_sport_settings(store: AthleteStore, caller: Caller) -> Json:
    out = _public(store.athlete)
    out["email"] = email_for(caller, store)
    out.setdefault("custom_items", [])
    out["sportSettings"] = store.sport_settings
    return out


async def get_athlete(request: Request) -> Response:
    caller, store = athlete_store(request, request.path_params["id"], "SETTINGS")
    return ok(with_sport_settings(store, caller))


async def get_profile(request: Request) -> Response:
    caller, store = athlete_store(request, request.path_params["id"], "SETTINGS")
    world = world_of(request)
    athlete = {k: store.athlete.get(k) for k in _PROFILE_FIELDS}
    athlete["email"] = email_for(caller, store)
    athlete["icu_coach"] = bool(store.athlete.get("icu_coach")) or _is_coach(world, store.id)
    return ok(
        {"athlete": athlete, "sharedFolders": [], "customItems": store.athlete.get("custom_items") or []}
    )


async def put_athlete(request: Request) -> Response:
    caller, store = athlete_store(request, request.path_params["id"], "SETTINGS", write=True)
    body = await read_json(request)
    validate_body("AthleteUpdateDTO", body)
    known = set(spec_fields()["AthleteUpdateDTO"])
    for key, value in body.items():
        if key in known and key not in _READ_ONLY_ATHLETE and value is not None:
            store.athlete[key] = value
    out = {k: v for k, v in _public(store.athlete).items() if k != "custom_items"}  # schema Athlete
    out["email"] = email_for(caller, store)
    return ok(out)


async def list_athletes(request: Request) -> Response:
    """The caller plus every athlete who shared with the caller, with the caller's permission on each."""
    caller = require_key_caller(request)
    world = world_of(request)
    rows: list[Json] = []
    for store in world.athletes.values():
        level = world.access(caller.athlete_id, store.id)
        if level is None:
            continue
        row = {k: v for k, v in _public(store.athlete).items() if k != "custom_items"}
        row["email"] = None  # key callers only (bearer tokens are refused above)
        row["icu_permission"] = level
        row["icu_coach"] = _is_coach(world, store.id)
        row.setdefault("icu_tags", [])
        rows.append(row)
    rows.sort(key=lambda r: (r["id"] != caller.athlete_id, str(r.get("name") or "")))
    return ok(rows)


# --- sport settings -----------------------------------------------------------------------------------------


def _find_settings(store: AthleteStore, ref: str) -> Json:
    if ref.isdigit():
        for ss in store.sport_settings:
            if str(ss.get("id")) == ref:
                return ss
        raise not_found()
    found = store.sport_settings_for(ref)
    if found is None:
        raise not_found()
    return found


def _apply_settings(ss: Json, body: Json) -> None:
    validate_body("SportSettings", body)
    for key, value in body.items():
        if key in _READ_ONLY_SETTINGS or value is None:
            continue
        if key in ("power_zones", "hr_zones", "pace_zones") and value:
            if any(not isinstance(z, (int, float)) for z in value):
                raise unprocessable(f"Invalid value for '{key}': expected numbers")
            if list(value) != sorted(value):
                raise unprocessable(f"Invalid {key}: zones must be ascending")
        ss[key] = value
    ss["updated"] = audit_now()


def _settings_changed(request: Request, store: AthleteStore) -> None:
    notify(request, store.id, "SPORT_SETTINGS_UPDATED", sportSettings=store.sport_settings)


async def list_settings(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["athleteId"], "SETTINGS")
    return ok(store.sport_settings)


async def get_settings(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["athleteId"], "SETTINGS")
    return ok(_find_settings(store, request.path_params["id"]))


async def put_settings(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["athleteId"], "SETTINGS", write=True)
    ss = _find_settings(store, request.path_params["id"])
    body = await read_json(request)
    _apply_settings(ss, body)
    _settings_changed(request, store)
    return ok(ss)


async def put_settings_multi(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["athleteId"], "SETTINGS", write=True)
    body = await read_json(request, list)
    targets = []
    for item in body:
        if item.get("id") is None:
            raise unprocessable("Each sport settings object needs an 'id'")
        targets.append((_find_settings(store, str(item["id"])), item))
    for ss, item in targets:
        _apply_settings(ss, item)
    _settings_changed(request, store)
    return ok(store.sport_settings)


async def create_settings(request: Request) -> Response:
    _, store = athlete_store(request, request.path_params["athleteId"], "SETTINGS", write=True)
    body = await read_json(request)
    validate_body("SportSettings", body)
    types = body.get("types") or []
    if not types:
        raise unprocessable("types is required")
    for t in types:
        if store.sport_settings_for(t) is not None:
            raise unprocessable(f"Sport settings for {t} already exist")
    now = audit_now()
    ss = full_record("SportSettings", {k: v for k, v in body.items() if k not in _READ_ONLY_SETTINGS})
    ss.update(id=world_of(request).next_id(), athlete_id=store.id, created=now, updated=now)
    store.sport_settings.append(ss)
    _settings_changed(request, store)
    return ok(ss)


ROUTES = [
    Route("/api/v1/athletes", list_athletes, methods=["GET"]),
    Route("/api/v1/athlete/{id}", get_athlete, methods=["GET"]),
    Route("/api/v1/athlete/{id}", put_athlete, methods=["PUT"]),
    Route("/api/v1/athlete/{id}/profile", get_profile, methods=["GET"]),
    Route("/api/v1/athlete/{athleteId}/sport-settings", list_settings, methods=["GET"]),
    Route("/api/v1/athlete/{athleteId}/sport-settings", put_settings_multi, methods=["PUT"]),
    Route("/api/v1/athlete/{athleteId}/sport-settings", create_settings, methods=["POST"]),
    Route("/api/v1/athlete/{athleteId}/sport-settings/{id}", get_settings, methods=["GET"]),
    Route("/api/v1/athlete/{athleteId}/sport-settings/{id}", put_settings, methods=["PUT"]),
]
