"""Workout review for one activity: the coach console's data layer behind the review page, ``icucoach coach
review`` and the MCP review tool.

``workout_review`` fetches the activity, its intervals, the athlete (sport settings, units) and that day's
calendar and activities, then composes: the session's chip (``analytics.chips.session_chips``, so the review
shows the same colour as the squad page), the planned workout it paired with (``analytics.compliance.pair``:
``paired_event_id`` first, then the same day and sport), the step-by-step review
(``analytics.step_review.review_steps``) and the conditions the activity records (weather, climbing, indoor).
Every number is the API's or the pure analytics'; this module only fetches and arranges.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from icucoach.analytics.chips import Chip, session_chips, settings_for
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.step_review import StepReview, review_steps
from icucoach.analytics.terrain import OUTDOOR_TYPES, course_character
from icucoach.insights.snapshot import SnapshotSource
from icucoach.intervals import athlete_today
from icucoach.intervals.errors import NotFoundError, StravaRestrictedError

Json = dict[str, Any]


class ReviewSource(SnapshotSource, Protocol):
    """What a review needs from a client; ``IntervalsClient`` and ``CachedClient`` both fit."""

    async def get_activity(self, activity_id: str) -> Any: ...

    async def get_intervals(self, activity_id: str) -> Any: ...


class ReviewError(NotFoundError, LookupError):
    """The activity cannot be reviewed: unknown id, or it belongs to another athlete."""


@dataclass
class WorkoutReview:
    athlete_id: str
    # id, name, date_local, sport, duration_s, distance_m, load, if_pct, np_w, avg_hr_bpm, ...
    activity: dict[str, Any]
    planned: dict[str, Any] | None  # id, name, date_local, sport, load, duration_s, description
    chip: Chip | None
    steps: StepReview
    conditions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "athlete_id": self.athlete_id,
            "activity": dict(self.activity),
            "planned": None if self.planned is None else dict(self.planned),
            "chip": None if self.chip is None else self.chip.to_dict(),
            "review": self.steps.to_dict(),
            "conditions": dict(self.conditions),
        }


def _dump(x: Any) -> Json:
    if isinstance(x, Mapping):
        return dict(x)
    return x.model_dump(mode="json", by_alias=True)  # type: ignore[no-any-return]


def activity_summary(a: Mapping[str, Any]) -> Json:
    """The activity's headline numbers as the API gives them (load, IF, NP are what Intervals.icu shows)."""
    return {
        "id": str(a.get("id")),
        "name": a.get("name"),
        "date_local": str(a.get("start_date_local") or "")[:10] or None,
        "start_local": a.get("start_date_local"),
        "sport": a.get("type"),
        "duration_s": a.get("moving_time"),
        "elapsed_s": a.get("elapsed_time"),
        "distance_m": a.get("distance"),
        "load": a.get("icu_training_load"),
        "if_pct": a.get("icu_intensity"),
        "np_w": a.get("icu_weighted_avg_watts"),
        "avg_power_w": a.get("icu_average_watts"),
        "avg_hr_bpm": a.get("average_heartrate"),
        "max_hr_bpm": a.get("max_heartrate"),
        "avg_speed_m_s": a.get("average_speed"),
        "ftp_w": a.get("icu_ftp"),
        "rpe": a.get("icu_rpe"),
        "feel": a.get("feel"),
        "source": a.get("source"),
    }


def planned_summary(e: Mapping[str, Any]) -> Json:
    return {
        "id": e.get("id"),
        "name": e.get("name"),
        "date_local": str(e.get("start_date_local") or "")[:10] or None,
        "sport": e.get("type"),
        "load": e.get("icu_training_load"),
        "duration_s": e.get("moving_time"),
        "distance_m": e.get("distance") or None,
        "description": e.get("description"),
    }


