"""Chip and week rules from the review's findings: a main set missed by going too hard is ``over_target``, a
sick day wins over pending, a race is not a session off plan, and volumes without data are gaps (in the
4-week average and the volume chart)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.analytics.helpers import act

from icucoach.analytics.chips import Chip, MainSet, classify, plan_detail, session_chips
from icucoach.analytics.inputs import from_api_event
from icucoach.analytics.week_compliance import Volume, compliance, mean_volume
from icucoach.coach.charts import volume_chart
from icucoach.workouts import enrich_event

D0 = date(2026, 3, 2)
RIDE = {
    "types": ["Ride"],
    "ftp": 250,
    "lthr": 160,
    "max_hr": 185,
    "power_zones": [55, 75, 90, 105, 120, 150, 999],
}
TEXT = "Warmup\n- 15m ramp 50-70%\n\nMain set 4x\n- 8m 100%\n- 4m 50%\n\nCooldown\n- 10m 50%"


def _workout(eid: int, day: date) -> dict:
    ev = {
        "id": eid,
        "start_date_local": f"{day}T00:00:00",
        "category": "WORKOUT",
        "type": "Ride",
        "name": "4x8",
    }
    return ev | enrich_event(TEXT, "Ride", RIDE)


@given(st.integers(1, 8), st.integers(0, 8), st.integers(0, 8), st.integers(0, 8))
def test_a_missed_main_set_is_over_target_when_more_reps_were_over_than_under(
    planned: int, done: int, over: int, under: int
) -> None:
    done = min(done, planned)
    over = min(over, done)
    under = min(under, done - over)
    hits = done - over - under
    ev = _workout(1, D0)
    a = act(D0, ev["icu_training_load"], "Ride", secs=ev["moving_time"], np=240.0, avg_power=220.0, ftp=250.0)
    main = MainSet(planned, done, hits, over, under, met=hits >= 0.8 * planned)
    chip = classify(from_api_event(ev), a, plan_detail(ev, RIDE), main)
    if main.met:
        assert chip.reason is None
    elif over > under or over > hits:
        assert chip.reason == "over_target", main
    else:
        assert chip.reason == "under_target", main


def test_four_reps_two_on_target_two_over_is_over_target() -> None:
    ev = _workout(1, D0)
    a = act(D0, ev["icu_training_load"], "Ride", secs=ev["moving_time"], np=240.0, avg_power=220.0, ftp=250.0)
    chip = classify(from_api_event(ev), a, plan_detail(ev, RIDE), MainSet(4, 4, 2, 2, 0, met=False))
    assert (chip.kind, chip.reason) == ("changed", "over_target")


def test_a_session_planned_today_on_a_sick_day_is_sick() -> None:
    sick = {
        "id": 9,
        "category": "SICK",
        "start_date_local": f"{D0 - timedelta(days=2)}T00:00:00",
        "end_date_local": f"{D0 + timedelta(days=3)}T00:00:00",
    }
    chips = session_chips(
        [_workout(1, D0), _workout(2, D0 + timedelta(days=1)), sick], [], D0, D0, D0, [RIDE]
    )
    assert [(c.day, c.kind) for c in chips] == [(D0, "sick")]
    later = session_chips(
        [_workout(2, D0 + timedelta(days=1)), sick], [], D0, D0 + timedelta(days=1), D0, [RIDE]
    )
    assert [c.kind for c in later if c.planned_id == "2"] == ["sick"]


def test_a_race_is_not_off_plan() -> None:
    """3 sessions done as planned and a race: on plan 100 %, compliance 100 % (the race counted 75 %)."""
    chips = [Chip(D0 + timedelta(days=i), "done", planned_id=str(i)) for i in range(3)]
    chips.append(Chip(D0 + timedelta(days=3), "race", planned_id="3"))
    got = compliance(chips)
    assert (got.on_plan_pct, got.compliance_pct, got.done) == (100.0, 100.0, 4)
    assert compliance(chips[3:]).on_plan_pct is None  # a race alone: nothing judged


def test_the_4_week_average_leaves_out_weeks_whose_metrics_were_withheld() -> None:
    """A Strava-only week is a gap in avg_4w, a week with nothing done a true zero."""
    weeks = [
        {"all": Volume(3600.0, 30000.0, 50.0, 1)},
        {"all": Volume(None, None, None, 2, withheld=2)},  # Strava stubs only
        {},  # nothing done
        {"all": Volume(7200.0, 60000.0, 100.0, 2)},
    ]
    avg = mean_volume(weeks)["all"]
    assert (avg.duration_s, avg.distance_m, avg.load) == (3600.0, 30000.0, 50.0)
    assert mean_volume([{"all": Volume(None, None, None, 1, withheld=1)}])["all"].duration_s is None


def test_the_volume_chart_draws_withheld_weeks_as_gaps() -> None:
    weeks = [D0 + timedelta(days=7 * i) for i in range(3)]
    svg = volume_chart(weeks, {"Ride": [1.0, None, 0.0]})
    assert "1.0 h in all; 1 week(s) without time data (metrics withheld)" in svg


def test_a_session_planned_later_in_the_week_is_not_called_planned_today() -> None:
    """The week page listed Tuesday's to Sunday's sessions as "planned today" on a Monday."""
    tomorrow = D0 + timedelta(days=1)
    chips = session_chips([_workout(1, D0), _workout(2, tomorrow)], [], D0, tomorrow, D0, [RIDE])
    assert [c.kind for c in chips] == ["pending", "pending"]
    assert all(c.sentence == "4x8: planned, not done yet" for c in chips)
