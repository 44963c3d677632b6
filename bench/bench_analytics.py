"""Analytics benchmark: the whole suite for a synthetic three-year athlete (deterministic inputs built here).

Figures: wall time of the training-status digest (fitness replay, ACWR, monotony, TID, recovery, readiness,
alerts, phase, races, compliance), of the stream metrics on a 3-hour 1 Hz ride, and of the CP fits; plus
the replay's agreement with the wellness CTL/ATL. Goal: the digest well under one second.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import numpy as np

from icucoach.analytics.cp import fit_cp2, fit_cp3
from icucoach.analytics.curves import durability, duration_grid, envelope
from icucoach.analytics.hr import decoupling, hr_drift, hrss, trimp
from icucoach.analytics.load import pmc_series
from icucoach.analytics.power import mean_max, power_summary
from icucoach.analytics.running import riegel, training_paces, vdot
from icucoach.analytics.status import training_status
from icucoach.analytics.wbal import wbal_differential, wbal_integral

TODAY = date(2026, 11, 23)
DAYS = 1096
POWER_ZONES = [55, 75, 90, 105, 120, 150, 999]
HR_ZONES = [136, 151, 159, 168, 185]  # 5-zone HR model (bpm upper bounds), LTHR 165
PACE_ZONES = [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999]


def synthetic_athlete(seed: int = 7, today: date = TODAY, days: int = DAYS) -> dict:
    """API-shaped activities, wellness, events and sport settings for ``days`` days ending ``today``."""
    rng = np.random.default_rng(seed)
    start = today - timedelta(days=days - 1)
    acts: list[dict] = []
    daily = np.zeros(days)
    aid = 0
    for i in range(days):
        d = start + timedelta(days=i)
        week_block = (i // 7) % 4  # 3 weeks build, 1 week easy
        if week_block < 3:
            n = rng.choice([0, 1, 2], p=[0.08, 0.62, 0.30])
        else:
            n = rng.choice([0, 1, 2], p=[0.3, 0.6, 0.1])
        for k in range(int(n)):
            aid += 1
            sport = rng.choice(
                ["Ride", "VirtualRide", "Run", "Swim", "WeightTraining"], p=[0.4, 0.18, 0.3, 0.06, 0.06]
            )
            hard = rng.random() < 0.3
            secs = int(rng.uniform(2400, 10800 if sport in ("Ride", "VirtualRide") else 5400))
            intensity = rng.uniform(0.82, 0.95) if hard else rng.uniform(0.6, 0.75)
            load = round(secs / 3600 * intensity**2 * 100)
            t = datetime(d.year, d.month, d.day, 7 + 6 * k, int(rng.integers(0, 59)))
            a = {
                "id": f"i{aid}",
                "start_date_local": t.isoformat(),
                "type": sport,
                "source": "GARMIN_CONNECT",
                "moving_time": secs,
                "elapsed_time": secs + 120,
                "icu_training_load": load,
                "icu_intensity": round(100 * intensity, 2),
                "icu_ftp": 250,
                "lthr": 165,
                "average_heartrate": 120 + 40 * intensity,
            }
            z = rng.dirichlet([6, 8, 2, 2 if hard else 0.3, 1.5 if hard else 0.1, 0.5, 0.2]) * secs
            if sport in ("Ride", "VirtualRide"):
                a["icu_zone_times"] = [{"id": f"Z{j + 1}", "secs": int(z[j])} for j in range(7)] + [
                    {"id": "SS", "secs": int(z[2] / 2 + z[3] / 2)}
                ]
                a["icu_power_zones"] = POWER_ZONES
                a["icu_weighted_avg_watts"] = round(250 * intensity)
            hz = rng.dirichlet([6, 8, 2, 2 if hard else 0.3, 1 if hard else 0.1]) * secs
            a["icu_hr_zone_times"] = [int(x) for x in hz]
            a["icu_hr_zones"] = HR_ZONES
            if sport == "Run":
                a["pace_zone_times"] = [int(x) for x in z]
                a["pace_zones"] = PACE_ZONES
            if sport == "WeightTraining":
                for key in ("icu_hr_zone_times", "icu_zone_times"):
                    a.pop(key, None)
            acts.append(a)
            daily[i] += load
            if aid % 50 == 0:  # the same session uploaded twice (watch + app, via Strava)
                dup = dict(
                    a,
                    id=f"i{aid}b",
                    source="STRAVA",
                    start_date_local=(t + timedelta(seconds=40)).isoformat(),
                )
                acts.append(dup)
        if rng.random() < 0.01:  # a Strava stub: no metrics
            aid += 1
            acts.append(
                {
                    "id": f"s{aid}",
                    "start_date_local": f"{d.isoformat()}T18:00:00",
                    "type": "Run",
                    "source": "STRAVA",
                    "_note": "STRAVA activities are not available via the API",
                }
            )
    ctl, atl = pmc_series(daily)
    wellness = []
    for i in range(days):
        d = start + timedelta(days=i)
        w = {
            "id": d.isoformat(),
            "ctl": float(ctl[i]),
            "atl": float(atl[i]),
            "rampRate": float(ctl[i] - ctl[i - 7]) if i >= 7 else None,
            "restingHR": int(round(48 + 4 * (atl[i] - ctl[i]) / 30 + rng.normal(0, 1.5))),
            "sleepSecs": int(rng.normal(7.4, 0.8) * 3600),
            "soreness": int(rng.integers(1, 4)),
            "fatigue": int(rng.integers(1, 4)),
            "stress": int(rng.integers(1, 3)),
            "mood": 1,
            "motivation": 2,
        }
        hrv = float(np.exp(rng.normal(np.log(62) - 0.004 * (atl[i] - ctl[i]), 0.12)))
        if rng.random() < 0.9:
            w["hrv"] = round(hrv, 1)
        if rng.random() < 0.3:
            w["hrvSDNN"] = round(hrv * 1.3, 1)
        wellness.append(w)
    events = []
    eid = 0
    for i in range(-28, 15):
        d = today + timedelta(days=i)
        if d.weekday() in (0, 4):
            continue
        eid += 1
        sport = "Ride" if d.weekday() in (1, 3, 5) else "Run"
        events.append(
            {
                "id": eid,
                "category": "WORKOUT",
                "type": sport,
                "name": f"Session {eid}",
                "start_date_local": f"{d.isoformat()}T00:00:00",
                "icu_training_load": 70 + 10 * (i % 3),
                "moving_time": 3600 + 600 * (i % 3),
                "icu_intensity": 75,
            }
        )
    events.append(
        {
            "id": 9001,
            "category": "RACE_A",
            "type": "Run",
            "name": "City Marathon",
            "start_date_local": f"{(today + timedelta(days=12)).isoformat()}T00:00:00",
            "moving_time": 12600,
        }
    )
    events.append(
        {
            "id": 9002,
            "category": "RACE_C",
            "type": "Ride",
            "name": "Club TT",
            "start_date_local": f"{(today + timedelta(days=40)).isoformat()}T00:00:00",
            "moving_time": 1800,
        }
    )
    sport_settings = [
        {
            "types": ["Ride", "VirtualRide"],
            "ftp": 250,
            "lthr": 165,
            "max_hr": 185,
            "power_zones": POWER_ZONES,
            "hr_zones": HR_ZONES,
            "w_prime": 20000,
        },
        {
            "types": ["Run", "VirtualRun", "TrailRun"],
            "lthr": 170,
            "max_hr": 190,
            "threshold_pace": 4.0,
            "hr_zones": [140, 155, 163, 172, 190],
            "pace_zones": PACE_ZONES,
        },
    ]
    ftp_history = [(start + timedelta(days=60 * k), 230 + 2 * k) for k in range(days // 60)]
    return {
        "activities": acts,
        "wellness": wellness,
        "events": events,
        "sport_settings": sport_settings,
        "ftp_history": ftp_history,
        "today": today,
        "daily_loads": daily,
    }


def synthetic_ride(seed: int = 3, hours: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """A 1 Hz ride with intervals and noise: power (W) and heart rate (bpm)."""
    rng = np.random.default_rng(seed)
    n = int(hours * 3600)
    p = np.full(n, 190.0)
    for k in range(6):
        s = 1800 + k * 900
        p[s : s + 300] = 320.0
    p[5000:5015] = 900.0
    p = np.clip(p + rng.normal(0, 20, n), 0, None)
    p[rng.random(n) < 0.03] = 0.0
    hr = 110 + 0.18 * np.convolve(p, np.ones(60) / 60, mode="same") + np.linspace(0, 8, n)
    return p, hr


def run(report) -> None:
    from icucoach.analytics.inputs import (
        from_api_activity,
        from_api_event,
        from_api_sport_settings,
        from_api_wellness,
    )

    t0 = time.perf_counter()
    data = synthetic_athlete()
    report("generate synthetic 3-year athlete", (time.perf_counter() - t0) * 1000, "ms")
    report("activities", len(data["activities"]), "")
    report("wellness days", len(data["wellness"]), "")
    sps = [
        from_api_sport_settings(data["sport_settings"][0], data["ftp_history"]),
        from_api_sport_settings(data["sport_settings"][1]),
    ]
    training_status(data["activities"], data["wellness"], data["events"], sps, data["today"])  # warm-up
    t0 = time.perf_counter()
    reps = 5
    for _ in range(reps):
        st = training_status(data["activities"], data["wellness"], data["events"], sps, data["today"])
    report("training_status digest from API dicts (3 years)", (time.perf_counter() - t0) / reps * 1000, "ms")
    acts = [from_api_activity(a) for a in data["activities"]]
    wel = [from_api_wellness(w) for w in data["wellness"]]
    evs = [from_api_event(e) for e in data["events"]]
    t0 = time.perf_counter()
    for _ in range(reps):
        training_status(acts, wel, evs, sps, data["today"])
    report("training_status digest from typed inputs", (time.perf_counter() - t0) / reps * 1000, "ms")
    report("replay max |delta| vs wellness CTL/ATL", st.replay_max_delta or 0.0, "load")
    report("duplicates removed", len(st.data_quality["duplicates_removed"]), "")
    t0 = time.perf_counter()
    st.to_dict()
    report("digest to_dict", (time.perf_counter() - t0) * 1000, "ms")

    p, hr = synthetic_ride()
    t0 = time.perf_counter()
    power_summary(p, 250, hr)
    durs = duration_grid(len(p))
    curve = envelope(mean_max(p, durs))
    wbal_integral(p, 250, 20000)
    wbal_differential(p, 250, 20000)
    decoupling(p, hr)
    hr_drift(hr)
    hrss(trimp(hr, 50, 190), 50, 190, 170)
    durability(p, hr, 1000)
    report("stream metrics, 3 h ride at 1 Hz", (time.perf_counter() - t0) * 1000, "ms")
    t0 = time.perf_counter()
    fit_cp2(durs, curve)
    fit_cp3(durs, curve)
    report("CP 2p + 3p fits", (time.perf_counter() - t0) * 1000, "ms")
    t0 = time.perf_counter()
    v = vdot(10000, 41 * 60 + 21)
    training_paces(v or 50)
    riegel(2400, 10000, 42195)
    report("VDOT + paces + Riegel", (time.perf_counter() - t0) * 1000, "ms")
