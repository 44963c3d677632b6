"""Calendar and library: ``Event`` (what the API returns), ``EventEx`` (create/update body), ``WorkoutDoc``,
``Folder``, ``Workout``, ``WorkoutEx`` and the bulk-delete shapes.

``workout_doc`` is the server's parse of the native workout text in ``description``; it is kept loose (a model
with every field allowed) because ``icucoach.workouts`` owns its semantics. ``EventEx.start_date_local``
accepts a ``date``/``datetime`` and writes the offset-less local form (``YYYY-MM-DDT00:00:00``).
Real event responses also carry ``paired_activity_id`` (not in the spec).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import field_validator

from icucoach.intervals.localtime import format_local, local_date
from icucoach.intervals.models.base import ApiModel

CATEGORIES = (
    "WORKOUT",
    "RACE_A",
    "RACE_B",
    "RACE_C",
    "NOTE",
    "PLAN",
    "HOLIDAY",
    "SICK",
    "INJURED",
    "SET_EFTP",
    "FITNESS_DAYS",
    "SEASON_START",
    "TARGET",
    "SET_FITNESS",
)


class WorkoutDoc(ApiModel):
    """The structured workout; ``steps`` are kept as plain dicts (``icucoach.workouts`` interprets them)."""

    description: str | None = None
    duration: int | float | None = None
    distance: float | None = None
    moving_time: int | float | None = None
    ftp: int | float | None = None
    lthr: int | float | None = None
    threshold_pace: float | None = None
    pace_units: str | None = None
    target: str | None = None
    category: str | None = None
    steps: list[dict[str, Any]] | None = None
    zoneTimes: list[Any] | None = None
    hrZoneTimes: list[Any] | None = None
    options: dict[str, Any] | None = None

    def step_list(self) -> list[dict[str, Any]]:
        return list(self.steps or [])


class Attachment(ApiModel):
    id: str | None = None
    filename: str | None = None
    mimetype: str | None = None
    url: str | None = None


class PushError(ApiModel):
    service: str | None = None
    message: str | None = None
    date: str | None = None


class _EventFields(ApiModel):
    start_date_local: str | None = None
    end_date_local: str | None = None
    category: str | None = None
    type: str | None = None
    sub_type: str | None = None
    name: str | None = None
    description: str | None = None
    external_id: str | None = None
    uid: str | None = None
    calendar_id: int | None = None
    athlete_id: str | None = None
    indoor: bool | None = None
    color: str | None = None
    moving_time: int | None = None
    distance: float | None = None
    icu_training_load: int | None = None
    icu_intensity: float | None = None  # percent
    icu_ftp: int | None = None
    joules: int | None = None
    joules_above_ftp: int | None = None
    workout_doc: WorkoutDoc | None = None
    target: str | None = None
    tags: list[str] | None = None
    attachments: list[Attachment] | None = None
    carbs_per_hour: int | None = None
    not_on_fitness_chart: bool | None = None
    show_as_note: bool | None = None
    show_on_ctl_line: bool | None = None
    for_week: bool | None = None
    hide_from_athlete: bool | None = None
    athlete_cannot_edit: bool | None = None
    load_target: int | None = None
    time_target: int | None = None
    distance_target: float | None = None
    training_availability: str | None = None
    icu_ctl: float | None = None
    icu_atl: float | None = None
    ctl_days: int | None = None
    atl_days: int | None = None

    @field_validator("start_date_local", "end_date_local", mode="before")
    @classmethod
    def _local_string(cls, value: Any) -> Any:
        return format_local(value) if isinstance(value, date | datetime) else value

    @property
    def local_date(self) -> date | None:
        return local_date(self.start_date_local) if self.start_date_local else None


class Event(_EventFields):
    """A calendar item as the API returns it."""

    id: int
    updated: str | None = None
    created_by_id: str | None = None
    oauth_client_id: int | None = None
    push_errors: list[PushError] | None = None
    structure_read_only: bool | None = None
    plan_athlete_id: str | None = None
    plan_folder_id: int | None = None
    plan_workout_id: int | None = None
    plan_applied: str | None = None
    paired_activity_id: str | None = None

    @field_validator("paired_activity_id", mode="before")
    @classmethod
    def _paired_str(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @property
    def is_workout(self) -> bool:
        return self.category == "WORKOUT"

    @property
    def is_race(self) -> bool:
        return (self.category or "").startswith("RACE_")


class EventEx(_EventFields):
    """The body of ``POST/PUT …/events`` and ``events/bulk``: only the fields you set are sent."""

    id: int | None = None
    filename: str | None = None
    file_contents: str | None = None
    file_contents_base64: str | None = None
    workout: dict[str, Any] | None = None


class _WorkoutFields(ApiModel):
    athlete_id: str | None = None
    folder_id: int | None = None
    name: str | None = None
    description: str | None = None
    type: str | None = None
    sub_type: str | None = None
    indoor: bool | None = None
    color: str | None = None
    moving_time: int | None = None
    distance: float | None = None
    icu_training_load: int | None = None
    icu_intensity: float | None = None
    joules: int | None = None
    joules_above_ftp: int | None = None
    workout_doc: WorkoutDoc | None = None
    day: int | None = None
    days: int | None = None
    target: str | None = None
    targets: list[str] | None = None
    tags: list[str] | None = None
    attachments: list[Attachment] | None = None
    carbs_per_hour: int | None = None
    time: str | None = None
    for_week: bool | None = None
    hide_from_athlete: bool | None = None


class Workout(_WorkoutFields):
    """A library workout."""

    id: int
    updated: str | None = None
    plan_applied: str | None = None


class WorkoutEx(_WorkoutFields):
    """The body of ``POST …/workouts``."""

    id: int | None = None
    filename: str | None = None
    file_contents: str | None = None
    file_contents_base64: str | None = None


class Folder(ApiModel):
    """A library folder or training plan, with its workouts in ``children``."""

    id: int
    athlete_id: str | None = None
    type: str | None = None  # FOLDER | PLAN
    name: str | None = None
    description: str | None = None
    children: list[Workout] | None = None
    visibility: str | None = None
    start_date_local: str | None = None
    rollout_weeks: int | None = None
    auto_rollout_day: int | None = None
    activity_types: list[str] | None = None
    num_workouts: int | None = None
    duration_weeks: int | None = None
    blurb: str | None = None
    canEdit: bool | None = None
    owner: dict[str, Any] | None = None

    def workouts(self) -> list[Workout]:
        return list(self.children or [])


class DoomedEvent(ApiModel):
    id: int | None = None
    external_id: str | None = None


class DeleteEventsResponse(ApiModel):
    eventsDeleted: int | None = None


__all__ = [
    "CATEGORIES",
    "Attachment",
    "DeleteEventsResponse",
    "DoomedEvent",
    "Event",
    "EventEx",
    "Folder",
    "PushError",
    "Workout",
    "WorkoutDoc",
    "WorkoutEx",
]
