"""Webhooks as Intervals.icu sends them to OAuth apps (reference §8), so a receiver can be tested end to end.

What it owns: queueing the events the API routes cause, batching them per app, POSTing each batch to the
app's ``webhook_url`` in the background with retries, and the delivery log ``World.webhook_deliveries``.

- Routes call ``notify(request, athlete_id, type, **payload)`` after a successful write. The event goes to
  every app the athlete has authorized (holds an unrevoked token of) that has a ``webhook_url``;
  ``APP_SCOPE_CHANGED`` on disconnect names its one app explicitly, because its token is already revoked.
- Events for one app are collected for ``SandboxOptions.webhook_window_seconds`` (0.2 s), then sent as one
  ``POST`` with ``{"secret": …, "events": [{athlete_id, type, timestamp, …payload}]}``,
  ``Content-Type: application/json`` and the real service's ``User-Agent: Java-http-client/17.0.8``.
- Only a 200 counts as delivered (the real service retried a 204 too). Anything else, or no answer, is
  retried after ``webhook_retry_base_seconds`` doubling up to ``webhook_retry_cap_seconds``, at most
  ``webhook_max_attempts`` tries (defaults 0.5 s, 30 s, 8: about a minute), then recorded as ``failed``.
  Each attempt uses the app's current URL and secret, so fixing a receiver's config mid-retry is honoured.
- Nothing here runs inside the API request beyond appending to a list: a slow or dead receiver never slows
  or fails the call that caused the event. Payloads are never logged.

Sandbox-only control routes (not part of the real API; no authentication, the sandbox is local):
- ``PUT /_sandbox/apps/{client_id}/webhook`` JSON ``{"url": str | null, "secret": str | null}``: set (or,
  with ``url`` null, remove) the app's webhook → ``{"client_id", "webhook_url"}``; 404 for an unknown app.
- ``POST /_sandbox/webhooks/emit`` JSON ``{"athlete_id", "type", …payload}``: emit any event type (e.g.
  ``ACTIVITY_UPLOADED``) for that athlete to the apps that athlete authorized → ``{"queued": n}`` (apps).
- ``GET /_sandbox/webhooks/deliveries``: the delivery log, oldest first, the last ``MAX_LOG`` batches
  (``WebhookDelivery.to_json``).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.errors import ApiError, audit_now, not_found
from icucoach.sandbox.world import Json, OAuthClient, WebhookAttempt, WebhookDelivery, World

log = logging.getLogger("icucoach.sandbox.webhooks")

USER_AGENT = "Java-http-client/17.0.8"
MAX_LOG = 1000  # deliveries kept in the log (a long-running ``icucoach sandbox`` must not grow forever)
_MAX_EVENT_TYPE = 64


@dataclass(frozen=True)
class DeliveryPolicy:
    window_seconds: float = 0.2
    max_attempts: int = 8
    retry_base_seconds: float = 0.5
    retry_cap_seconds: float = 30.0
    timeout_seconds: float = 10.0

    def backoff(self, failed_attempts: int) -> float:
        """Seconds to wait after the ``failed_attempts``-th failure (1-based)."""
        return float(min(self.retry_cap_seconds, self.retry_base_seconds * 2 ** (failed_attempts - 1)))


def authorized_clients(world: World, athlete_id: str) -> list[str]:
    """Ids of the apps ``athlete_id`` holds an unrevoked token of, in registration order."""
    holders = {
        t.client_id for t in world.oauth.tokens.values() if t.athlete_id == athlete_id and not t.revoked
    }
    return [cid for cid in world.oauth_clients if cid in holders]


def set_webhook(world: World, client_id: str, url: str | None, secret: str | None) -> OAuthClient:
    """Point an app's webhook at ``url`` (None removes it). Replaces the client object: the generator's
    module-level ``SANDBOX_OAUTH_CLIENT`` must never be changed in place."""
    client = world.oauth_clients[client_id]
    updated = replace(client, webhook_url=url or None, webhook_secret=secret)
    world.oauth_clients[client_id] = updated
    return updated


class WebhookDispatcher:
    """One per running sandbox (``app.state.webhooks``): pending batches and the delivery tasks."""

    def __init__(self, world: World, policy: DeliveryPolicy) -> None:
        self.world = world
        self.policy = policy
        self._pending: dict[str, list[Json]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def emit(self, athlete_id: str, event_type: str, payload: Json, client_id: str | None = None) -> int:
        """Queue one event for the athlete's authorized apps (or only ``client_id``); returns how many apps.

        Must be called on the server's event loop (route handlers are). The payload is copied now, so a
        later write does not change what this event says."""
        targets = [client_id] if client_id is not None else authorized_clients(self.world, athlete_id)
        event = {"athlete_id": athlete_id, "type": event_type, "timestamp": audit_now(), **payload}
        queued = 0
        for cid in targets:
            client = self.world.oauth_clients.get(cid)
            if client is None or not client.webhook_url:
                continue
            batch = self._pending.setdefault(cid, [])
            batch.append(copy.deepcopy(event))
            queued += 1
            if len(batch) == 1:  # the first event of a batch opens the collection window
                asyncio.get_running_loop().call_later(self.policy.window_seconds, self._flush, cid)
        return queued

    def _flush(self, client_id: str) -> None:
        events = self._pending.pop(client_id, [])
        if not events:
            return
        delivery = WebhookDelivery(
            client_id,
            [str(e["type"]) for e in events],
            sorted({str(e["athlete_id"]) for e in events}),
        )
        history = self.world.webhook_deliveries
        history.append(delivery)
        del history[:-MAX_LOG]  # an in-flight delivery keeps its own reference and still records its attempts
        task = asyncio.get_running_loop().create_task(self._deliver(delivery, events))
        self._tasks.add(task)  # keep a reference: the loop only holds tasks weakly
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: WebhookDelivery, events: list[Json]) -> None:
        policy = self.policy
        async with httpx.AsyncClient(timeout=policy.timeout_seconds, trust_env=False) as http:
            for attempt in range(1, policy.max_attempts + 1):
                client = self.world.oauth_clients.get(delivery.client_id)
                if client is None or not client.webhook_url:
                    break  # the app's webhook was removed: nothing to deliver to
                body = json.dumps({"secret": client.webhook_secret or "", "events": events})
                status: int | None = None
                error: str | None = None
                try:
                    answer = await http.post(
                        client.webhook_url,
                        content=body.encode("utf-8"),
                        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
                    )
                    status = answer.status_code
                except httpx.HTTPError as exc:
                    error = type(exc).__name__
                delivery.attempts.append(WebhookAttempt(time.time(), client.webhook_url, status, error))
                if status == 200:
                    delivery.state = "delivered"
                    return
                log.debug(
                    "webhook to %s: attempt %d got %s (%d events)",
                    delivery.client_id,
                    attempt,
                    status if status is not None else error,
                    len(events),
                )
                if attempt < policy.max_attempts:
                    await asyncio.sleep(policy.backoff(attempt))
        delivery.state = "failed"
        log.info("webhook to %s failed after %d attempts", delivery.client_id, len(delivery.attempts))


def dispatcher_of(request: Request) -> WebhookDispatcher:
    return request.app.state.webhooks  # type: ignore[no-any-return]


def notify(request: Request, athlete_id: str, event_type: str, **payload: Any) -> None:
    """What a write route calls after it succeeded: one event for the athlete's authorized apps."""
    dispatcher_of(request).emit(athlete_id, event_type, payload)


