"""The API edge: rate limiting and every injected fault kind, plus error shapes for unknown paths."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from icucoach.sandbox import FaultConfig, SandboxOptions, serve_in_thread
from icucoach.sandbox.ratelimit import RateLimiter
from icucoach.sandbox.runner import RunningSandbox

from .conftest import key_auth, make_world


def test_token_bucket_refills() -> None:
    now = [0.0]
    rl = RateLimiter(10.0, 3, clock=lambda: now[0])
    assert [rl.take("k") for _ in range(3)] == [None, None, None]
    wait = rl.take("k")
    assert wait == pytest.approx(0.1)
    assert rl.take("other") is None  # buckets are per credential
    now[0] += 0.1
    assert rl.take("k") is None


def test_burst_then_429_with_retry_after() -> None:
    options = SandboxOptions(rate_limit=True, rate_per_second=2.0, burst=5)
    with (
        serve_in_thread(options, world=make_world()) as sb,
        httpx.Client(base_url=sb.base_url + "/api/v1", auth=key_auth("key-ana")) as c,
    ):
        codes = [c.get("/athlete/0").status_code for _ in range(8)]
        assert codes[:5] == [200] * 5
        assert 429 in codes[5:]
        r = c.get("/athlete/0")
        assert r.status_code == 429
        assert r.json() == {"status": 429, "error": "Too Many Requests"}
        assert int(r.headers["Retry-After"]) >= 1
        other = httpx.get(sb.base_url + "/api/v1/athlete/0", auth=key_auth("key-cleo"))
        assert other.status_code == 200  # another key has its own bucket
        time.sleep(0.6)
        assert c.get("/athlete/0").status_code == 200


def test_rate_limit_off(ana: httpx.Client) -> None:
    assert all(ana.get("/athlete/0/gear").status_code == 200 for _ in range(60))


def test_scripted_faults(sandbox: RunningSandbox, ana: httpx.Client) -> None:
    sandbox.faults.enqueue("429", "500", "502", "503", "504", "malformed", "ok")
    r = ana.get("/athlete/0")
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    r = ana.get("/athlete/0")
    assert r.status_code == 500 and r.json()["status"] == 500 and "timestamp" in r.json()
    r = ana.get("/athlete/0")
    assert r.status_code == 502 and "text/html" in r.headers["content-type"]
    assert ana.get("/athlete/0").status_code == 503
    assert ana.get("/athlete/0").status_code == 504
    r = ana.get("/athlete/0")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        r.json()
    assert ana.get("/athlete/0").json()["id"] == "i1001"


def test_truncate_cuts_a_valid_body(sandbox: RunningSandbox, ana: httpx.Client) -> None:
    full = ana.get("/athlete/0/wellness").content
    sandbox.faults.enqueue("truncate")
    r = ana.get("/athlete/0/wellness")
    assert r.status_code == 200
    assert r.content == full[: len(full) // 2]
    assert r.headers.get("content-length") != str(len(full))
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_timeout_stalls_then_504(sandbox: RunningSandbox, ana: httpx.Client) -> None:
    sandbox.faults.configure(FaultConfig(hang_seconds=1.0))
    sandbox.faults.enqueue("timeout")
    with pytest.raises(httpx.ReadTimeout):
        ana.get("/athlete/0", timeout=0.3)
    sandbox.faults.enqueue("timeout")
    started = time.monotonic()
    r = ana.get("/athlete/0", timeout=5)
    assert r.status_code == 504 and time.monotonic() - started >= 0.9


def test_random_shares_are_seeded_and_latency_applies(sandbox: RunningSandbox, ana: httpx.Client) -> None:
    def run() -> list[int]:
        sandbox.faults.configure(FaultConfig(seed=7, p429=0.3, p500=0.2, latency_ms=5))
        return [ana.get("/athlete/0/gear").status_code for _ in range(30)]

    started = time.monotonic()
    first = run()
    assert time.monotonic() - started >= 30 * 0.005
    assert first == run()  # same seed, same outcomes
    assert {429, 500, 200} <= set(first)
    sandbox.faults.clear()


def test_faults_only_touch_the_api(sandbox: RunningSandbox) -> None:
    sandbox.faults.enqueue("500")
    assert httpx.get(sandbox.base_url + "/").status_code == 200
    assert httpx.get(sandbox.base_url + "/api/v1/athlete/0", auth=key_auth("key-ana")).status_code == 500


def test_unknown_path_and_method(ro_ana: httpx.Client) -> None:
    r = ro_ana.get("/athlete/0/fitness")  # there is no /fitness endpoint
    assert r.status_code == 404
    body = r.json()
    assert (
        body["status"] == 404 and body["error"] == "Not Found" and body["path"] == "/api/v1/athlete/0/fitness"
    )
    assert body["timestamp"].endswith("+00:00")
    assert ro_ana.get("/athlete/0/gear.xml").status_code == 404
    assert ro_ana.delete("/athlete/0/gear").status_code == 405
