"""Gear (bikes, shoes, components) and its service reminders (spec ``Gear``, ``GearReminder``)."""

from __future__ import annotations

from typing import Any

from icucoach.intervals.models.base import ApiModel


class GearReminder(ApiModel):
    id: int | None = None
    gear_id: str | None = None
    name: str | None = None
    distance: float | None = None
    time: float | None = None
    activities: int | None = None
    days: int | None = None
    last_reset: str | None = None
    snoozed_until: str | None = None
    percent_used: float | None = None


class Gear(ApiModel):
    id: str
    athlete_id: str | None = None
    type: str | None = None
    name: str | None = None
    purchased: str | None = None
    notes: str | None = None
    distance: float | None = None  # metres
    time: float | None = None  # seconds
    activities: int | None = None
    use_elapsed_time: bool | None = None
    retired: str | None = None
    component: bool | None = None
    component_ids: list[str] | None = None
    reminders: list[GearReminder] | None = None
    activity_filters: list[dict[str, Any]] | None = None

    @property
    def is_retired(self) -> bool:
        return bool(self.retired)


__all__ = ["Gear", "GearReminder"]
