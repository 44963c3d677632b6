"""Activities and what hangs off them (spec ``Activity``, ``ActivityWithIntervals``, ``Hidden``, ``Interval``,
``IntervalGroup``, ``IntervalsDTO``, ``ActivityStream``, ``BestEfforts``, ``Bucket``, ``Message``).

Of the 183 ``Activity`` properties, the ones icucoach uses are typed; the rest are kept as extra fields.
Strava-synced activities come back as stubs (spec ``Hidden``: id, athlete, date, ``source: "STRAVA"``,
``_note``; no metrics): ``Activity.is_strava_stub`` tells them apart so no one reads "0 W" into them.
``icu_zone_times`` is a list of ``{id, secs}`` with an extra ``SS`` (sweet spot) bucket that overlaps Z3/Z4;
``icu_hr_zone_times``, ``pace_zone_times`` and ``gap_zone_times`` are plain int arrays.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, field_validator

from icucoach.intervals.localtime import local_date
from icucoach.intervals.models.athlete import StravaGear
from icucoach.intervals.models.base import ApiModel

STRAVA_NOTE = "STRAVA activities are not available via the API"


class ZoneTime(ApiModel):
    id: str | None = None
    secs: int | None = None


class IcuAchievement(ApiModel):
    id: str | None = None
    type: str | None = None
    message: str | None = None
    watts: int | None = None
    secs: int | None = None
    value: float | None = None
    distance: float | None = None
    pace: float | None = None


class Activity(ApiModel):
    """One activity (or a Strava stub, see ``is_strava_stub``)."""

    id: str
    icu_athlete_id: str | None = None
    start_date_local: str | None = None
    start_date: str | None = None
    timezone: str | None = None
    type: str | None = None
    sub_type: str | None = None
    name: str | None = None
    description: str | None = None
    source: str | None = None
    note: str | None = Field(None, alias="_note")
    external_id: str | None = None
    device_name: str | None = None
    file_type: str | None = None
    trainer: bool | None = None
    commute: bool | None = None
    race: bool | None = None
    created: str | None = None
    analyzed: str | None = None
    icu_sync_date: str | None = None
    paired_event_id: int | None = None
    tags: list[str] | None = None
    # volume
    moving_time: int | None = None
    elapsed_time: int | None = None
    icu_recording_time: int | None = None
    coasting_time: int | None = None
    distance: float | None = None
    icu_distance: float | None = None
    total_elevation_gain: float | None = None
    total_elevation_loss: float | None = None
    calories: int | None = None
    average_speed: float | None = None
    max_speed: float | None = None
    pace: float | None = None
    gap: float | None = None
    average_cadence: float | None = None
    average_stride: float | None = None
    # load and intensity
    icu_training_load: int | None = None
    power_load: int | None = None
    hr_load: int | None = None
    pace_load: int | None = None
    hr_load_type: str | None = None
    pace_load_type: str | None = None
    icu_intensity: float | None = None  # percent, e.g. 86.05
    trimp: float | None = None
    session_rpe: int | None = None
    icu_rpe: int | None = None
    feel: int | None = None
    strain_score: float | None = None
    compliance: float | None = None
    polarization_index: float | None = None
    # power
    icu_ftp: int | None = None
    icu_w_prime: int | None = None
    p_max: int | None = None
    icu_average_watts: int | None = None
    icu_weighted_avg_watts: int | None = None
    icu_variability_index: float | None = None
    icu_joules: int | None = None
    icu_joules_above_ftp: int | None = None
    icu_max_wbal_depletion: int | None = None
    device_watts: bool | None = None
    icu_power_zones: list[int] | None = None
    icu_sweet_spot_min: int | None = None
    icu_sweet_spot_max: int | None = None
    icu_rolling_ftp: int | None = None
    icu_rolling_ftp_delta: int | None = None
    icu_rolling_w_prime: float | None = None
    icu_rolling_p_max: float | None = None
    # heart rate
    has_heartrate: bool | None = None
    average_heartrate: int | None = None
    max_heartrate: int | None = None
    athlete_max_hr: int | None = None
    lthr: int | None = None
    icu_resting_hr: int | None = None
    icu_hr_zones: list[int] | None = None
    # efficiency, fitness
    icu_efficiency_factor: float | None = None
    icu_power_hr: float | None = None
    icu_power_hr_z2: float | None = None
    decoupling: float | None = None
    icu_ctl: float | None = None
    icu_atl: float | None = None
    icu_weight: float | None = None
    threshold_pace: float | None = None
    pace_zones: list[float] | None = None
    # zones
    icu_zone_times: list[ZoneTime] | None = None
    icu_hr_zone_times: list[int] | None = None
    pace_zone_times: list[int] | None = None
    gap_zone_times: list[int] | None = None
    use_gap_zone_times: bool | None = None
    # other
    stream_types: list[str] | None = None
    interval_summary: list[str] | None = None
    icu_lap_count: int | None = None
    icu_achievements: list[IcuAchievement] | None = None
    gear: StravaGear | None = None
    route_id: int | None = None
    carbs_used: int | None = None
    carbs_ingested: int | None = None
    average_weather_temp: float | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_str(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("icu_zone_times", mode="before")
    @classmethod
    def _zone_times(cls, value: Any) -> Any:
        # older payloads used a plain int array; keep them usable as Z1..Zn
        if isinstance(value, list) and value and all(isinstance(v, int | float) for v in value):
            return [{"id": f"Z{i + 1}", "secs": int(v)} for i, v in enumerate(value)]
        return value

    @property
    def is_strava_stub(self) -> bool:
        """True for a Strava-synced activity the API hides (no type, metrics, streams or intervals)."""
        if (self.source or "").upper() == "STRAVA":
            return True
        return self.note is not None and "strava" in self.note.lower()

    @property
    def local_date(self) -> date | None:
        """The athlete-local calendar date of the start."""
        return local_date(self.start_date_local) if self.start_date_local else None

    def zone_times(self) -> list[ZoneTime]:
        """Power time in zone, incl. the overlapping ``SS`` bucket (``[]`` when null)."""
        return list(self.icu_zone_times or [])

    def power_zone_secs(self) -> list[int]:
        """Seconds per power zone Z1..Zn, without the ``SS`` bucket (which overlaps Z3/Z4)."""
        return [z.secs or 0 for z in self.icu_zone_times or [] if (z.id or "").upper() != "SS"]

    def sweet_spot_secs(self) -> int | None:
        for z in self.icu_zone_times or []:
            if (z.id or "").upper() == "SS":
                return z.secs
        return None

    def hr_zone_secs(self) -> list[int]:
        return list(self.icu_hr_zone_times or [])

    def pace_zone_secs(self) -> list[int]:
        return list(self.pace_zone_times or [])


class Hidden(ApiModel):
    """The Strava stub exactly as the spec names it (``Activity`` parses it too)."""

    id: str | None = None
    icu_athlete_id: str | None = None
    start_date_local: str | None = None
    source: str | None = None
    note: str | None = Field(None, alias="_note")


class Interval(ApiModel):
    id: int | None = None
    type: str | None = None  # WORK | RECOVERY
    label: str | None = None
    group_id: str | None = None
    start_index: int | None = None
    end_index: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    moving_time: int | None = None
    elapsed_time: int | None = None
    distance: float | None = None
    average_watts: int | None = None
    weighted_average_watts: int | None = None
    max_watts: int | None = None
    average_watts_kg: float | None = None
    intensity: int | None = None
    training_load: float | None = None
    joules: int | None = None
    joules_above_ftp: int | None = None
    zone: int | None = None
    zone_min_watts: int | None = None
    zone_max_watts: int | None = None
    average_heartrate: int | None = None
    max_heartrate: int | None = None
    average_cadence: float | None = None
    average_speed: float | None = None
    gap: float | None = None
    decoupling: float | None = None
    wbal_start: int | None = None
    wbal_end: int | None = None
    average_torque: float | None = None
    total_elevation_gain: float | None = None
    average_gradient: float | None = None


class IntervalGroup(Interval):
    id: str | None = None  # type: ignore[assignment]  # groups have string ids
    count: int | None = None


class HasIntervals(ApiModel):
    """The intervals and groups both ``/activity/{id}/intervals`` and ``?intervals=true`` carry."""

    icu_intervals: list[Interval] | None = None
    icu_groups: list[IntervalGroup] | None = None

    def intervals(self) -> list[Interval]:
        return list(self.icu_intervals or [])

    def groups(self) -> list[IntervalGroup]:
        return list(self.icu_groups or [])


class IntervalsDTO(HasIntervals):
    """``GET /activity/{id}/intervals``."""

    id: str | None = None
    analyzed: str | None = None


class ActivityWithIntervals(HasIntervals, Activity):
    """``GET /activity/{id}?intervals=true``."""


class Anomaly(ApiModel):
    start_index: int | None = None
    end_index: int | None = None
    value: int | None = None
    valueEnd: int | None = None


class ActivityStream(ApiModel):
    """One stream; ``latlng`` carries latitudes in ``data`` and longitudes in ``data2``."""

    type: str
    name: str | None = None
    data: list[Any] | None = None
    data2: list[Any] | None = None
    valueTypeIsArray: bool | None = None
    anomalies: list[Anomaly] | None = None
    custom: bool | None = None
    allNull: bool | None = None

    def values(self) -> list[Any]:
        return list(self.data or [])


class Effort(ApiModel):
    start_index: int | None = None
    end_index: int | None = None
    average: float | None = None
    duration: int | None = None
    distance: float | None = None


class BestEfforts(ApiModel):
    efforts: list[Effort] | None = None

    def list_efforts(self) -> list[Effort]:
        return list(self.efforts or [])


class Bucket(ApiModel):
    """One histogram bucket (power/HR/pace/GAP histograms)."""

    start: int | None = None
    secs: int | None = None
    movingSecs: int | None = None
    watts: float | None = None
    hr: float | None = None
    cadence: int | None = None


class Message(ApiModel):
    """A comment on an activity (``GET /activity/{id}/messages``)."""

    id: int | None = None
    athlete_id: str | None = None
    name: str | None = None
    created: str | None = None
    type: str | None = None
    content: str | None = None
    activity_id: str | None = None
    start_index: int | None = None
    end_index: int | None = None
    answer: str | None = None
    deleted: str | None = None
    seen: bool | None = None


class NewMsg(ApiModel):
    """The answer to ``POST /activity/{id}/messages``."""

    id: int | None = None
    new_chat: dict[str, Any] | None = None


class ActivityId(ApiModel):
    icu_athlete_id: str | None = None
    id: str | None = None


__all__ = [
    "STRAVA_NOTE",
    "Activity",
    "ActivityId",
    "ActivityStream",
    "ActivityWithIntervals",
    "Anomaly",
    "BestEfforts",
    "Bucket",
    "Effort",
    "Hidden",
    "IcuAchievement",
    "Interval",
    "IntervalGroup",
    "IntervalsDTO",
    "Message",
    "NewMsg",
    "ZoneTime",
]
