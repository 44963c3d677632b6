"""Planned time in zones from ``workout_doc``: reference values by hand, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.planned_zones import planned_zone_times, primary_basis, spread, zone_index
from icucoach.workouts import enrich_event

RIDE = {
    "types": ["Ride"],
    "ftp": 200,
    "lthr": 160,
    "max_hr": 186,
    "power_zones": [55, 75, 90, 105, 120, 150, 999],
    "hr_zones": [130, 142, 149, 158, 163, 170, 186],
}
RUN = {
    "types": ["Run"],
    "lthr": 170,
    "threshold_pace": 4.0,
    "pace_units": "MINS_KM",
    "pace_zones": [77.5, 87.7, 94.3, 100.0, 103.4, 111.5, 999.0],
    "hr_zones": [138, 151, 158, 168, 173, 180, 190],
}


def _doc(text: str, sport: str, settings: dict) -> dict:
    return enrich_event(text, sport, settings)["workout_doc"]


def test_power_workout_by_hand() -> None:
    doc = _doc(
        "Warmup\n- 15m ramp 45-72%\n\nMain set 4x\n- 8m 98%\n- 4m 50%\n\nCooldown\n- 10m 50%", "Ride", RIDE
    )
    z = planned_zone_times(doc, "Ride", RIDE)
    # ramp 45->72 % over 900 s: (55-45)/27 of it in Z1 = 333 s, the rest 567 s in Z2
    assert z.basis == "power"
    assert z.zone_secs == (333 + 4 * 240 + 600, 567, 0, 4 * 480, 0, 0, 0)
    assert z.unassigned_secs == 0 and z.total_secs == 900 + 4 * 720 + 600 == sum(z.zone_secs)


def test_inclusive_upper_bounds_and_range_middle() -> None:
    doc = _doc("- 10m 75%\n- 10m 88-94%\n- 5m 200W", "Ride", RIDE)
    z = planned_zone_times(doc, "Ride", RIDE)
    # 75 % is Z2 (inclusive top); 88-94 % counts at its middle 91 % (Z4); 200 W = 100 % FTP (Z4)
    assert z.zone_secs == (0, 600, 0, 600 + 300, 0, 0, 0)


def test_hr_and_pace_workouts() -> None:
    doc = _doc("- 20m 80% LTHR\n- 10m 95% LTHR", "Ride", RIDE)  # 128 bpm (Z1), 152 bpm (Z4)
    z = planned_zone_times(doc, "Ride", RIDE)
    assert z.basis == "hr" and z.zone_secs == (1200, 0, 0, 600, 0, 0, 0)
    run = _doc("- 10m 75% Pace\n- 20m 95% Pace\n- 5m Z5 Pace", "Run", RUN)
    zr = planned_zone_times(run, "Run", RUN)
    assert zr.basis == "pace" and zr.zone_secs == (600, 0, 0, 1200, 300, 0, 0)


def test_other_basis_is_unassigned_never_guessed() -> None:
    doc = _doc("- 20m 80%\n- 10m 95% LTHR\n- 2m intensity=rest", "Ride", RIDE)
    z = planned_zone_times(doc, "Ride", RIDE, basis="hr")
    assert z.zone_secs[3] == 600 and z.zone_secs[0] == 120 and z.unassigned_secs == 1200
    assert primary_basis(doc, "Ride") == "power"


def test_no_structure_or_zones() -> None:
    assert planned_zone_times(None, "Ride", RIDE).reason == "no workout structure"
    doc = _doc("- 30m 80% Pace", "Run", RUN)
    z = planned_zone_times(doc, "Run", {"types": ["Run"]})
    assert z.zone_secs == () and z.unassigned_secs == 1800 and "no pace zones" in (z.reason or "")
    with pytest.raises(ValueError):
        planned_zone_times(doc, "Run", RUN, basis="watts")


TOPS = [55.0, 75.0, 90.0, 105.0, 120.0, 150.0, 999.0]


@given(st.floats(0, 200), st.floats(0, 200), st.integers(0, 20_000))
def test_spread_conserves_seconds_and_stays_in_range(lo: float, hi: float, secs: int) -> None:
    out = spread(TOPS, lo, hi, secs)
    assert sum(out) == secs and all(x >= 0 for x in out)
    first, last = zone_index(TOPS, min(lo, hi)), zone_index(TOPS, max(lo, hi))
    assert all(x == 0 for i, x in enumerate(out) if i < first or i > last)


@given(st.lists(st.tuples(st.integers(1, 90), st.integers(30, 160)), min_size=1, max_size=8))
def test_steady_steps_sum_to_the_total(steps: list[tuple[int, int]]) -> None:
    text = "\n".join(f"- {m}m {p}%" for m, p in steps)
    z = planned_zone_times(_doc(text, "Ride", RIDE), "Ride", RIDE)
    assert sum(z.zone_secs) + z.unassigned_secs == z.total_secs == sum(m * 60 for m, _ in steps)
    assert z.unassigned_secs == 0
