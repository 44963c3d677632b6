"""The coach console's views in one import: the squad, the activity feed, an athlete's week and season.

Adapters (service pages, ``icucoach console``, ``icucoach coach review``, the MCP coach tools) import from
here; the views themselves live in ``squad``, ``week`` and ``season``."""

from __future__ import annotations

from icucoach.coach.season import PmcPoint, SeasonView, WeekVolume, athlete_season
from icucoach.coach.squad import (
    SQUAD_WINDOW,
    Alarm,
    AthleteSource,
    FeedItem,
    SquadCache,
    SquadRow,
    SquadView,
    activity_feed,
    load_athlete,
    load_squad,
    roster_sources,
    squad_row,
)
from icucoach.coach.week import Volume, WeekDay, WeekView, ZoneTimes, athlete_week

__all__ = [
    "SQUAD_WINDOW",
    "Alarm",
    "AthleteSource",
    "FeedItem",
    "PmcPoint",
    "SeasonView",
    "SquadCache",
    "SquadRow",
    "SquadView",
    "Volume",
    "WeekDay",
    "WeekView",
    "WeekVolume",
    "ZoneTimes",
    "activity_feed",
    "athlete_season",
    "athlete_week",
    "load_athlete",
    "load_squad",
    "roster_sources",
    "squad_row",
]
