"""Workout review for one activity: fetch the activity, its intervals, its planned workout and the
athlete's sport settings, and compose the chip and the step-by-step review (``analytics.step_review``).

Adapters (web page, ``icucoach coach review``, MCP) call ``workout_review`` and render ``to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icucoach.analytics.chips import Chip
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.step_review import StepReview


class ReviewError(LookupError):
    """The activity cannot be reviewed (unknown id, or it belongs to another athlete)."""


@dataclass
class WorkoutReview:
    athlete_id: str
    # id, name, date_local, sport, duration_s, distance_m, load, if_pct, np_w, avg_hr_bpm
    activity: dict[str, Any]
    planned: dict[str, Any] | None  # id, name, date_local, load, duration_s
    chip: Chip | None
    steps: StepReview
    conditions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


async def workout_review(
    client: Any,
    athlete_id: str,
    activity_id: str,
    *,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> WorkoutReview:
    """Fetch and compose the review of ``activity_id`` (``ReviewError`` for an unknown activity)."""
    raise NotImplementedError
