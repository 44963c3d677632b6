"""Value-level checks of ``latest.json`` and ``history.json``, independent of the golden files and of
``icucoach.analytics``: a few numbers recomputed here, with plain arithmetic written out in the test, from
the raw API data of the sandbox athlete (activities and wellness as ``GET /api/v1/...`` returns them).

The goldens are regenerated from the code, so they cannot catch a wrong window or a dropped key that the
code itself produced; these checks can. Definitions are the published ones (``metrics.md`` §1-§3).
"""

from __future__ import annotations

import copy
import json
import math
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from icucoach.mirror.files import FILES, schema, schema_mismatch, validate
from icucoach.sandbox.runner import RunningSandbox
from icucoach.store.db import Store

from .sandbox_world import TODAY, run_export

Json = dict[str, Any]


@pytest.fixture(scope="module")
def exported(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Json]:
    """Every file of one export, by kind."""
    d = tmp_path_factory.mktemp("values")
    store = Store.open(d / "archive.sqlite")
    result = run_export(sb, store, d / "out", privacy="none")
    store.close()
    assert result.code == 0, (result.message, result.failures)
    out: Path = d / "out"
    return {kind: json.loads((out / f"{kind}.json").read_text()) for kind in FILES}


@pytest.fixture(scope="module")
def raw(sb: RunningSandbox) -> tuple[list[Json], dict[str, Json]]:
    """Every activity and wellness record of the athlete, straight from the API."""
    acc = sb.account("athlete", 0)
    window = {"oldest": (TODAY - timedelta(days=4 * 365)).isoformat(), "newest": TODAY.isoformat()}
    with httpx.Client(
        base_url=sb.base_url + "/api/v1", auth=httpx.BasicAuth("API_KEY", acc.api_key), timeout=30
    ) as api:
        activities = api.get("/athlete/0/activities", params=window).raise_for_status().json()
        wellness = api.get("/athlete/0/wellness", params=window).raise_for_status().json()
    return activities, {w["id"]: w for w in wellness}


@pytest.fixture(scope="module")
def loads(raw: tuple[list[Json], dict[str, Json]], exported: dict[str, Json]) -> dict[date, float]:
    """Summed icu_training_load per local day, each session once (the linked duplicate left out)."""
    activities, _ = raw
    dropped = set(exported["latest"]["metadata"]["duplicates_linked"])
    assert dropped, "the sandbox athlete has a two-device duplicate"
    per_day: dict[date, float] = defaultdict(float)
    for a in activities:
        if a["id"] not in dropped:
            per_day[date.fromisoformat(a["start_date_local"][:10])] += a.get("icu_training_load") or 0.0
    return per_day


def days_back(per_day: dict[date, float], first: int, last: int) -> list[float]:
    """Loads from ``first`` days back to ``last`` days back (0 = today), oldest first; rest days are 0."""
    return [per_day.get(TODAY - timedelta(days=n), 0.0) for n in range(first, last - 1, -1)]


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_acwr_is_7_over_28_days_of_load(exported: dict[str, Json], loads: dict[date, float]) -> None:
    derived = exported["latest"]["derived_metrics"]
    acute, chronic = days_back(loads, 6, 0), days_back(loads, 27, 0)
    assert len(acute) == 7 and len(chronic) == 28
    assert derived["acwr"] == round(mean(acute) / mean(chronic), 2)
    # uncoupled: the chronic window is days 8-35 back, excluding the acute week
    assert derived["acwr_uncoupled"] == round(mean(acute) / mean(days_back(loads, 34, 7)), 2)
    # start of day: the same windows ending yesterday
    sod = derived["acwr_start_of_day"]
    assert sod["acute_days"] == 7 and sod["chronic_days"] == 28
    assert sod["value"] == round(mean(days_back(loads, 7, 1)) / mean(days_back(loads, 28, 1)), 2)


def test_acwr_ewma_is_williams_2017(exported: dict[str, Json], loads: dict[date, float]) -> None:
    # lambda = 2/(N+1); over years of history the seed has long been forgotten
    first = min(loads)
    acute = chronic = mean(days_back(loads, (TODAY - first).days, (TODAY - first).days - 27))
    for n in range((TODAY - first).days, -1, -1):
        load = loads.get(TODAY - timedelta(days=n), 0.0)
        acute = load * 2 / 8 + acute * (1 - 2 / 8)
        chronic = load * 2 / 29 + chronic * (1 - 2 / 29)
    assert exported["latest"]["derived_metrics"]["acwr_ewma"] == round(acute / chronic, 2)


