"""``build_plan``: a periodised block of sessions from the template library for a request and an athlete."""

from __future__ import annotations

from .model import AthleteState, Plan, PlanRequest


def build_plan(req: PlanRequest, athlete: AthleteState) -> Plan:
    """The plan for ``req``; deterministic for the same inputs."""
    raise NotImplementedError
