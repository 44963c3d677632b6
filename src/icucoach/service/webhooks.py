"""The Intervals.icu webhook receiver (``POST /webhooks/intervals``): checks the shared secret, validates the
batch and tells the service what changed through a ``WebhookHandler``.

Intervals.icu POSTs ``{"secret": "<shared secret>", "events": [{athlete_id, type, timestamp, …}]}`` for the
athletes who connected our OAuth app (reference §8), and retries anything but a 200. So:

- no secret configured → 503 naming ``INTERVALS_WEBHOOK_SECRET`` (retried until the operator sets it);
- a body over ``MAX_BODY_BYTES`` → 413; not JSON / not the batch shape → 400 with a short reason;
- a missing or wrong ``secret`` → 401 (compared in constant time);
- ``ACTIVITY_*``, ``CALENDAR_*``, ``WELLNESS_*``, ``FITNESS_UPDATED``, ``SPORT_SETTINGS_UPDATED`` →
  ``handler.invalidate(athlete_id, type)`` (once per athlete and type in a batch); ``APP_SCOPE_CHANGED`` with
  ``deauthorized: true`` → ``handler.deauthorize``, otherwise ``handler.scope_changed`` with the new scope;
  other types are ignored (Intervals.icu adds types over time);
- the handler failing → 503, so Intervals.icu delivers the batch again (every handler call is idempotent);
- success → 200 ``{"ok": true, "handled": n}`` (n = events of a known type).

The whole batch is validated before the handler sees any of it. Payloads carry training data and are never
logged: only counts and event types.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger("icucoach.service.webhooks")

MAX_BODY_BYTES = 1 << 20
SCOPE_CHANGED = "APP_SCOPE_CHANGED"
_INVALIDATING_PREFIXES = ("ACTIVITY_", "CALENDAR_", "WELLNESS_")
_INVALIDATING = frozenset({"FITNESS_UPDATED", "SPORT_SETTINGS_UPDATED"})
# Types named in the log; anything else is logged as "other" (the log never repeats sender-chosen text).
_DOCUMENTED = frozenset(
    {
        *("ACTIVITY_UPLOADED", "ACTIVITY_UPDATED", "ACTIVITY_ANALYZED", "ACTIVITY_ACHIEVEMENTS"),
        *("ACTIVITY_DELETED", "CALENDAR_UPDATED", "WELLNESS_UPDATED", "FITNESS_UPDATED"),
        *("SPORT_SETTINGS_UPDATED", SCOPE_CHANGED, "CALENDAR_EVENT_UPDATED", "CALENDAR_EVENT_DELETED"),
        "CHAT_UPDATE",
    }
)
_ATHLETE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # "i317960"; very old ids are bare numbers


class WebhookHandler(Protocol):
    """What the service does about an athlete's events (all three must be safe to repeat)."""

    async def invalidate(self, athlete_id: str, event_type: str) -> None:
        """Cached data of this kind for the athlete is stale."""

    async def deauthorize(self, athlete_id: str) -> None:
        """The athlete disconnected our app: the stored token no longer works."""

    async def scope_changed(self, athlete_id: str, scope: str) -> None:
        """The athlete re-authorized with ``scope`` (comma-separated ``AREA:LEVEL``)."""


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class _Event:
    athlete_id: str
    type: str
    deauthorized: bool = False
    scope: str = ""


def invalidates(event_type: str) -> bool:
    return event_type in _INVALIDATING or event_type.startswith(_INVALIDATING_PREFIXES)


def _answer(status: int, **body: Any) -> Response:
    return JSONResponse(body, status)


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _Refused(413, f"body larger than {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _Refused(413, f"body larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(raw: bytes, secret: str) -> list[_Event]:
    """The batch's events (secret checked first, then every event), or ``_Refused``."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _Refused(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise _Refused(400, "body must be a JSON object with 'secret' and 'events'")
    sent = body.get("secret")
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode("utf-8", "surrogatepass"), secret.encode("utf-8", "surrogatepass")
    ):
        raise _Refused(401, "wrong webhook secret")
    events = body.get("events")
    if not isinstance(events, list):
        raise _Refused(400, "'events' must be a list")
    return [_event(item, n) for n, item in enumerate(events)]


def _event(item: Any, n: int) -> _Event:
    if not isinstance(item, dict):
        raise _Refused(400, f"events[{n}] must be an object")
    athlete_id = item.get("athlete_id")
    if isinstance(athlete_id, int) and not isinstance(athlete_id, bool):
        athlete_id = str(athlete_id)
    if not isinstance(athlete_id, str) or not _ATHLETE_ID.fullmatch(athlete_id):
        raise _Refused(400, f"events[{n}].athlete_id must be an athlete id")
    event_type = item.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise _Refused(400, f"events[{n}].type must be a string")
    if event_type != SCOPE_CHANGED:
        return _Event(athlete_id, event_type)
    deauthorized = item.get("deauthorized") is True
    scope = item.get("scope")
    if scope is None and deauthorized:
        scope = ""
    if not isinstance(scope, str):
        raise _Refused(400, f"events[{n}].scope must be a string")
    return _Event(athlete_id, event_type, deauthorized, scope)


async def _dispatch(handler: WebhookHandler, events: list[_Event]) -> int:
    handled = 0
    invalidated: set[tuple[str, str]] = set()
    for event in events:
        if event.type == SCOPE_CHANGED:
            if event.deauthorized:
                await handler.deauthorize(event.athlete_id)
            else:
                await handler.scope_changed(event.athlete_id, event.scope)
        elif invalidates(event.type):
            key = (event.athlete_id, event.type)
            if key not in invalidated:  # a chatty batch (Garmin wellness sync) costs one call per kind
                invalidated.add(key)
                await handler.invalidate(event.athlete_id, event.type)
        else:
            continue
        handled += 1
    return handled


def webhook_route(secret: str | None, handler: WebhookHandler, path: str = "/webhooks/intervals") -> Route:
    """The receiver as a Starlette route; ``secret`` is ``ServiceSettings.webhook_secret``."""

    async def receive(request: Request) -> Response:
        if not secret:
            return _answer(
                503,
                error="Webhooks are not configured on this server.",
                fix="Set INTERVALS_WEBHOOK_SECRET to the secret shown on the app's Manage App page "
                "on intervals.icu, then restart.",
            )
        try:
            events = _parse(await _read_capped(request), secret)
        except _Refused as refused:
            log.info("webhook refused: %s %s", refused.status, refused.reason)
            return _answer(refused.status, error=refused.reason)
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            handled = await _dispatch(handler, events)
        except Exception as exc:  # a store or cache outage: let Intervals.icu deliver the batch again
            log.warning(
                "webhook handler failed (%s); answered 503 to get the batch again", type(exc).__name__
            )
            return _answer(503, error="could not process the events now; they will be delivered again")
        kinds = Counter(e.type if e.type in _DOCUMENTED else "other" for e in events)
        log.info("webhook: %d events, %d handled (%s)", len(events), handled, dict(sorted(kinds.items())))
        return _answer(200, ok=True, handled=handled)

    return Route(path, receive, methods=["POST"])


__all__ = ["MAX_BODY_BYTES", "WebhookHandler", "invalidates", "webhook_route"]