# --- sandbox-only control routes ----------------------------------------------------------------------------


async def _json_object(request: Request) -> Json:
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Body must be JSON", spring=False) from None
    if not isinstance(body, dict):
        raise ApiError(400, "Body must be a JSON object", spring=False)
    return body


def _optional_str(body: Json, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, f"'{name}' must be a string or null", spring=False)
    return value


async def put_app_webhook(request: Request) -> Response:
    world: World = request.app.state.world
    client_id = request.path_params["client_id"]
    if client_id not in world.oauth_clients:
        raise not_found()
    body = await _json_object(request)
    url = _optional_str(body, "url")
    if url is not None and not url.startswith(("http://", "https://")):
        raise ApiError(400, "'url' must be an http:// or https:// URL", spring=False)
    client = set_webhook(world, client_id, url, _optional_str(body, "secret"))
    return Response(
        json.dumps({"client_id": client.client_id, "webhook_url": client.webhook_url}),
        media_type="application/json",
    )


async def post_emit(request: Request) -> Response:
    world: World = request.app.state.world
    body = await _json_object(request)
    athlete_id = _optional_str(body, "athlete_id")
    event_type = _optional_str(body, "type")
    if not athlete_id or athlete_id not in world.athletes:
        raise ApiError(400, "'athlete_id' must name a sandbox athlete", spring=False)
    if not event_type or len(event_type) > _MAX_EVENT_TYPE:
        raise ApiError(400, "'type' is required (e.g. ACTIVITY_UPLOADED)", spring=False)
    payload = {k: v for k, v in body.items() if k not in ("athlete_id", "type")}
    queued = dispatcher_of(request).emit(athlete_id, event_type, payload)
    return Response(json.dumps({"queued": queued}), media_type="application/json")


async def get_deliveries(request: Request) -> Response:
    world: World = request.app.state.world
    rows = [d.to_json() for d in world.webhook_deliveries]
    return Response(json.dumps(rows), media_type="application/json")


ROUTES = [
    Route("/_sandbox/apps/{client_id}/webhook", put_app_webhook, methods=["PUT"]),
    Route("/_sandbox/webhooks/emit", post_emit, methods=["POST"]),
    Route("/_sandbox/webhooks/deliveries", get_deliveries, methods=["GET"]),
]
