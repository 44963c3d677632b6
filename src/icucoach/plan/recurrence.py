"""Recurring rules ("long run every Sunday", "rest on Mondays") applied to a plan's future weeks.

A rule is one ``Recurrence`` in the request; the builder honours it in every week (a fixed session with the
external_id slot ``r-<rule id>``, or a rest day). Editing rules re-plans with the new set and keeps every
session before ``today`` exactly as it was: past occurrences are history, future ones follow the rule. The
calendar diff over ``(today, end)`` then changes only future events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .build import assemble, build_plan
from .model import AthleteState, Plan, Recurrence


def apply_recurrences(
    plan: Plan, recurrences: Sequence[Recurrence], athlete: AthleteState, *, today: date
) -> Plan:
    """``plan`` with ``recurrences`` as its rules from ``today`` on: every occurrence on or after ``today``
    follows the (possibly edited) rules; sessions before ``today`` are left exactly as they were."""
    ids = [r.id for r in recurrences]
    if len(set(ids)) != len(ids):
        raise ValueError("recurrence ids must be unique")
    # The kept sessions' hard days hold for the new plan: no hard session the day after a kept one.
    kept = [s for s in plan.sessions() if s.day < today]
    new = build_plan(replace(plan.request, recurrences=tuple(recurrences)), athlete, before=kept)
    old_weeks = {w.start: w for w in plan.weeks}
    weeks = []
    for w in new.weeks:
        old = old_weeks.get(w.start)
        past = [s for s in (old.sessions if old else ()) if s.day < today]
        future = [s for s in w.sessions if s.day >= today]
        weeks.append(
            replace(w, sessions=tuple(sorted([*past, *future], key=lambda s: (s.day, s.external_id))))
        )
    return assemble(new.request, athlete, weeks, new.warnings)
