"""icucoach.plan: the plan builder's pure core (no I/O).

Builds a periodised block from goals, availability and the athlete's fitness (``build_plan``), diffs it
against the calendar's events (``diff_plan``, ``event_body``), applies recurring rules
(``apply_recurrences``) and proposes adjustments from what happened (``propose_adjustments``). The
surfaces (CLI, MCP, console) fetch and write; this package only computes. Rules and sources:
docs/planning.md.
"""

from .adjust import Adjustment, propose_adjustments
from .build import build_plan
from .diff import CalendarDiff, Change, diff_plan, event_body
from .model import (
    AthleteState,
    Availability,
    Goal,
    Plan,
    PlannedSession,
    PlanRequest,
    PlanWeek,
    Projection,
    Recurrence,
)
from .recurrence import apply_recurrences

__all__ = [
    "Adjustment",
    "AthleteState",
    "Availability",
    "CalendarDiff",
    "Change",
    "Goal",
    "Plan",
    "PlanRequest",
    "PlanWeek",
    "PlannedSession",
    "Projection",
    "Recurrence",
    "apply_recurrences",
    "build_plan",
    "diff_plan",
    "event_body",
    "propose_adjustments",
]
