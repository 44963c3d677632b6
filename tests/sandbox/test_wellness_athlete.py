"""Wellness upserts and lists; athlete, profile and sport settings; gear."""

from __future__ import annotations

import httpx


def test_wellness_list_ascending_fields_and_csv(ro_ana: httpx.Client) -> None:
    rows = ro_ana.get("/athlete/0/wellness", params={"oldest": "2026-11-20", "newest": "2026-11-22"}).json()
    assert [r["id"] for r in rows] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert "hrvSDNN" in rows[0] and rows[0]["hrvSDNN"] is None  # nulls present without fields=
    picked = ro_ana.get(
        "/athlete/0/wellness.json", params={"oldest": "2026-11-22", "fields": "id,ctl,hrvSDNN"}
    ).json()
    assert picked == [{"id": "2026-11-22", "ctl": 51.0}, {"id": "2026-11-23", "ctl": 50.0}]
    csv = ro_ana.get("/athlete/0/wellness.csv", params={"oldest": "2026-11-23", "fields": "ctl,atl"})
    assert csv.text.splitlines() == ["id,ctl,atl", "2026-11-23,50.0,55.0"]


def test_wellness_day_get_put_partial_and_unset(ana: httpx.Client) -> None:
    day = "2026-11-23"
    r = ana.put(f"/athlete/0/wellness/{day}", json={"sleepSecs": 30000, "hrv": -1, "ctl": 1.0})
    rec = r.json()
    assert rec["sleepSecs"] == 30000 and rec["hrv"] is None  # -1 unsets
    assert rec["ctl"] == 50.0 and rec["restingHR"] == 48  # computed fields not writable; others kept
    assert rec["updated"].endswith("+00:00") and rec["updated"] != "2026-11-23T06:00:00.000+00:00"
    assert ana.get(f"/athlete/0/wellness/{day}").json()["sleepSecs"] == 30000
    assert ana.get("/athlete/0/wellness/2026-01-01").status_code == 404
    created = ana.put("/athlete/0/wellness/2026-01-01", json={"weight": 61.5}).json()
    assert created["id"] == "2026-01-01" and created["weight"] == 61.5 and created["restingHR"] is None
    bad = ana.put(f"/athlete/0/wellness/{day}", json={"mojo": 3})
    assert bad.status_code == 422 and "mojo" in bad.json()["error"]
    assert ana.put(f"/athlete/0/wellness/{day}", json={"soreness": "high"}).status_code == 422
    assert ana.put("/athlete/0/wellness/not-a-date", json={}).status_code == 422


def test_wellness_put_with_id_and_bulk(ana: httpx.Client) -> None:
    r = ana.put("/athlete/0/wellness", json={"id": "2026-11-22", "mood": 3})
    assert r.json()["mood"] == 3
    assert ana.put("/athlete/0/wellness", json={"mood": 3}).status_code == 422
    r = ana.put(
        "/athlete/0/wellness-bulk", json=[{"id": "2026-11-21", "stress": 4}, {"id": "2026-10-01", "steps": 5}]
    )
    assert r.status_code == 200 and r.content == b""
    assert ana.get("/athlete/0/wellness/2026-11-21").json()["stress"] == 4
    assert ana.get("/athlete/0/wellness/2026-10-01").json()["steps"] == 5
    assert ana.put("/athlete/0/wellness-bulk", json=[{"stress": 4}]).status_code == 422
    assert ana.put("/athlete/0/wellness-bulk", json={"id": "2026-11-21"}).status_code == 422


def test_wellness_local_date_updates_athlete(ana: httpx.Client) -> None:
    ana.put("/athlete/0/wellness/2026-11-23", params={"localDate": "2026-11-23"}, json={"weight": 60.0})
    assert ana.get("/athlete/0").json()["icu_weight"] == 60.0


def test_athlete_profile_and_update(ana: httpx.Client) -> None:
    a = ana.get("/athlete/0").json()
    assert a["timezone"] == "America/Los_Angeles" and len(a["sportSettings"]) == 3 and a["custom_items"] == []
    profile = ana.get("/athlete/0/profile").json()
    assert profile["athlete"]["id"] == "i1001" and profile["sharedFolders"] == []
    r = ana.put("/athlete/0", json={"icu_resting_hr": 45, "id": "i9", "plan": "PREMIUM"})
    assert r.json()["icu_resting_hr"] == 45 and r.json()["id"] == "i1001" and r.json()["plan"] == "FREE"
    assert "sportSettings" not in r.json()
    assert ana.put("/athlete/0", json={"icu_resting_hr": "low"}).status_code == 422


def test_sport_settings(ana: httpx.Client) -> None:
    rows = ana.get("/athlete/0/sport-settings").json()
    assert [s["id"] for s in rows] == [11, 12, 13]
    assert ana.get("/athlete/0/sport-settings/VirtualRide").json()["id"] == 11
    assert ana.get("/athlete/0/sport-settings/12").json()["types"][0] == "Run"
    assert ana.get("/athlete/0/sport-settings/Rowing").status_code == 404
    assert ana.get("/athlete/0/sport-settings/99").status_code == 404
    r = ana.put("/athlete/0/sport-settings/Ride", params={"recalcHrZones": "false"}, json={"ftp": 260})
    assert r.json()["ftp"] == 260 and r.json()["lthr"] == 165
    assert ana.put("/athlete/0/sport-settings/11", json={"power_zones": [80, 60]}).status_code == 422
    multi = ana.put("/athlete/0/sport-settings", json=[{"id": 12, "lthr": 175}]).json()
    assert next(s for s in multi if s["id"] == 12)["lthr"] == 175
    created = ana.post("/athlete/0/sport-settings", json={"types": ["Rowing"], "ftp": 200}).json()
    assert (
        created["athlete_id"] == "i1001" and ana.get("/athlete/0/sport-settings/Rowing").json()["ftp"] == 200
    )
    assert ana.post("/athlete/0/sport-settings", json={"types": ["Ride"]}).status_code == 422


def test_gear(ro_ana: httpx.Client) -> None:
    assert [g["id"] for g in ro_ana.get("/athlete/0/gear").json()] == ["b1"]
    assert ro_ana.get("/athlete/0/gear.json").status_code == 200
