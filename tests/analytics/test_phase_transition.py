"""``analytics.phase_transition``: one stated rule per case, and the A race's distance decides taper and
build."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.phase import WeekRow
from icucoach.analytics.phase_transition import suggest_transition
from icucoach.analytics.settings import DEFAULT_SETTINGS

PHASES = ("base", "build", "peak", "taper", "recovery", "deload", "overreached")
MONDAY = date(2026, 10, 26)


def _weeks(loads: list[float]) -> list[WeekRow]:
    return [WeekRow(MONDAY + timedelta(days=7 * i), x, 2, 50.0, True) for i, x in enumerate(loads)]


@pytest.mark.parametrize(
    ("phase", "days", "loads", "to"),
    [
        ("overreached", 10, [], "recovery"),
        ("build", 10, [], "taper"),
        ("base", 14, [], "taper"),
        ("taper", 5, [], "race"),
        ("peak", 30, [], "taper"),
        ("peak", None, [], "recovery"),
        ("recovery", 60, [], "build"),
        ("deload", None, [], "base"),
        ("base", 80, [], "build"),
        ("base", 120, [], "base"),
        ("build", 60, [400, 420, 440, 460], "deload"),
        ("build", 60, [400, 300, 440, 460], "build"),
    ],
)
def test_rules(phase: str, days: int | None, loads: list[float], to: str) -> None:
    t = suggest_transition(phase, days, _weeks(loads))
    assert t.to == to and t.why


@given(st.one_of(st.none(), st.sampled_from(PHASES)), st.one_of(st.none(), st.integers(0, 400)))
def test_sick_or_injured_now_always_suggests_recovery(phase: str | None, days: int | None) -> None:
    assert suggest_transition(phase, days, unwell=True).to == "recovery"


def test_unknown_phase_suggests_nothing() -> None:
    assert suggest_transition(None, 30).to is None


@given(st.sampled_from(PHASES), st.one_of(st.none(), st.integers(0, 400)))
def test_a_race_inside_the_taper_window_always_tapers_or_races(phase: str, days: int | None) -> None:
    t = suggest_transition(phase, days)
    if days is not None and days <= DEFAULT_SETTINGS.taper_days and phase != "overreached":
        assert t.to in ("taper", "race")
    assert t.to in (*PHASES, "race")
