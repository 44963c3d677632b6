"""The real-output corpus: workout text -> workout_doc as the real Intervals.icu API returned it."""

import json
from pathlib import Path

import pytest

from icucoach.workouts import enrich_event, from_workout_doc, parse, render, to_workout_doc

HERE = Path(__file__).parent / "corpus"
PAIRS = json.loads((HERE / "text_to_doc.json").read_text())["pairs"]
DOCS = json.loads((HERE / "docs_only.json").read_text())["docs"]


def assert_subset(expected, actual, path="doc"):
    """Every key the source shows must be present with the same value (extra keys are allowed)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for k, v in expected.items():
            assert k in actual, f"{path}.{k} missing (got keys {sorted(actual)})"
            assert_subset(v, actual[k], f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{path}: {actual!r} != {expected!r}"
        )
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(e, a, f"{path}[{i}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, abs=1e-4), f"{path}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def test_corpus_is_sourced():
    assert len(PAIRS) >= 25
    for p in PAIRS + DOCS:
        assert p["source"], p["id"]


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_text_to_doc_matches_real_output(pair):
    ev = enrich_event(pair["text"], pair["sport"], pair["sport_settings"])
    doc, exp = ev["workout_doc"], pair["expect"]
    if "doc_exact" in exp:
        assert doc == exp["doc_exact"]
    if exp.get("steps_empty"):
        assert doc["steps"] == []
        assert ev["moving_time"] is None and ev["icu_training_load"] is None
    if "steps_prefix" in exp:
        assert_subset(exp["steps_prefix"], doc["steps"][: len(exp["steps_prefix"])])
    if "shape" in exp:
        assert [s.get("reps", "step") for s in doc["steps"]] == exp["shape"]
    for key in ("duration", "distance"):
        if key in exp:
            assert doc[key] == exp[key]
    if "zone_secs" in exp:
        assert [z["secs"] for z in doc["zoneTimes"] if z["id"] != "SS"] == exp["zone_secs"]
    if "event" in exp:
        assert_subset(exp["event"], ev)


@pytest.mark.parametrize(
    "pair", [p for p in PAIRS if not p["expect"].get("steps_empty")], ids=lambda p: p["id"]
)
def test_corpus_text_round_trips_through_the_printer(pair):
    w = parse(pair["text"], pair["sport"])
    again = parse(render(w), pair["sport"])
    assert again == w
    # and the canonical text gives the server the same workout_doc
    assert enrich_event(render(w), pair["sport"], pair["sport_settings"]) == enrich_event(
        pair["text"], pair["sport"], pair["sport_settings"]
    )


@pytest.mark.parametrize("item", DOCS, ids=[d["id"] for d in DOCS])
def test_real_docs_survive_doc_model_doc(item):
    real = item["workout_doc"]
    w = from_workout_doc(real, item["sport"])
    ours = to_workout_doc(w, item["sport"], {"threshold_pace": 325 / 569 / 0.725})
    structural = [
        {k: v for k, v in s.items() if k not in ("duration",) or "distance" not in s} for s in real["steps"]
    ]
    assert_subset(structural, ours["steps"])
    if "duration" in real:
        assert ours["duration"] == real["duration"]
