"""Wellness records in Section 11's field names: ``latest.json`` ``wellness_data[]`` and
``current_status.current_metrics``, ``history.json`` ``daily_90d[]`` (``section11.md`` §3.1, §3.2), and the
scales of the categorical fields (``READ_THIS_FIRST.wellness_field_scales``).

Each name maps to one field of Intervals.icu's ``Wellness`` record (``GET /athlete/{id}/wellness``); the unit
is the API's (kg, bpm, ms, %, mmHg, cm, g, L, mmol/L as the athlete entered it). A field the record lacks is
null. Also the ``7h52m`` duration text Section 11 uses for its ``*_formatted`` fields.
"""

from __future__ import annotations

from typing import Any

from icucoach.mirror.activity_fields import r
from icucoach.mirror.display import Units, to_display

Json = dict[str, Any]

# The fields every wellness row of the three places ends with, in Section 11's order: Section 11 name ->
# Intervals.icu ``Wellness`` key.
SHARED = {
    "fatigue": "fatigue",  # 1-4 (wellness_field_scales)
    "soreness": "soreness",
    "stress": "stress",
    "mood": "mood",
    "motivation": "motivation",
    "injury": "injury",
    "hydration": "hydration",  # 1-4 scale, not a volume
    "spO2": "spO2",  # %
    "blood_glucose": "bloodGlucose",  # mmol/L
    "systolic": "systolic",  # mmHg
    "diastolic": "diastolic",
    "baevsky_si": "baevskySI",  # Baevsky stress index
    "lactate": "lactate",  # mmol/L
    "respiration": "respiration",  # breaths/min
    "body_fat_pct": "bodyFat",
    "abdomen_cm": "abdomen",
    "steps": "steps",
    "hydration_volume_l": "hydrationVolume",
    "kcal_consumed": "kcalConsumed",
    "carbohydrates_g": "carbohydrates",
    "protein_g": "protein",
    "fat_g": "fatTotal",
    "menstrual_phase": "menstrualPhase",  # PERIOD | FOLLICULAR | OVULATING | LUTEAL | NONE
    "menstrual_phase_predicted": "menstrualPhasePredicted",
    "readiness": "readiness",  # the device's readiness score, 0-100
}

_SCALES = {
    "sleep_quality": ("GREAT", "OK", "POOR", "WORST"),
    "fatigue": ("None", "Some", "High", "Extreme"),
    "soreness": ("None", "Some", "High", "Extreme"),
    "stress": ("LOW", "AVG", "HIGH", "EXTREME"),
    "mood": ("GREAT", "GOOD", "OK", "GRUMPY"),
    "motivation": ("EXTREME", "HIGH", "AVG", "LOW"),
    "injury": ("NONE", "NIGGLE", "POOR", "INJURED"),
    "hydration": ("GOOD", "OK", "POOR", "BAD"),
}
_UI_NOTES = {
    "fatigue": "shown under 'Pre training' in the Intervals.icu wellness form",
    "soreness": "shown under 'Pre training' in the Intervals.icu wellness form",
}


def wellness_scales() -> Json:
    """``READ_THIS_FIRST.wellness_field_scales``: the label of each value 1-4 per field (1 is the best
    state for every field), as the Intervals.icu wellness form names them."""
    out: Json = {
        "note": "Categorical wellness fields run 1-4 with 1 the best state and 4 the worst for every field; "
        "the words differ per field. Null means the athlete did not enter it that day."
    }
    for field, labels in _SCALES.items():
        entry: Json = {str(i + 1): label for i, label in enumerate(labels)}
        if field in _UI_NOTES:
            entry["ui_note"] = _UI_NOTES[field]
        out[field] = entry
    out["menstrual"] = (
        "menstrual_phase and menstrual_phase_predicted are names, not 1-4 values: PERIOD, FOLLICULAR, "
        "OVULATING, LUTEAL or NONE."
    )
    return out


def clock(secs: Any) -> str | None:
    """Section 11's duration text, to the whole minute below: 28320 s -> ``"7h52m"``, 300 -> ``"5m"``."""
    if not secs:
        return None
    s = int(float(secs)) // 60 * 60
    if s <= 0:
        return "0s"
    h, m = divmod(s // 60, 60)
    return (f"{h}h" if h else "") + (f"{m}m" if m else "") or "0s"


def sleep_fields(w: Json) -> Json:
    secs = w.get("sleepSecs")
    return {"sleep_hours": r(secs / 3600.0, 2) if secs else None, "sleep_formatted": clock(secs)}


def shared_fields(w: Json) -> Json:
    return {name: w.get(key) for name, key in SHARED.items()}


def weight_display(kg: Any, units: Units) -> Json:
    return {"weight": to_display(kg, "weight", units)}


def wellness_row(w: Json, units: Units) -> Json:
    """One ``wellness_data[]`` row; ``comments`` (free text, redacted by privacy) is ours."""
    return {
        "date": str(w.get("id"))[:10],
        "weight_kg": w.get("weight"),
        "display": weight_display(w.get("weight"), units),
        "resting_hr": w.get("restingHR"),
        "hrv_rmssd": w.get("hrv"),
        "hrv_sdnn": w.get("hrvSDNN"),
        **sleep_fields(w),
        "sleep_quality": w.get("sleepQuality"),
        "sleep_score": w.get("sleepScore"),
        "mental_energy": w.get("mentalEnergy"),  # not in the OpenAPI schema; null unless the API sends it
        "avg_sleeping_hr": w.get("avgSleepingHR"),
        "vo2max": w.get("vo2max"),
        **shared_fields(w),
        "comments": w.get("comments"),
    }


def current_metrics(w: Json | None, athlete: Json, units: Units) -> Json:
    """``current_status.current_metrics``: the newest wellness record, weight and resting HR falling back
    to the athlete's profile values when the record has none. ``date``, ``hrv_sdnn``, ``avg_sleeping_hr``,
    ``vo2max`` and ``comments`` are ours."""
    w = w or {}
    kg = w.get("weight") if w.get("weight") is not None else athlete.get("icu_weight")
    rhr = w.get("restingHR") if w.get("restingHR") is not None else athlete.get("icu_resting_hr")
    return {
        "date": str(w["id"])[:10] if w.get("id") else None,
        "weight_kg": kg,
        "display": weight_display(kg, units),
        "resting_hr": rhr,
        "hrv": w.get("hrv"),
        "hrv_sdnn": w.get("hrvSDNN"),
        "sleep_quality": w.get("sleepQuality"),
        **sleep_fields(w),
        "sleep_score": w.get("sleepScore"),
        "avg_sleeping_hr": w.get("avgSleepingHR"),
        "vo2max": w.get("vo2max"),
        **shared_fields(w),
        "comments": w.get("comments"),
    }


def daily_wellness(w: Json, units: Units) -> tuple[Json, Json]:
    """The wellness part of a ``daily_90d[]`` row, split where Section 11 puts the day's hard-day fields:
    (hrv … display.weight, fatigue … readiness). ``hrv_sdnn`` is ours."""
    head = {
        "hrv": w.get("hrv"),
        "hrv_sdnn": w.get("hrvSDNN"),
        "rhr": w.get("restingHR"),
        **sleep_fields(w),
        "sleep_quality": w.get("sleepQuality"),
        "sleep_score": w.get("sleepScore"),
        "weight_kg": w.get("weight"),
        "display": weight_display(w.get("weight"), units),
    }
    return head, shared_fields(w)


__all__ = [
    "SHARED",
    "clock",
    "current_metrics",
    "daily_wellness",
    "wellness_row",
    "wellness_scales",
]
