"""One athlete's records for a window around their today, fetched in four concurrent requests, plus the
derivations every adapter needs.

``fetch_snapshot`` asks for the athlete (profile, timezone, sport settings), activities and wellness over the
history window and calendar events from a few weeks back to the planning horizon. The records are kept as the
API's dicts (nothing lost, explicit ``null``s); analytics converts them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, Protocol

from icucoach.analytics.chips import Chip, session_chips
from icucoach.analytics.inputs import (
    ActivityInput,
    SportSettingsInput,
    from_api_activity,
    from_api_sport_settings,
)
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.status import TrainingStatus, training_status
from icucoach.analytics.summary import PeriodSummary, summarize
from icucoach.analytics.triage import AthleteTriage, from_status, triage
from icucoach.intervals import Activity, Event, Wellness, WithSportSettings, athlete_today

Json = dict[str, Any]
DateLike = date | datetime | str  # as the client accepts (icucoach.intervals.api_base)


class SnapshotSource(Protocol):
    """What a snapshot needs from a client; ``IntervalsClient`` and the MCP server's cache both fit."""

    async def get_athlete(self, athlete_id: str | int | None = None) -> WithSportSettings: ...

    async def list_activities(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
        *,
        athlete_id: str | int | None = None,
    ) -> list[Activity]: ...

    async def list_wellness(
        self,
        oldest: DateLike,
        newest: DateLike | None = None,
        *,
        fields: Sequence[str] | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Wellness]: ...

    async def list_events(
        self,
        oldest: DateLike | None = None,
        newest: DateLike | None = None,
        category: Sequence[str] | str | None = None,
        resolve: bool = False,
        *,
        limit: int | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Event]: ...


@dataclass(frozen=True)
class SnapshotWindow:
    """How far back and ahead to fetch. The defaults cover every analytics window (42-day CTL warm-up
    over a year of history, 28+7-day ACWR, 8-week FTP benchmark) and the 8-week planning horizon."""

    history_days: int = 400
    events_back_days: int = 35
    ahead_days: int = 56


@dataclass
class Snapshot:
    athlete: Json  # WithSportSettings as the API returns it
    today: date  # the athlete's local date
    oldest: date
    activities: list[Json]  # newest first, as the API lists them
    wellness: list[Json]  # ascending by date
    events: list[Json]  # date order

    @property
    def athlete_id(self) -> str:
        return str(self.athlete.get("id"))

    @property
    def timezone(self) -> str | None:
        return self.athlete.get("timezone")

    @property
    def sport_settings(self) -> list[Json]:
        return list(self.athlete.get("sportSettings") or [])

    @cached_property
    def activity_inputs(self) -> list[ActivityInput]:
        return [from_api_activity(a, self.timezone) for a in self.activities]

    @cached_property
    def sport_settings_inputs(self) -> list[SportSettingsInput]:
        return [from_api_sport_settings(s) for s in self.sport_settings]

    def status(self, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> TrainingStatus:
        """The training-status digest (fitness, ACWR, monotony, TID, recovery, readiness, alerts, phase…)."""
        return training_status(
            self.activity_inputs,
            self.wellness,
            self.events,
            self.sport_settings_inputs,
            today=self.today,
            settings=settings,
            tz=self.timezone,
        )

    def chips(
        self,
        days: int = 14,
        intervals: Mapping[str, Mapping[str, Any]] | None = None,
        settings: AnalyticsSettings = DEFAULT_SETTINGS,
    ) -> list[Chip]:
        """Session chips (``analytics.chips``) for the ``days`` days ending today; ``intervals`` maps an
        activity id to its fetched ``IntervalsDTO`` (the main-set rule then compares repeats)."""
        start = self.today - timedelta(days=days - 1)
        if start < self.oldest:
            raise ValueError(f"start {start} is before the snapshot's first day {self.oldest}")
        return session_chips(
            self.events,
            [a for a in self.activities if str(a.get("start_date_local") or "")[:10] >= start.isoformat()],
            start,
            self.today,
            self.today,
            self.sport_settings,
            intervals,
            settings,
            self.timezone,
        )

    def triage(
        self,
        status: TrainingStatus | None = None,
        chips: Sequence[Chip] | None = None,
        settings: AnalyticsSettings = DEFAULT_SETTINGS,
    ) -> AthleteTriage:
        """Why this athlete needs the coach's attention (``analytics.triage``), from the status digest, the
        chips of the last days and today's wellness. Pass ``status`` / ``chips`` when already computed."""
        status = status or self.status(settings)
        chips = self.chips(settings.triage_days + 1, settings=settings) if chips is None else chips
        today = next((w for w in self.wellness if str(w.get("id")) == self.today.isoformat()), None)
        name = str(self.athlete.get("name") or "")
        return triage(from_status(self.athlete_id, name, status, chips, today, settings), settings)

    def summaries(
        self,
        start: date,
        end: date,
        period: str = "week",
        week_start: int = 0,
        settings: AnalyticsSettings = DEFAULT_SETTINGS,
    ) -> list[PeriodSummary]:
        """Load, volume and intensity split per period and sport over [start, end] (within the snapshot)."""
        if start < self.oldest:
            raise ValueError(
                f"start {start} is before the snapshot's first day {self.oldest}; fetch a longer window"
            )
        return summarize(
            self.activity_inputs, start, end, period, self.sport_settings_inputs, week_start, settings
        )


async def fetch_snapshot(
    client: SnapshotSource,
    athlete_id: str | None = None,
    window: SnapshotWindow = SnapshotWindow(),
    today: date | None = None,
) -> Snapshot:
    """Fetch the athlete, then activities, wellness and events concurrently (four requests in all)."""
    athlete = (await client.get_athlete(athlete_id)).model_dump(mode="json", by_alias=True)
    aid = athlete.get("id") or athlete_id
    day = today or athlete_today(athlete.get("timezone"))
    oldest = day - timedelta(days=window.history_days)
    acts, wellness, events = await asyncio.gather(
        client.list_activities(oldest, day, athlete_id=aid),
        client.list_wellness(oldest, day, athlete_id=aid),
        client.list_events(
            day - timedelta(days=window.events_back_days),
            day + timedelta(days=window.ahead_days),
            athlete_id=aid,
        ),
    )
    return Snapshot(
        athlete=athlete,
        today=day,
        oldest=oldest,
        activities=[a.model_dump(mode="json", by_alias=True) for a in acts],
        wellness=[w.model_dump(mode="json", by_alias=True) for w in wellness],
        events=[e.model_dump(mode="json", by_alias=True) for e in events],
    )
