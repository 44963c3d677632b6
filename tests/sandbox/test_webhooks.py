"""The sandbox sends Intervals.icu webhooks over real HTTP: batch shape and secret, retries until a 200, only
to apps the athlete authorized, APP_SCOPE_CHANGED on disconnect and re-authorization, never slowing the API.

Receivers are small Starlette apps on free ports (``webhook_kit.receiving``) that answer a scripted list of
statuses and record what arrived.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from cli.harness import assert_clean_failure, run
from icucoach.exitcodes import Exit
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.runner import RunningSandbox
from icucoach.sandbox.world import OAuthClient
from icucoach.serving import free_port

from . import webhook_kit as kit
from .conftest import CLIENT_ID, CLIENT_SECRET, key_auth, make_world
from .webhook_kit import deliveries, emit, receiving, wait_for

SECRET = "whsec-test-1"
FAST = {
    "rate_limit": False,
    "webhook_window_seconds": 0.1,
    "webhook_retry_base_seconds": 0.05,
    "webhook_retry_cap_seconds": 0.2,
}


@contextmanager
def sandbox_with(**options: Any) -> Iterator[RunningSandbox]:
    with serve_in_thread(SandboxOptions(**{**FAST, **options}), world=make_world()) as sb:
        yield sb


def point_app(
    sb: RunningSandbox, url: str | None, secret: str | None = SECRET, client: str = CLIENT_ID
) -> None:
    kit.point_app(sb, client, url, secret)


def connect(
    sb: RunningSandbox,
    athlete_id: str = "i1001",
    scope: str = kit.ALL_WRITE,
    client_id: str = CLIENT_ID,
    client_secret: str = CLIENT_SECRET,
) -> str:
    return kit.connect(sb, client_id, client_secret, athlete_id, scope)


def test_batch_arrives_with_secret_and_is_retried_until_200() -> None:
    with (
        receiving(500, 500) as rx,
        sandbox_with(webhook_url=rx.url, webhook_secret=SECRET, webhook_window_seconds=1.0) as sb,
    ):
        connect(sb)
        assert emit(sb, "i1001", "ACTIVITY_UPLOADED", activity={"id": "i9"}) == 1
        assert emit(sb, "i1001", "FITNESS_UPDATED", records=[]) == 1
        wait_for(lambda: len(rx.received) == 3)
        headers, body = rx.received[-1]
        assert all(b == body for _, b in rx.received)  # the same batch each time
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"].startswith("Java-http-client/17")
        assert body["secret"] == SECRET and set(body) == {"secret", "events"}
        assert [e["type"] for e in body["events"]] == ["ACTIVITY_UPLOADED", "FITNESS_UPDATED"]
        first = body["events"][0]
        assert first["athlete_id"] == "i1001" and first["activity"] == {"id": "i9"}
        assert first["timestamp"].endswith("+00:00")
        log = deliveries(sb)
        assert len(log) == 1 and log[0]["state"] == "delivered" and log[0]["client_id"] == CLIENT_ID
        assert [a["status"] for a in log[0]["attempts"]] == [500, 500, 200]
        assert log[0]["event_types"] == ["ACTIVITY_UPLOADED", "FITNESS_UPDATED"]


def test_a_204_is_not_a_delivery_and_the_default_backoff_retries_it() -> None:
    with receiving(204) as rx, serve_in_thread(SandboxOptions(rate_limit=False), world=make_world()) as sb:
        point_app(sb, rx.url)
        connect(sb)
        emit(sb, "i1001", "ACTIVITY_ANALYZED", activity={"id": "i5001"})
        wait_for(lambda: bool(deliveries(sb)) and deliveries(sb)[0]["state"] == "delivered")
        attempts = deliveries(sb)[0]["attempts"]
        assert [a["status"] for a in attempts] == [204, 200]
        assert attempts[1]["at"] - attempts[0]["at"] >= 0.4  # the first backoff step (0.5 s)
        assert len(rx.received) == 2


def test_calendar_write_via_the_client_reaches_only_apps_the_athlete_authorized() -> None:
    with receiving() as rx, receiving() as other_rx, sandbox_with() as sb:
        sb.world.oauth_clients["other-app"] = OAuthClient("other-app", "other-secret", "Other", ())
        point_app(sb, rx.url)
        point_app(sb, other_rx.url, "other-whsec", client="other-app")
        ana_token = connect(sb)
        connect(sb, "i1002", "CALENDAR:WRITE", client_id="other-app", client_secret="other-secret")

        async def write() -> None:
            settings = ClientSettings(oauth_token=ana_token, base_url=sb.base_url, rate_per_second=None)
            async with IntervalsClient(settings) as icu:
                await icu.create_event(
                    {"category": "NOTE", "name": "From the app", "start_date_local": "2026-11-25"}
                )

        asyncio.run(write())
        wait_for(lambda: len(rx.received) == 1)
        assert rx.events() == [
            {
                "athlete_id": "i1001",
                "type": "CALENDAR_UPDATED",
                "timestamp": rx.events()[0]["timestamp"],
                "records": [],
            }
        ]
        # Ben (who authorized only other-app) changes his calendar with his API key: only other-app hears.
        with httpx.Client(base_url=sb.base_url + "/api/v1", auth=key_auth("key-ben")) as ben:
            assert (
                ben.post(
                    "/athlete/0/events", json={"category": "NOTE", "start_date_local": "2026-11-26"}
                ).status_code
                == 200
            )
        wait_for(lambda: len(other_rx.received) == 1)
        assert [(e["athlete_id"], e["type"]) for e in other_rx.events()] == [("i1002", "CALENDAR_UPDATED")]
        assert other_rx.received[0][1]["secret"] == "other-whsec"
        time.sleep(0.3)  # longer than the batch window: nothing else is on its way
        assert len(rx.received) == 1 and len(other_rx.received) == 1
        assert emit(sb, "i1003", "ACTIVITY_UPLOADED") == 0  # Cleo authorized no app


def test_every_write_area_emits_its_event_type() -> None:
    with receiving() as rx, sandbox_with(webhook_window_seconds=1.0) as sb:  # 4 writes, one batch
        point_app(sb, rx.url)
        token = connect(sb)
        with httpx.Client(
            base_url=sb.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
        ) as app:
            assert app.put("/athlete/0/wellness/2026-11-23", json={"weight": 61.5}).status_code == 200
            assert app.put("/activity/i5001", json={"name": "Renamed"}).status_code == 200
            assert app.put("/athlete/0/sport-settings/Ride", json={"ftp": 260}).status_code == 200
            assert app.put("/athlete/0/events/bulk-delete", json=[{"id": 7002}]).json() == {
                "eventsDeleted": 1
            }
        wait_for(lambda: len(rx.events()) == 4)
        by_type = {e["type"]: e for e in rx.events()}
        assert by_type["WELLNESS_UPDATED"]["records"][0]["id"] == "2026-11-23"
        assert by_type["WELLNESS_UPDATED"]["records"][0]["weight"] == 61.5
        assert by_type["ACTIVITY_UPDATED"]["activity"]["name"] == "Renamed"
        ride = next(s for s in by_type["SPORT_SETTINGS_UPDATED"]["sportSettings"] if "Ride" in s["types"])
        assert ride["ftp"] == 260 and len(by_type["SPORT_SETTINGS_UPDATED"]["sportSettings"]) == 3
        assert by_type["CALENDAR_UPDATED"]["records"] == []
        assert len(rx.received) == 1  # four writes inside one window: one POST


def test_disconnect_sends_app_scope_changed_deauthorized_and_then_nothing() -> None:
    with receiving() as rx, sandbox_with() as sb:
        point_app(sb, rx.url)
        token = connect(sb, scope="CALENDAR:WRITE,WELLNESS:READ")
        r = httpx.delete(sb.base_url + "/api/v1/disconnect-app", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        wait_for(lambda: len(rx.received) == 1)
        (event,) = rx.events()
        assert event["type"] == "APP_SCOPE_CHANGED" and event["athlete_id"] == "i1001"
        assert event["deauthorized"] is True and event["client_id"] == CLIENT_ID
        assert event["client_name"] == "icucoach" and event["scope"] == "CALENDAR:WRITE,WELLNESS:READ"
        with httpx.Client(base_url=sb.base_url + "/api/v1", auth=key_auth("key-ana")) as ana:
            assert (
                ana.post(
                    "/athlete/0/events", json={"category": "NOTE", "start_date_local": "2026-11-26"}
                ).status_code
                == 200
            )
        time.sleep(0.3)
        assert len(rx.received) == 1  # the app is no longer authorized


def test_reauthorizing_with_another_scope_sends_the_new_scope() -> None:
    with receiving() as rx, sandbox_with() as sb:
        point_app(sb, rx.url)
        connect(sb, scope="CALENDAR:READ")
        connect(sb, scope="CALENDAR:READ")  # same scope again: no change to report
        connect(sb, scope="CALENDAR:WRITE,ACTIVITY:READ")
        wait_for(lambda: len(rx.events()) == 1)
        (event,) = rx.events()
        assert event["type"] == "APP_SCOPE_CHANGED" and event["deauthorized"] is False
        assert event["scope"] == "CALENDAR:WRITE,ACTIVITY:READ"


def test_a_dead_or_slow_receiver_never_slows_or_fails_the_api_call() -> None:
    dead_url = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    with receiving(delay=3.0) as slow, sandbox_with(webhook_max_attempts=3) as sb:
        sb.world.oauth_clients["slow-app"] = OAuthClient("slow-app", "slow-secret", "Slow", ())
        point_app(sb, dead_url)
        point_app(sb, slow.url, client="slow-app")
        token = connect(sb)
        connect(sb, client_id="slow-app", client_secret="slow-secret")
        with httpx.Client(
            base_url=sb.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
        ) as app:
            app.get("/athlete/0")  # warm the connection
            took = []
            for day in range(20, 25):
                t0 = time.perf_counter()
                r = app.put(f"/athlete/0/wellness/2026-11-{day}", json={"comments": "ok"})
                took.append(time.perf_counter() - t0)
                assert r.status_code == 200
                time.sleep(0.15)  # spread over several batch windows
        assert max(took) < 1.5, took  # the slow receiver takes 3 s per POST
        wait_for(lambda: any(d["state"] == "failed" for d in deliveries(sb)))
        failed = next(d for d in deliveries(sb) if d["state"] == "failed")
        assert failed["client_id"] == CLIENT_ID and len(failed["attempts"]) == 3
        assert all(a["status"] is None and a["error"] == "ConnectError" for a in failed["attempts"])
        wait_for(lambda: len(slow.received) >= 1)


def test_control_routes_refuse_bad_input() -> None:
    with sandbox_with() as sb:
        base = sb.base_url + "/_sandbox"
        assert httpx.put(base + "/apps/nope/webhook", json={"url": "http://x/"}).status_code == 404
        assert httpx.put(base + f"/apps/{CLIENT_ID}/webhook", json={"url": "ftp://x/"}).status_code == 400
        assert httpx.put(base + f"/apps/{CLIENT_ID}/webhook", content=b"[").status_code == 400
        assert (
            httpx.post(base + "/webhooks/emit", json={"athlete_id": "i999", "type": "X"}).status_code == 400
        )
        assert httpx.post(base + "/webhooks/emit", json={"athlete_id": "i1001"}).status_code == 400
        point_app(sb, None)  # removing the webhook
        connect(sb)
        assert emit(sb, "i1001", "ACTIVITY_UPLOADED") == 0


def test_email_only_for_the_athletes_own_bearer_token() -> None:
    with sandbox_with() as sb:
        ana = sb.world.athletes["i1001"].athlete
        ana.update(email=None, firstname="Ána-Sofía", lastname="Ålpha")
        token = connect(sb, scope="SETTINGS:READ")
        bearer = {"Authorization": f"Bearer {token}"}
        api = sb.base_url + "/api/v1"
        assert httpx.get(api + "/athlete/0", headers=bearer).json()["email"] == "anasofia.alpha@example.org"
        profile = httpx.get(api + "/athlete/i1001/profile", headers=bearer).json()
        assert profile["athlete"]["email"] == "anasofia.alpha@example.org"
        assert httpx.get(api + "/athlete/0", auth=key_auth("key-ana")).json()["email"] is None
        assert httpx.get(api + "/athlete/i1001", auth=key_auth("key-cleo")).json()["email"] is None
        ana["email"] = "ana@example.org"
        assert httpx.get(api + "/athlete/0", headers=bearer).json()["email"] == "ana@example.org"


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--webhook-url", "ftp://x"], ("--webhook-url", "http")),
        (["--webhook-secret", "s"], ("--webhook-url",)),
    ],
)
def test_cli_refuses_bad_webhook_flags(flags: list[str], words: tuple[str, ...]) -> None:
    result = run("sandbox", "--port", str(free_port()), *flags, timeout=60)
    assert_clean_failure(result, Exit.USAGE, *words)
