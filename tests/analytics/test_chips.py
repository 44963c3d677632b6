"""Planned-vs-done matching and session chips: reference cases for each colour's rule, and properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.chips import COLOURS, PlanDetail, classify, main_set, plan_detail, session_chips
from icucoach.analytics.compliance import pair
from icucoach.analytics.inputs import ActivityInput
from icucoach.analytics.settings import AnalyticsSettings
from icucoach.workouts import enrich_event

from .helpers import D0, act, plan

TODAY = D0 + timedelta(days=6)
RIDE_SETTINGS = {
    "types": ["Ride", "VirtualRide"],
    "ftp": 250,
    "lthr": 160,
    "max_hr": 185,
    "power_zones": [55, 75, 90, 105, 120, 150, 999],
    "hr_zones": [130, 144, 149, 158, 163, 170, 185],
}
INTERVALS_TEXT = "Warmup\n- 15m ramp 50-70%\n\nMain set 4x\n- 8m 100%\n- 4m 50%\n\nCooldown\n- 10m 50%"


def _event(eid: int, day: date, text: str, sport: str = "Ride", category: str = "WORKOUT") -> dict:
    ev = {
        "id": eid,
        "start_date_local": f"{day.isoformat()}T00:00:00",
        "category": category,
        "type": sport,
        "name": f"session {eid}",
        "description": text,
    }
    if category == "WORKOUT":
        ev.update(enrich_event(text, sport, RIDE_SETTINGS))
    return ev


def _done(day: date, secs: float, load: float, watts: bool = True, **kw) -> ActivityInput:
    extra = {"np": 240.0, "avg_power": 220.0, "ftp": 250.0} if watts else {"avg_hr": 140.0}
    return act(day, load, "Ride", secs=secs, **{**extra, **kw})


def test_done_as_planned_within_15_percent() -> None:
    ev = _event(1, D0, INTERVALS_TEXT)
    planned_secs, planned_load = ev["moving_time"], ev["icu_training_load"]
    a = _done(D0, planned_secs * 1.10, planned_load * 1.12)
    (chip,) = session_chips([ev], [a], D0, D0, TODAY, [RIDE_SETTINGS])
    assert (chip.kind, chip.colour, chip.reason) == ("done", "green", None)
    assert abs(chip.duration_ratio - 1.10) < 1e-9 and abs(chip.load_ratio - 1.12) < 1e-9


def test_changed_reasons_in_order() -> None:
    ev = _event(1, D0, INTERVALS_TEXT)
    secs, load = ev["moving_time"], ev["icu_training_load"]
    cases = {
        "over_target": (secs, load * 1.3),  # load above: over target even at the planned duration
        "shortened": (secs * 0.7, load * 0.7),
        "under_target": (secs, load * 0.8),
        "longer": (secs * 1.3, load * 1.3),  # the same IF for 30 % longer
    }
    got = {}
    for reason, (s, ld) in cases.items():
        (chip,) = session_chips([ev], [_done(D0, s, ld)], D0, D0, TODAY, [RIDE_SETTINGS])
        got[reason] = (chip.kind, chip.reason)
    assert got["over_target"] == ("changed", "over_target")
    assert got["shortened"] == ("changed", "shortened")
    assert got["under_target"] == ("changed", "under_target")
    # 30 % longer at the same IF is 30 % more load: load above its band wins (over target comes first)
    assert got["longer"] == ("changed", "over_target")
    (chip,) = session_chips([ev], [_done(D0, secs * 1.2, load * 1.2 * 0.99)], D0, D0, TODAY, [RIDE_SETTINGS])
    assert (chip.kind, chip.reason) == ("changed", "over_target")  # load 119 % > 115 %


def test_intensity_proxy_catches_same_load_harder_and_shorter() -> None:
    ev = _event(1, D0, INTERVALS_TEXT)
    secs, load = ev["moving_time"], ev["icu_training_load"]
    # 88 % of the time at the planned load: IF ratio sqrt(1 / 0.88) = 1.066 > 1.05 -> over target
    (chip,) = session_chips([ev], [_done(D0, secs * 0.88, load)], D0, D0, TODAY, [RIDE_SETTINGS])
    assert (chip.kind, chip.reason) == ("changed", "over_target")
    assert abs(chip.intensity_ratio - (1 / 0.88) ** 0.5) < 1e-9


def test_missed_pending_sick_unplanned_race() -> None:
    evs = [
        _event(1, D0, INTERVALS_TEXT),
        _event(2, D0 + timedelta(days=1), INTERVALS_TEXT),
        _event(3, TODAY, INTERVALS_TEXT),
        _event(4, D0 + timedelta(days=3), "", "Run", "RACE_B"),
        {
            "id": 5,
            "category": "SICK",
            "start_date_local": f"{(D0 + timedelta(days=1)).isoformat()}T00:00:00",
            "end_date_local": f"{(D0 + timedelta(days=3)).isoformat()}T00:00:00",  # exclusive: sick days 1-2
        },
    ]
    acts = [
        act(D0 + timedelta(days=3), 180.0, "Run", id="race"),
        act(D0 + timedelta(days=4), 40.0, "Run", id="extra"),
    ]
    chips = session_chips(evs, acts, D0, TODAY, TODAY, [RIDE_SETTINGS])
    kinds = {(c.day - D0).days: (c.kind, c.colour) for c in chips}
    assert kinds == {
        0: ("missed", "red"),
        1: ("sick", "grey"),
        2: ("sick", "grey"),  # covered day, nothing planned: one sick chip
        3: ("race", "purple"),
        4: ("unplanned", "blue"),
        6: ("pending", "none"),
    }


def test_strava_stub_is_done_unverified_never_zero() -> None:
    ev = _event(1, D0, INTERVALS_TEXT)
    stub = {"id": "123", "start_date_local": f"{D0.isoformat()}T07:00:00", "source": "STRAVA", "_note": "x"}
    (chip,) = session_chips([ev], [stub], D0, D0, TODAY, [RIDE_SETTINGS])
    assert (chip.kind, chip.colour, chip.activity_id) == ("done_unverified", "green", "123")
    assert chip.done_load is None and chip.load_ratio is None


def test_paired_event_id_wins_over_day_and_sport() -> None:
    ev1, ev2 = _event(1, D0, INTERVALS_TEXT), _event(2, D0, "- 60m 60%")
    a = _done(D0, ev2["moving_time"], ev2["icu_training_load"], paired_event_id="2")
    chips = session_chips([ev1, ev2], [a], D0, D0, TODAY, [RIDE_SETTINGS])
    by_plan = {c.planned_id: c.kind for c in chips}
    assert by_plan == {"1": "missed", "2": "done"}


def test_hr_plan_is_judged_on_duration_and_average_hr() -> None:
    ev = _event(1, D0, "- 60m 85% LTHR")  # 136 bpm planned
    d = plan_detail(ev, RIDE_SETTINGS)
    assert d.basis == "hr" and abs(d.avg_hr - 136.0) < 1e-9
    ok = _done(D0, 3600, 10.0, watts=False, avg_hr=138.0)  # load far off: HRSS is not compared
    (chip,) = session_chips([ev], [ok], D0, D0, TODAY, [RIDE_SETTINGS])
    assert (chip.kind, chip.basis, chip.load_ratio) == ("done", "hr", None)
    hard = replace(ok, avg_hr=150.0)
    (chip,) = session_chips([ev], [hard], D0, D0, TODAY, [RIDE_SETTINGS])
    assert (chip.kind, chip.reason) == ("changed", "over_target")


def test_main_set_from_intervals() -> None:
    ev = _event(1, D0, INTERVALS_TEXT)
    d = plan_detail(ev, RIDE_SETTINGS)
    assert d.basis == "power" and d.work == ((100.0, 100.0),) * 4 and d.work_secs == (480,) * 4

    def ivs(watts: list[float]) -> dict:
        return {"icu_intervals": [{"type": "WORK", "weighted_average_watts": w} for w in watts]}

    hit = main_set(d, ivs([250, 255, 246, 252]), ftp=250)
    assert (hit.hits, hit.over, hit.under, hit.met) == (4, 0, 0, True)
    three = main_set(d, ivs([250, 250, 250]), ftp=250)  # one repeat dropped: 3 of 4 < 80 %
    assert (three.done_reps, three.met) == (3, False)
    over = main_set(d, ivs([270, 272, 268, 265]), ftp=250)  # 106-109 % > 105 %
    assert (over.over, over.met) == (4, False)
    a = _done(D0, ev["moving_time"], ev["icu_training_load"])
    p = plan(D0, ev["icu_training_load"], id="1", moving_time=ev["moving_time"])
    assert classify(p, a, d, over).reason == "over_target"
    assert classify(p, a, d, three).reason == "under_target"
    assert classify(p, a, d, hit).kind == "done"
    assert main_set(PlanDetail(None, None), ivs([1])) is None
    steady = plan_detail(_event(2, D0, "- 60m 65%"), RIDE_SETTINGS)
    assert steady.work == ((65.0, 65.0),)
    assert main_set(steady, ivs([150, 160]), ftp=250) is None  # laps of one steady step: the IF judges it
    assert main_set(steady, ivs([160]), ftp=250).met


def test_hr_repeats_are_judged_on_peak_for_under_and_average_for_over() -> None:
    d = plan_detail(_event(1, D0, "Main set 3x\n- 4m 95% LTHR\n- 2m 70% LTHR"), RIDE_SETTINGS)
    assert d.basis == "hr" and d.work == ((152.0, 152.0),) * 3
    lagging = [{"type": "WORK", "average_heartrate": 140, "max_heartrate": 153}] * 3  # reached it late
    assert main_set(d, lagging).met
    never = [{"type": "WORK", "average_heartrate": 130, "max_heartrate": 138}] * 3
    assert (main_set(d, never).under, main_set(d, never).met) == (3, False)
    above = [{"type": "WORK", "average_heartrate": 162, "max_heartrate": 170}] * 3
    assert main_set(d, above).over == 3


def test_tolerance_is_a_setting() -> None:
    ev = _event(1, D0, INTERVALS_TEXT)
    a = _done(D0, ev["moving_time"] * 1.2, ev["icu_training_load"] * 1.2)
    wide = AnalyticsSettings(chip_tolerance=0.25, chip_intensity_tolerance=0.1)
    (chip,) = session_chips([ev], [a], D0, D0, TODAY, [RIDE_SETTINGS], settings=wide)
    assert chip.kind == "done"


# --- properties --------------------------------------------------------------------------------------------

SPORTS = st.sampled_from(["Ride", "Run", "Swim", "VirtualRide"])


@st.composite
def _calendar(draw):
    n_plans = draw(st.integers(0, 8))
    n_acts = draw(st.integers(0, 8))
    plans = [
        plan(
            D0 + timedelta(days=draw(st.integers(0, 6))),
            draw(st.one_of(st.none(), st.floats(10, 200))),
            draw(SPORTS),
            id=f"p{k}",
            moving_time=draw(st.one_of(st.none(), st.floats(600, 7200))),
        )
        for k in range(n_plans)
    ]
    acts = []
    for k in range(n_acts):
        linked = draw(st.one_of(st.none(), st.sampled_from([p.id for p in plans] or ["none"])))
        acts.append(
            act(
                D0 + timedelta(days=draw(st.integers(0, 6))),
                draw(st.one_of(st.none(), st.floats(0, 300))),
                draw(SPORTS),
                hour=k,
                secs=draw(st.floats(300, 9000)),
                id=f"a{k}",
                paired_event_id=linked,
                is_stub=draw(st.booleans()),
            )
        )
    return plans, acts


@given(_calendar())
def test_each_plan_and_activity_appears_once(cal) -> None:
    plans, acts = cal
    pairs = pair(plans, acts, D0, TODAY, TODAY)
    plan_ids = [p.planned.id for p in pairs if p.planned is not None]
    act_ids = [p.done.id for p in pairs if p.done is not None]
    assert sorted(plan_ids) == sorted(p.id for p in plans)
    assert sorted(act_ids) == sorted(a.id for a in acts)  # each activity once: paired or unplanned
    for p in pairs:
        if p.planned is not None and p.done is not None and p.done.paired_event_id != p.planned.id:
            assert p.done.day == p.planned.day  # matched by day ...
            assert p.done.is_stub or p.done.family == p.planned.family  # ... and sport family (or a stub)


@given(_calendar())
def test_chips_cover_everything_with_a_known_colour(cal) -> None:
    plans, acts = cal
    chips = session_chips(plans, acts, D0, TODAY, TODAY)
    assert all(c.kind in COLOURS for c in chips)
    assert sorted(c.planned_id for c in chips if c.planned_id) == sorted(p.id for p in plans)
    assert sorted(c.activity_id for c in chips if c.activity_id) == sorted(a.id for a in acts)
    for c in chips:
        if c.kind == "missed":
            assert c.day < TODAY and c.activity_id is None
        if c.kind == "done":
            tol = 0.15 + 1e-9
            assert c.duration_ratio is None or abs(c.duration_ratio - 1) <= tol
            assert c.load_ratio is None or abs(c.load_ratio - 1) <= tol
        if c.kind == "done_unverified":
            assert c.done_load is None
