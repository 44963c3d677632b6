"""Upstream faults mid-export never corrupt or lose the previous files, and the exit code says what happened:
core records failing = upstream failure (nothing written), details failing = partial export."""

from __future__ import annotations

import json

import pytest

from icucoach.exitcodes import Exit
from icucoach.mirror.files import FILES, validate
from icucoach.sandbox.faults import FaultConfig
from icucoach.store.db import Store

from .sandbox_world import TODAY, add_activity, run_export, settings_for


@pytest.fixture(scope="module")
def base(sb, tmp_path_factory):
    d = tmp_path_factory.mktemp("faults")
    store = Store.open(d / "archive.sqlite")
    res = run_export(sb, store, d / "out")
    assert res.code == Exit.OK
    yield store, d / "out"
    store.close()


def snapshot(out) -> dict[str, bytes]:
    return {k: (out / f"{k}.json").read_bytes() for k in FILES}


@pytest.mark.parametrize("fault", ["503", "429", "timeout", "truncate"])
def test_core_failure_leaves_previous_files(sb, base, fault) -> None:
    store, out = base
    before = snapshot(out)
    sb.faults.configure(FaultConfig(hang_seconds=1.0))
    sb.faults.enqueue(*([fault] * 12))
    res = run_export(sb, store, out, settings=settings_for(sb, timeout=0.5))
    sb.faults.clear()
    assert res.code == Exit.UPSTREAM, res.message
    assert "previous files left untouched" in res.message
    assert snapshot(out) == before


def test_transient_faults_are_retried(sb, base) -> None:
    store, out = base
    sb.faults.enqueue("429", "503", "truncate")
    res = run_export(sb, store, out, settings=settings_for(sb, max_retries=4))
    assert res.code == Exit.OK, res.failures
    for k in FILES:
        validate(k, json.loads((out / f"{k}.json").read_text()))


def test_detail_failure_is_a_partial_export(sb, base) -> None:
    store, out = base
    add_activity(sb, "i100001", "i99100001", TODAY, hour=19)
    # the four sync requests succeed, then every later request fails each of its three attempts
    # (max_retries=2): the new activity's intervals and streams, and the curves fetched alongside them
    sb.faults.enqueue("ok", "ok", "ok", "ok", *(["503"] * 12))
    res = run_export(sb, store, out)
    sb.faults.clear()
    assert res.code == Exit.PARTIAL, (res.code, res.message)
    doc = json.loads((out / "latest.json").read_text())
    assert doc["metadata"]["partial"] and doc["metadata"]["fetch_errors"]
    assert "i99100001" in [a["id"] for a in doc["recent_activities"]]
    ints = json.loads((out / "intervals.json").read_text())
    assert ints["fetch_state"]["i99100001"]
    assert any("of activity i99100001" in f for f in res.failures), res.failures
    assert not sb.faults._script  # every scripted fault was answered (three attempts of each request)
    # the next run fetches what was missing and is complete again
    res = run_export(sb, store, out)
    assert res.code == Exit.OK, res.failures


def test_bad_key_is_an_authentication_error(sb, base) -> None:
    store, out = base
    before = snapshot(out)
    res = run_export(sb, store, out, settings=settings_for(sb, api_key="not-a-key"))
    assert res.code == Exit.AUTH
    assert snapshot(out) == before


def test_unreachable_route_file_is_partial_not_fatal(sb, tmp_path) -> None:
    calls: list[str] = []

    async def unreachable(url: str) -> bytes:
        calls.append(url)
        raise OSError("connection refused")

    store = Store.open(tmp_path / "a.sqlite")
    res = run_export(sb, store, tmp_path / "out", fetch=unreachable)
    assert res.code == Exit.PARTIAL
    assert any("route attachment" in f for f in res.failures)
    routes = json.loads((tmp_path / "out" / "routes.json").read_text())
    assert routes["events"] and all("error" in e["terrain_summary"] for e in routes["events"])
    n = len(calls)
    again = run_export(sb, store, tmp_path / "out", fetch=unreachable)
    assert again.code == Exit.OK and len(calls) == n  # failures retried after a day, not every run