def conditions(a: Mapping[str, Any], athlete: Mapping[str, Any]) -> Json:
    """Weather, climbing and indoor/outdoor as the activity records them; null when absent.

    Temperatures and wind are the API's values in the athlete's account units, named by the ``*_unit``
    fields (as the data mirror does). Terrain is the course character from metres climbed per km
    (``analytics.terrain.course_character``)."""
    gain, dist = a.get("total_elevation_gain"), a.get("distance")
    per_km = (
        gain / (dist / 1000)
        if isinstance(gain, int | float) and isinstance(dist, int | float) and dist
        else None
    )
    sport = a.get("type")
    indoor = bool(a.get("trainer")) or (isinstance(sport, str) and sport.startswith("Virtual"))
    temp = a.get("average_weather_temp")
    return {
        "indoor": None if sport is None else indoor,
        "temperature": temp if temp is not None else a.get("average_temp"),
        "temperature_source": "weather"
        if temp is not None
        else "device"
        if a.get("average_temp") is not None
        else None,
        "feels_like": a.get("average_feels_like"),
        "temperature_unit": "F" if athlete.get("fahrenheit") else "C",
        "wind_speed": a.get("average_wind_speed"),
        "wind_speed_unit": athlete.get("wind_speed") or "MPS",
        "headwind_pct": a.get("headwind_percent"),
        "elevation_gain_m": gain,
        "elevation_gain_m_per_km": None if per_km is None else round(per_km, 1),
        "terrain": course_character(per_km)
        if per_km is not None and sport in OUTDOOR_TYPES and not indoor
        else None,
    }


def _day(a: Mapping[str, Any]) -> date | None:
    s = str(a.get("start_date_local") or "")[:10]
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


async def _intervals(client: ReviewSource, activity_id: str) -> list[Json]:
    try:
        dto = _dump(await client.get_intervals(activity_id))
    except (StravaRestrictedError, NotFoundError):
        return []  # a Strava stub has no laps; the review lists none rather than failing
    return [dict(r) for r in dto.get("icu_intervals") or [] if isinstance(r, Mapping)]


async def workout_review(
    client: ReviewSource,
    athlete_id: str,
    activity_id: str,
    *,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> WorkoutReview:
    """Fetch and compose the review of ``activity_id`` (``ReviewError`` for an unknown activity or one that is
    not ``athlete_id``'s). Five requests: the activity, then its intervals, the athlete, and that day's events
    and activities concurrently."""
    try:
        act = _dump(await client.get_activity(activity_id))
    except NotFoundError as e:
        raise ReviewError(f"no activity {activity_id!r}", status=404, hint="Check the activity id.") from e
    owner = act.get("icu_athlete_id")
    if owner is not None and str(owner) != str(athlete_id):
        raise ReviewError(f"activity {activity_id!r} is not athlete {athlete_id}'s", status=404)
    day = _day(act)
    fetched: list[Any] = await asyncio.gather(
        client.get_athlete(athlete_id),
        _intervals(client, activity_id),
        client.list_events(day, day, athlete_id=athlete_id) if day else _none(),
        client.list_activities(day, day, athlete_id=athlete_id) if day else _none(),
    )
    athlete_m, rows, events_m, acts_m = fetched
    athlete = _dump(athlete_m)
    events = [_dump(e) for e in events_m or []]
    acts = [_dump(a) for a in acts_m or []]
    if not any(str(a.get("id")) == str(act.get("id")) for a in acts):
        acts.append(act)
    sport_settings: Sequence[Json] = list(athlete.get("sportSettings") or [])
    chip = None
    if day is not None:
        today = max(day, athlete_today(athlete.get("timezone")))
        # no intervals: the squad's chips are made without them and the review must show the same colour
        # (docs/coach.md); the intervals feed the step table only
        chips = session_chips(
            events,
            acts,
            day,
            day,
            today,
            sport_settings,
            None,
            settings,
            athlete.get("timezone"),
        )
        chip = next((c for c in chips if c.activity_id == str(act.get("id"))), None)
    event = None
    if chip is not None and chip.planned_id is not None:
        event = next((e for e in events if str(e.get("id")) == chip.planned_id), None)
    ss = settings_for(sport_settings, act.get("type"))
    steps = review_steps(
        event.get("workout_doc") if event else None, rows, sport_settings=ss, activity=act, settings=settings
    )
    return WorkoutReview(
        athlete_id=str(athlete_id),
        activity=activity_summary(act),
        planned=planned_summary(event) if event else None,
        chip=chip,
        steps=steps,
        conditions=conditions(act, athlete),
    )


async def _none() -> list[Any]:
    return []
