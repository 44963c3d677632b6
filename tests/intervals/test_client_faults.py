"""Fault injection: the client recovers from transient faults or raises the right error, never returns partial
data, never retries a non-idempotent POST once it may have been processed, and keeps under the rate limit."""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from icucoach.intervals import (
    AccessDeniedError,
    ClientSettings,
    IntervalsClient,
    MalformedResponseError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from icucoach.sandbox import Account, FaultConfig, RunningSandbox, SandboxOptions, serve_in_thread

from .conftest import TODAY, ClientFactory
from .helpers import FakeTime

FUTURE = TODAY + timedelta(days=50)


async def test_429_waits_exactly_the_retry_after_seconds(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    # 7 s, far from the ~1 s pause any 429 gets without a header, so ignoring the header fails this test
    sandbox.faults.configure(FaultConfig(retry_after="7"))
    sandbox.faults.enqueue("429", "ok")
    clock = FakeTime()
    async with make_client(athlete) as icu:
        clock.install(icu)
        me = await icu.get_athlete()
        assert me.id == athlete.athlete_id and icu.request_count == 2
    assert clock.waited == pytest.approx(7.0, abs=0.05)  # Retry-After plus at most a little jitter
    assert max(clock.sleeps) >= 7.0


async def test_429_without_retry_after_pauses_about_a_second(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.configure(FaultConfig(retry_after=None))
    sandbox.faults.enqueue("429", "ok")
    clock = FakeTime()
    async with make_client(athlete) as icu:
        clock.install(icu)
        await icu.get_athlete()
        assert icu.request_count == 2
    assert clock.waited == pytest.approx(1.0, abs=0.05)


async def test_retry_after_as_http_date(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=7)
    sandbox.faults.configure(FaultConfig(retry_after=format_datetime(when, usegmt=True)))
    sandbox.faults.enqueue("429", "ok")
    clock = FakeTime()
    async with make_client(athlete) as icu:
        clock.install(icu)
        await icu.get_athlete()
        assert icu.request_count == 2
    # an HTTP date has whole seconds (6-7 s left when sent); real time passing in between only shortens it
    assert 4.5 <= clock.waited <= 7.1


async def test_endless_429_raises_rate_limited(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.configure(FaultConfig(retry_after="0"))
    sandbox.faults.enqueue(*["429"] * 20)
    async with make_client(athlete, max_retries=3) as icu:
        with pytest.raises(RateLimitedError) as exc:
            await icu.get_athlete()
        assert icu.request_count == 4
    assert exc.value.status == 429 and exc.value.retry_after == 0


async def test_total_wait_is_bounded(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.configure(FaultConfig(retry_after="30"))
    sandbox.faults.enqueue(*["429"] * 5)
    clock = FakeTime()
    async with make_client(athlete, max_total_wait=2.0) as icu:
        clock.install(icu)
        with pytest.raises(RateLimitedError) as exc:
            await icu.list_wellness(TODAY, TODAY)
        assert icu.request_count == 1
    assert clock.sleeps == []  # gave up at once rather than sleeping past the budget
    assert exc.value.retry_after == 30 and "30 s" in exc.value.hint


async def test_random_429_storm_recovers(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.configure(FaultConfig(seed=7, p429=0.35, p503=0.1, retry_after="0"))
    async with make_client(athlete, max_retries=10) as icu:
        results = [await icu.get_wellness(TODAY - timedelta(days=n)) for n in range(25)]
        assert [r.local_date for r in results] == [TODAY - timedelta(days=n) for n in range(25)]
        assert icu.request_count > 25  # some were retried


async def test_5xx_then_success(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.enqueue("503", "502", "504", "ok")
    async with make_client(athlete) as icu:
        rows = await icu.list_activities(TODAY - timedelta(days=6), TODAY)
        assert icu.request_count == 4
    async with make_client(athlete) as icu2:
        assert [r.id for r in await icu2.list_activities(TODAY - timedelta(days=6), TODAY)] == [
            r.id for r in rows
        ]


async def test_persistent_503_and_non_retried_500(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.enqueue(*["503"] * 3)
    async with make_client(athlete, max_retries=2) as icu:
        with pytest.raises(UpstreamUnavailableError) as exc:
            await icu.get_athlete()
        assert exc.value.status == 503 and icu.request_count == 3
    sandbox.faults.enqueue("500", "ok")
    async with make_client(athlete) as icu:
        with pytest.raises(UpstreamUnavailableError) as exc500:
            await icu.get_athlete()
        assert exc500.value.status == 500 and icu.request_count == 1


# A stalled answer must time out, but a normal answer on a loaded 2-core CI machine must not: the timeout
# leaves a wide margin (an answer takes milliseconds) and the stall is far longer than the timeout.
TIMEOUT = 1.5
HANG = 20.0


async def test_timeout_then_success(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.configure(FaultConfig(hang_seconds=HANG))
    sandbox.faults.enqueue("timeout", "ok")
    async with make_client(athlete, timeout=TIMEOUT) as icu:
        me = await icu.get_athlete()
        assert me.id == athlete.athlete_id and icu.request_count == 2


async def test_persistent_timeout(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.configure(FaultConfig(hang_seconds=HANG))
    sandbox.faults.enqueue("timeout", "timeout")
    async with make_client(athlete, timeout=TIMEOUT, max_retries=1) as icu:
        with pytest.raises(UpstreamUnavailableError, match="timed out") as exc:
            await icu.get_athlete()
        assert exc.value.status is None and icu.request_count == 2


@pytest.mark.parametrize("fault", ["truncate", "malformed"])
async def test_bad_body_is_retried_never_partial(
    fault: str, make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    async with make_client(athlete) as icu:
        full = await icu.list_activities(TODAY - timedelta(days=30), TODAY)
        sandbox.faults.enqueue(fault, "ok")
        again = await icu.list_activities(TODAY - timedelta(days=30), TODAY)
        assert [a.id for a in again] == [a.id for a in full]  # the complete list, not half of it
        assert icu.request_count == 3


@pytest.mark.parametrize("fault", ["truncate", "malformed"])
async def test_persistent_bad_body_raises(
    fault: str, make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.enqueue(*[fault] * 3)
    async with make_client(athlete, max_retries=2) as icu:
        with pytest.raises(MalformedResponseError) as exc:
            await icu.list_activities(TODAY - timedelta(days=30), TODAY)
        assert exc.value.method == "GET" and icu.request_count == 3


async def test_post_not_retried_on_503(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    sandbox.faults.enqueue("503", "ok")
    async with make_client(athlete) as icu:
        with pytest.raises(UpstreamUnavailableError) as exc:
            await icu.create_event({"category": "NOTE", "start_date_local": FUTURE, "name": "only once"})
        assert exc.value.method == "POST" and icu.request_count == 1
        assert [e for e in await icu.list_events(FUTURE, FUTURE) if e.name == "only once"] == []


async def test_post_retried_after_429(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    day = FUTURE + timedelta(days=3)
    sandbox.faults.configure(FaultConfig(retry_after="0"))
    sandbox.faults.enqueue("429", "ok")  # a 429 was refused before processing: safe to send again
    async with make_client(athlete) as icu:
        created = await icu.create_event({"category": "NOTE", "start_date_local": day, "name": "after 429"})
        assert icu.request_count == 2
        assert [e.id for e in await icu.list_events(day, day) if e.name == "after 429"] == [created.id]
        await icu.delete_event(created.id)


async def test_truncated_post_is_not_retried(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    day = FUTURE + timedelta(days=1)
    sandbox.faults.enqueue("truncate")
    async with make_client(athlete) as icu:
        with pytest.raises(MalformedResponseError) as exc:
            await icu.create_event({"category": "NOTE", "start_date_local": day, "name": "saved once"})
        assert "probably saved" in exc.value.hint and icu.request_count == 1
        saved = [e for e in await icu.list_events(day, day) if e.name == "saved once"]
        assert len(saved) == 1  # the server did create it; no duplicate from a retry
        await icu.delete_event(saved[0].id)


async def test_idempotent_bulk_upsert_is_retried(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    day = FUTURE + timedelta(days=2)
    sandbox.faults.enqueue("truncate", "503", "ok")
    async with make_client(athlete) as icu:
        out = await icu.bulk_upsert_events(
            [{"category": "NOTE", "start_date_local": day, "name": "upserted", "external_id": "t-retry-1"}]
        )
        assert len(out) == 1 and icu.request_count == 3
        listed = [e for e in await icu.list_events(day, day) if e.external_id == "t-retry-1"]
        assert len(listed) == 1  # the truncated first attempt and the retry hit the same event
        assert await icu.bulk_delete_events(external_ids=["t-retry-1"]) == 1


async def test_token_bucket_keeps_under_the_server_limit(sandbox: RunningSandbox, athlete: Account) -> None:
    options = SandboxOptions(seed=42, today=TODAY, rate_limit=True)  # ~10 req/s, burst 30, per key
    with serve_in_thread(options, world=sandbox.world) as limited:
        settings = ClientSettings(api_key=athlete.api_key, base_url=limited.base_url, max_retries=0)
        async with IntervalsClient(settings) as icu:  # default bucket: 10/s, burst 10
            results = await asyncio.gather(
                *(icu.get_wellness(TODAY - timedelta(days=n % 20)) for n in range(45))
            )
            assert len(results) == 45
            # max_retries=0: a single 429 would have raised; one request per call means none was retried
            assert icu.request_count == 45
            assert icu.transport.bucket.total_wait > 0  # the bucket did hold requests back


async def test_client_recovers_from_the_server_rate_limit(sandbox: RunningSandbox, athlete: Account) -> None:
    # Without our bucket the server's limit bites. A small server bucket (5/s, burst 5) makes that certain:
    # 20 requests stay under it only if they take over 3 s, far slower than even a loaded machine.
    options = SandboxOptions(seed=42, today=TODAY, rate_limit=True, rate_per_second=5.0, burst=5)
    with serve_in_thread(options, world=sandbox.world) as limited:
        unlimited = ClientSettings(
            api_key=athlete.api_key,
            base_url=limited.base_url,
            rate_per_second=None,
            max_retries=10,
            backoff_base=0.05,
            max_total_wait=30,
        )
        async with IntervalsClient(unlimited) as icu:
            results = await asyncio.gather(
                *(icu.get_wellness(TODAY - timedelta(days=n % 20)) for n in range(20))
            )
            assert [r.local_date for r in results] == [TODAY - timedelta(days=n % 20) for n in range(20)]
            assert icu.request_count > 20  # some were refused with 429 and sent again


async def test_secrets_never_in_logs_or_errors(
    make_client: ClientFactory,
    athlete: Account,
    runner: Account,
    sandbox: RunningSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sandbox.faults.configure(FaultConfig(retry_after="0"))
    sandbox.faults.enqueue("429", "503", "ok", "truncate", "ok")
    texts: list[str] = []
    async with make_client(athlete) as icu:
        await icu.get_athlete()
        await icu.list_activities(TODAY - timedelta(days=3), TODAY)
        with pytest.raises(AccessDeniedError) as exc:
            await icu.get_athlete(runner.athlete_id)
        texts += [str(exc.value), repr(exc.value), str(exc.value.to_dict()), repr(icu), repr(icu.settings)]
        me = await icu.get_athlete()
        texts.append(repr(me))
    basic = base64.b64encode(f"API_KEY:{athlete.api_key}".encode()).decode()
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "retrying" in caplog.text  # the retries were logged ...
    for text in [logged, *texts]:
        assert athlete.api_key not in text  # ... without the key
        assert basic not in text
