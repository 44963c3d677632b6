"""Workout review: a planned workout and the activity that did it, compared step by step.

Owns the pure step-by-step comparison behind the coach console's workout review (issue 13): the planned
steps read from the event's ``workout_doc`` (repeats unrolled, targets resolved to the athlete's thresholds
by ``icucoach.workouts.resolve``, as ``chips.plan_detail`` and ``planned_zones`` do), aligned with the
activity's intervals (``GET /activity/{id}/intervals``), each judged with the chip margins
(``settings.chip_target_margin``), and the rep-to-rep fade, HR drift and decoupling over the work reps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

KINDS = ("warmup", "work", "recovery", "cooldown", "steady")
VERDICTS = ("hit", "over", "under", "missed", "not_judged")


@dataclass(frozen=True)
class StepResult:
    """One planned step against the interval that did it (``None`` where unknown, never 0)."""

    index: int  # 0-based position in the unrolled plan
    label: str  # e.g. "Rep 2/4 · 8m 95-105% FTP"
    kind: str  # warmup / work / recovery / cooldown / steady
    rep: int | None  # 1-based rep number inside its repeat, None outside repeats
    planned_duration_s: int | None
    actual_duration_s: int | None
    target_basis: str | None  # power / pace / hr
    target_lo: float | None  # in target_unit
    target_hi: float | None
    target_unit: str | None  # w / m_s / bpm
    actual: float | None  # power: NP (weighted average W); pace: speed (m/s); hr: average HR (bpm)
    actual_hr_bpm: float | None
    verdict: str  # hit / over / under / missed / not_judged
    delta_pct: float | None  # actual vs the nearest target edge (0 inside the range)
    interval_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class StepReview:
    steps: list[StepResult]
    reps_hit: int
    reps_total: int
    rep_fade_pct: float | None  # last work rep vs first work rep of the same target (negative = faded)
    hr_drift_pct: float | None  # HR per unit output, last work rep vs first (positive = HR rose)
    decoupling_pct: float | None  # the activity's own ``decoupling`` (Pw:HR / Pa:HR) when the API gives it
    notes: list[str] = field(default_factory=list)
    basis: str | None = None

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


def review_steps(
    workout_doc: Mapping[str, Any] | None,
    intervals: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    sport_settings: Mapping[str, Any] | None,
    activity: Mapping[str, Any] | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> StepReview:
    """Planned steps vs the activity's intervals, each judged; see the module docstring."""
    raise NotImplementedError
