"""The API edge: rate limiting and every injected fault kind, plus error shapes for unknown paths."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from icucoach.sandbox import FaultConfig, SandboxOptions, serve_in_thread
from icucoach.sandbox.generate import list_accounts
from icucoach.sandbox.ratelimit import RateLimiter
from icucoach.sandbox.runner import DEFAULT_SEED, RunningSandbox

from .conftest import TODAY, key_auth, make_world


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
    # 1 token per 100 s: nothing refills during the test, however slow the machine, so the counts are exact
    options = SandboxOptions(rate_limit=True, rate_per_second=0.01, burst=5)
    with (
        serve_in_thread(options, world=make_world()) as sb,
        httpx.Client(base_url=sb.base_url + "/api/v1", auth=key_auth("key-ana")) as c,
    ):
        codes = [c.get("/athlete/0").status_code for _ in range(8)]
        assert codes == [200] * 5 + [429] * 3
        r = c.get("/athlete/0")
        assert r.status_code == 429
        assert r.json() == {"status": 429, "error": "Too Many Requests"}
        assert 90 <= int(r.headers["Retry-After"]) <= 100  # whole seconds until the next token
        other = httpx.get(sb.base_url + "/api/v1/athlete/0", auth=key_auth("key-cleo"))
        assert other.status_code == 200  # another key has its own bucket


def burst_until_429(base_url: str, key: str, limit: int = 400) -> tuple[list[int], httpx.Response | None]:
    """GET as fast as possible until the first 429 (or ``limit`` requests): the codes, and that 429."""
    codes: list[int] = []
    with httpx.Client(base_url=base_url + "/api/v1", auth=key_auth(key), timeout=30) as c:
        for _ in range(limit):
            r = c.get("/athlete/0")
            codes.append(r.status_code)
            if r.status_code == 429:
                return codes, r
    return codes, None


def test_rate_limit_is_on_by_default() -> None:
    """``SandboxOptions()`` imitates Intervals.icu's limit: a burst of 30, then 429 with Retry-After."""
    with serve_in_thread(SandboxOptions(), world=make_world()) as sb:
        codes, refused = burst_until_429(sb.base_url, "key-ana")
    # the bucket starts full (30) and only refills (10/s): the first 30 always pass, and sending far
    # faster than 10/s eventually empties it
    assert codes[:30] == [200] * 30
    assert refused is not None, f"no 429 after {len(codes)} requests: the rate limit is off"
    assert refused.json() == {"status": 429, "error": "Too Many Requests"}
    assert int(refused.headers["Retry-After"]) >= 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_sandbox_has_the_rate_limit_on_by_default() -> None:
    """``icucoach sandbox`` with no rate option serves with the limit on."""
    port = _free_port()
    exe = str(Path(sys.executable).parent / "icucoach")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    proc = subprocess.Popen(
        [exe, "sandbox", "--port", str(port), "--today", TODAY.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180  # generating the world takes a few seconds (more on a busy machine)
        while True:
            assert proc.poll() is None, "icucoach sandbox exited"
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "icucoach sandbox did not start"
            time.sleep(0.2)  # polling for startup only; nothing below depends on timing
        key = next(a.api_key for a in list_accounts(DEFAULT_SEED) if a.role == "athlete")
        codes, refused = burst_until_429(base, key)
        assert codes[:30] == [200] * 30
        assert refused is not None, f"no 429 after {len(codes)} requests: the CLI serves without a limit"
        assert int(refused.headers["Retry-After"]) >= 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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
