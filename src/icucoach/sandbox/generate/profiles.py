"""Who the synthetic athletes are: identity, timezone, thresholds at the start of history, weekly habits.

Three accounts: a multi-sport athlete (ride, virtual ride, run, trail run, swim, strength) whose watch gives
rMSSD, a runner whose watch gives only SDNN, and a coach both have shared with (write and read respectively).
Timezones are far from UTC on purpose, so early-morning sessions fall on the previous UTC day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Power zones as % FTP upper bounds (Coggan 7-zone), the layout Intervals.icu ships by default.
POWER_ZONES = [55, 75, 90, 105, 120, 150, 999]
POWER_ZONE_NAMES = [
    "Active Recovery",
    "Endurance",
    "Tempo",
    "Threshold",
    "VO2 Max",
    "Anaerobic",
    "Neuromuscular",
]
# Run pace zones as % of threshold speed (Intervals' default run layout: Z1 slowest).
RUN_PACE_ZONES = [77.5, 87.7, 94.3, 100.0, 103.4, 111.5, 999.0]
SWIM_PACE_ZONES = [80.0, 90.0, 95.0, 100.0, 104.0, 110.0, 999.0]
PACE_ZONE_NAMES = ["Zone 1", "Zone 2", "Zone 3", "Zone 4", "Zone 5a", "Zone 5b", "Zone 5c"]
HR_ZONE_NAMES = [
    "Recovery",
    "Aerobic",
    "Tempo",
    "SubThreshold",
    "SuperThreshold",
    "Aerobic Capacity",
    "Anaerobic",
]


@dataclass(frozen=True)
class Thresholds:
    """Start-of-history thresholds; they drift with training (see ``season.py``)."""

    ftp: float | None = None  # W
    lthr_ride: int | None = None
    run_threshold_speed: float | None = None  # m/s (threshold pace)
    lthr_run: int | None = None
    swim_css: float | None = None  # m/s
    max_hr: int = 190
    resting_hr: int = 50
    w_prime: float = 18_000.0
    p_max: float = 900.0


@dataclass(frozen=True)
class AthleteProfile:
    athlete_id: str
    name: str
    firstname: str
    lastname: str
    sex: str
    timezone: str
    city: str
    country: str
    date_of_birth: str
    weight: float
    height: float  # m
    thresholds: Thresholds
    hrv_kind: str  # "rmssd" | "sdnn" | "none"
    hrv_baseline: float  # ms
    sports: tuple[str, ...]
    # weekday (0 = Monday) -> session kinds; the season scales and swaps them
    week: dict[int, tuple[str, ...]] = field(default_factory=dict)
    weekly_hours: float = 8.0  # at load factor 1.0
    role: str = "athlete"


MULTISPORT = AthleteProfile(
    athlete_id="i100001",
    name="Maya Lindqvist",
    firstname="Maya",
    lastname="Lindqvist",
    sex="F",
    timezone="Australia/Sydney",
    city="Sydney",
    country="Australia",
    date_of_birth="1990-04-17",
    weight=61.5,
    height=1.70,
    thresholds=Thresholds(
        ftp=212,
        lthr_ride=164,
        run_threshold_speed=3.70,
        lthr_run=171,
        swim_css=0.93,
        max_hr=186,
        resting_hr=48,
        w_prime=16_500,
        p_max=820,
    ),
    hrv_kind="rmssd",
    hrv_baseline=68.0,
    sports=("Ride", "VirtualRide", "Run", "TrailRun", "Swim", "WeightTraining"),
    week={
        0: ("swim_css",),
        1: ("ride_intervals", "strength"),
        2: ("run_easy",),
        3: ("ride_tempo", "swim_endurance"),
        4: ("rest",),
        5: ("ride_long",),
        6: ("run_long",),
    },
    weekly_hours=9.5,
)

RUNNER = AthleteProfile(
    athlete_id="i100002",
    name="Tomás Ferreira",
    firstname="Tomás",
    lastname="Ferreira",
    sex="M",
    timezone="America/Denver",
    city="Boulder",
    country="United States",
    date_of_birth="1986-09-03",
    weight=68.0,
    height=1.78,
    thresholds=Thresholds(run_threshold_speed=4.20, lthr_run=174, max_hr=191, resting_hr=45),
    hrv_kind="sdnn",
    hrv_baseline=82.0,
    sports=("Run", "TrailRun", "WeightTraining"),
    week={
        0: ("rest",),
        1: ("run_intervals",),
        2: ("run_easy", "strength"),
        3: ("run_tempo",),
        4: ("run_easy",),
        5: ("run_trail",),
        6: ("run_long",),
    },
    weekly_hours=7.5,
)

COACH = AthleteProfile(
    athlete_id="i100003",
    name="Jordan Blake",
    firstname="Jordan",
    lastname="Blake",
    sex="M",
    timezone="Europe/London",
    city="Bristol",
    country="United Kingdom",
    date_of_birth="1979-01-22",
    weight=74.0,
    height=1.82,
    thresholds=Thresholds(ftp=265, lthr_ride=160, max_hr=182, resting_hr=52),
    hrv_kind="none",
    hrv_baseline=0.0,
    sports=("Ride",),
    role="coach",
)

# A coach with exactly one athlete (the write guard's edge case). Not in PROFILES, so the generated world and
# every golden file stay as they are; tests add this login to their own world when they need it.
SOLO_COACH = AthleteProfile(
    athlete_id="i100004",
    name="Priya Nair",
    firstname="Priya",
    lastname="Nair",
    sex="F",
    timezone="Asia/Kolkata",
    city="Bengaluru",
    country="India",
    date_of_birth="1984-06-11",
    weight=58.0,
    height=1.64,
    thresholds=Thresholds(ftp=190, lthr_ride=158, max_hr=180, resting_hr=54),
    hrv_kind="none",
    hrv_baseline=0.0,
    sports=("Ride",),
    role="coach",
)
SOLO_COACH_SHARES = {MULTISPORT.athlete_id: "WRITE"}

PROFILES = (MULTISPORT, RUNNER, COACH)
# Which athlete shared with the coach, and how (the issue asks for one write and one read share).
COACH_SHARES = {MULTISPORT.athlete_id: "WRITE", RUNNER.athlete_id: "READ"}


def api_key_for(seed: int, athlete_id: str) -> str:
    """A deterministic 24-character key: the same seed always gives the same accounts."""
    return hashlib.sha256(f"icucoach-sandbox:{seed}:{athlete_id}".encode()).hexdigest()[:24]


def sport_settings(
    profile: AthleteProfile, ftp: float | None, run_speed: float | None, css: float | None, stamp: str
) -> list[dict[str, Any]]:
    """The athlete's SportSettings in API shape, with the given (current) thresholds."""
    t = profile.thresholds
    out: list[dict[str, Any]] = []
    base_id = int(profile.athlete_id[1:]) * 10

    def hr_zones(lthr: int) -> list[int]:
        # Friel-style bpm upper bounds from LTHR, capped by max HR (what Intervals derives by default)
        pct = [0.81, 0.89, 0.93, 0.99, 1.02, 1.06]
        return [round(lthr * p) for p in pct] + [t.max_hr]

    def common(idx: int, types: list[str]) -> dict[str, Any]:
        return {
            "id": base_id + idx,
            "athlete_id": profile.athlete_id,
            "types": types,
            "warmup_time": 600,
            "cooldown_time": 600,
            "ftp": None,
            "indoor_ftp": None,
            "w_prime": None,
            "p_max": None,
            "power_zones": None,
            "sweet_spot_min": None,
            "sweet_spot_max": None,
            "power_zone_names": None,
            "lthr": None,
            "max_hr": t.max_hr,
            "hr_zones": None,
            "hr_zone_names": HR_ZONE_NAMES,
            "hr_load_type": "HRSS",
            "threshold_pace": None,
            "pace_units": None,
            "pace_zones": None,
            "pace_zone_names": None,
            "pace_load_type": None,
            "gap_model": None,
            "use_gap_zone_times": False,
            "load_order": "POWER_HR_PACE",
            "tiz_order": "POWER_HR_PACE",
            "workout_order": "POWER_HR_PACE",
            "mmp_model": None,
            "created": stamp,
            "updated": stamp,
            "other": False,
        }

    if ftp is not None and ("Ride" in profile.sports or profile.role == "coach"):
        ride = common(1, ["Ride", "VirtualRide", "GravelRide", "MountainBikeRide"])
        ride.update(
            {
                "ftp": round(ftp),
                "indoor_ftp": round(ftp * 0.97),
                "w_prime": round(t.w_prime),
                "p_max": round(t.p_max),
                "power_zones": POWER_ZONES,
                "power_zone_names": POWER_ZONE_NAMES,
                "sweet_spot_min": 84,
                "sweet_spot_max": 97,
                "lthr": t.lthr_ride,
                "hr_zones": hr_zones(t.lthr_ride or 160),
                "mmp_model": {
                    "type": "FFT_CURVES",
                    "criticalPower": round(ftp * 1.02),
                    "wPrime": round(t.w_prime),
                    "pMax": round(t.p_max),
                    "ftp": round(ftp),
                },
            }
        )
        out.append(ride)
    if run_speed is not None:
        run = common(2, ["Run", "VirtualRun", "TrailRun"])
        run.update(
            {
                "lthr": t.lthr_run,
                "hr_zones": hr_zones(t.lthr_run or 170),
                "threshold_pace": round(run_speed, 4),
                "pace_units": "MINS_KM",
                "pace_zones": RUN_PACE_ZONES,
                "pace_zone_names": PACE_ZONE_NAMES,
                "pace_load_type": "RUN",
                "gap_model": "STRAVA_RUN",
                "load_order": "PACE_HR_POWER",
                "tiz_order": "PACE_HR_POWER",
                "workout_order": "PACE_HR_POWER",
            }
        )
        out.append(run)
    if css is not None:
        swim = common(3, ["Swim", "OpenWaterSwim"])
        swim.update(
            {
                "lthr": (t.lthr_run or 170) - 10,
                "hr_zones": hr_zones((t.lthr_run or 170) - 10),
                "threshold_pace": round(css, 4),
                "pace_units": "SECS_100M",
                "pace_zones": SWIM_PACE_ZONES,
                "pace_zone_names": PACE_ZONE_NAMES,
                "pace_load_type": "SWIM",
                "load_order": "PACE_HR_POWER",
                "tiz_order": "PACE_HR_POWER",
                "workout_order": "PACE_HR_POWER",
                "warmup_time": 300,
                "cooldown_time": 300,
            }
        )
        out.append(swim)
    other = common(9, ["WeightTraining", "Workout", "Walk", "Hike", "Yoga", "Other"])
    other.update(
        {
            "lthr": t.lthr_run or t.lthr_ride,
            "hr_zones": hr_zones(t.lthr_run or t.lthr_ride or 160),
            "hr_load_type": "HRSS",
        }
    )
    out.append(other)
    return out


