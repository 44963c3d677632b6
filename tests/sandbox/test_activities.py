"""Activities, streams, intervals, messages, curves, best efforts, histograms, and the Strava stubs."""

from __future__ import annotations

import itertools

import httpx
import pytest

from icucoach.sandbox import analysis
from icucoach.sandbox.world import ActivityDetail

from .conftest import STRAVA_ID

STRAVA_ERROR = {"status": 422, "error": "Cannot read Strava activities via the API"}


def test_list_newest_first_window_limit_fields(ro_ana: httpx.Client) -> None:
    rows = ro_ana.get("/athlete/0/activities", params={"oldest": "2026-01-01"}).json()
    dates = [r["start_date_local"] for r in rows]
    assert dates == sorted(dates, reverse=True) and len(rows) == 4
    stub = next(r for r in rows if r["id"] == STRAVA_ID)
    assert stub["source"] == "STRAVA" and "_note" in stub and "icu_training_load" not in stub
    window = ro_ana.get(
        "/athlete/0/activities", params={"oldest": "2026-11-21", "newest": "2026-11-21"}
    ).json()
    assert [r["id"] for r in window] == ["i5002"]
    assert len(ro_ana.get("/athlete/0/activities", params={"oldest": "2000-01-01", "limit": 2}).json()) == 2
    picked = ro_ana.get(
        "/athlete/0/activities", params={"oldest": "2026-11-01", "fields": "id,description"}
    ).json()
    assert all(set(r) <= {"id", "description"} for r in picked) and {"id"} == set(picked[0])  # nulls dropped


def test_list_requires_oldest(ro_ana: httpx.Client) -> None:
    r = ro_ana.get("/athlete/0/activities")
    assert r.status_code == 400 and r.json()["error"] == "Bad Request"
    r = ro_ana.get("/athlete/0/activities", params={"oldest": "2026-01-01", "limit": "lots"})
    assert r.status_code == 500 and "MethodArgumentTypeMismatchException" in r.json()["error"]


def test_activity_with_and_without_intervals(ro_ana: httpx.Client) -> None:
    plain = ro_ana.get("/activity/i5001").json()
    assert "icu_intervals" not in plain and plain["start_date"].endswith("Z")
    full = ro_ana.get("/activity/i5001", params={"intervals": "true"}).json()
    assert len(full["icu_intervals"]) == 6 and full["icu_groups"][0]["count"] == 3
    dto = ro_ana.get("/activity/i5001/intervals").json()
    assert dto["id"] == "i5001" and dto["icu_intervals"] == full["icu_intervals"]
    assert ro_ana.get("/activity/i5003/intervals").json()["icu_intervals"] == []
    assert ro_ana.get("/activity/nope").status_code == 404


def test_strava_stub_restrictions(ana: httpx.Client) -> None:
    stub = ana.get(f"/activity/{STRAVA_ID}", params={"intervals": "true"}).json()
    assert stub["source"] == "STRAVA" and "icu_intervals" not in stub
    for path in (
        "intervals",
        "streams",
        "streams.json",
        "power-curve",
        "hr-curve.json",
        "pace-curve",
        "power-histogram",
        "best-efforts?stream=watts&duration=60",
    ):
        r = ana.get(f"/activity/{STRAVA_ID}/{path}")
        assert (r.status_code, r.json()) == (422, STRAVA_ERROR), path
    r = ana.put(f"/activity/{STRAVA_ID}", json={"name": "x"})
    assert (r.status_code, r.json()) == (422, STRAVA_ERROR)


