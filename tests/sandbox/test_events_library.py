"""Calendar events (list defaults, CRUD, partial PUT, server-side workout parsing, bulk upsert by external_id,
bulk and range deletes, resolve) and the workout library."""

from __future__ import annotations

import httpx
import pytest

from icucoach.sandbox.runner import RunningSandbox
from icucoach.sandbox.world import OAuthToken

from .conftest import CLIENT_ID

try:
    from icucoach.workouts import enrich_event  # noqa: F401

    HAVE_PARSER = True
except ImportError:  # pragma: no cover - the workouts package is built alongside
    HAVE_PARSER = False

needs_parser = pytest.mark.skipif(not HAVE_PARSER, reason="icucoach.workouts.enrich_event not available yet")
WORKOUT = {"category": "WORKOUT", "type": "Ride", "name": "Tempo", "start_date_local": "2026-11-25"}


def test_list_default_window_is_today_plus_six(ro_ana: httpx.Client) -> None:
    rows = ro_ana.get("/athlete/0/events").json()
    assert [e["id"] for e in rows] == [7001, 7002]  # today's workout and the note in 2 days; not the race
    ids = [e["id"] for e in ro_ana.get("/athlete/0/events", params={"oldest": "2026-11-22"}).json()]
    assert ids == [7004, 7001, 7002]
    wide = ro_ana.get(
        "/athlete/0/events.json", params={"oldest": "2026-11-01", "newest": "2027-01-31"}
    ).json()
    assert [e["id"] for e in wide] == [7004, 7001, 7002, 7003]
    assert wide[0]["paired_activity_id"] == "i5001"
    notes = ro_ana.get(
        "/athlete/0/events",
        params={"oldest": "2026-11-01", "newest": "2027-01-31", "category": "NOTE,RACE_A"},
    ).json()
    assert [e["category"] for e in notes] == ["NOTE", "RACE_A"]
    assert len(ro_ana.get("/athlete/0/events", params={"oldest": "2026-11-22", "limit": 1}).json()) == 1
    csv = ro_ana.get("/athlete/0/events.csv")
    assert csv.text.splitlines()[0].startswith("id,start_date_local,category")


def test_resolve_adds_absolute_targets(ro_ana: httpx.Client) -> None:
    plain = ro_ana.get("/athlete/0/events/7001").json()
    assert "_power" not in plain["workout_doc"]["steps"][0]
    steps = ro_ana.get("/athlete/0/events", params={"resolve": "true"}).json()[0]["workout_doc"]["steps"]
    assert steps[0]["_power"] == {"value": 150, "start": 150, "end": 150}  # 60 % of FTP 250
    assert steps[1]["_power"]["start"] == 220 and steps[1]["_power"]["end"] == 230
    assert steps[2]["_hr"]["start"] == 130 and steps[2]["_hr"]["end"] == 145  # HR zone 2 of the Ride settings


def test_get_unknown_event(ro_ana: httpx.Client) -> None:
    assert ro_ana.get("/athlete/0/events/123").status_code == 404
    assert ro_ana.get("/athlete/0/events/abc").status_code == 404


def test_create_validates(ana: httpx.Client) -> None:
    assert (
        ana.post("/athlete/0/events", json={"name": "x", "start_date_local": "2026-11-25"}).status_code == 422
    )
    assert ana.post("/athlete/0/events", json={"category": "WORKOUT"}).status_code == 422
    r = ana.post("/athlete/0/events", json={**WORKOUT, "category": "RACE"})
    assert r.status_code == 422 and "category" in r.json()["error"]
    assert ana.post("/athlete/0/events", json={**WORKOUT, "start_date_local": "soon"}).status_code == 422
    assert ana.post("/athlete/0/events", json=[WORKOUT]).status_code == 422


@needs_parser
def test_create_parses_workout_text(ana: httpx.Client) -> None:
    body = {**WORKOUT, "description": "- 10m 60%\n- 20m 90%\n- 10m 55%"}
    e = ana.post("/athlete/0/events", json=body).json()
    assert e["start_date_local"] == "2026-11-25T00:00:00" and e["athlete_id"] == "i1001"
    assert len(e["workout_doc"]["steps"]) == 3 and e["moving_time"] == 2400
    assert e["icu_training_load"] > 0 and e["icu_intensity"] > 50  # a percentage
    assert (
        e["updated"].endswith("+00:00") and e["created_by_id"] == "i1001" and e["paired_activity_id"] is None
    )
    assert ana.get(f"/athlete/0/events/{e['id']}").json() == e
    bad = ana.post("/athlete/0/events", json={**WORKOUT, "description": "ride nicely"}).json()
    assert bad["workout_doc"]["steps"] == []  # silent parse failure, as the real API


@needs_parser
def test_partial_put_keeps_unchanged_fields(ana: httpx.Client) -> None:
    e = ana.post(
        "/athlete/0/events", json={**WORKOUT, "description": "- 30m 70%", "color": "red", "tags": ["base"]}
    ).json()
    r = ana.put(f"/athlete/0/events/{e['id']}", json={"name": "Renamed"}).json()
    assert r["name"] == "Renamed"
    for key in ("description", "color", "tags", "workout_doc", "moving_time", "start_date_local", "type"):
        assert r[key] == e[key], key
    r = ana.put(f"/athlete/0/events/{e['id']}", json={"description": "- 1h 70%"}).json()
    assert r["moving_time"] == 3600 and r["name"] == "Renamed"
    assert ana.put("/athlete/0/events/424242", json={"name": "x"}).status_code == 404


def test_delete_event(ana: httpx.Client) -> None:
    assert ana.delete("/athlete/0/events/7002").status_code == 200
    assert ana.get("/athlete/0/events/7002").status_code == 404
    assert ana.delete("/athlete/0/events/7002").status_code == 404


