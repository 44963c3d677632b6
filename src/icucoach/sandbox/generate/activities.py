"""Turn a performed session into an Intervals.icu ``Activity`` (summary computed from its streams) plus the
lazy hooks that serve its streams and intervals.

Loads follow each sport's ``load_order`` as Intervals does: power TSS for rides, pace load (average speed, no
normalisation) for runs and swims, HRSS from Banister TRIMP otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.sandbox.generate import streams as streamgen
from icucoach.sandbox.generate.reference import normalized_power
from icucoach.sandbox.generate.sessions import Session
from icucoach.sandbox.world import ActivityDetail

STREAM_NAMES = {
    "time": "Time",
    "watts": "Power",
    "heartrate": "Heart Rate",
    "cadence": "Cadence",
    "distance": "Distance",
    "altitude": "Altitude",
    "velocity_smooth": "Speed",
    "latlng": "Lat/Lng",
    "stance_time": "Ground Contact Time",
    "vertical_oscillation": "Vertical Oscillation",
    "dfa_a1": "DFA a1",
    "artifacts": "Artifacts",
    "core_temperature": "Core Temperature",
}
CUSTOM_STREAMS = {"core_temperature"}


@dataclass(frozen=True)
class Context:
    athlete_id: str
    tz: ZoneInfo
    sex: str
    home: tuple[float, float]
    settings_by_sport: dict[str, dict[str, Any]]


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def audit_stamp(dt: datetime) -> str:
    """Audit timestamps (``created``, ``analyzed``, ``updated``): millis and ``+00:00``, as the real API."""
    u = dt.astimezone(ZoneInfo("UTC"))
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}+00:00"


def _zone_times(values: np.ndarray, bounds: list[float]) -> list[int]:
    """Seconds in each zone; ``bounds`` are upper bounds (the last is open)."""
    idx = np.searchsorted(np.asarray(bounds[:-1], dtype=float), values, side="left")
    return np.bincount(idx, minlength=len(bounds)).astype(int).tolist()


def _trimp(hr: np.ndarray, rest: float, max_hr: float, sex: str) -> float:
    hrr = np.clip((hr - rest) / max(1.0, max_hr - rest), 0, 1)
    k, b = (0.86, 1.67) if sex == "F" else (0.64, 1.92)
    return float(np.sum(hrr * k * np.exp(b * hrr)) / 60.0)


def _hrss(trimp: float, lthr: float, rest: float, max_hr: float, sex: str) -> float:
    """HRSS: TRIMP relative to one hour at LTHR (= 100)."""
    x = min(1.0, max(0.0, (lthr - rest) / max(1.0, max_hr - rest)))
    k, b = (0.86, 1.67) if sex == "F" else (0.64, 1.92)
    ref = 60.0 * x * k * math.exp(b * x)
    return 100.0 * trimp / ref if ref > 0 else 0.0


def _half_ratio(output: np.ndarray, hr: np.ndarray) -> float | None:
    """Aerobic decoupling % between halves (positive = HR rose for the same output)."""
    n = len(hr) // 2
    if n < 600:
        return None
    r1 = output[:n].mean() / max(1.0, hr[:n].mean())
    r2 = output[n:].mean() / max(1.0, hr[n:].mean())
    return round(100.0 * (r1 - r2) / r1, 2) if r1 > 0 else None


def _wbal(power: np.ndarray, cp: float, w_prime: float) -> np.ndarray:
    """Differential W' balance (Skiba/Froncioni), for per-interval start/end values."""
    out = np.empty(len(power))
    w = w_prime
    for i, p in enumerate(power):
        w = w - (p - cp) if p >= cp else w + (cp - p) * (w_prime - w) / w_prime
        out[i] = w
    return out


def activity_head(
    ctx: Context, activity_id: str, local: datetime, sport: str, session: Session, source: str
) -> dict:
    """The identity fields every activity record starts with (who, when, what, from where)."""
    return {
        "id": activity_id,
        "icu_athlete_id": ctx.athlete_id,
        "start_date_local": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "start_date": iso_utc(local),
        "timezone": str(ctx.tz),
        "type": sport,
        "name": session.name,
        "description": None,
        "trainer": session.indoor and sport in ("VirtualRide", "Ride"),
        "commute": False,
        "race": session.race,
        "sub_type": "RACE" if session.race else "NONE",
        "source": source,
    }