def test_monotony_and_strain_of_the_last_7_days(exported: dict[str, Json], loads: dict[date, float]) -> None:
    week = days_back(loads, 6, 0)
    sd = math.sqrt(sum((x - mean(week)) ** 2 for x in week) / 6)  # sample SD, as Section 11
    derived = exported["latest"]["derived_metrics"]
    assert derived["monotony"] == round(mean(week) / sd, 2)
    assert derived["strain"] == round(sum(week) * mean(week) / sd)


def test_deduplicated_fitness_is_the_42_7_day_replay(
    exported: dict[str, Json], loads: dict[date, float]
) -> None:
    ctl = atl = 0.0
    first = min(loads)
    for n in range((TODAY - first).days, -1, -1):
        load = loads.get(TODAY - timedelta(days=n), 0.0)
        ctl += (load - ctl) * (1 - math.exp(-1 / 42))
        atl += (load - atl) * (1 - math.exp(-1 / 7))
    dedup = exported["latest"]["current_status"]["fitness"]["deduplicated"]
    assert dedup is not None, "the duplicate recording makes our replay differ from Intervals.icu's"
    assert dedup["ctl"] == round(ctl, 1)
    assert dedup["atl"] == round(atl, 1)
    assert dedup["tsb"] == round(ctl - atl, 1)  # same-day form, as Intervals.icu shows it
    assert dedup["duplicates_dropped"] == sorted(exported["latest"]["metadata"]["duplicates_linked"])
    assert "duplicate" in dedup["note"]


def test_fitness_is_what_intervals_shows_today(sb: RunningSandbox, exported: dict[str, Json]) -> None:
    """CTL/ATL/TSB/ramp of latest.json are ``GET /athlete/{id}/wellness/{today}``'s, everywhere, and agree
    with history.json's row of the same day."""
    acc = sb.account("athlete", 0)
    with httpx.Client(
        base_url=sb.base_url + "/api/v1", auth=httpx.BasicAuth("API_KEY", acc.api_key), timeout=30
    ) as api:
        w = api.get(f"/athlete/0/wellness/{TODAY.isoformat()}").raise_for_status().json()
    latest, history = exported["latest"], exported["history"]
    fitness = latest["current_status"]["fitness"]
    assert fitness["ctl"] == round(w["ctl"], 1) and fitness["atl"] == round(w["atl"], 1)
    assert fitness["tsb"] == round(w["ctl"] - w["atl"], 1)
    assert fitness["ramp_rate"] == round(w["rampRate"], 2)
    assert fitness["fitness_source"] == f"Intervals.icu wellness of {TODAY.isoformat()}"
    quick = latest["READ_THIS_FIRST"]["quick_stats"]
    assert (quick["ctl"], quick["tsb"]) == (fitness["ctl"], fitness["tsb"])
    basis = latest["derived_metrics"]["phase_detection"]["basis"]
    assert (basis["ctl"], basis["form"]) == (fitness["ctl"], fitness["tsb"])
    row = history["daily_90d"][-1]
    assert row["date"] == TODAY.isoformat()
    assert (row["ctl"], row["atl"], row["tsb"]) == (fitness["ctl"], fitness["atl"], fitness["tsb"])
    week = history["weekly_180d"][-1]
    assert (week["ctl_end"], week["tsb_end"], week["ramp_rate"]) == (
        fitness["ctl"],
        fitness["tsb"],
        fitness["ramp_rate"],
    )


def test_quick_stats_total_the_last_7_days(exported: dict[str, Json], loads: dict[date, float]) -> None:
    quick = exported["latest"]["READ_THIS_FIRST"]["quick_stats"]
    assert quick["window_days"] == 7
    assert quick["total_tss"] == pytest.approx(sum(days_back(loads, 6, 0)))


