"""Daily wellness records: fitness from the load model, and the body's response to training and illness.

CTL/ATL come from the sandbox's own ``reference.fitness_fatigue`` (42/7 days, not the analytics under test)
over each local day's summed ``icu_training_load`` (including activities the API hides, such as Strava stubs,
as Intervals.icu does). HRV falls and resting HR rises with fatigue (negative form) and illness; sleep and the
1–4 subjective scales (1 = good) follow.
Some days have no readings at all (the watch was off): every subjective and device field is then null,
but the fitness fields are still there, as on the real service.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from icucoach.sandbox.generate.activities import audit_stamp
from icucoach.sandbox.generate.reference import fitness_fatigue

ALL_FIELDS = (
    "id",
    "ctl",
    "atl",
    "rampRate",
    "ctlLoad",
    "atlLoad",
    "sportInfo",
    "updated",
    "weight",
    "restingHR",
    "hrv",
    "hrvSDNN",
    "menstrualPhase",
    "menstrualPhasePredicted",
    "kcalConsumed",
    "sleepSecs",
    "sleepScore",
    "sleepQuality",
    "avgSleepingHR",
    "soreness",
    "fatigue",
    "stress",
    "mood",
    "motivation",
    "injury",
    "spO2",
    "systolic",
    "diastolic",
    "hydration",
    "hydrationVolume",
    "readiness",
    "baevskySI",
    "bloodGlucose",
    "lactate",
    "bodyFat",
    "abdomen",
    "vo2max",
    "comments",
    "steps",
    "respiration",
    "carbohydrates",
    "protein",
    "fatTotal",
    "locked",
    "tempWeight",
    "tempRestingHR",
)


def _scale(x: float) -> int:
    """A 1–4 subjective rating from a 0..1 badness (1 = good, 4 = bad)."""
    return int(np.clip(1 + round(x * 3), 1, 4))


def build_wellness(
    days: list[date],
    loads: np.ndarray,
    ill: np.ndarray,
    hrv_kind: str,
    hrv_base: float,
    rhr_base: float,
    weight0: float,
    sport_info: list[list[dict[str, Any]]],
    rng: np.random.Generator,
    tz: ZoneInfo,
) -> dict[str, dict[str, Any]]:
    ctl, atl = fitness_fatigue(loads)
    out: dict[str, dict[str, Any]] = {}
    gap_days = set(rng.choice(len(days), size=max(1, len(days) // 14), replace=False).tolist())
    trip = int(len(days) * 0.3)
    gap_days.update(range(trip, trip + 5))  # a week away without the watch
    weight = weight0
    for i, d in enumerate(days):
        form = ctl[i] - atl[i]
        strain = float(np.clip(-form / 30.0, -0.5, 1.5))  # > 0 when fatigued
        sick = bool(ill[i])
        weight += rng.normal(0, 0.08) - 0.002 * (weight - weight0)
        rec: dict[str, Any] = {k: None for k in ALL_FIELDS}
        stamp = datetime(d.year, d.month, d.day, 7, 5, tzinfo=tz)
        rec.update(
            {
                "id": d.isoformat(),
                "ctl": float(ctl[i]),
                "atl": float(atl[i]),
                "rampRate": float(ctl[i] - ctl[i - 7]) if i >= 7 else float(ctl[i]),
                "ctlLoad": float(loads[i]),
                "atlLoad": float(loads[i]),
                "sportInfo": sport_info[i],
                "updated": audit_stamp(stamp),
                "locked": False,
            }
        )
        if i not in gap_days:
            ln_hrv = np.log(hrv_base) - 0.10 * strain - (0.25 if sick else 0.0) + rng.normal(0, 0.07)
            rhr = rhr_base + 3.0 * strain + (6.0 if sick else 0.0) + rng.normal(0, 1.2)
            sleep_h = 7.4 - 0.4 * strain - (0.8 if sick else 0) + rng.normal(0, 0.55)
            bad = float(np.clip(0.25 + 0.35 * strain + (0.5 if sick else 0) + rng.normal(0, 0.12), 0, 1))
            rec.update(
                {
                    "restingHR": int(round(rhr)),
                    "sleepSecs": int(sleep_h * 3600),
                    "sleepScore": int(
                        np.clip(82 - 10 * strain - (15 if sick else 0) + rng.normal(0, 5), 30, 100)
                    ),
                    "sleepQuality": _scale(bad * 0.8),
                    "avgSleepingHR": round(rhr + 4 + rng.normal(0, 1), 1),
                    "soreness": _scale(bad),
                    "fatigue": _scale(bad + 0.1 * strain),
                    "stress": _scale(bad * 0.7),
                    "mood": _scale(bad * 0.8),
                    "motivation": _scale(bad * 0.9 - 0.1),
                    "readiness": int(
                        np.clip(75 - 20 * strain - (25 if sick else 0) + rng.normal(0, 6), 5, 100)
                    ),
                    "steps": int(np.clip(rng.normal(9000, 2500), 1500, 25000)),
                    "weight": round(weight, 1) if i % 3 == 0 else None,
                }
            )
            if hrv_kind == "rmssd":
                rec["hrv"] = round(float(np.exp(ln_hrv)), 1)
            elif hrv_kind == "sdnn":
                rec["hrvSDNN"] = round(float(np.exp(ln_hrv)), 1)
            if sick:
                rec["comments"] = "Feeling run down, sore throat"
        out[d.isoformat()] = rec
    return out


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
