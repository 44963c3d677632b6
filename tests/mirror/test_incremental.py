"""Incremental exports over the store: a repeat export with nothing new costs a handful of requests, a new
activity and a late-arriving one (inside the lookback) are picked up, the two-source duplicate is linked and
counted once, and a Strava stub is recorded as such."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from icucoach.store.db import Store

from .sandbox_world import TODAY, add_activity, run_export


@pytest.fixture(scope="module")
def state(sb, tmp_path_factory):
    d = tmp_path_factory.mktemp("incremental")
    store = Store.open(d / "archive.sqlite")
    first = run_export(sb, store, d / "out")
    yield {"store": store, "out": d / "out", "first": first}
    store.close()


def latest(state) -> dict:
    return json.loads((state["out"] / "latest.json").read_text())


def test_first_export_fetches_history(state) -> None:
    first = state["first"]
    assert first.code == 0, first.failures
    assert first.sync.full and first.sync.new > 1000
    assert first.requests > 8  # yearly chunks + details


def test_repeat_export_is_a_handful_of_requests(sb, state) -> None:
    again = run_export(sb, state["store"], state["out"])
    assert again.code == 0
    assert not again.sync.full
    assert again.requests <= 5, again.requests
    assert again.sync.new == again.sync.changed == again.sync.deleted == 0
    assert "history" not in again.changed and "intervals" not in again.changed


def test_new_activity_is_picked_up(sb, state) -> None:
    add_activity(sb, "i100001", "i99000001", TODAY, hour=18)
    res = run_export(sb, state["store"], state["out"])
    assert res.code == 0, res.failures
    assert res.sync.new == 1 and res.sync.new_ids == ["i99000001"]
    assert res.requests <= 8  # the four sync requests plus this activity's intervals and streams
    ids = [a["id"] for a in latest(state)["recent_activities"]]
    assert "i99000001" in ids
    assert {"latest", "history"} <= set(res.changed)


def test_late_activity_inside_lookback_is_picked_up(sb, state) -> None:
    late_day = TODAY - timedelta(days=5)
    add_activity(sb, "i100001", "i99000002", late_day, hour=6)
    res = run_export(sb, state["store"], state["out"])
    assert res.sync.new == 1 and "i99000002" in res.sync.new_ids
    hist = json.loads((state["out"] / "history.json").read_text())
    row = next(r for r in hist["daily_90d"] if r["date"] == late_day.isoformat())
    assert row["activity_count"] >= 1


def test_activity_deleted_upstream_disappears(sb, state) -> None:
    del sb.world.store("i100001").activities["i99000002"]
    res = run_export(sb, state["store"], state["out"])
    assert res.sync.deleted == 1
    assert "i99000002" not in [a["id"] for a in latest(state)["recent_activities"]]


def test_duplicate_linked_and_counted_once(sb, state) -> None:
    store: Store = state["store"]
    dups = store.duplicates("i100001")
    assert len(dups) == 1
    dropped, kept = next(iter(dups.items()))
    rows = {r["id"]: r for r in store.activity_rows("i100001")}
    day = rows[kept]["day"]
    assert rows[dropped]["day"] == day and rows[dropped]["duplicate_of"] == kept
    doc = latest(state)
    assert doc["metadata"]["duplicates_linked"] == dups
    hist = json.loads((state["out"] / "history.json").read_text())
    # the day's and the month's load count the session once: exactly the sum over kept activities
    kept_day = [r for r in rows.values() if r["day"] == day and r["duplicate_of"] is None]
    kept_month = [r for r in rows.values() if r["day"][:7] == day[:7] and r["duplicate_of"] is None]
    assert len(kept_day) < len([r for r in rows.values() if r["day"] == day])  # the day has the duplicate
    daily = next(x for x in hist["daily_90d"] if x["date"] == day)
    assert daily["activity_count"] == len(kept_day)
    assert daily["total_tss"] == round(sum(r["training_load"] or 0 for r in kept_day), 1)
    month = next(m for m in hist["monthly_3y"] if m["month"] == day[:7])
    assert month["total_tss"] == round(sum(r["training_load"] or 0 for r in kept_month))
    assert month["activity_count"] == len(kept_month)
    week = [w for w in hist["weekly_180d"] if w["week_start"] <= day][-1]
    assert week["duplicates_dropped"] == 1


def test_strava_stubs_recorded(state) -> None:
    rows = state["store"].activity_rows("i100001")
    stubs = [r for r in rows if r["source"] == "STRAVA"]
    assert stubs and all(r["is_stub"] and r["training_load"] is None for r in stubs)