def athlete_record(profile: AthleteProfile, api_key: str, weight: float, stamp: str) -> dict[str, Any]:
    """The athlete object in API shape (``WithSportSettings`` without ``sportSettings``)."""
    return {
        "id": profile.athlete_id,
        "name": profile.name,
        "firstname": profile.firstname,
        "lastname": profile.lastname,
        "profile_medium": None,
        "measurement_preference": "meters",
        "weight_pref_lb": False,
        "fahrenheit": False,
        "weight": round(weight, 1),
        "email": None,
        "sex": profile.sex,
        "city": profile.city,
        "state": None,
        "country": profile.country,
        "timezone": profile.timezone,
        "locale": "en",
        "date_format": None,
        "time_format": None,
        "visibility": "PRIVATE",
        "icu_resting_hr": profile.thresholds.resting_hr,
        "icu_weight": round(weight, 1),
        "icu_date_of_birth": profile.date_of_birth,
        "icu_activated": stamp,
        "icu_coach": profile.role == "coach",
        "icu_form_as_percent": False,
        "icu_mmp_days": 90,
        "icu_api_key": None,
        "height": profile.height,
        "height_units": "CM",
        "plan": "PREMIUM",
        "bio": None,
        "website": None,
        "icu_last_seen": stamp,
        "status": None,
        "icu_permission": None,
        "strava_authorized": True,
        "custom_items": [],
    }