def build_activity(
    ctx: Context,
    session: Session,
    phys: streamgen.Physiology,
    day: date,
    activity_id: str,
    seed: int,
    source: str,
    sensor_rich: bool,
    load_scale: float = 1.0,
) -> tuple[dict[str, Any], ActivityDetail]:
    """The activity record (summary from streams) and its lazy detail."""
    core = streamgen.render(session, phys, seed)
    extra = streamgen.extras(session, core, seed, phys.lthr) if sensor_rich else {}
    n = len(core["time"])
    sport = session.sport
    settings = ctx.settings_by_sport.get(sport) or {}
    hour = session.start_hour + (seed % 40) / 60.0
    local = datetime(day.year, day.month, day.day, int(hour), int((hour % 1) * 60), seed % 60, tzinfo=ctx.tz)
    indoor_or_pool = session.indoor
    stops = 0 if indoor_or_pool or sport == "WeightTraining" else int(n * (0.02 + (seed % 7) / 100))
    hr = core["heartrate"]
    lthr = float(settings.get("lthr") or phys.lthr)
    a: dict[str, Any] = {
        **activity_head(ctx, activity_id, local, sport, session, source),
        "external_id": None,
        "device_name": "Zwift" if sport == "VirtualRide" else "Garmin Forerunner 965",
        "file_type": "fit",
        "created": audit_stamp(local + timedelta(seconds=n + stops + 600)),
        "analyzed": audit_stamp(local + timedelta(seconds=n + stops + 660)),
        "icu_sync_date": audit_stamp(local + timedelta(seconds=n + stops + 600)),
        "paired_event_id": None,
        "tags": [],
        "moving_time": n,
        "elapsed_time": n + stops,
        "icu_recording_time": n + stops,
        "coasting_time": None,
        "has_heartrate": True,
        "average_heartrate": int(round(hr.mean())),
        "max_heartrate": int(hr.max()),
        "athlete_max_hr": phys.max_hr,
        "lthr": int(lthr),
        "icu_resting_hr": phys.resting_hr,
        "icu_weight": phys.weight,
        "icu_hr_zones": settings.get("hr_zones"),
        "icu_hr_zone_times": None,
        "icu_zone_times": None,
        "pace_zone_times": None,
        "gap_zone_times": None,
        "use_gap_zone_times": False,
        "distance": None,
        "icu_distance": None,
        "average_speed": None,
        "max_speed": None,
        "pace": None,
        "gap": None,
        "total_elevation_gain": None,
        "total_elevation_loss": None,
        "average_cadence": None,
        "icu_ftp": None,
        "icu_w_prime": None,
        "p_max": None,
        "icu_average_watts": None,
        "icu_weighted_avg_watts": None,
        "icu_variability_index": None,
        "icu_joules": None,
        "icu_joules_above_ftp": None,
        "device_watts": None,
        "icu_power_zones": None,
        "icu_sweet_spot_min": None,
        "icu_sweet_spot_max": None,
        "icu_efficiency_factor": None,
        "icu_power_hr": None,
        "decoupling": None,
        "threshold_pace": None,
        "pace_zones": None,
        "power_load": None,
        "hr_load": None,
        "pace_load": None,
        "hr_load_type": settings.get("hr_load_type"),
        "pace_load_type": settings.get("pace_load_type"),
        "icu_training_load": None,
        "icu_intensity": None,
        "trimp": None,
        "polarization_index": None,
        "icu_rpe": None,
        "feel": None,
        "session_rpe": None,
        "calories": None,
        "interval_summary": None,
        "icu_lap_count": None,
        "average_stance_time": None,
        "average_vertical_oscillation": None,
        "average_temp": None,
        "gear": None,
        "stream_types": sorted([k for k in core if k != "time"] + ["time"] + list(extra)),
        "icu_ctl": None,
        "icu_atl": None,
        "attachments": [],
        "route_id": None,
        "strava_id": None,
    }
    hours = n / 3600.0
    if "distance" in core:
        dist = float(core["distance"][-1])
        speed = core["velocity_smooth"]
        moving = speed > 0
        a.update(
            {
                "distance": round(dist, 1),
                "icu_distance": round(dist, 1),
                "average_speed": round(dist / max(1, int(moving.sum())), 3),
                "max_speed": float(speed.max()),
            }
        )
        if "altitude" in core:
            diffs = np.diff(core["altitude"])
            a["total_elevation_gain"] = round(float(diffs[diffs > 0].sum()), 1)
            a["total_elevation_loss"] = round(float(-diffs[diffs < 0].sum()), 1)
        if "latlng" not in a["stream_types"] and not session.indoor:
            a["stream_types"] = sorted([*a["stream_types"], "latlng"])
    if "cadence" in core:
        cad = core["cadence"]
        a["average_cadence"] = round(float(cad[cad > 0].mean()), 1) if (cad > 0).any() else None

    trimp = _trimp(hr, phys.resting_hr, phys.max_hr, ctx.sex)
    a["trimp"] = round(trimp, 2)
    hr_load = _hrss(trimp, lthr, phys.resting_hr, phys.max_hr, ctx.sex)
    a["hr_load"] = int(round(hr_load))
    a["icu_hr_zone_times"] = _zone_times(hr, settings.get("hr_zones") or [999])
    load, intensity = hr_load, None

    if "watts" in core and phys.ftp:
        p = core["watts"]
        ftp = float(phys.ftp)
        np_ = normalized_power(p) or float(p.mean())
        avg = float(p.mean())
        ifac = np_ / ftp
        zones = settings.get("power_zones") or [55, 75, 90, 105, 120, 150, 999]
        z = _zone_times(100 * p / ftp, zones)
        ss = int(((p >= 0.84 * ftp) & (p <= 0.97 * ftp)).sum())
        a.update(
            {
                "icu_ftp": int(round(ftp)),
                "icu_w_prime": settings.get("w_prime"),
                "p_max": settings.get("p_max"),
                "icu_average_watts": int(round(avg)),
                "icu_weighted_avg_watts": int(round(np_)),
                "icu_variability_index": round(np_ / avg, 3) if avg > 0 else None,
                "icu_joules": int(p.sum()),
                "icu_joules_above_ftp": int(np.clip(p - ftp, 0, None).sum()),
                "device_watts": True,
                "icu_power_zones": zones,
                "icu_sweet_spot_min": 84,
                "icu_sweet_spot_max": 97,
                "icu_zone_times": [{"id": f"Z{i + 1}", "secs": s} for i, s in enumerate(z)]
                + [{"id": "SS", "secs": ss}],
                "icu_efficiency_factor": round(np_ / hr.mean(), 3),
                "icu_power_hr": round(avg / hr.mean(), 3),
                "decoupling": _half_ratio(p, hr),
                "calories": int(round(p.sum() / 1000 * 1.05)),
                "icu_weight": phys.weight,
            }
        )
        a["power_load"] = int(round(hours * ifac * ifac * 100))
        load, intensity = a["power_load"], ifac * 100
    elif sport in ("Run", "TrailRun", "Swim") and "velocity_smooth" in core:
        thr = float(
            settings.get("threshold_pace") or (phys.run_speed if sport != "Swim" else phys.css) or 3.0
        )
        v = core["velocity_smooth"]
        zones = settings.get("pace_zones") or [999]
        moving = v > 0
        a["pace_zone_times"] = _zone_times(100 * v[moving] / thr, zones)
        a["threshold_pace"] = round(thr, 4)
        a["pace_zones"] = zones
        avg_v = float(a["average_speed"] or 0)
        a["pace"] = round(avg_v, 3)
        a["gap"] = round(avg_v * (1.0 + 0.004 * (a["total_elevation_gain"] or 0) / max(1.0, hours * 10)), 3)
        rel = (a["gap"] if sport != "Swim" else avg_v) / thr
        a["pace_load"] = int(round(int(moving.sum()) / 3600 * rel * rel * 100))
        a["decoupling"] = _half_ratio(v, hr) if sport != "Swim" else None
        a["calories"] = int(
            round(phys.weight * (a["distance"] or 0) / 1000 * (1.0 if sport != "Swim" else 2.5))
        )
        load, intensity = a["pace_load"], rel * 100
        if sport == "Swim":
            a["pool_length"] = 25.0
    else:
        a["calories"] = int(round(n / 60 * 6.5))
        intensity = 100.0 * (hr.mean() - phys.resting_hr) / max(1.0, lthr - phys.resting_hr)

    a["icu_training_load"] = int(round(load * load_scale))
    a["icu_intensity"] = round(intensity, 2) if intensity is not None else None
    rpe = int(min(10, max(1, round((intensity or 60) / 10 - 1))))
    a["icu_rpe"] = rpe
    a["session_rpe"] = rpe * round(n / 60)
    a["feel"] = int(2 + (seed % 3)) if not session.race else 1
    if extra and "stance_time" in extra:
        a["average_stance_time"] = round(float(extra["stance_time"].mean()), 1)
        a["average_vertical_oscillation"] = round(float(extra["vertical_oscillation"].mean()), 2)
    work = [s for s in session.segments() if s.kind == "work"]
    if session.structured and work:
        a["interval_summary"] = _interval_summary(session, core)
    a["icu_lap_count"] = max(1, len(session.segments()) if session.structured else int(n // 600))

    detail = ActivityDetail()
    detail.streams = lambda: _stream_payload(session, phys, seed, sensor_rich, ctx.home)
    detail.intervals = lambda: _intervals_payload(a, session, phys, seed, sensor_rich, settings)
    return a, detail


def _interval_summary(session: Session, core: dict[str, np.ndarray]) -> list[str]:
    work = [s for s in session.segments() if s.kind == "work"]
    mins, secs = divmod(work[0].secs, 60)
    dur = f"{mins}m{secs:02d}s" if secs else f"{mins}m"
    hr = core["heartrate"]
    if "watts" in core:
        return [f"{len(work)}x {dur} {int(core['watts'].mean() * 1.2)}w"]
    return [f"{len(work)}x {dur} {int(hr.mean())}bpm"]


def _stream_payload(
    session: Session, phys: streamgen.Physiology, seed: int, sensor_rich: bool, home: tuple[float, float]
) -> list[dict[str, Any]]:
    core = streamgen.render(session, phys, seed)
    extra = streamgen.extras(session, core, seed, phys.lthr) if sensor_rich else {}
    out: list[dict[str, Any]] = []
    for key, arr in {**core, **extra}.items():
        values = (
            arr.astype(int).tolist() if key in ("time", "watts", "heartrate", "cadence") else arr.tolist()
        )
        out.append(
            {
                "type": key,
                "name": STREAM_NAMES.get(key),
                "data": values,
                "data2": None,
                "valueTypeIsArray": False,
                "anomalies": None,
                "custom": key in CUSTOM_STREAMS,
                "allNull": False,
            }
        )
    pos = streamgen.latlng(session, core, seed, home)
    if pos is not None:
        out.append(
            {
                "type": "latlng",
                "name": STREAM_NAMES["latlng"],
                "data": pos[0].tolist(),
                "data2": pos[1].tolist(),
                "valueTypeIsArray": False,
                "anomalies": None,
                "custom": False,
                "allNull": False,
            }
        )
    return out


def _mean(arr: np.ndarray | None, s: int, e: int, nd: int = 1) -> float | None:
    if arr is None or e <= s:
        return None
    return round(float(arr[s:e].mean()), nd)


def _intervals_payload(
    act: dict[str, Any],
    session: Session,
    phys: streamgen.Physiology,
    seed: int,
    sensor_rich: bool,
    settings: dict[str, Any],
) -> dict[str, Any]:
    """``IntervalsDTO``: one interval per planned step (structured) or per lap (unstructured)."""
    core = streamgen.render(session, phys, seed)
    extra = streamgen.extras(session, core, seed, phys.lthr) if sensor_rich else {}
    n = len(core["time"])
    if session.structured:
        bounds, kinds, s0 = [], [], 0
        for st in session.segments():
            bounds.append((s0, s0 + st.secs))
            kinds.append("WORK" if st.kind == "work" else "RECOVERY")
            s0 += st.secs
    else:
        lap = 600
        bounds = [(s, min(n, s + lap)) for s in range(0, n, lap)]
        kinds = ["WORK"] * len(bounds)
    p = core.get("watts")
    ftp = float(act["icu_ftp"] or 0)
    wbal = _wbal(p, ftp * 1.02, float(settings.get("w_prime") or 18000)) if p is not None and ftp else None
    v, hr, dist = core.get("velocity_smooth"), core["heartrate"], core.get("distance")
    intervals: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for i, ((s, e), kind) in enumerate(zip(bounds, kinds, strict=True)):
        secs = e - s
        iv: dict[str, Any] = {
            "id": i + 1,
            "type": kind,
            "label": None,
            "start_index": s,
            "end_index": e - 1,
            "start_time": s,
            "end_time": e,
            "moving_time": secs,
            "elapsed_time": secs,
            "distance": round(float(dist[e - 1] - (dist[s - 1] if s else 0.0)), 1)
            if dist is not None
            else None,
            "average_heartrate": int(hr[s:e].mean()),
            "min_heartrate": int(hr[s:e].min()),
            "max_heartrate": int(hr[s:e].max()),
            "average_cadence": _mean(core.get("cadence"), s, e),
            "average_speed": _mean(v, s, e, 3),
            "max_speed": float(v[s:e].max()) if v is not None else None,
            "average_watts": None,
            "weighted_average_watts": None,
            "max_watts": None,
            "intensity": None,
            "training_load": None,
            "joules": None,
            "zone": None,
            "wbal_start": None,
            "wbal_end": None,
            "decoupling": None,
            "average_dfa_a1": _mean(extra.get("dfa_a1"), s, e, 3),
            "average_stance_time": _mean(extra.get("stance_time"), s, e),
            "average_vertical_oscillation": _mean(extra.get("vertical_oscillation"), s, e, 2),
            "group_id": None,
        }
        if p is not None and ftp:
            seg = p[s:e]
            npw = normalized_power(seg) or float(seg.mean())
            iv.update(
                {
                    "average_watts": int(seg.mean()),
                    "weighted_average_watts": int(npw),
                    "max_watts": int(seg.max()),
                    "average_watts_kg": round(float(seg.mean()) / phys.weight, 2),
                    "intensity": int(round(100 * npw / ftp)),
                    "training_load": round(secs / 3600 * (npw / ftp) ** 2 * 100, 1),
                    "joules": int(seg.sum()),
                    "joules_above_ftp": int(np.clip(seg - ftp, 0, None).sum()),
                    "zone": int(
                        np.searchsorted(np.asarray(act["icu_power_zones"][:-1]), 100 * seg.mean() / ftp) + 1
                    ),
                    "wbal_start": int(wbal[s]) if wbal is not None else None,
                    "wbal_end": int(wbal[e - 1]) if wbal is not None else None,
                }
            )
        if kind == "WORK" and session.structured:
            gid = f"{secs}s"
            iv["group_id"] = gid
            g = groups.setdefault(gid, {"id": gid, "count": 0, "moving_time": 0, "start_index": s})
            g["count"] += 1
            g["moving_time"] += secs
        intervals.append(iv)
    return {
        "id": act["id"],
        "analyzed": act["analyzed"],
        "icu_intervals": intervals,
        "icu_groups": list(groups.values()),
    }


def strava_stub(activity: dict[str, Any], strava_id: str) -> dict[str, Any]:
    """The ``Hidden`` shape the API returns for Strava-synced activities: no type, name or metrics."""
    return {
        "id": strava_id,
        "icu_athlete_id": activity["icu_athlete_id"],
        "start_date_local": activity["start_date_local"],
        "source": "STRAVA",
        "_note": "STRAVA activities are not available via the API",
    }
