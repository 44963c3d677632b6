"""The service's webhook receiver (``icucoach.service.webhooks``) served over real HTTP, with the sandbox as
Intervals.icu delivering to it: disconnect → deauthorize, calendar write → invalidate, re-authorization →
scope_changed, a wrong secret → 401 and the sandbox keeps retrying; plus every refusal, and hypothesis
bodies that never cause a 500.

The handler is a recording test double of the ``WebhookHandler`` protocol: the boundary between the receiver
and the service's store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette

from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.sandbox.runner import RunningSandbox
from icucoach.service.webhooks import MAX_BODY_BYTES, webhook_route
from icucoach.serving import serve_in_background
from sandbox.webhook_kit import connect, deliveries, point_app, wait_for

SECRET = "whsec-service-test"
PATH = "/webhooks/intervals"
CLIENT = SANDBOX_OAUTH_CLIENT.client_id
OPTIONS = SandboxOptions(
    seed=42,
    today=date(2026, 11, 23),
    rate_limit=False,
    webhook_window_seconds=0.1,
    webhook_retry_base_seconds=0.1,
    webhook_retry_cap_seconds=0.5,
)


class RecordingHandler:
    """Records every call; ``fail`` makes the next calls raise (a store outage)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.fail = False

    def _record(self, *call: str) -> None:
        if self.fail:
            raise ConnectionError("store unavailable")
        self.calls.append(call)

    async def invalidate(self, athlete_id: str, event_type: str) -> None:
        self._record("invalidate", athlete_id, event_type)

    async def deauthorize(self, athlete_id: str) -> None:
        self._record("deauthorize", athlete_id)

    async def scope_changed(self, athlete_id: str, scope: str) -> None:
        self._record("scope_changed", athlete_id, scope)


@contextmanager
def service(secret: str | None = SECRET) -> Iterator[tuple[str, RecordingHandler]]:
    handler = RecordingHandler()
    app = Starlette(routes=[webhook_route(secret, handler)])
    with serve_in_background(app, name="webhook-service") as port:
        yield f"http://127.0.0.1:{port}{PATH}", handler


@pytest.fixture(scope="module")
def world_sandbox() -> Iterator[RunningSandbox]:
    with serve_in_thread(OPTIONS) as sb:
        yield sb


def _athlete(sb: RunningSandbox, index: int) -> str:
    return sb.account("athlete", index).athlete_id


def test_sandbox_to_receiver_end_to_end(world_sandbox: RunningSandbox) -> None:
    sb = world_sandbox
    athlete = _athlete(sb, 0)
    with service() as (url, handler):
        point_app(sb, CLIENT, url, SECRET)
        token = connect(sb, CLIENT, SANDBOX_OAUTH_CLIENT.client_secret, athlete, "CALENDAR:WRITE")
        bearer = {"Authorization": f"Bearer {token}"}
        api = sb.base_url + "/api/v1"
        note = {"category": "NOTE", "name": "webhook e2e", "start_date_local": "2026-11-27"}
        assert httpx.post(api + "/athlete/0/events", headers=bearer, json=note).status_code == 200
        wait_for(lambda: ("invalidate", athlete, "CALENDAR_UPDATED") in handler.calls)

        connect(sb, CLIENT, SANDBOX_OAUTH_CLIENT.client_secret, athlete, "CALENDAR:WRITE,WELLNESS:READ")
        wait_for(lambda: ("scope_changed", athlete, "CALENDAR:WRITE,WELLNESS:READ") in handler.calls)

        assert httpx.delete(api + "/disconnect-app", headers=bearer).status_code == 200
        wait_for(lambda: ("deauthorize", athlete) in handler.calls)
        assert handler.calls == [
            ("invalidate", athlete, "CALENDAR_UPDATED"),
            ("scope_changed", athlete, "CALENDAR:WRITE,WELLNESS:READ"),
            ("deauthorize", athlete),
        ]
        assert all(d["state"] == "delivered" for d in deliveries(sb))
        assert all([a["status"] for a in d["attempts"]] == [200] for d in deliveries(sb))


def test_wrong_secret_is_refused_and_the_sandbox_keeps_retrying(world_sandbox: RunningSandbox) -> None:
    sb = world_sandbox
    athlete = _athlete(sb, 1)
    with service() as (url, handler):
        point_app(sb, CLIENT, url, "not-the-secret")
        token = connect(sb, CLIENT, SANDBOX_OAUTH_CLIENT.client_secret, athlete, "WELLNESS:WRITE")
        before = len(deliveries(sb))
        r = httpx.put(
            f"{sb.base_url}/api/v1/athlete/0/wellness/2026-11-22",
            headers={"Authorization": f"Bearer {token}"},
            json={"comments": "tired"},
        )
        assert r.status_code == 200
        wait_for(lambda: len(deliveries(sb)) > before and len(deliveries(sb)[-1]["attempts"]) >= 3)
        assert {a["status"] for a in deliveries(sb)[-1]["attempts"]} == {401}
        assert deliveries(sb)[-1]["state"] == "pending" and handler.calls == []
        # The operator fixes the secret: the next retry of the same batch is accepted.
        point_app(sb, CLIENT, url, SECRET)
        wait_for(lambda: deliveries(sb)[-1]["state"] == "delivered")
        assert handler.calls == [("invalidate", athlete, "WELLNESS_UPDATED")]


