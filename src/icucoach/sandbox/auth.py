"""Who is calling and what they may touch: API-key / bearer authentication, athlete-id resolution, scopes.

Rules, as the real API applies them (reference §2):
- ``Authorization: Basic base64("API_KEY:<key>")``; any other user name or an unknown key → 401.
- ``Authorization: Bearer <oauth access token>``; an unknown/revoked token → 401; an API key sent as a bearer
  token → 403 ``Access denied``.
- Athlete id ``0`` is the caller; other ids carry the ``i`` prefix; an unknown id → 404; an athlete who has
  not shared with the caller → 403; a READ share used for a write → 403.
- Bearer tokens act for their own athlete only, within their scopes (``AREA:READ|WRITE``; WRITE implies READ);
  a missing scope → 403.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request

from icucoach.sandbox.errors import ApiError, access_denied, not_found
from icucoach.sandbox.world import AthleteStore, Json, World

AREAS = ("ACTIVITY", "WELLNESS", "CALENDAR", "SETTINGS", "LIBRARY", "CHATS")
LEVELS = ("READ", "WRITE")
Area = Literal["ACTIVITY", "WELLNESS", "CALENDAR", "SETTINGS", "LIBRARY", "CHATS"]

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Basic realm="intervals.icu"'}


@dataclass(frozen=True)
class Caller:
    athlete_id: str
    kind: Literal["key", "bearer"]
    credential: str  # the key or token: the rate limiter's bucket key (never logged)
    client_id: str | None = None  # OAuth client of a bearer token
    scopes: frozenset[str] = frozenset()

    @property
    def is_bearer(self) -> bool:
        return self.kind == "bearer"

    def has_scope(self, area: str, write: bool) -> bool:
        if not self.is_bearer:
            return True
        if f"{area}:WRITE" in self.scopes:
            return True
        return not write and f"{area}:READ" in self.scopes


def parse_scopes(scope: str | None) -> tuple[str, ...] | None:
    """``"ACTIVITY:READ,CALENDAR:WRITE"`` → a tuple in the given order; None if any entry is invalid."""
    out: list[str] = []
    for raw in (scope or "").replace(" ", ",").split(","):
        item = raw.strip().upper()
        if not item:
            continue
        area, _, level = item.partition(":")
        if area not in AREAS or level not in LEVELS:
            return None
        if item not in out:
            out.append(item)
    return tuple(out)


def credential_of(authorization: str | None) -> str | None:
    """The key or token inside an Authorization header (for rate-limit buckets), without validating it."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return "bearer:" + value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return None
        return "key:" + decoded.partition(":")[2]
    return None


def authenticate(request: Request) -> Caller:
    """The caller of this request (cached on the request), or ApiError 401/403."""
    cached = request.scope.get("icucoach.caller")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    world: World = request.app.state.world
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(401, "Unauthorized", _UNAUTHORIZED_HEADERS)
    scheme, _, value = header.partition(" ")
    value = value.strip()
    caller: Caller
    if scheme.lower() == "basic":
        try:
            user, sep, key = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise ApiError(401, "Unauthorized", _UNAUTHORIZED_HEADERS) from None
        account = world.account_for_key(key) if sep and user == "API_KEY" else None
        if account is None:
            raise ApiError(401, "Unauthorized", _UNAUTHORIZED_HEADERS)
        caller = Caller(account.athlete_id, "key", "key:" + key)
    elif scheme.lower() == "bearer":
        token = world.oauth.tokens.get(value)
        if token is None or token.revoked:
            if world.account_for_key(value) is not None:
                raise access_denied()  # an API key sent as a bearer token
            raise ApiError(401, "Unauthorized", _UNAUTHORIZED_HEADERS)
        caller = Caller(
            token.athlete_id, "bearer", "bearer:" + value, token.client_id, frozenset(token.scopes)
        )
    else:
        raise ApiError(401, "Unauthorized", _UNAUTHORIZED_HEADERS)
    request.scope["icucoach.caller"] = caller
    return caller


def require_key_caller(request: Request) -> Caller:
    """Endpoints that refuse bearer tokens (``GET /athletes``)."""
    caller = authenticate(request)
    if caller.is_bearer:
        raise access_denied()
    return caller


def resolve_athlete_id(caller: Caller, athlete_id: str) -> str:
    return caller.athlete_id if athlete_id in ("0", "i0") else athlete_id


def check_access(world: World, caller: Caller, athlete_id: str, area: str, write: bool) -> None:
    """403 unless ``caller`` may read (or write) ``athlete_id``'s data of this area."""
    if caller.is_bearer:
        if athlete_id != caller.athlete_id or not caller.has_scope(area, write):
            raise access_denied()
        return
    level = world.access(caller.athlete_id, athlete_id)
    if level is None or (write and level != "WRITE"):
        raise access_denied()


def athlete_store(
    request: Request, athlete_id: str, area: str, write: bool = False
) -> tuple[Caller, AthleteStore]:
    """Authenticate, resolve ``0``, find the athlete (404) and check access (403)."""
    caller = authenticate(request)
    world: World = request.app.state.world
    resolved = resolve_athlete_id(caller, athlete_id)
    store = world.store(resolved)
    if store is None:
        raise not_found()
    check_access(world, caller, store.id, area, write)
    return caller, store


def activity_owner(world: World, index: dict[str, str], activity_id: str) -> AthleteStore | None:
    """The store holding ``activity_id`` (index kept on the app, rebuilt on a miss)."""
    owner = index.get(activity_id)
    if owner is not None:
        store = world.store(owner)
        if store is not None and activity_id in store.activities:
            return store
    index.clear()
    for store in world.athletes.values():
        for aid in store.activities:
            index[aid] = store.id
    owner = index.get(activity_id)
    return world.store(owner) if owner is not None else None


def activity_for(
    request: Request, activity_id: str, area: str = "ACTIVITY", write: bool = False
) -> tuple[Caller, AthleteStore, Json]:
    """Authenticate, find the activity (404) and check access to its athlete (403)."""
    caller = authenticate(request)
    world: World = request.app.state.world
    store = activity_owner(world, request.app.state.activity_index, activity_id)
    if store is None:
        raise not_found()
    check_access(world, caller, store.id, area, write)
    return caller, store, store.activities[activity_id]


def oauth_client_number(client_id: str | None) -> int | None:
    """The int ``oauth_client_id`` records carry for an OAuth client (numeric as is, else a stable hash)."""
    if client_id is None:
        return None
    if client_id.isdigit():
        return int(client_id)
    return zlib.crc32(client_id.encode("utf-8")) & 0x7FFFFFFF
