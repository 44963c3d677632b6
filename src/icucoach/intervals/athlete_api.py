"""Athlete endpoints: the athlete with sport settings, the coach's athlete list, profile, sport settings,
athlete-level power/HR/pace curves and gear; plus ``today()``, the athlete's local date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from icucoach.intervals.api_base import ApiBase, DateLike, csv, dparam
from icucoach.intervals.localtime import athlete_today
from icucoach.intervals.models import (
    AthleteListItem,
    AthleteProfile,
    DataCurveSetHRCurve,
    DataCurveSetPaceCurve,
    DataCurveSetPowerCurve,
    Gear,
    SportSettings,
    WithSportSettings,
)
from icucoach.intervals.transport import segment


class AthleteApi(ApiBase):
    _timezones: dict[str, str | None]

    async def get_athlete(self, athlete_id: str | int | None = None) -> WithSportSettings:
        """The athlete (timezone, weight, …) with ``sportSettings`` (zones, FTP, thresholds)."""
        aid = self._aid(athlete_id)
        athlete = await self._get(WithSportSettings, f"/athlete/{aid}", resource=f"athlete {aid}")
        self._timezones[aid] = athlete.timezone
        if athlete.id:
            self._timezones[segment(athlete.id)] = athlete.timezone
        return athlete

    async def list_athletes(self) -> list[AthleteListItem]:
        """Athletes the caller may read (itself included) with ``icu_permission`` READ/WRITE.
        API keys only: Intervals.icu refuses this list to OAuth tokens."""
        return await self._get(list[AthleteListItem], "/athletes")

    async def get_profile(self, athlete_id: str | int | None = None) -> AthleteProfile:
        aid = self._aid(athlete_id)
        return await self._get(AthleteProfile, f"/athlete/{aid}/profile", resource=f"athlete {aid}")

    async def list_sport_settings(self, athlete_id: str | int | None = None) -> list[SportSettings]:
        aid = self._aid(athlete_id)
        return await self._get(
            list[SportSettings], f"/athlete/{aid}/sport-settings", resource=f"athlete {aid}"
        )

    async def get_sport_settings(
        self, sport_or_id: str | int, athlete_id: str | int | None = None
    ) -> SportSettings:
        """Settings by id or by activity type (``"Ride"``, ``"Run"``…)."""
        aid = self._aid(athlete_id)
        return await self._get(
            SportSettings,
            f"/athlete/{aid}/sport-settings/{segment(sport_or_id)}",
            resource=f"sport settings {sport_or_id} of athlete {aid}",
        )

    async def today(self, athlete_id: str | int | None = None) -> date:
        """The athlete's local date now (their timezone, fetched once per client and athlete)."""
        aid = self._aid(athlete_id)
        if aid not in self._timezones:
            await self.get_athlete(athlete_id)
        return athlete_today(self._timezones.get(aid))

    # ------------------------------------------------------------------------------------------- curves
    async def get_power_curves(
        self,
        type: str = "Ride",
        curves: Sequence[str] | str | None = None,
        *,
        newest: DateLike | None = None,
        include_ranks: bool | None = None,
        sub_max_efforts: int | None = None,
        pm_type: str | None = None,
        athlete_id: str | int | None = None,
    ) -> DataCurveSetPowerCurve:
        """Best power per duration over ranges.

        ``curves`` like ``["42d", "1y", "all", "r.2026-01-01.2026-03-31"]`` (days, years, all, a range)."""
        params = {
            "type": type,
            "curves": csv(curves),
            "newest": dparam(newest),
            "includeRanks": include_ranks,
            "subMaxEfforts": sub_max_efforts,
            "pmType": pm_type,
        }
        aid = self._aid(athlete_id)
        return await self._get(
            DataCurveSetPowerCurve, f"/athlete/{aid}/power-curves", params=params, resource=f"athlete {aid}"
        )

    async def get_hr_curves(
        self,
        type: str | None = None,
        curves: Sequence[str] | str | None = None,
        *,
        newest: DateLike | None = None,
        athlete_id: str | int | None = None,
    ) -> DataCurveSetHRCurve:
        aid = self._aid(athlete_id)
        params = {"type": type, "curves": csv(curves), "newest": dparam(newest)}
        return await self._get(
            DataCurveSetHRCurve, f"/athlete/{aid}/hr-curves", params=params, resource=f"athlete {aid}"
        )

    async def get_pace_curves(
        self,
        type: str = "Run",
        curves: Sequence[str] | str | None = None,
        *,
        newest: DateLike | None = None,
        gap: bool | None = None,
        athlete_id: str | int | None = None,
    ) -> DataCurveSetPaceCurve:
        """Best time per distance (``distance[]`` metres, ``values[]`` seconds)."""
        aid = self._aid(athlete_id)
        params = {"type": type, "curves": csv(curves), "newest": dparam(newest), "gap": gap}
        return await self._get(
            DataCurveSetPaceCurve, f"/athlete/{aid}/pace-curves", params=params, resource=f"athlete {aid}"
        )

    # --------------------------------------------------------------------------------------------- gear
    async def list_gear(self, athlete_id: str | int | None = None) -> list[Gear]:
        aid = self._aid(athlete_id)
        return await self._get(list[Gear], f"/athlete/{aid}/gear", resource=f"athlete {aid}")


__all__ = ["AthleteApi"]