def _post(url: str, body: Any) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(url, content=raw, headers={"Content-Type": "application/json"})


def test_refusals_and_ignored_types() -> None:
    with service() as (url, handler):
        batch = {
            "secret": SECRET,
            "events": [
                {"athlete_id": "i7", "type": "WELLNESS_UPDATED", "records": [{"id": "2026-11-23"}]},
                {"athlete_id": "i7", "type": "WELLNESS_UPDATED", "records": []},
                {"athlete_id": 2049151, "type": "ACTIVITY_UPLOADED", "activity": {"id": "i1"}},
                {"athlete_id": "i7", "type": "CHAT_UPDATE"},
                {"athlete_id": "i7", "type": "APP_SCOPE_CHANGED", "scope": "ACTIVITY:READ"},
                {"athlete_id": "i7", "type": "APP_SCOPE_CHANGED", "deauthorized": True},
            ],
        }
        r = _post(url, batch)
        assert r.status_code == 200 and r.json() == {"ok": True, "handled": 5}
        assert handler.calls == [
            ("invalidate", "i7", "WELLNESS_UPDATED"),  # once per athlete and type in a batch
            ("invalidate", "2049151", "ACTIVITY_UPLOADED"),
            ("scope_changed", "i7", "ACTIVITY:READ"),
            ("deauthorize", "i7"),
        ]
        handler.calls.clear()
        assert _post(url, {**batch, "secret": SECRET + "x"}).status_code == 401
        assert _post(url, {"events": []}).status_code == 401
        assert _post(url, b"{not json").json() == {"error": "body is not JSON"}
        assert _post(url, [1, 2]).status_code == 400
        assert _post(url, {"secret": SECRET, "events": {}}).status_code == 400
        bad_event = {"secret": SECRET, "events": [batch["events"][0], {"type": "CALENDAR_UPDATED"}]}
        r = _post(url, bad_event)
        assert r.status_code == 400 and "events[1].athlete_id" in r.json()["error"]
        assert handler.calls == []  # a batch is validated whole before the handler sees any of it
        huge = json.dumps({"secret": SECRET, "events": [], "pad": "x" * MAX_BODY_BYTES}).encode()
        assert _post(url, huge).status_code == 413
        assert httpx.get(url).status_code == 405
        handler.fail = True
        r = _post(url, batch)
        assert r.status_code == 503 and "delivered again" in r.json()["error"]


def test_no_secret_configured_names_the_variable() -> None:
    with service(secret=None) as (url, handler):
        r = _post(url, {"secret": "", "events": []})
        assert r.status_code == 503 and "INTERVALS_WEBHOOK_SECRET" in r.json()["fix"]
        assert handler.calls == []


def test_payloads_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="icucoach.service.webhooks")
    with service() as (url, _):
        marker = "PRIVATE-NOTE-8c1f"
        events = [{"athlete_id": "i7", "type": "WELLNESS_UPDATED", "records": [{"comments": marker}]}]
        assert _post(url, {"secret": SECRET, "events": events}).status_code == 200
        assert _post(url, {"secret": marker, "events": events}).status_code == 401
        assert (
            _post(url, {"secret": SECRET, "events": [{"athlete_id": "i7", "type": marker}]}).status_code
            == 200
        )
    text = caplog.text
    assert "WELLNESS_UPDATED" in text and marker not in text and SECRET not in text


# --- hypothesis: no body makes the receiver fail -----------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_types = st.sampled_from(["CALENDAR_UPDATED", "APP_SCOPE_CHANGED", "ACTIVITY_UPLOADED", "X"]) | st.text()
_event = st.fixed_dictionaries(
    {"athlete_id": st.text(max_size=70) | st.integers() | _json, "type": _types | _json},
    optional={"deauthorized": _json, "scope": st.text() | _json, "records": _json},
)
_bodies = (
    _json
    | st.fixed_dictionaries(
        {"secret": st.just(SECRET) | _json, "events": st.lists(_event | _json, max_size=5)}
    )
    | st.binary(max_size=64)
)


@pytest.fixture(scope="module")
def fuzz_target() -> Iterator[tuple[str, RecordingHandler]]:
    with service() as served:
        yield served


@given(body=_bodies)
def test_arbitrary_bodies_never_cause_a_500(fuzz_target: tuple[str, RecordingHandler], body: Any) -> None:
    url, _ = fuzz_target
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = httpx.post(url, content=raw)
    assert r.status_code in (200, 400, 401), (r.status_code, r.text)
    assert r.headers["content-type"] == "application/json"
