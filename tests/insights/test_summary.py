"""Period summaries over the sandbox athlete's real-shaped records: volume adds up, stubs and duplicates are
reported, not counted as effort."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.inputs import from_api_activity
from icucoach.analytics.summary import period_start, summarize
from icucoach.sandbox.generate import generate_world

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def activities():
    store = generate_world(seed=42, today=TODAY).athletes["i100001"]
    return [from_api_activity(a, store.timezone) for a in store.activities.values()]


def test_weeks_cover_the_range_and_volume_adds_up(activities) -> None:
    start, end = date(2025, 1, 6), date(2025, 3, 30)
    weeks = summarize(activities, start, end, "week")
    assert len(weeks) == 12 and weeks[0].start == start and weeks[-1].end == end
    inside = [a for a in activities if start <= a.day <= end and not a.is_stub]
    assert sum(w.total.moving_time_s for w in weeks) == sum(a.moving_time for a in inside)
    assert sum(w.total.count for w in weeks) == len(inside)
    for w in weeks:
        assert w.total.count == sum(s.count for s in w.by_sport.values())
        assert w.total.load == pytest.approx(sum(s.load for s in w.by_sport.values()))
        split = w.total.to_dict()["seiler_pct"]
        if split is not None:
            assert sum(split.values()) == pytest.approx(100, abs=0.2)


def test_strava_stubs_and_duplicates_are_reported_not_counted(activities) -> None:
    months = summarize(activities, date(2023, 11, 24), TODAY, "month")
    assert sum(m.hidden_activities for m in months) >= 3
    assert sum(m.duplicates_dropped for m in months) == 1


def test_bad_range_is_refused() -> None:
    with pytest.raises(ValueError, match="before start"):
        summarize([], date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="period must be"):
        period_start(TODAY, "fortnight")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 6))
def test_period_start_contains_the_day(d: date, week_start: int) -> None:
    for period in ("day", "week", "month"):
        s = period_start(d, period, week_start)
        assert s <= d and (d - s).days < 31
    assert period_start(d, "week", week_start).weekday() == week_start