def test_put_activity_partial(ana: httpx.Client) -> None:
    before = ana.get("/activity/i5001").json()
    r = ana.put("/activity/i5001", json={"name": "New", "icu_rpe": 7, "description": None, "id": "hack"})
    after = r.json()
    assert after["name"] == "New" and after["icu_rpe"] == 7 and after["id"] == "i5001"
    assert after["icu_training_load"] == before["icu_training_load"]
    assert ana.get("/activity/i5001").json()["name"] == "New"
    r = ana.put("/activity/i5001", json={"icu_rpe": "hard"})
    assert r.status_code == 422 and "icu_rpe" in r.json()["error"]
    assert (
        ana.put(
            "/activity/i5001", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 400
    )


def test_streams_types_latlng_and_csv(ro_ana: httpx.Client) -> None:
    all_streams = ro_ana.get("/activity/i5001/streams").json()
    assert {s["type"] for s in all_streams} >= {"time", "watts", "heartrate", "latlng"}
    picked = ro_ana.get("/activity/i5001/streams.json", params={"types": "latlng,watts"}).json()
    assert [s["type"] for s in picked] == ["latlng", "watts"]
    latlng = picked[0]
    assert latlng["data"][0] == pytest.approx(47.0) and latlng["data2"][0] == pytest.approx(8.0)
    for s in picked:
        assert set(s) >= {
            "type",
            "name",
            "data",
            "data2",
            "valueTypeIsArray",
            "anomalies",
            "custom",
            "allNull",
        }
    assert ro_ana.get("/activity/i5003/streams").json() == []
    csv = ro_ana.get("/activity/i5001/streams.csv", params={"types": "time,watts,latlng"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == "time,watts,lat,lng" and len(lines) == 3601


def test_best_efforts(ro_ana: httpx.Client) -> None:
    r = ro_ana.get(
        "/activity/i5001/best-efforts", params={"stream": "watts", "duration": 300, "count": 3}
    ).json()
    efforts = r["efforts"]
    assert len(efforts) == 3 and all(e["duration"] == 300 for e in efforts)
    assert efforts[0]["average"] >= efforts[1]["average"] >= efforts[2]["average"] > 280
    spans = sorted((e["start_index"], e["end_index"]) for e in efforts)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # no overlap
    by_dist = ro_ana.get(
        "/activity/i5002/best-efforts", params={"stream": "velocity_smooth", "distance": 1000}
    )
    assert by_dist.json()["efforts"][0]["distance"] >= 1000
    assert ro_ana.get("/activity/i5001/best-efforts", params={"duration": 60}).status_code == 400
    assert ro_ana.get("/activity/i5001/best-efforts", params={"stream": "watts"}).status_code == 422


def _non_increasing(values: list[float]) -> bool:
    return all(b <= a for a, b in itertools.pairwise(values))


def test_activity_curves_are_monotone(ro_ana: httpx.Client) -> None:
    power = ro_ana.get("/activity/i5001/power-curve.json").json()
    assert power["secs"][0] == 1 and power["secs"][-1] == 3600 and _non_increasing(power["values"])
    assert power["values"][power["secs"].index(300)] >= 285
    assert len(power["watts_per_kg"]) == len(power["values"])
    hr = ro_ana.get("/activity/i5001/hr-curve").json()
    assert _non_increasing(hr["values"])
    pace = ro_ana.get("/activity/i5002/pace-curve").json()
    assert pace["distance"][0] == 100.0 and pace["values"] == sorted(pace["values"])
    assert ro_ana.get("/activity/i5002/power-curve").json()["values"] == []  # a run without power


def test_mean_max_carry_back() -> None:
    curve = analysis._mean_max_curve(analysis.np.array([10.0, 0.0, 10.0]), (1, 2, 3))
    assert curve["values"] == [10, 7, 7]  # best 2 s (5 W) lifted to the best 3 s average


def test_histograms(ro_ana: httpx.Client) -> None:
    power = ro_ana.get("/activity/i5001/power-histogram").json()
    assert sum(b["secs"] for b in power) == 3600 and all(b["start"] % 25 == 0 for b in power)
    hr = ro_ana.get("/activity/i5001/hr-histogram", params={"bucketSize": 10}).json()
    assert sum(b["secs"] for b in hr) == 3600
    pace = ro_ana.get("/activity/i5002/pace-histogram").json()
    assert sum(b["secs"] for b in pace) == 2400


def test_athlete_curve_sets(ro_ana: httpx.Client) -> None:
    params = {"type": "Ride", "curves": "1y,42d,s0,all,r.2026-01-01.2026-03-31"}
    data = ro_ana.get("/athlete/0/power-curves", params=params).json()
    assert [c["id"] for c in data["list"]] == params["curves"].split(",")
    one_year = data["list"][0]
    assert one_year["days"] == 365 and one_year["end_date_local"] == "2026-11-23T00:00:00"
    assert _non_increasing(one_year["values"]) and set(one_year["activity_id"]) == {"i5001"}
    assert set(data["activities"]) == {"i5001"}
    assert data["list"][4]["values"] == []  # nothing in that range
    assert ro_ana.get("/athlete/0/power-curves").status_code == 400  # type is required
    assert (
        ro_ana.get("/athlete/0/power-curves", params={"type": "Ride", "curves": "bogus"}).status_code == 422
    )
    pace = ro_ana.get("/athlete/0/pace-curves.json", params={"type": "Run", "curves": "42d"}).json()
    assert pace["list"][0]["values"] == sorted(pace["list"][0]["values"]) and pace["list"][0]["distance"]
    hr = ro_ana.get("/athlete/0/hr-curves", params={"type": "Ride"}).json()
    assert _non_increasing(hr["list"][0]["values"])


def test_curves_cached_per_activity() -> None:
    calls = []

    def streams() -> list[dict]:
        calls.append(1)
        return [{"type": "watts", "data": [100, 200, 300, 200]}]

    detail = ActivityDetail(streams=streams)
    first = analysis.power_curve(detail)
    analysis._recent.clear()
    assert analysis.power_curve(detail) is first and len(calls) == 1


def test_messages(ana: httpx.Client, cleo: httpx.Client) -> None:
    assert [m["content"] for m in ana.get("/activity/i5001/messages").json()] == ["Nice work"]
    r = cleo.post("/activity/i5001/messages", json={"content": "Keep it up"})
    assert r.status_code == 200 and isinstance(r.json()["id"], int)
    rows = ana.get("/activity/i5001/messages").json()
    assert rows[-1]["athlete_id"] == "i1003" and rows[-1]["created"].endswith("+00:00")
    assert ana.get("/activity/i5001/messages", params={"sinceId": rows[-1]["id"]}).json() == []
    assert ana.post("/activity/i5001/messages", json={"content": ""}).status_code == 422


def test_activities_csv(ro_ana: httpx.Client) -> None:
    r = ro_ana.get("/athlete/0/activities.csv")
    assert r.status_code == 200 and r.text.splitlines()[0].startswith("id,start_date_local,type")