def test_weekly_summary_is_the_rolling_7_days(
    exported: dict[str, Json], loads: dict[date, float], raw: tuple[list[Json], dict[str, Json]]
) -> None:
    """Section 11's ``weekly_summary``: the 7 days up to today, whatever the training week; the week so far
    is ``calendar_week_summary``."""
    _, wellness = raw
    latest = exported["latest"]
    week = latest["weekly_summary"]
    assert week["start"] == (TODAY - timedelta(days=6)).isoformat() and week["end"] == TODAY.isoformat()
    assert week["total_tss"] == round(sum(days_back(loads, 6, 0)))
    days = [wellness.get((TODAY - timedelta(days=n)).isoformat(), {}) for n in range(7)]
    hrv = [w["hrv"] for w in days if w.get("hrv") is not None]
    assert week["avg_hrv"] == round(mean(hrv), 1)
    assert (
        latest["calendar_week_summary"]["week_start"] == (TODAY - timedelta(days=TODAY.weekday())).isoformat()
    )
    by_type = latest["summary"]["by_activity_type"]
    assert sum(t["count"] for t in by_type.values()) == latest["summary"]["total_activities"]


def test_90_day_total_activities_counts_active_days(exported: dict[str, Json]) -> None:
    daily = exported["history"]["daily_90d"]
    s90 = exported["history"]["summaries"]["90d"]
    assert s90["total_activities"] == sum(1 for d in daily if d["activity_count"]) == s90["active_days"]
    assert s90["activity_count"] == sum(d["activity_count"] for d in daily)


def test_daily_rows_carry_the_day_load_and_the_wellness(
    exported: dict[str, Json], loads: dict[date, float], raw: tuple[list[Json], dict[str, Json]]
) -> None:
    _, wellness = raw
    daily = exported["history"]["daily_90d"]
    assert len(daily) == 90 and daily[-1]["date"] == TODAY.isoformat()
    for row in daily:
        day = date.fromisoformat(row["date"])
        assert row["total_tss"] == round(loads.get(day, 0.0), 1), row["date"]
        w = wellness[row["date"]]
        assert row["ctl"] == round(w["ctl"], 1) and row["atl"] == round(w["atl"], 1)


def test_weekly_rows_total_their_days_and_ratio_section11(
    exported: dict[str, Json], loads: dict[date, float]
) -> None:
    weekly = exported["history"]["weekly_180d"]
    complete = [w for w in weekly if w["complete"]]
    assert len(complete) >= 25

    def week_load(start: date) -> float:
        return sum(loads.get(start + timedelta(days=i), 0.0) for i in range(7))

    for w in complete:
        start = date.fromisoformat(w["week_start"])
        assert start.weekday() == 0  # weeks start on Monday (week_start 0)
        assert w["total_tss"] == round(week_load(start), 1), w["week_start"]
        # Section 11's weekly ACWR: (this week / 7) / (previous three weeks / 21)
        before = [week_load(start - timedelta(days=7 * k)) for k in (1, 2, 3)]
        assert w["acwr"] == round((week_load(start) / 7) / (sum(before) / 21), 2), w["week_start"]


def test_monthly_rows_total_their_days(exported: dict[str, Json], loads: dict[date, float]) -> None:
    for m in exported["history"]["monthly_3y"]:
        total = sum(v for d, v in loads.items() if d.strftime("%Y-%m") == m["month"] and d <= TODAY)
        assert m["total_tss"] == round(total), m["month"]


# ------------------------------------------------------------------------------------------------ schemas
# The only keys a file may leave out: each depends on the data (a power meter, a label, GPS for a polyline,
# a persisting alert, a fetch that failed). Every other key a schema describes is required.
CONDITIONAL_KEYS = {
    "latest.alerts[].persistence_days",
    "intervals.activities[].intervals[].label",
    "intervals.activities[].intervals[].avg_power",
    "intervals.activities[].intervals[].max_power",
    "intervals.activities[].intervals[].normalized_power",
    "intervals.activities[].intervals[].zone",
    "intervals.activities[].intervals[].w_bal_start",
    "intervals.activities[].intervals[].w_bal_end",
    "intervals.activities[].intervals[].training_load",
    "intervals.activities[].intervals[].distance_km",
    "intervals.activities[].intervals[].avg_speed_kmh",
    "intervals.activities[].intervals[].avg_dfa_a1",
    # Section 11 strips nulls from each interval: a swim or a run without a sensor has no HR or cadence
    "intervals.activities[].intervals[].moving_secs",
    "intervals.activities[].intervals[].avg_hr",
    "intervals.activities[].intervals[].max_hr",
    "intervals.activities[].intervals[].min_hr",
    "intervals.activities[].intervals[].avg_cadence",
    "intervals.fetch_state.*.intervals.source_icu_sync_date",
    "intervals.fetch_state.*.intervals.message",
    "intervals.fetch_state.*.streams.message",
}


