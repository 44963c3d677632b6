"""Round-trip properties over thousands of generated workouts: the printer and the parser agree."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icucoach.workouts import enrich_event, from_workout_doc, parse, parse_text, render, to_workout_doc

from .strategies import steps, workouts

MANY = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@MANY
@given(workouts)
def test_print_parse_round_trip(w):
    """parse(print(m)) == m, print(parse(t)) is stable, and canonical text trips none of the traps."""
    text = render(w)
    assert parse(text) == w
    assert render(parse(text)) == text
    codes = {i.code for i in parse_text(text).issues}
    assert not codes & {
        "bare-number",
        "pace-without-keyword",
        "empty-repeat",
        "nested-repeat",
        "unknown-target",
    }


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(""),
            st.just("4x"),
            st.just("Main set 3x"),
            st.just("Warmup"),
            st.builds(lambda s: "- " + s, st.text(max_size=30)),
            st.text(max_size=30),
        ),
        max_size=12,
    )
)
def test_any_text_prints_stably(lines):
    text = "\n".join(lines)
    once = render(parse(text))
    assert render(parse(once)) == once


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=200), st.sampled_from([None, "Ride", "Run", "Swim", "Yoga"]))
def test_enrich_event_never_raises(text, sport):
    out = enrich_event(text, sport, {"ftp": 250, "lthr": 170, "threshold_pace": 3.5})
    assert isinstance(out["workout_doc"]["steps"], list)
    assert set(out) == {
        "workout_doc",
        "moving_time",
        "distance",
        "icu_training_load",
        "icu_intensity",
        "joules",
        "joules_above_ftp",
        "icu_ftp",
    }


@settings(max_examples=500, deadline=None)
@given(st.lists(steps(), min_size=1, max_size=6), st.sampled_from(["Ride", "Run", "Swim"]))
def test_workout_doc_round_trip_is_idempotent(body, sport):
    from icucoach.workouts import Workout

    ss = {"ftp": 250, "lthr": 170, "max_hr": 190, "threshold_pace": 3.6}
    doc = to_workout_doc(Workout(tuple(body)), sport, ss)
    again = to_workout_doc(from_workout_doc(doc, sport), sport, ss)
    assert again["steps"] == doc["steps"]
    assert again["duration"] == doc["duration"]
