"""Athlete, coach access list, profile and sport settings (spec schemas ``Athlete``, ``WithSportSettings``,
``AthleteWithTags``, ``AthleteProfile``, ``SportSettings``, ``PowerModel``).

``icu_api_key`` and ``icu_friend_invite_token`` are secrets the athlete endpoint can return about the caller:
they are ``SecretStr`` so they never show in a repr or a log.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from icucoach.intervals.models.base import ApiModel


class StravaGear(ApiModel):
    id: str | None = None
    name: str | None = None
    distance: float | None = None
    primary: bool | None = None


class PowerModel(ApiModel):
    type: str | None = None
    criticalPower: int | None = None
    wPrime: int | None = None
    pMax: int | None = None
    inputPointIndexes: list[int] | None = None
    ftp: int | None = None


class SportSettings(ApiModel):
    """Zones and thresholds for a group of activity types (``types``)."""

    id: int | None = None
    athlete_id: str | None = None
    types: list[str] | None = None
    warmup_time: int | None = None
    cooldown_time: int | None = None
    ftp: int | None = None
    indoor_ftp: int | None = None
    w_prime: int | None = None
    p_max: int | None = None
    power_zones: list[int] | None = None
    power_zone_names: list[str] | None = None
    sweet_spot_min: int | None = None
    sweet_spot_max: int | None = None
    lthr: int | None = None
    max_hr: int | None = None
    hr_zones: list[int] | None = None
    hr_zone_names: list[str] | None = None
    hr_load_type: str | None = None
    threshold_pace: float | None = None  # m/s
    pace_units: str | None = None
    pace_zones: list[float] | None = None
    pace_zone_names: list[str] | None = None
    pace_load_type: str | None = None
    gap_model: str | None = None
    load_order: str | None = None
    tiz_order: str | None = None
    workout_order: str | None = None
    best_effort_distances: list[float] | None = None
    mmp_model: PowerModel | None = None
    other: bool | None = None
    created: str | None = None
    updated: str | None = None

    def applies_to(self, sport: str) -> bool:
        return sport in (self.types or [])


class Athlete(ApiModel):
    """The athlete record (spec ``Athlete``); the most used of its ~170 fields are typed."""

    id: str | None = None
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    sex: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    timezone: str | None = None
    locale: str | None = None
    measurement_preference: str | None = None
    weight: float | None = None
    icu_weight: float | None = None
    icu_resting_hr: int | None = None
    icu_date_of_birth: str | None = None
    height: float | None = None
    visibility: str | None = None
    status: str | None = None
    plan: str | None = None
    icu_permission: str | None = None
    icu_coach: bool | None = None
    icu_last_seen: str | None = None
    icu_activated: str | None = None
    bio: str | None = None
    website: str | None = None
    profile_medium: str | None = None
    bikes: list[StravaGear] | None = None
    shoes: list[StravaGear] | None = None
    icu_api_key: SecretStr | None = None
    icu_friend_invite_token: SecretStr | None = None
    strava_authorized: bool | None = None


class WithSportSettings(Athlete):
    """``GET /athlete/{id}``: the athlete plus ``sportSettings`` and ``custom_items``."""

    sportSettings: list[SportSettings] | None = None
    custom_items: list[dict[str, Any]] | None = None

    def sport_settings(self) -> list[SportSettings]:
        return list(self.sportSettings or [])

    def settings_for(self, sport: str) -> SportSettings | None:
        """The settings whose ``types`` include ``sport`` (as Intervals.icu itself looks them up)."""
        for ss in self.sportSettings or []:
            if ss.applies_to(sport):
                return ss
        return None


class AthleteListItem(Athlete):
    """One row of ``GET /athletes`` (spec ``AthleteWithTags``): athletes the caller may read, incl. itself."""

    icu_tags: list[str] | None = None
    icu_notes: str | None = None

    @property
    def can_write(self) -> bool:
        return (self.icu_permission or "").upper() in ("WRITE", "ADMIN", "OWNER")


class AthleteForProfile(ApiModel):
    id: str | None = None
    name: str | None = None
    profile_medium: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    timezone: str | None = None
    sex: str | None = None
    bio: str | None = None
    website: str | None = None
    email: str | None = None
    icu_coach: bool | None = None


class AthleteProfile(ApiModel):
    """``GET /athlete/{id}/profile``."""

    athlete: AthleteForProfile | None = None
    sharedFolders: list[dict[str, Any]] | None = None
    customItems: list[dict[str, Any]] | None = None


__all__ = [
    "Athlete",
    "AthleteForProfile",
    "AthleteListItem",
    "AthleteProfile",
    "PowerModel",
    "SportSettings",
    "StravaGear",
    "WithSportSettings",
]
