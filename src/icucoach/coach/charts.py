"""The coach console's charts as self-contained SVG strings (and the PMC as PNG for MCP image content).

matplotlib with the Agg backend, drawn on ``matplotlib.figure.Figure`` objects (never ``pyplot``: no global
state, so pages render charts from several threads). Every chart has a ``<title>``, labelled axes with units,
and a palette for ``theme="light"`` or ``"dark"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from icucoach.analytics.step_review import StepReview

THEMES = ("light", "dark")


def pmc_chart(
    days: Sequence[date],
    ctl: Sequence[float | None],
    atl: Sequence[float | None],
    tsb: Sequence[float | None],
    load: Sequence[float | None],
    *,
    races: Sequence[tuple[date, str]] = (),
    phases: Sequence[tuple[date, date, str]] = (),
    theme: str = "light",
) -> str:
    """Fitness (CTL), fatigue (ATL), form (TSB) lines over daily load bars, races and phases marked."""
    raise NotImplementedError


def pmc_png(
    days: Sequence[date],
    ctl: Sequence[float | None],
    atl: Sequence[float | None],
    tsb: Sequence[float | None],
    load: Sequence[float | None],
    *,
    races: Sequence[tuple[date, str]] = (),
    phases: Sequence[tuple[date, date, str]] = (),
    theme: str = "light",
) -> bytes:
    """The PMC chart as PNG bytes (MCP image content)."""
    raise NotImplementedError


def volume_chart(
    weeks: Sequence[date], hours_by_sport: Mapping[str, Sequence[float]], *, theme: str = "light"
) -> str:
    """Weekly hours stacked by sport (``weeks`` are the weeks' first days)."""
    raise NotImplementedError


def zones_chart(
    planned_s: Sequence[int | None],
    done_s: Sequence[int | None],
    labels: Sequence[str],
    *,
    theme: str = "light",
) -> str:
    """Time in zones, planned vs done, side by side per zone (minutes)."""
    raise NotImplementedError


def review_chart(review: StepReview, *, theme: str = "light") -> str:
    """Target band per step vs the actual value, coloured by verdict."""
    raise NotImplementedError
