"""Activity endpoints: list, detail, update, intervals, streams, best efforts, per-activity curves,
histograms and comments.

Strava-synced activities come back as stubs (``Activity.is_strava_stub``); their streams, intervals and
curves answer 422, raised as ``StravaRestrictedError`` with the fix users need.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, overload

from icucoach.intervals.api_base import ApiBase, DateLike, csv, dparam, jsonable
from icucoach.intervals.models import (
    Activity,
    ActivityStream,
    ActivityWithIntervals,
    BestEfforts,
    Bucket,
    HRCurve,
    IntervalsDTO,
    Message,
    NewMsg,
    PaceCurve,
    PowerCurve,
)
from icucoach.intervals.transport import segment

HistogramKind = Literal["power", "hr", "pace", "gap"]
IDS_PER_REQUEST = 100  # ids per GET /athlete/{id}/activities/{ids} (a URL of ~1 kB)


class ActivityApi(ApiBase):
    async def list_activities(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
        *,
        athlete_id: str | int | None = None,
    ) -> list[Activity]:
        """Activities started on local dates ``oldest``..``newest`` (inclusive), newest first.

        ``limit`` keeps the newest N; ``fields`` asks only for those fields (the server then omits nulls)."""
        params = {"oldest": dparam(oldest), "newest": dparam(newest), "limit": limit, "fields": csv(fields)}
        return await self._get(list[Activity], f"/athlete/{self._aid(athlete_id)}/activities", params=params)

    @overload
    async def get_activity(self, activity_id: str, intervals: Literal[False] = ...) -> Activity: ...

    @overload
    async def get_activity(self, activity_id: str, intervals: Literal[True]) -> ActivityWithIntervals: ...

    async def get_activity(self, activity_id: str, intervals: bool = False) -> Activity:
        """One activity; with ``intervals=True`` also its ``icu_intervals`` and ``icu_groups``."""
        tp = ActivityWithIntervals if intervals else Activity
        return await self._get(
            tp,
            f"/activity/{segment(activity_id)}",
            params={"intervals": True} if intervals else None,
            resource=f"activity {activity_id}",
        )

    async def get_activities(
        self, ids: Iterable[str], *, intervals: bool = False, athlete_id: str | int | None = None
    ) -> list[Activity]:
        """Several activities by id (unknown ids are skipped by the server); batched in URL-safe chunks."""
        wanted = [str(i) for i in ids]
        out: list[Activity] = []
        tp = list[ActivityWithIntervals] if intervals else list[Activity]
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            chunk = ",".join(segment(i) for i in wanted[start : start + IDS_PER_REQUEST])
            out.extend(
                await self._get(
                    tp,
                    f"/athlete/{self._aid(athlete_id)}/activities/{chunk}",
                    params={"intervals": True} if intervals else None,
                )
            )
        return out

    async def update_activity(self, activity_id: str, fields: Mapping[str, Any] | Activity) -> Activity:
        """Change the given fields only (``PUT /activity/{id}``); Strava activities cannot be changed."""
        return await self._send(
            "PUT",
            Activity,
            f"/activity/{segment(activity_id)}",
            body=jsonable(fields),
            resource=f"activity {activity_id}",
        )

    async def get_intervals(self, activity_id: str) -> IntervalsDTO:
        return await self._get(
            IntervalsDTO, f"/activity/{segment(activity_id)}/intervals", resource=f"activity {activity_id}"
        )

    async def get_streams(
        self,
        activity_id: str,
        types: Sequence[str] | str | None = None,
        *,
        include_defaults: bool | None = None,
        timeout: float | None = None,
    ) -> list[ActivityStream]:
        """1 Hz data streams (``types`` e.g. ``["watts", "heartrate"]``; None = all the activity has)."""
        return await self._get(
            list[ActivityStream],
            f"/activity/{segment(activity_id)}/streams.json",
            params={"types": csv(types), "includeDefaults": include_defaults},
            resource=f"activity {activity_id}",
            timeout=timeout,
        )

    async def get_best_efforts(
        self,
        activity_id: str,
        stream: str,
        duration: int | None = None,
        distance: float | None = None,
        count: int | None = None,
        *,
        min_value: float | None = None,
        exclude_intervals: bool | None = None,
        start_index: int | None = None,
        end_index: int | None = None,
    ) -> BestEfforts:
        """The best ``count`` efforts over ``duration`` seconds or ``distance`` metres in ``stream``."""
        params = {
            "stream": stream,
            "duration": duration,
            "distance": distance,
            "count": count,
            "minValue": min_value,
            "excludeIntervals": exclude_intervals,
            "startIndex": start_index,
            "endIndex": end_index,
        }
        return await self._get(
            BestEfforts,
            f"/activity/{segment(activity_id)}/best-efforts",
            params=params,
            resource=f"activity {activity_id}",
        )

    async def get_activity_power_curve(self, activity_id: str, *, fatigue: str | None = None) -> PowerCurve:
        return await self._get(
            PowerCurve,
            f"/activity/{segment(activity_id)}/power-curve",
            params={"fatigue": fatigue},
            resource=f"activity {activity_id}",
        )

    async def get_activity_hr_curve(self, activity_id: str) -> HRCurve:
        return await self._get(
            HRCurve, f"/activity/{segment(activity_id)}/hr-curve", resource=f"activity {activity_id}"
        )

    async def get_activity_pace_curve(self, activity_id: str, *, gap: bool | None = None) -> PaceCurve:
        return await self._get(
            PaceCurve,
            f"/activity/{segment(activity_id)}/pace-curve",
            params={"gap": gap},
            resource=f"activity {activity_id}",
        )

    async def get_histogram(
        self, activity_id: str, kind: HistogramKind, *, bucket_size: int | None = None
    ) -> list[Bucket]:
        """Time spent per power/HR/pace/GAP bucket."""
        if kind not in ("power", "hr", "pace", "gap"):
            raise ValueError(f"histogram kind must be power, hr, pace or gap, not {kind!r}")
        params = {"bucketSize": bucket_size} if kind in ("power", "hr") else None
        return await self._get(
            list[Bucket],
            f"/activity/{segment(activity_id)}/{kind}-histogram",
            params=params,
            resource=f"activity {activity_id}",
        )

    async def list_messages(
        self, activity_id: str, *, since_id: int | None = None, limit: int | None = None
    ) -> list[Message]:
        """Comments on an activity."""
        return await self._get(
            list[Message],
            f"/activity/{segment(activity_id)}/messages",
            params={"sinceId": since_id, "limit": limit},
            resource=f"activity {activity_id}",
        )

    async def add_message(self, activity_id: str, content: str) -> NewMsg:
        """Comment on an activity (not retried: a lost answer must not post twice)."""
        return await self._send(
            "POST",
            NewMsg,
            f"/activity/{segment(activity_id)}/messages",
            body={"content": content},
            resource=f"activity {activity_id}",
        )


__all__ = ["ActivityApi", "HistogramKind"]
