"""Squad triage: each reason's rule by reference cases, the ordering, and properties of the ordering."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.chips import Chip
from icucoach.analytics.status import training_status
from icucoach.analytics.triage import (
    SEVERITY_RANK,
    AthleteTriage,
    Reason,
    TriageInput,
    from_status,
    order_squad,
    recent_chips,
    triage,
)

from .helpers import D0, acts_from_loads, well

TODAY = D0 + timedelta(days=14)


def _codes(t: TriageInput) -> dict[str, str]:
    return {r.code: r.severity for r in triage(t).reasons}


def test_quiet_athlete_has_no_reasons() -> None:
    t = TriageInput("i1", "A", readiness="go", acwr=1.0, monotony=1.2, hrv_status="green", hrv_trend="within")
    assert triage(t).reasons == () and triage(t).worst is None and triage(t).score == 0


def test_overreaching_needs_load_and_a_second_sign() -> None:
    assert _codes(TriageInput("i1", acwr=1.35, monotony=2.1)) == {"overreaching": "alarm"}
    got = _codes(TriageInput("i1", acwr=1.6, hrv_trend="below", hrv_status="amber", hrv_delta_pct=-12))
    assert got == {"overreaching": "alarm", "hrv_low": "warning"}
    assert _codes(TriageInput("i1", acwr=1.6)) == {"acwr_high": "alarm"}  # load alone: ACWR only
    assert _codes(TriageInput("i1", acwr=1.35)) == {"acwr_high": "warning"}
    assert _codes(TriageInput("i1", monotony=2.6)) == {"monotony_high": "alarm"}
    assert _codes(TriageInput("i1", monotony=2.1)) == {"monotony_high": "warning"}


def test_wellness_alarms() -> None:
    t = TriageInput(
        "i1",
        hrv_status="red",
        hrv_delta_pct=-25,
        rhr_status="amber",
        rhr_delta_bpm=4,
        sleep_h=5.5,
        soreness=4,
        fatigue=2,
    )
    assert _codes(t) == {"hrv_low": "alarm", "rhr_up": "warning", "sleep_poor": "warning", "sore": "warning"}
    sentences = {r.code: r.sentence for r in triage(t).reasons}
    assert sentences["rhr_up"] == "resting HR up +4 bpm vs 7-day baseline"
    assert sentences["sleep_poor"] == "slept 5.5 h last night"
    assert sentences["sore"] == "soreness 4/4 today"


def test_health_and_readiness() -> None:
    t = TriageInput(
        "i1",
        readiness="skip",
        readiness_rule="two or more recovery signals red",
        health_current=({"category": "SICK", "start": "2026-03-10", "end": "2026-03-12"},),
    )
    tri = triage(t)
    assert [r.code for r in tri.reasons] == ["sick", "readiness_skip"]
    assert tri.reasons[0].sentence == "sick since 2026-03-10 (calendar entry covers today)"
    recent = TriageInput(
        "i1", readiness="modify", health_recent=({"category": "INJURED", "days_since_end": 3},)
    )
    assert _codes(recent) == {"health_recent": "warning", "readiness_modify": "warning"}


def _chip(day_offset: int, kind: str, reason: str | None = None) -> Chip:
    return Chip(TODAY - timedelta(days=day_offset), kind, reason, planned_id=f"p{day_offset}{kind}")


def test_session_reasons_from_chips() -> None:
    chips = (
        _chip(1, "missed"),
        _chip(2, "missed"),
        _chip(3, "changed", "over_target"),
        _chip(4, "done"),
        _chip(5, "changed", "shortened"),
        _chip(6, "done_unverified"),
    )
    t = TriageInput("i1", chips=chips)
    assert _codes(t) == {
        "missed": "warning",
        "over_target": "info",
        "shortened": "info",
        "metrics_withheld": "info",
    }
    sentences = {r.code: r.sentence for r in triage(t).reasons}
    assert sentences["missed"] == "2 planned session(s) missed in the last 7 days"
    assert sentences["over_target"] == "1 of 3 sessions done above the planned load/intensity"
    assert _codes(TriageInput("i1", chips=chips[:1])) == {"missed": "info"}


def test_recent_chips_window_excludes_today_and_older_days() -> None:
    chips = [_chip(0, "missed"), _chip(1, "missed"), _chip(7, "missed"), _chip(8, "missed")]
    assert [(TODAY - c.day).days for c in recent_chips(chips, TODAY)] == [1, 7]


def test_order_worst_first_then_score_readiness_name() -> None:
    rows = [
        AthleteTriage("a", "Zed", "go", (Reason("missed", "warning", ""),)),
        AthleteTriage("b", "Amy", "go", ()),
        AthleteTriage("c", "Bob", "modify", (Reason("sick", "alarm", ""),)),
        AthleteTriage("d", "Cat", "go", (Reason("sick", "alarm", ""), Reason("missed", "info", ""))),
        AthleteTriage("e", "Dan", "modify", (Reason("missed", "warning", ""),)),
    ]
    assert [r.athlete_id for r in order_squad(rows)] == ["d", "c", "e", "a", "b"]


def test_from_status_reads_the_digest() -> None:
    loads = [60.0] * 28 + [150.0 + 10 * (i % 3) for i in range(7)]
    acts = acts_from_loads(loads)
    today = D0 + timedelta(days=len(loads) - 1)
    wel = [
        well(D0 + timedelta(days=i), hrv=70.0, resting_hr=48.0, sleep_secs=7.5 * 3600)
        for i in range(len(loads))
    ]
    status = training_status(acts, wel, [], [], today=today)
    t = from_status("i1", "A", status, [], {"sleepSecs": 5 * 3600, "soreness": 4})
    assert t.acwr is not None and t.acwr > 1.5 and t.monotony is not None
    assert t.sleep_h == 5.0 and t.soreness == 4
    codes = [r.code for r in triage(t).reasons]
    assert codes[0] in ("overreaching", "acwr_high") and "sleep_poor" in codes


SEVERITIES = st.sampled_from(["alarm", "warning", "info"])
ROWS = st.lists(
    st.builds(
        AthleteTriage,
        st.text("abcdef", min_size=1, max_size=4),
        st.text("xyz", max_size=3),
        st.sampled_from(["go", "modify", "skip", None]),
        st.lists(st.builds(Reason, st.just("missed"), SEVERITIES, st.just("")), max_size=4).map(tuple),
    ),
    max_size=12,
)


@given(ROWS)
def test_order_is_a_permutation_and_no_alarm_after_a_calmer_row(rows: list[AthleteTriage]) -> None:
    out = order_squad(rows)
    assert sorted(map(id, out)) == sorted(map(id, rows))
    ranks = [SEVERITY_RANK[r.worst] if r.worst else 3 for r in out]
    assert ranks == sorted(ranks)
    assert order_squad(out) == out  # stable under re-sorting


@given(
    st.one_of(st.none(), st.floats(0, 3)),
    st.one_of(st.none(), st.floats(0, 6)),
    st.sampled_from([None, "green", "amber", "red", "unavailable"]),
    st.sampled_from([None, "green", "amber", "red"]),
)
def test_every_reason_has_a_code_severity_and_sentence(acwr, mono, hrv, rhr) -> None:
    t = TriageInput(
        "i1", acwr=acwr, monotony=mono, hrv_status=hrv, hrv_delta_pct=-10.0, rhr_status=rhr, rhr_delta_bpm=3
    )
    tri = triage(t)
    assert all(r.severity in SEVERITY_RANK and r.sentence for r in tri.reasons)
    assert len({r.code for r in tri.reasons}) == len(tri.reasons)
    severities = [SEVERITY_RANK[r.severity] for r in tri.reasons]
    assert severities == sorted(severities)
