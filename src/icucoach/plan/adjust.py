"""Adjustment proposals from what happened: missed sessions, red flags, an ACWR spike, a moved race."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .diff import Change
from .model import AthleteState, Goal

KINDS = ("move", "shorten", "swap", "drop", "add_recovery")


@dataclass(frozen=True)
class Adjustment:
    change: Change
    kind: str  # move / shorten / swap / drop / add_recovery
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "change": self.change.to_dict()}


def propose_adjustments(
    plan_events: Sequence[Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]],
    wellness: Sequence[Mapping[str, Any]],
    athlete: AthleteState,
    *,
    today: date,
    races: Sequence[Goal] = (),
) -> tuple[Adjustment, ...]:
    """Proposed changes to the plan's calendar events (API event dicts), each with its reason."""
    raise NotImplementedError
