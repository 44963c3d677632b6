"""The calendar diff: what applying a plan would add, change or remove, and the POST body of a session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .model import Plan, PlannedSession

ACTIONS = ("add", "change", "remove", "keep")


@dataclass(frozen=True)
class Change:
    action: str  # "add" | "change" | "remove" | "keep"
    day: date
    external_id: str | None
    before: Mapping[str, Any] | None
    after: PlannedSession | None
    reason: str
    load_delta: float | None
    hand_edited: bool = False

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class CalendarDiff:
    changes: tuple[Change, ...]

    def writes(self) -> int:
        """Calls applying this diff makes: every add, change and remove (a keep writes nothing)."""
        return sum(1 for c in self.changes if c.action != "keep")

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


def event_body(s: PlannedSession) -> dict[str, Any]:
    """The POST /events body (EventEx field names) for a planned session."""
    raise NotImplementedError


def diff_plan(
    plan: Plan, existing_events: Sequence[Mapping[str, Any]], *, window: tuple[date, date]
) -> CalendarDiff:
    """The changes that bring the calendar's ``window`` (inclusive) to ``plan``."""
    raise NotImplementedError
