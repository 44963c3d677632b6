"""One athlete's month and season: the PMC series from wellness (the API's CTL, ATL and form, and the day's
load), weekly volume by sport, the detected training phase with its reasons and the suggested transition,
and races marked. Pure over a fetched ``Snapshot`` (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from icucoach.insights.snapshot import Snapshot

Json = dict[str, Any]


@dataclass(frozen=True)
class PmcPoint:
    day: date
    ctl: float | None
    atl: float | None
    tsb: float | None  # form = CTL - ATL, as Intervals.icu shows it
    load: float | None  # the day's training load (sum of activities' icu_training_load)

    def to_dict(self) -> Json:
        return {
            "date": self.day.isoformat(),
            "ctl": self.ctl,
            "atl": self.atl,
            "tsb": self.tsb,
            "load": self.load,
        }


@dataclass(frozen=True)
class WeekVolume:
    week_start: date
    by_sport: dict[str, Json]  # family -> {"duration_s", "distance_m", "load", "sessions"}
    total: Json

    def to_dict(self) -> Json:
        return {"week_start": self.week_start.isoformat(), "by_sport": self.by_sport, "total": self.total}


@dataclass(frozen=True)
class SeasonView:
    athlete_id: str
    name: str | None
    today: date
    start: date
    pmc: tuple[PmcPoint, ...]
    weekly: tuple[WeekVolume, ...]
    phase: str | None
    phase_confidence: str | None
    phase_reasons: tuple[str, ...]
    suggested_transition: str | None
    races: tuple[Json, ...]  # {"date", "name", "category", "done": bool | None}

    def to_dict(self) -> Json:
        raise NotImplementedError


def athlete_season(snap: Snapshot, weeks: int = 16) -> SeasonView:
    """The last ``weeks`` weeks (ending today) plus planned races ahead."""
    raise NotImplementedError