def test_bulk_upsert_by_external_id_never_duplicates(sandbox: RunningSandbox, ana: httpx.Client) -> None:
    items = [{**WORKOUT, "external_id": f"plan-{i}", "name": f"W{i}"} for i in range(3)]
    first = ana.post("/athlete/0/events/bulk", params={"upsert": "true"}, json=items).json()
    again = ana.post(
        "/athlete/0/events/bulk",
        params={"upsert": "true"},
        json=[{**items[0], "name": "W0 changed"}, {"external_id": "plan-1", "name": "W1 b"}],
    ).json()
    assert [e["id"] for e in again] == [first[0]["id"], first[1]["id"]]
    assert again[1]["category"] == "WORKOUT" and again[1]["start_date_local"] == "2026-11-25T00:00:00"
    store = sandbox.world.athletes["i1001"]
    mine = [e for e in store.events.values() if str(e.get("external_id") or "").startswith("plan-")]
    assert len(mine) == 3 and {e["name"] for e in mine} == {"W0 changed", "W1 b", "W2"}
    # the same external_id from an OAuth app is a different event (matching is scoped to the creator)
    sandbox.world.oauth.tokens["t"] = OAuthToken("t", CLIENT_ID, "i1001", ("CALENDAR:WRITE",))
    url = sandbox.base_url + "/api/v1/athlete/0/events/bulk?upsert=true"
    app_events = httpx.post(url, json=[items[0]], headers={"Authorization": "Bearer t"}).json()
    assert app_events[0]["id"] != first[0]["id"] and isinstance(app_events[0]["oauth_client_id"], int)
    again_app = httpx.post(url, json=[items[0]], headers={"Authorization": "Bearer t"}).json()
    assert again_app[0]["id"] == app_events[0]["id"]
    # without upsert, bulk always creates
    plain = ana.post("/athlete/0/events/bulk", json=[items[2]]).json()
    assert plain[0]["id"] != first[2]["id"]


def test_bulk_delete_and_range_delete(ana: httpx.Client) -> None:
    created = ana.post(
        "/athlete/0/events/bulk",
        params={"upsert": "true"},
        json=[
            {**WORKOUT, "external_id": "x1"},
            {**WORKOUT, "external_id": "x2"},
            {"category": "NOTE", "name": "n", "start_date_local": "2026-12-10"},
        ],
    ).json()
    r = ana.put(
        "/athlete/0/events/bulk-delete",
        json=[{"external_id": "x1"}, {"id": created[1]["id"]}, {"id": 1}, {"external_id": "nope"}],
    )
    assert r.json() == {"eventsDeleted": 2}
    assert ana.delete("/athlete/0/events", params={"category": "NOTE"}).status_code == 400  # oldest required
    assert ana.delete("/athlete/0/events", params={"oldest": "2026-12-01"}).status_code == 400  # category too
    r = ana.delete("/athlete/0/events", params={"oldest": "2026-12-01", "category": "NOTE"})
    assert r.status_code == 200
    assert ana.get(f"/athlete/0/events/{created[2]['id']}").status_code == 404
    assert ana.get("/athlete/0/events/7002").status_code == 200  # a NOTE before oldest survives


def test_library_folders_and_workouts(ana: httpx.Client) -> None:
    folders = ana.get("/athlete/0/folders").json()
    assert folders[0]["children"][0]["id"] == 8101 and folders[0]["num_workouts"] == 1
    assert ana.post("/athlete/0/folders", json={"type": "FOLDER"}).status_code == 422
    f = ana.post("/athlete/0/folders", json={"name": "Run", "type": "FOLDER"}).json()
    assert f["children"] == [] and f["athlete_id"] == "i1001"
    assert ana.put(f"/athlete/0/folders/{f['id']}", json={"name": "Running"}).json()["name"] == "Running"
    w = ana.post(
        "/athlete/0/workouts",
        json={"name": "Easy", "type": "Ride", "folder_id": f["id"], "description": "- 45m 65%"},
    ).json()
    if HAVE_PARSER:
        assert w["moving_time"] == 2700 and w["workout_doc"]["steps"]
    assert ana.get(f"/athlete/0/workouts/{w['id']}").json()["name"] == "Easy"
    assert (
        ana.put(f"/athlete/0/workouts/{w['id']}", json={"name": "Easier"}).json()["description"]
        == "- 45m 65%"
    )
    assert ana.post("/athlete/0/workouts", json={"name": "x", "folder_id": 1}).status_code == 404
    assert ana.post("/athlete/0/workouts", json={"type": "Ride"}).status_code == 422
    copy = ana.post("/athlete/0/folders", json={"copy_folder_id": 8001}).json()
    assert copy["name"] == "Copy of Bike" and copy["children"][0]["id"] != 8101
    assert ana.delete(f"/athlete/0/workouts/{w['id']}").json() == [w["id"]]
    assert ana.get(f"/athlete/0/workouts/{w['id']}").status_code == 404
    assert ana.delete(f"/athlete/0/folders/{copy['id']}").status_code == 200
    assert all(x.get("folder_id") != copy["id"] for x in ana.get("/athlete/0/workouts").json())
    assert ana.delete("/athlete/0/folders/1").status_code == 404


def test_read_share_cannot_write_calendar(ben: httpx.Client, cleo: httpx.Client) -> None:
    assert cleo.post("/athlete/i1002/events", json=WORKOUT).status_code == 403
    assert cleo.get("/athlete/i1002/events").status_code == 200
    assert (
        cleo.post(
            "/athlete/i1001/events",
            json={"category": "NOTE", "name": "From coach", "start_date_local": "2026-11-26"},
        ).status_code
        == 200
    )