def optional_keys(node: Any, path: str) -> set[str]:
    """Paths of properties a (sub)schema describes but does not require."""
    found: set[str] = set()
    if not isinstance(node, dict):
        return found
    props = node.get("properties") or {}
    required = set(node.get("required") or [])
    for key, sub in props.items():
        if key not in required:
            found.add(f"{path}.{key}")
        found |= optional_keys(sub, f"{path}.{key}")
    if isinstance(node.get("items"), dict):
        found |= optional_keys(node["items"], path + "[]")
    if isinstance(node.get("additionalProperties"), dict):
        found |= optional_keys(node["additionalProperties"], path + ".*")
    for combinator in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(combinator) or []:
            found |= optional_keys(sub, path)
    return found


def test_schemas_require_every_key_the_files_promise() -> None:
    optional: set[str] = set()
    for kind in FILES:
        optional |= optional_keys(schema(kind), kind)
    assert optional == CONDITIONAL_KEYS


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("latest", ["derived_metrics", "acwr_ewma"]),
        ("latest", ["derived_metrics", "acwr_uncoupled"]),
        ("latest", ["current_status", "fitness", "tsb"]),
        ("history", ["weekly_180d", 0, "acwr"]),
        ("history", ["daily_90d", 0, "total_tss"]),
        ("intervals", ["activities", 0, "zone_basis"]),
    ],
)
def test_a_file_missing_a_promised_key_is_rejected(
    exported: dict[str, Json], kind: str, path: list[Any]
) -> None:
    broken = copy.deepcopy(exported[kind])
    validate(kind, broken)  # complete: valid
    parent = broken
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    with pytest.raises(jsonschema.ValidationError, match=str(path[-1])):
        validate(kind, broken)
    mismatch = schema_mismatch(kind, broken)  # what an export under --debug reports, writing nothing
    assert mismatch is not None and mismatch.startswith("does not match its schema at ")
    assert str(path[-1]) in mismatch and schema_mismatch(kind, exported[kind]) is None


def test_every_outdoor_gps_activity_has_terrain(sb: RunningSandbox, tmp_path: Path) -> None:
    """Every outdoor GPS activity of ``recent_activities`` (28 days, older than the 14 days of other
    streams too) has a terrain summary with display blocks; without stored streams it is ``not_fetched``,
    never a claim about its data (``no_gps`` only when its stream list or streams lack coordinates)."""
    from icucoach.mirror.activity_fields import OUTDOOR, activity_terrain

    store = Store.open(tmp_path / "archive.sqlite")
    try:
        result = run_export(sb, store, tmp_path / "out", privacy="none")
        assert result.code == 0, (result.message, result.failures)
        latest = json.loads((tmp_path / "out" / "latest.json").read_text())
    finally:
        store.close()
    outdoor = [a for a in latest["recent_activities"] if a["type"] in OUTDOOR and not a["strava_stub"]]
    with_gps = [a for a in outdoor if a["has_gps"]]
    old = (TODAY - timedelta(days=14)).isoformat()
    assert any(a["date"][:10] < old for a in with_gps), "the sandbox has GPS rides older than 14 days"
    for a in with_gps:
        t = a["terrain_summary"]
        assert t is not None and a["terrain_status"] is None, a["id"]
        assert t["source"] == "activity_streams" and "polyline" not in t
        assert t["display"]["total_distance"] == {"value": round(t["total_distance_km"], 2), "unit": "km"}
        assert set(t["grade_distribution"]) == {"flat_pct", "gentle_pct", "moderate_pct", "steep_pct"}
    # streams the store never fetched, and fetched streams that really lack coordinates / altitude
    assert activity_terrain(None) == (None, "not_fetched")
    assert activity_terrain(None, has_gps=False) == (None, "no_gps")
    assert activity_terrain([]) == (None, "no_gps")
    assert activity_terrain([{"type": "heartrate", "data": [120] * 60}]) == (None, "no_gps")
    ll = {"type": "latlng", "data": [-33.8 + i * 1e-4 for i in range(60)], "data2": [151.2] * 60}
    assert activity_terrain([ll]) == (None, "no_elevation")
