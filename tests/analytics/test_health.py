"""Health context from SICK / INJURED calendar entries (exclusive end dates) and the wellness injury score."""

from __future__ import annotations

from datetime import timedelta

from icucoach.analytics.health import health_context
from icucoach.analytics.status import training_status

from .helpers import D0, plan, well

TODAY = D0 + timedelta(days=20)


def _sick(start, days, cat="SICK"):
    return plan(start, None, None, category=cat, end_day=start + timedelta(days=days), id=f"{cat}{start}")


def test_current_recent_upcoming():
    ev = [
        _sick(TODAY - timedelta(days=1), 3),
        _sick(TODAY - timedelta(days=10), 2, "INJURED"),
        _sick(TODAY + timedelta(days=5), 1),
        _sick(TODAY - timedelta(days=40), 2),
    ]
    h = health_context(ev, [], TODAY)
    assert [c["category"] for c in h.current] == ["SICK"]
    assert h.recent[0]["category"] == "INJURED" and h.recent[0]["days_since_end"] == 9
    assert h.upcoming[0]["days_until"] == 5
    assert h.clarification_required


def test_exclusive_end_date():
    # A one-day entry ends "tomorrow morning": yesterday's entry no longer covers today.
    h = health_context([_sick(TODAY - timedelta(days=1), 1)], [], TODAY)
    assert not h.current and h.recent[0]["days_since_end"] == 1


def test_injury_score_and_digest_alert():
    h = health_context([], [well(TODAY, injury=3.0)], TODAY)
    assert h.clarification_required and "injury" in h.reasons[0]
    assert not health_context([], [well(TODAY, injury=1.0)], TODAY).clarification_required
    out = training_status([], [], [_sick(TODAY, 2)], [], TODAY).to_dict()
    assert out["health"]["clarification_required"]
    assert "health_check" in {a["code"] for a in out["alerts"]}
