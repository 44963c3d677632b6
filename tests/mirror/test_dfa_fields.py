"""DFA α1 and intervals.json coverage end to end: which sessions intervals.json lists (every endurance session
of the retention window, structured or not), that each ``dfa`` block is ``analytics.dfa`` of the API's own
streams, the latest.json fields built from them, and ``fetch_state``'s bookkeeping over two runs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from icucoach.analytics import dfa
from icucoach.analytics.inputs import from_api_activity, sport_family
from icucoach.mirror.files import FILES
from icucoach.sandbox.runner import RunningSandbox
from icucoach.store.db import Store

from .sandbox_world import TODAY, run_export

Json = dict[str, Any]
FAMILIES = {"cycling", "run", "ski", "rowing", "swim"}


@pytest.fixture(scope="module")
def runs(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Json]]:
    """The files of two exports into one store (the second fetches nothing new)."""
    d = tmp_path_factory.mktemp("dfa")
    store = Store.open(d / "archive.sqlite")
    out = []
    for _ in range(2):
        result = run_export(sb, store, d / "out", privacy="none")
        assert result.code == 0, (result.message, result.failures)
        out.append({kind: json.loads((Path(d / "out") / f"{kind}.json").read_text()) for kind in FILES})
    store.close()
    return out


@pytest.fixture(scope="module")
def api(sb: RunningSandbox):
    acc = sb.account("athlete", 0)
    with httpx.Client(
        base_url=sb.base_url + "/api/v1", auth=httpx.BasicAuth("API_KEY", acc.api_key), timeout=30
    ) as client:
        yield client


@pytest.fixture(scope="module")
def window(api: httpx.Client) -> list[Json]:
    """The API's non-stub endurance activities dated today-14 .. today, newest first."""
    params = {"oldest": (TODAY - timedelta(days=14)).isoformat(), "newest": TODAY.isoformat()}
    acts = api.get("/athlete/0/activities", params=params).raise_for_status().json()
    acts = [a for a in acts if sport_family(a.get("type")) in FAMILIES and not from_api_activity(a).is_stub]
    return sorted(acts, key=lambda a: a["start_date_local"], reverse=True)


def test_every_endurance_session_is_listed_structured_or_not(runs, window) -> None:
    intervals = runs[0]["intervals"]
    listed = [a["activity_id"] for a in intervals["activities"]]
    assert listed == [str(a["id"]) for a in window]  # every one has laps or intervals in the sandbox
    unstructured = [a for a in intervals["activities"] if not a["interval_summary"]]
    assert unstructured and all(a["intervals"] for a in unstructured)
    assert intervals["script_hash"] and len(intervals["script_hash"]) == 12


def test_dfa_blocks_are_the_analytics_of_the_api_streams(runs, api) -> None:
    with_dfa = [a for a in runs[0]["intervals"]["activities"] if a["dfa"] is not None]
    assert with_dfa
    for entry in with_dfa:
        got = api.get(f"/activity/{entry['activity_id']}/streams").raise_for_status().json()
        by_type = {s["type"]: s["data"] for s in got}
        assert "artifacts" in by_type
        want = dfa.session_block(
            *(by_type.get(k) for k in ("dfa_a1", "artifacts", "heartrate", "watts", "time"))
        )
        assert entry["dfa"] == want, entry["activity_id"]


def test_latest_fields_follow_the_blocks(runs) -> None:
    blocks = {a["activity_id"]: a["dfa"] for a in runs[0]["intervals"]["activities"] if a["dfa"]}
    latest = runs[0]["latest"]
    for act in latest["recent_activities"]:
        block = blocks.get(act["id"])
        assert act["has_dfa"] is (block is not None)
        if block and block["quality"]["sufficient"]:
            assert act["dfa_summary"] == dfa.summary(block)
        else:
            assert act["dfa_summary"] is None
    prof = latest["derived_metrics"]["capability"]["dfa_a1_profile"]
    newest = max(
        (a for a in runs[0]["intervals"]["activities"] if a["dfa"]), key=lambda a: a["start_datetime"]
    )
    assert prof["latest_session"]["activity_id"] == newest["activity_id"]
    assert set(prof["trailing_by_sport"]) <= FAMILIES


def test_fetch_state_counts_requests_once_per_activity_version(runs, window) -> None:
    first, second = runs[0]["intervals"]["fetch_state"], runs[1]["intervals"]["fetch_state"]
    assert sorted(first) == sorted(str(a["id"]) for a in window)
    blocks = {a["activity_id"]: a["dfa"] for a in runs[0]["intervals"]["activities"]}
    for aid, state in first.items():
        assert state["intervals"]["attempts"] == 1 and state["intervals"]["status"] == "ok"
        assert state["intervals"]["first_seen"] == state["intervals"]["last_attempt"]
        streams = state["streams"]
        assert (streams["status"], streams["reason"]) == (
            ("ok", "ok") if blocks.get(aid) else ("tombstone", "no_data")
        )
        assert isinstance(state["paired_planned"], bool)
    assert second == first  # nothing refetched: the same attempts and timestamps
