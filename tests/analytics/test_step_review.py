"""Step-by-step workout review: hand-computed sessions, then properties on random plans and laps."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icucoach.analytics.settings import DEFAULT_SETTINGS
from icucoach.analytics.step_review import KINDS, VERDICTS, review_steps
from icucoach.workouts import enrich_event
from icucoach.workouts.doc import expand, from_workout_doc

RIDE = {
    "types": ["Ride"],
    "ftp": 250,
    "lthr": 165,
    "max_hr": 190,
    "power_zones": [55, 75, 90, 105, 120, 150, 999],
}
RUN = {
    "types": ["Run"],
    "lthr": 170,
    "threshold_pace": 4.0,
    "pace_units": "MINS_KM",
    "pace_zones": [77.5, 87.7, 94.3, 100.0, 103.4, 111.5, 999.0],
}
SWIM = {"types": ["Swim"], "threshold_pace": 1.0, "pace_units": "SECS_100M"}
THRESHOLD_4X8 = "Warmup\n- 10m 60%\n\nMain set 4x\n- 8m 95-105%\n- 4m 55%\n\nCooldown\n- 10m 50%"


def _doc(text: str, sport: str, ss: dict[str, Any]) -> dict[str, Any]:
    return enrich_event(text, sport, ss)["workout_doc"]  # type: ignore[no-any-return]


def _lap(
    kind: str, secs: int, np_w: float | None = None, hr: float | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": kind,
        "moving_time": secs,
        "elapsed_time": secs,
        "weighted_average_watts": np_w,
        "average_heartrate": hr,
        "max_heartrate": None if hr is None else hr + 5,
        **extra,
    }


def _numbered(laps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    at = 0
    for i, lap in enumerate(laps):
        lap["id"] = i + 1
        lap["start_index"] = at
        at += lap["moving_time"]
        lap["end_index"] = at - 1
    return laps


def _threshold_laps(reps: list[tuple[float, float]]) -> list[dict[str, Any]]:
    laps = [_lap("RECOVERY", 600, 150, 120)]
    for np_w, hr in reps:
        laps += [_lap("WORK", 480, np_w, hr), _lap("RECOVERY", 240, 130, 130)]
    laps.append(_lap("RECOVERY", 600, 120, 125))
    return _numbered(laps)


RIDE_ACTIVITY = {"type": "Ride", "icu_ftp": 250, "decoupling": 6.2}


def test_threshold_session_with_a_fading_last_rep() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    laps = _threshold_laps([(250, 160), (252, 162), (248, 164), (225, 168)])
    r = review_steps(doc, {"icu_intervals": laps}, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    assert r.basis == "power"
    assert [s.kind for s in r.steps] == ["warmup"] + ["work", "recovery"] * 4 + ["cooldown"]
    work = [s for s in r.steps if s.kind == "work"]
    assert [s.rep for s in work] == [1, 2, 3, 4]
    # 95-105 % of 250 W = 237.5-262.5 W, widened by 5 %: 225.6-275.6 W
    assert (work[0].target_lo, work[0].target_hi, work[0].target_unit) == (237.5, 262.5, "w")
    assert [s.verdict for s in work] == ["hit", "hit", "hit", "under"]
    assert work[3].delta_pct == pytest.approx(100 * (225 - 237.5) / 237.5)  # -5.26 %
    assert work[0].delta_pct == 0.0
    assert (r.reps_hit, r.reps_total) == (3, 4)
    assert r.rep_fade_pct == pytest.approx(-10.0)  # 225 W vs 250 W
    assert r.hr_drift_pct == pytest.approx(100 * ((168 / 225) / (160 / 250) - 1))  # +16.7 %
    assert (r.decoupling_pct, r.decoupling_source) == (6.2, "activity")
    # recoveries at 130 W against 55 % (137.5 W) are a hit: a recovery target is a ceiling
    assert all(s.verdict == "hit" for s in r.steps if s.kind == "recovery")
    assert "3 of 4 work reps on target (1 under)." in r.notes
    assert "Rep 4 held 225 W against 250 W in rep 1 (-10.0 %)." in r.notes
    assert any(n.startswith("Aerobic decoupling 6.2 % (decoupled") for n in r.notes)
    assert r.steps[1].interval_ids == (2,)


def test_too_hard_session_reps_are_over() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    laps = _threshold_laps([(280, 165)] * 4)  # 280 W > 262.5 W x 1.05
    r = review_steps(doc, laps, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    work = [s for s in r.steps if s.kind == "work"]
    assert all(s.verdict == "over" and s.delta_pct == pytest.approx(100 * 17.5 / 262.5) for s in work)
    assert r.reps_hit == 0 and r.reps_total == 4


def test_pace_reps_say_how_many_seconds_slower() -> None:
    doc = _doc("Warmup\n- 10m 75% Pace\n\nMain set 4x\n- 1km 100% Pace\n- 2m 60% Pace\n", "Run", RUN)
    laps = [_lap("RECOVERY", 600, hr=140, distance=1920.0, average_speed=3.2)]
    for secs in (250, 250, 250, 265):
        laps += [
            _lap("WORK", secs, hr=170, distance=1000.0, average_speed=1000 / secs),
            _lap("RECOVERY", 120, hr=150, distance=288.0, average_speed=2.4),
        ]
    r = review_steps(doc, _numbered(laps), sport_settings=RUN, activity={"type": "Run"})
    work = [s for s in r.steps if s.kind == "work"]
    assert work[0].planned_duration_s == 250  # 1 km at 4.0 m/s
    assert work[0].target_unit == "m_s" and work[0].target_lo == pytest.approx(4.0)
    assert [s.verdict for s in work] == ["hit", "hit", "hit", "under"]  # 3.77 m/s < 4.0 x 0.95
    assert r.rep_fade_pct == pytest.approx(100 * (1000 / 265 - 4.0) / 4.0)
    assert "Rep 4 ran 4:25 /km against 4:10 /km in rep 1: 15 s slower per km (-5.7 % speed)." in r.notes
    # no activity decoupling: Pa:HR over the laps' halves, computed here
    assert r.decoupling_source == "intervals" and r.decoupling_pct is not None


def test_a_step_without_a_target_says_the_unit_of_what_was_held() -> None:
    """A swim's rest steps have no target: what was held still has the session's unit (the review page showed
    a bare "0")."""
    doc = _doc("Main set 2x\n- 100mtr 100% Pace\n- 20s intensity=rest\n", "Swim", SWIM)
    laps = []
    for _ in range(2):
        laps += [
            _lap("WORK", 105, hr=160, distance=100.0, average_speed=100 / 105),
            _lap("RECOVERY", 20, hr=140, distance=0.0, average_speed=0.0),
        ]
    r = review_steps(doc, _numbered(laps), sport_settings=SWIM, activity={"type": "Swim"})
    rests = [s for s in r.steps if s.kind == "recovery"]
    assert rests and all(s.target_unit is None and s.actual_unit == "m_s" for s in rests)
    assert all(s.to_dict()["actual_unit"] == "m_s" for s in r.steps if s.actual is not None)


def test_hr_plan_is_judged_on_heart_rate() -> None:
    doc = _doc("Main set 3x\n- 15m 97% LTHR\n- 5m 79% LTHR\n", "Ride", RIDE)
    # 97 % of 165 = 160.05 bpm: widened 152.05-168.05
    laps = [
        {"type": "WORK", "moving_time": 900, "average_heartrate": 158, "max_heartrate": 165},
        {"type": "RECOVERY", "moving_time": 300, "average_heartrate": 150, "max_heartrate": 160},
        {"type": "WORK", "moving_time": 900, "average_heartrate": 148, "max_heartrate": 151},
        {"type": "RECOVERY", "moving_time": 300, "average_heartrate": 125, "max_heartrate": 150},
        {"type": "WORK", "moving_time": 900, "average_heartrate": 170, "max_heartrate": 176},
        {"type": "RECOVERY", "moving_time": 300, "average_heartrate": 140, "max_heartrate": 170},
    ]
    r = review_steps(doc, laps, sport_settings=RIDE, activity={"type": "Ride"})
    assert r.basis == "hr"
    work = [s for s in r.steps if s.kind == "work"]
    assert [s.target_unit for s in work] == ["bpm"] * 3
    assert work[0].target_lo == pytest.approx(160.05)
    # rep 2's peak (151) never reached 152.05: under; rep 3 averaged above 168.05: over
    assert [s.verdict for s in work] == ["hit", "under", "over"]
    # HR lags: a recovery's HR is not judged on an HR plan
    assert all(s.verdict == "not_judged" for s in r.steps if s.kind == "recovery")
    assert r.rep_fade_pct is None and r.hr_drift_pct is None  # no power, and a ride's speed is not effort


def test_more_laps_than_steps_are_merged() -> None:
    doc = _doc("Steady\n- 60m 80% Pace\n", "Run", RUN)
    laps = _numbered([_lap("WORK", 600, hr=150 + k, distance=1920.0, average_speed=3.2) for k in range(6)])
    r = review_steps(doc, laps, sport_settings=RUN, activity={"type": "Run"})
    assert len(r.steps) == 1
    (s,) = r.steps
    assert s.kind == "steady" and s.rep is None
    assert s.actual_duration_s == 3600 and s.interval_ids == (1, 2, 3, 4, 5, 6)
    assert s.actual == pytest.approx(3.2) and s.verdict == "hit"  # 80 % of 4.0 m/s
    assert s.actual_hr_bpm == pytest.approx(152.5)
    assert (r.reps_total, r.rep_fade_pct) == (0, None)


def test_a_rep_split_by_a_lap_press_is_one_rep() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    laps = _threshold_laps([(250, 160)] * 4)
    first = laps[1]
    split = [_lap("WORK", 300, 260, 158), _lap("WORK", 180, 240, 163)]
    laps = _numbered([laps[0], *split, *laps[2:]])
    assert first["moving_time"] == 480
    r = review_steps(doc, laps, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    rep1 = next(s for s in r.steps if s.kind == "work")
    assert rep1.interval_ids == (2, 3) and rep1.actual_duration_s == 480
    # NP of two parts is their 4th-power time-weighted mean
    assert rep1.actual == pytest.approx(((300 * 260**4 + 180 * 240**4) / 480) ** 0.25)
    assert all(s.planned for s in r.steps) and r.reps_hit == 4


def test_a_missing_rep_is_missed() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    laps = _threshold_laps([(250, 160)] * 3)  # 3 x 8 min done of 4
    r = review_steps(doc, laps, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    work = [s for s in r.steps if s.kind == "work"]
    assert len(work) == 4 and sum(s.verdict == "missed" for s in work) == 1
    missed = next(s for s in work if s.verdict == "missed")
    assert missed.actual_duration_s is None and missed.actual is None and missed.interval_ids == ()
    assert (r.reps_hit, r.reps_total) == (3, 4)
    assert r.steps[-1].kind == "cooldown" and r.steps[-1].actual_duration_s == 600
    assert "3 of 4 work reps on target (1 missed)." in r.notes


def test_an_extra_lap_is_listed_not_judged() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    laps = _threshold_laps([(250, 160)] * 4)
    laps = _numbered([*laps, _lap("RECOVERY", 1500, 100, 110)])  # a 25-min ride home
    r = review_steps(doc, laps, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    extra = [s for s in r.steps if not s.planned]
    assert len(extra) == 1 and extra[0].verdict == "not_judged" and extra[0].planned_duration_s is None
    assert extra[0].label == "Extra lap: 25m"
    assert r.reps_hit == 4 and "1 recorded lap matched no planned step." in r.notes


def test_no_workout_doc_lists_laps_not_judged() -> None:
    laps = _threshold_laps([(250, 160)] * 2)
    r = review_steps(None, {"icu_intervals": laps}, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    assert len(r.steps) == len(laps)
    assert all(s.verdict == "not_judged" and not s.planned and s.target_basis is None for s in r.steps)
    assert [s.kind for s in r.steps] == ["recovery", "work", "recovery", "work", "recovery", "recovery"]
    assert (r.reps_hit, r.reps_total, r.basis) == (0, 0, None)


def test_an_unplanned_session_has_no_reps_to_judge_or_fade() -> None:
    """Work laps of a session with no plan are extra laps: no "0 of 10 reps", no fade "from rep None"."""
    laps = _numbered([_lap("WORK", 600, 250 - i, 150 + i) for i in range(6)])
    r = review_steps(None, laps, sport_settings=RIDE, activity=RIDE_ACTIVITY)
    assert r.steps and not any(s.planned for s in r.steps) and r.reps_total == 0
    assert r.rep_fade_pct is None and not any("None" in n or "reps on target" in n for n in r.notes)
    assert "No planned steps: the 6 recorded laps are listed, not judged." in r.notes


def test_no_laps_nothing_is_missed() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    r = review_steps(doc, [], sport_settings=RIDE, activity={"type": None, "source": "STRAVA"})
    assert r.steps and all(s.verdict == "not_judged" for s in r.steps)
    assert r.notes[0] == "The activity has no recorded laps to compare with the plan."
    assert r.decoupling_pct is None


def test_to_dict_keeps_nulls_and_units() -> None:
    doc = _doc(THRESHOLD_4X8, "Ride", RIDE)
    d = review_steps(
        doc, _threshold_laps([(250, 160)] * 3), sport_settings=RIDE, activity=RIDE_ACTIVITY
    ).to_dict()
    assert d["reps_missed"] == 1 and d["reps_total"] == 4
    missed = next(s for s in d["steps"] if s["verdict"] == "missed")
    assert missed["actual"] is None and missed["actual_duration_s"] is None and missed["target_unit"] == "w"


# --- properties ------------------------------------------------------------------------------------------

_power = st.integers(40, 140)
_step = st.builds(lambda m, p: f"- {m}m {p}%", st.integers(1, 20), _power)
_text = st.builds(
    lambda wu, reps, on, off, body: "\n".join(["Warmup", wu, "", f"Main set {reps}x", on, off, "", *body]),
    _step,
    st.integers(1, 6),
    _step,
    _step,
    st.lists(_step, max_size=3),
)
_laps = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["WORK", "RECOVERY"]),
            "moving_time": st.integers(1, 2400),
            "weighted_average_watts": st.one_of(st.none(), st.integers(0, 500)),
            "average_heartrate": st.one_of(st.none(), st.integers(60, 200)),
        }
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(_text, _laps)
def test_verdicts_agree_with_deltas_and_every_lap_is_used_once(text: str, laps: list[dict[str, Any]]) -> None:
    doc = _doc(text, "Ride", RIDE)
    r = review_steps(doc, laps, sport_settings=RIDE, activity={"type": "Ride", "icu_ftp": 250})
    m = 100 * DEFAULT_SETTINGS.chip_target_margin
    for s in r.steps:
        assert s.verdict in VERDICTS and s.kind in KINDS
        if s.verdict == "over":
            assert s.delta_pct is not None and s.delta_pct > m - 1e-9
        if s.verdict == "under":
            assert s.delta_pct is not None and s.delta_pct < -m + 1e-9
        if s.verdict == "hit":
            assert s.delta_pct is not None and s.delta_pct <= m + 1e-9
        if s.verdict == "missed":
            assert s.actual_duration_s is None and s.planned
    assert 0 <= r.reps_hit <= r.reps_total
    used = [i for s in r.steps for i in s.interval_ids]
    assert len(used) == len(set(used))
    assert sum(s.actual_duration_s or 0 for s in r.steps) == sum(lap["moving_time"] for lap in laps)
    assert sum(1 for s in r.steps if s.planned) == len(expand(from_workout_doc(doc, "Ride")))


_junk = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-5, 5000), st.floats(allow_nan=True), st.text(max_size=5)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "steps",
                    "reps",
                    "duration",
                    "power",
                    "type",
                    "moving_time",
                    "average_speed",
                    "units",
                    "value",
                    "id",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.none(), st.dictionaries(st.just("steps"), _junk)), st.lists(_junk, max_size=6), _junk)
def test_no_crash_on_random_docs_and_laps(doc: Any, laps: Any, ss: Any) -> None:
    r = review_steps(doc, laps, sport_settings=ss if isinstance(ss, dict) else None, activity={"type": "Run"})
    assert 0 <= r.reps_hit <= r.reps_total
    r.to_dict()
