"""Day zone basis, hard days per basis and active days (``analytics.summary``): Section 11's daily
``intensity_basis``, weekly ``intensity_basis_breakdown`` and the 90-day active-day count."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.analytics.helpers import D0, act

from icucoach.analytics.inputs import SportSettingsInput
from icucoach.analytics.summary import active_days, day_bases, day_basis, hard_day_bases, wellness_means

COGGAN = (55.0, 75.0, 90.0, 105.0, 120.0, 150.0, 999.0)


def test_day_basis() -> None:
    assert day_basis([]) is None
    assert day_basis(["power", "power"]) == "power"
    assert day_basis(["hr"]) == "hr"
    assert day_basis(["power", "hr"]) == "mixed"


def test_day_bases_from_activity_zones() -> None:
    ride = act(D0, power_zone_secs=(0, 3600, 0, 0, 0, 0, 0), power_zones=COGGAN, id="r")
    bare = act(D0 + timedelta(days=1), id="bare")  # no zones at all
    settings = (SportSettingsInput(types=("Ride",), ftp=250.0),)
    out = day_bases([ride, bare], D0, D0 + timedelta(days=2), settings)
    assert out == {D0: "power", D0 + timedelta(days=1): None, D0 + timedelta(days=2): None}


def test_hard_day_bases_counts_hard_days_only() -> None:
    days = [D0 + timedelta(days=i) for i in range(7)]
    hard = {days[0]: True, days[1]: True, days[2]: False, days[3]: True, days[4]: None, days[5]: True}
    bases = {days[0]: "power", days[1]: "hr", days[2]: "power", days[3]: "hr", days[5]: "mixed"}
    assert hard_day_bases(hard, bases, days) == {"power": 1, "hr": 2, "pace": 0, "mixed": 1}
    assert hard_day_bases({days[2]: False}, bases, days) is None


def test_active_days() -> None:
    # Section 11's summaries.90d.total_activities: 3 days trained, 6 activities
    assert active_days([0, 2, 1, 0, 3]) == 3
    assert active_days([]) == 0


@given(st.lists(st.integers(0, 5), max_size=90))
def test_active_days_bounds(counts: list[int]) -> None:
    n = active_days(counts)
    assert n <= len(counts) and n <= sum(counts)
    assert n == len(counts) - counts.count(0)


def test_wellness_means_leave_out_glitches() -> None:
    from tests.analytics.helpers import well

    rows = [
        well(D0, hrv=60.0, resting_hr=50),
        well(D0 + timedelta(days=1), hrv=70.0, resting_hr=0),  # 0 bpm: no reading
        well(D0 + timedelta(days=2), hrv=255.0, resting_hr=47),  # 255 ms: a device glitch
        well(D0 + timedelta(days=3), hrv=9.0),  # below 10 ms: a glitch
        well(D0 + timedelta(days=9), hrv=90.0, resting_hr=40),  # outside the window
    ]
    assert wellness_means(rows, D0, D0 + timedelta(days=6)) == {"avg_hrv": 65.0, "avg_resting_hr": 48.5}
    assert wellness_means([], D0, D0) == {"avg_hrv": None, "avg_resting_hr": None}
