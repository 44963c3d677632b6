"""Typed inputs: one activity, one wellness day, one calendar event, one sport's settings.

Pure converters from the Intervals.icu API dict shapes (``intervals-api.md`` §5, real field names) keep every
other module free of dict plumbing. Strava stubs (``source == "STRAVA"``, metrics withheld by Strava's API
terms) are recognised and flagged so that no metric ever counts them as zero effort. ``dedupe_activities``
links the same session recorded by two sources so that it is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

# Sport type (Intervals.icu enum) -> family. Families group sports whose zones and load are comparable.
SPORT_FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        (
            "Ride",
            "VirtualRide",
            "GravelRide",
            "MountainBikeRide",
            "EBikeRide",
            "EMountainBikeRide",
            "TrackRide",
            "Velomobile",
            "Handcycle",
        ),
        "cycling",
    ),
    **dict.fromkeys(("Run", "VirtualRun", "TrailRun"), "run"),
    **dict.fromkeys(("Swim", "OpenWaterSwim"), "swim"),
    **dict.fromkeys(("NordicSki", "VirtualSki", "BackcountrySki", "Rollerski"), "ski"),
    **dict.fromkeys(("Rowing", "VirtualRow", "Canoeing", "Kayaking"), "rowing"),
    **dict.fromkeys(("Walk", "Hike"), "walk"),
    **dict.fromkeys(("WeightTraining", "Crossfit", "Workout", "Yoga", "Pilates"), "strength"),
}
RACE_CATEGORIES = ("RACE_A", "RACE_B", "RACE_C")
TRAINING_CATEGORIES = ("WORKOUT", *RACE_CATEGORIES)


def sport_family(sport: str | None) -> str:
    return SPORT_FAMILIES.get(sport or "", "other")


def _f(v: Any) -> float | None:
    """Float or None; Intervals sends null, missing, or sometimes 0 for 'not measured' on optional fields."""
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if x == x else None


def _pos(v: Any) -> float | None:
    x = _f(v)
    return x if x is not None and x > 0 else None


def _day(v: Any) -> date | None:
    if not v:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _floats(v: Any) -> tuple[float, ...]:
    if not v:
        return ()
    return tuple(float(x or 0) for x in v)


def _zone_secs(v: Any) -> tuple[float, ...]:
    """``icu_zone_times`` objects ``[{"id": "Z1", "secs": ..}, .., {"id": "SS", ..}]`` or a plain array.

    The ``SS`` (sweet spot) bucket overlaps Z3/Z4 and is dropped, never added to totals.
    """
    if not v:
        return ()
    if isinstance(v[0], Mapping):
        zs: dict[int, float] = {}
        for item in v:
            zid = str(item.get("id", ""))
            if zid[:1] == "Z" and zid[1:].isdigit():  # "SS" and any other extra bucket are skipped
                zs[int(zid[1:])] = float(item.get("secs") or 0)
        return tuple(zs.get(i, 0.0) for i in range(1, max(zs, default=0) + 1))
    return _floats(v)


@dataclass(frozen=True)
class ActivityInput:
    """One completed activity. ``start`` is athlete-local wall time (``start_date_local``)."""

    id: str
    start: datetime
    sport: str = "Other"
    source: str | None = None
    is_stub: bool = False
    moving_time: float | None = None  # s
    elapsed_time: float | None = None  # s
    distance: float | None = None  # m
    load: float | None = None  # icu_training_load
    intensity: float | None = None  # IF as a fraction (icu_intensity / 100)
    avg_power: float | None = None
    np: float | None = None  # icu_weighted_avg_watts
    avg_hr: float | None = None
    max_hr: float | None = None
    ftp: float | None = None
    lthr: float | None = None
    athlete_max_hr: float | None = None
    resting_hr: float | None = None
    threshold_pace: float | None = None  # m/s
    power_zone_secs: tuple[float, ...] = ()
    power_zones: tuple[float, ...] = ()  # upper bounds, % FTP
    hr_zone_secs: tuple[float, ...] = ()
    hr_zones: tuple[float, ...] = ()  # upper bounds, bpm
    pace_zone_secs: tuple[float, ...] = ()
    pace_zones: tuple[float, ...] = ()  # upper bounds, % threshold speed
    decoupling: float | None = None  # %
    efficiency_factor: float | None = None
    variability_index: float | None = None
    rpe: float | None = None
    feel: float | None = None
    kj: float | None = None
    race: bool = False
    paired_event_id: str | None = None
    note: str | None = None

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def family(self) -> str:
        return sport_family(self.sport)

    @property
    def duration(self) -> float | None:
        return self.moving_time or self.elapsed_time


@dataclass(frozen=True)
class WellnessInput:
    """One local day of wellness (the API record's ``id`` is the date)."""

    day: date
    ctl: float | None = None
    atl: float | None = None
    ramp_rate: float | None = None
    hrv: float | None = None  # rMSSD, ms
    hrv_sdnn: float | None = None  # ms
    resting_hr: float | None = None
    sleep_secs: float | None = None
    sleep_score: float | None = None
    soreness: float | None = None  # 1-4, 1 = good
    fatigue: float | None = None
    stress: float | None = None
    mood: float | None = None
    motivation: float | None = None
    injury: float | None = None
    weight: float | None = None
    sport_info: tuple[dict, ...] = ()


@dataclass(frozen=True)
class PlannedInput:
    """One calendar event: a planned workout, a race, a note, or a fitness-model change."""

    id: str
    day: date
    category: str
    sport: str | None = None
    name: str = ""
    load: float | None = None
    moving_time: float | None = None
    intensity: float | None = None  # fraction
    end_day: date | None = None
    paired_activity_id: str | None = None
    ctl_days: float | None = None  # FITNESS_DAYS
    atl_days: float | None = None
    set_ctl: float | None = None  # SET_FITNESS
    set_atl: float | None = None

    @property
    def family(self) -> str:
        return sport_family(self.sport)

    @property
    def is_race(self) -> bool:
        return self.category in RACE_CATEGORIES

    @property
    def is_training(self) -> bool:
        return self.category in TRAINING_CATEGORIES


@dataclass(frozen=True)
class SportSettingsInput:
    """Thresholds and zones of one sport-settings entry (``athlete.sportSettings[]``)."""

    types: tuple[str, ...] = ()
    ftp: float | None = None
    indoor_ftp: float | None = None
    lthr: float | None = None
    max_hr: float | None = None
    resting_hr: float | None = None
    threshold_pace: float | None = None  # m/s
    w_prime: float | None = None
    p_max: float | None = None
    power_zones: tuple[float, ...] = ()
    hr_zones: tuple[float, ...] = ()
    pace_zones: tuple[float, ...] = ()
    ftp_history: tuple[tuple[date, float], ...] = field(default=())  # (date set, FTP) for benchmark index

    @property
    def families(self) -> set[str]:
        return {sport_family(t) for t in self.types}


def _parse_local(d: Mapping[str, Any], tz: str | None) -> datetime:
    local = d.get("start_date_local")
    if local:
        return datetime.fromisoformat(str(local).replace("Z", "")).replace(tzinfo=None)
    utc = d.get("start_date")
    if utc:
        t = datetime.fromisoformat(str(utc).replace("Z", "+00:00"))
        if tz and t.tzinfo is not None:
            t = t.astimezone(ZoneInfo(tz))
        return t.replace(tzinfo=None)
    raise ValueError(f"activity {d.get('id')!r} has no start date")


def from_api_activity(d: Mapping[str, Any], tz: str | None = None) -> ActivityInput:
    """Activity dict (``GET /athlete/{id}/activities``) -> ``ActivityInput``.

    ``tz`` (the athlete's IANA zone) is only used when ``start_date_local`` is absent.
    """
    source = d.get("source")
    stub = source == "STRAVA" and d.get("icu_training_load") is None and not d.get("moving_time")
    intensity = _pos(d.get("icu_intensity"))
    pace_secs = d.get("gap_zone_times") if d.get("use_gap_zone_times") else d.get("pace_zone_times")
    joules = _pos(d.get("icu_joules"))
    return ActivityInput(
        id=str(d.get("id")),
        start=_parse_local(d, tz or d.get("timezone")),
        sport=d.get("type") or "Other",
        source=source,
        is_stub=bool(stub),
        moving_time=_pos(d.get("moving_time")),
        elapsed_time=_pos(d.get("elapsed_time")),
        distance=_pos(d.get("distance")),
        load=None if stub else _f(d.get("icu_training_load")),
        intensity=intensity / 100.0 if intensity is not None else None,
        avg_power=_pos(d.get("icu_average_watts")),
        np=_pos(d.get("icu_weighted_avg_watts")),
        avg_hr=_pos(d.get("average_heartrate")),
        max_hr=_pos(d.get("max_heartrate")),
        ftp=_pos(d.get("icu_ftp")),
        lthr=_pos(d.get("lthr")),
        athlete_max_hr=_pos(d.get("athlete_max_hr")),
        resting_hr=_pos(d.get("icu_resting_hr")),
        threshold_pace=_pos(d.get("threshold_pace")),
        power_zone_secs=_zone_secs(d.get("icu_zone_times")),
        power_zones=_floats(d.get("icu_power_zones")),
        hr_zone_secs=_zone_secs(d.get("icu_hr_zone_times")),
        hr_zones=_floats(d.get("icu_hr_zones")),
        pace_zone_secs=_zone_secs(pace_secs),
        pace_zones=_floats(d.get("pace_zones")),
        decoupling=_f(d.get("decoupling")),
        efficiency_factor=_pos(d.get("icu_efficiency_factor")),
        variability_index=_pos(d.get("icu_variability_index")),
        rpe=_pos(d.get("icu_rpe")),
        feel=_pos(d.get("feel")),
        kj=joules / 1000.0 if joules is not None else None,
        race=bool(d.get("race")) or d.get("sub_type") == "RACE",
        paired_event_id=str(d["paired_event_id"]) if d.get("paired_event_id") else None,
        note=d.get("_note") or ("Strava stub: metrics withheld by Strava's API terms" if stub else None),
    )


def from_api_wellness(d: Mapping[str, Any]) -> WellnessInput:
    """Wellness dict (``GET /athlete/{id}/wellness``) -> ``WellnessInput``."""
    day = _day(d.get("id") or d.get("date"))
    if day is None:
        raise ValueError("wellness record without id/date")
    return WellnessInput(
        day=day,
        ctl=_f(d.get("ctl")),
        atl=_f(d.get("atl")),
        ramp_rate=_f(d.get("rampRate")),
        hrv=_pos(d.get("hrv")),
        hrv_sdnn=_pos(d.get("hrvSDNN")),
        resting_hr=_pos(d.get("restingHR")),
        sleep_secs=_pos(d.get("sleepSecs")),
        sleep_score=_pos(d.get("sleepScore")),
        soreness=_pos(d.get("soreness")),
        fatigue=_pos(d.get("fatigue")),
        stress=_pos(d.get("stress")),
        mood=_pos(d.get("mood")),
        motivation=_pos(d.get("motivation")),
        injury=_pos(d.get("injury")),
        weight=_pos(d.get("weight")),
        sport_info=tuple(d.get("sportInfo") or ()),
    )


def from_api_event(d: Mapping[str, Any]) -> PlannedInput:
    """Calendar event dict (``GET /athlete/{id}/events``) -> ``PlannedInput``."""
    day = _day(d.get("start_date_local"))
    if day is None:
        raise ValueError(f"event {d.get('id')!r} has no start_date_local")
    end = _day(d.get("end_date_local"))
    intensity = _pos(d.get("icu_intensity"))
    return PlannedInput(
        id=str(d.get("id")),
        day=day,
        category=str(d.get("category") or "WORKOUT"),
        sport=d.get("type"),
        name=d.get("name") or "",
        load=_f(d.get("icu_training_load")),
        moving_time=_pos(d.get("moving_time")),
        intensity=intensity / 100.0 if intensity is not None else None,
        end_day=end,
        paired_activity_id=str(d["paired_activity_id"]) if d.get("paired_activity_id") else None,
        ctl_days=_pos(d.get("ctl_days")),
        atl_days=_pos(d.get("atl_days")),
        set_ctl=_f(d.get("icu_ctl")) if d.get("category") == "SET_FITNESS" else None,
        set_atl=_f(d.get("icu_atl")) if d.get("category") == "SET_FITNESS" else None,
    )


def from_api_sport_settings(
    d: Mapping[str, Any], ftp_history: Iterable[tuple[Any, float]] = ()
) -> SportSettingsInput:
    """One ``athlete.sportSettings[]`` entry -> ``SportSettingsInput``."""
    return SportSettingsInput(
        types=tuple(d.get("types") or ()),
        ftp=_pos(d.get("ftp")),
        indoor_ftp=_pos(d.get("indoor_ftp")),
        lthr=_pos(d.get("lthr")),
        max_hr=_pos(d.get("max_hr")),
        resting_hr=_pos(d.get("resting_hr")),
        threshold_pace=_pos(d.get("threshold_pace")),
        w_prime=_pos(d.get("w_prime")),
        p_max=_pos(d.get("p_max")),
        power_zones=_floats(d.get("power_zones")),
        hr_zones=_floats(d.get("hr_zones")),
        pace_zones=_floats(d.get("pace_zones")),
        ftp_history=tuple(sorted((_day(k), float(v)) for k, v in ftp_history)),  # type: ignore[misc]
    )


def settings_for(
    sport_settings: Sequence[SportSettingsInput], sport: str | None
) -> SportSettingsInput | None:
    """The sport-settings entry for a sport type: exact type first, then the same family."""
    for s in sport_settings:
        if sport in s.types:
            return s
    fam = sport_family(sport)
    for s in sport_settings:
        if fam in s.families:
            return s
    return None


# --- duplicates --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dedupe:
    kept: list[ActivityInput]
    duplicate_of: dict[str, str]  # dropped id -> kept id


def _richness(a: ActivityInput) -> tuple:
    # Prefer the recording with real metrics: not a stub, has load, has power, has HR, not via Strava,
    # then the longer one; on a full tie the earlier-seen recording stays.
    return (
        not a.is_stub,
        a.load is not None,
        bool(a.power_zone_secs) or a.np is not None,
        bool(a.hr_zone_secs) or a.avg_hr is not None,
        a.source != "STRAVA",  # the device/platform original over Strava's re-share
        a.duration or 0.0,
    )


def _same_session(a: ActivityInput, b: ActivityInput, s: AnalyticsSettings) -> bool:
    if a.family != b.family or abs((a.start - b.start).total_seconds()) > s.dedupe_start_window_s:
        return False
    da, db = a.duration, b.duration
    if da is None or db is None:  # a stub has no duration: start and sport are the evidence
        return True
    return abs(da - db) <= s.dedupe_duration_tolerance * max(da, db)


def dedupe_activities(
    activities: Iterable[ActivityInput], settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> Dedupe:
    """Keep one activity per session: same family, starts within a few minutes, similar duration.

    The richest recording wins (see ``_richness``); every dropped id maps to the id kept in its place.
    """
    acts = sorted(activities, key=lambda a: a.start)
    kept: list[ActivityInput] = []
    dup: dict[str, str] = {}
    window = timedelta(seconds=settings.dedupe_start_window_s)
    for a in acts:
        match = None
        for i in range(len(kept) - 1, -1, -1):
            k = kept[i]
            if a.start - k.start > window:
                break
            if _same_session(a, k, settings):
                match = i
                break
        if match is None:
            kept.append(a)
            continue
        k = kept[match]
        winner, loser = (a, k) if _richness(a) > _richness(k) else (k, a)
        kept[match] = winner
        dup[loser.id] = winner.id
        for lost, won in list(dup.items()):  # keep chains pointing at the survivor
            if won == loser.id:
                dup[lost] = winner.id
    kept.sort(key=lambda a: a.start)
    return Dedupe(kept, dup)
