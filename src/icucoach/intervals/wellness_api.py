"""Wellness endpoints: one record per athlete-local day (fitness/CTL/ATL, HRV, sleep, subjective scales)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from icucoach.intervals.api_base import ApiBase, DateLike, csv, dparam, jsonable
from icucoach.intervals.models import Wellness


class WellnessApi(ApiBase):
    async def list_wellness(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        *,
        fields: Sequence[str] | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Wellness]:
        """Records for local dates ``oldest``..``newest`` inclusive, ascending; missing days are absent."""
        aid = self._aid(athlete_id)
        params = {"oldest": dparam(oldest), "newest": dparam(newest), "fields": csv(fields)}
        return await self._get(
            list[Wellness], f"/athlete/{aid}/wellness", params=params, resource=f"athlete {aid}"
        )

    async def get_wellness(self, day: DateLike, *, athlete_id: str | int | None = None) -> Wellness:
        aid = self._aid(athlete_id)
        d = dparam(day)
        return await self._get(
            Wellness, f"/athlete/{aid}/wellness/{d}", resource=f"wellness {d} of athlete {aid}"
        )

    async def update_wellness(
        self, day: DateLike, fields: Mapping[str, Any] | Wellness, *, athlete_id: str | int | None = None
    ) -> Wellness:
        """Change only the given fields of that day (created if absent); ``-1`` clears a numeric field."""
        aid = self._aid(athlete_id)
        d = dparam(day)
        return await self._send(
            "PUT",
            Wellness,
            f"/athlete/{aid}/wellness/{d}",
            body=jsonable(fields),
            resource=f"wellness {d} of athlete {aid}",
        )


__all__ = ["WellnessApi"]
