"""Health context from the calendar (``SICK`` / ``INJURED`` events) and the wellness injury score.

Never a readiness *input* (an illness is not a number to weigh), but it sets ``clarification_required`` so an
AI coach asks before prescribing a full session; Section 11 ignored these entries until its v3.128 (issue 27).
Calendar end dates are exclusive in Intervals.icu (``end_date_local`` is the morning after), so the last
sick day is the day before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.inputs import PlannedInput, WellnessInput
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

HEALTH_CATEGORIES = ("SICK", "INJURED")


def last_day(start: date, end: date | None) -> date:
    """The last sick / injured day of an entry: the day before its (exclusive) end, or its start."""
    return end - timedelta(days=1) if end is not None and end > start else start


@dataclass(frozen=True)
class HealthContext:
    current: tuple[dict, ...] = ()
    recent: tuple[dict, ...] = ()
    upcoming: tuple[dict, ...] = ()
    injury_score: float | None = None
    clarification_required: bool = False
    reasons: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": list(self.current),
            "recent": list(self.recent),
            "upcoming": list(self.upcoming),
            "injury_score_today": self.injury_score,
            "clarification_required": self.clarification_required,
            "reasons": list(self.reasons),
        }


def health_context(
    events: Sequence[PlannedInput],
    wellness: Sequence[WellnessInput],
    today: date,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> HealthContext:
    s = settings
    cur: list[dict[str, Any]] = []
    rec: list[dict[str, Any]] = []
    up: list[dict[str, Any]] = []
    for e in events:
        if e.category not in HEALTH_CATEGORIES:
            continue
        last = last_day(e.day, e.end_day)
        row = {"category": e.category, "start": e.day.isoformat(), "end": last.isoformat()}
        if e.day <= today <= last:
            cur.append(row)
        elif last < today and (today - last).days <= s.health_recent_days:
            rec.append({**row, "days_since_end": (today - last).days})
        elif today < e.day <= today + timedelta(days=s.health_upcoming_days):
            up.append({**row, "days_until": (e.day - today).days})
    w = next((x for x in wellness if x.day == today), None)
    injury = w.injury if w is not None else None
    reasons = []
    if cur:
        reasons.append(f"{cur[0]['category'].lower()} entry covers today")
    if rec:
        reasons.append(f"{rec[0]['category'].lower()} entry ended {rec[0]['days_since_end']} day(s) ago")
    if injury is not None and injury >= s.health_injury_score:
        reasons.append(f"injury score {injury:g} today")
    return HealthContext(tuple(cur), tuple(rec), tuple(up), injury, bool(reasons), tuple(reasons))
