"""Test helpers for webhooks over real HTTP: a scripted receiver on a free port, the sandbox's OAuth flow as a
browser and an app run it, the sandbox's webhook control routes, and waiting for a delivery.

Used by ``tests/sandbox/test_webhooks.py`` and ``tests/service/test_webhook_receiver.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from icucoach.sandbox.runner import RunningSandbox
from icucoach.serving import serve_in_background

ALL_WRITE = "CALENDAR:WRITE,WELLNESS:WRITE,ACTIVITY:WRITE,SETTINGS:WRITE"


@dataclass
class Receiver:
    """A webhook endpoint answering ``script`` in order (then 200 forever), recording headers and bodies."""

    script: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[tuple[dict[str, str], Any]] = field(default_factory=list)
    url: str = ""

    async def hook(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.json()))
        if self.delay:
            await asyncio.sleep(self.delay)
        return Response(status_code=self.script.pop(0) if self.script else 200)

    def events(self) -> list[dict[str, Any]]:
        return [e for _, body in self.received for e in body["events"]]


@contextmanager
def receiving(*statuses: int, delay: float = 0.0) -> Iterator[Receiver]:
    """A ``Receiver`` served at ``receiver.url`` until the block ends."""
    receiver = Receiver(list(statuses), delay)
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    with serve_in_background(app, name="webhook-receiver") as port:
        receiver.url = f"http://127.0.0.1:{port}/hook"
        yield receiver


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for webhook delivery"
        time.sleep(0.02)


def point_app(sb: RunningSandbox, client_id: str, url: str | None, secret: str | None) -> None:
    """``PUT /_sandbox/apps/{client_id}/webhook``: where (and with which secret) the app's webhooks go."""
    r = httpx.put(f"{sb.base_url}/_sandbox/apps/{client_id}/webhook", json={"url": url, "secret": secret})
    assert r.status_code == 200, r.text
    assert r.json() == {"client_id": client_id, "webhook_url": url}


def connect(
    sb: RunningSandbox, client_id: str, client_secret: str, athlete_id: str, scope: str = ALL_WRITE
) -> str:
    """Consent (approve) and code exchange; returns the bearer token."""
    form = {
        "client_id": client_id,
        "redirect_uri": "http://127.0.0.1:9/cb",
        "scope": scope,
        "athlete_id": athlete_id,
        "decision": "approve",
    }
    r = httpx.post(sb.base_url + "/oauth/authorize", data=form)
    assert r.status_code == 302, r.text
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    r = httpx.post(
        sb.base_url + "/api/oauth/token",
        data={"client_id": client_id, "client_secret": client_secret, "code": code},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def deliveries(sb: RunningSandbox) -> list[dict[str, Any]]:
    """``GET /_sandbox/webhooks/deliveries``: every batch and its attempts, oldest first."""
    r = httpx.get(sb.base_url + "/_sandbox/webhooks/deliveries")
    assert r.status_code == 200
    return list(r.json())


def emit(sb: RunningSandbox, athlete_id: str, event_type: str, **payload: Any) -> int:
    """``POST /_sandbox/webhooks/emit``: any event for the athlete's apps; returns how many apps get it."""
    body = {"athlete_id": athlete_id, "type": event_type, **payload}
    r = httpx.post(sb.base_url + "/_sandbox/webhooks/emit", json=body)
    assert r.status_code == 200, r.text
    return int(r.json()["queued"])
