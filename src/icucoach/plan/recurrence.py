"""Recurring rules ("long run every Sunday", "rest on Mondays") applied to a plan's future weeks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .model import AthleteState, Plan, Recurrence


def apply_recurrences(
    plan: Plan, recurrences: Sequence[Recurrence], athlete: AthleteState, *, today: date
) -> Plan:
    """``plan`` with ``recurrences`` as its rules from ``today`` on: every occurrence on or after ``today``
    follows the (possibly edited) rules; sessions before ``today`` are left exactly as they were."""
    raise NotImplementedError
