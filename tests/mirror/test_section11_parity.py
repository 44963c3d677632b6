"""Section 11 drop-in parity, field by field: every field path Section 11's ``sync.py`` v3.128 writes (the
committed list ``section11/paths.json``, from a run on the sandbox's first athlete) is in our export or is a
documented exclusion (a "left out" row of docs/mirror.md's "Section 11, field by field" table).

Regenerate the committed list (Section 11 is not downloaded by the tests):

    .venv/bin/python -m tests.mirror.section11_paths --sync /path/to/section-11/examples/sync.py \
        --python /path/to/python-with-requests --compare
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icucoach.store.db import Store

from .sandbox_world import run_export
from .section11_paths import (
    FILES,
    PROTOCOL_FILE,
    excluded,
    exclusions,
    field_paths,
    missing,
    protocol_refs,
    ref_matches,
    same_value,
    scalar_values,
    section11_paths,
    section11_values,
    table_rows,
)


@pytest.fixture(scope="module")
def ours(sb, tmp_path_factory) -> dict[str, set[str]]:
    """Our field paths over both sandbox athletes (a field one athlete's data lacks may show in the other)."""
    paths: dict[str, set[str]] = {f: set() for f in FILES}
    for index in (0, 1):
        d = tmp_path_factory.mktemp(f"parity{index}")
        store = Store.open(d / "archive.sqlite")
        run_export(sb, store, d / "out", index=index, privacy="none")
        store.close()
        for f in FILES:
            paths[f] |= field_paths(json.loads((d / "out" / f"{f}.json").read_text("utf-8")))
    return paths


def test_every_section11_field_is_produced_or_a_documented_exclusion(ours) -> None:
    gaps = {f: paths for f, paths in missing(ours, section11_paths(), exclusions()).items() if paths}
    listed = "\n".join(f"  {f}.json:{p}" for f, paths in gaps.items() for p in paths)
    count = sum(map(len, gaps.values()))
    assert not gaps, f"{count} Section 11 field(s) neither produced nor excluded in docs/mirror.md:\n{listed}"


def test_every_exclusion_is_still_needed(ours) -> None:
    """An exclusion names a Section 11 field that exists and that we really do not produce."""
    theirs = section11_paths()
    stale = []
    for f, rules in exclusions().items():
        for rule in rules:
            hits = [p for p in theirs.get(f, set()) if excluded(p, {rule})]
            if not hits or any(p in ours[f] for p in hits):
                stale.append(f"{f}.json:{rule}")
    assert not stale, f"exclusions that name no Section 11 field or one we now produce: {stale}"


def test_the_committed_list_is_section11s_output() -> None:
    theirs = section11_paths()
    assert set(theirs) == set(FILES)
    assert {"READ_THIS_FIRST", "derived_metrics", "race_calendar"} <= theirs["latest"]
    assert {"daily_90d", "weekly_180d", "summaries"} <= theirs["history"]
    assert sum(map(len, theirs.values())) > 1000


def test_path_notation() -> None:
    doc = {"a": [{"b": 1}, {"c": {"2026-11-23": 1, "i123456": 2, "7": 3, "90d": 4}}], "w": {"2026-W48": {}}}
    assert field_paths(doc) == {
        "a", "a[].b", "a[].c", "a[].c.<date>", "a[].c.<id>", "a[].c.<n>", "a[].c.90d", "w", "w.<week>",
    }  # fmt: skip
    assert excluded("x.y.z", {"x.y.*"}) and excluded("x.y", {"x.y.*"}) and not excluded("x.yz", {"x.y.*"})


def test_exclusion_rows_are_read_from_the_table() -> None:
    text = (
        "| `latest.json:a.b` | left out | a Section 11 bug |\n"
        "| `history.json:c.*` | Left out | reason |\n"
        "| `latest.json:d` | same | produced, documented difference |\n"
    )
    rules = exclusions(text)
    assert rules["latest"] == {"a.b"} and rules["history"] == {"c.*"}
    assert table_rows("same", text)["latest"] == {"d"} and table_rows("differs", text)["latest"] == set()


def test_values_compare_within_section11s_rounding() -> None:
    assert same_value(69.52, 69.5) and same_value(1873.0, 1880.0) and same_value("Build", "Build")
    assert not same_value(0.97, 1.01) and not same_value("Build", "build") and not same_value(82.4, "82.4")
    assert not same_value(True, 1) and same_value(None, None) and not same_value(None, 0)


_keys = st.text(alphabet="abcdefgh_", min_size=1, max_size=5)
_json = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=20,
)


@given(st.dictionaries(_keys, _json, max_size=4))
def test_every_path_names_a_reachable_field(doc) -> None:
    for path in field_paths(doc):
        node = [doc]
        for part in path.split("."):
            items = []
            for n in node:
                name, lists = part.rstrip("[]"), part.count("[]")
                if isinstance(n, dict) and name in n:
                    found = [n[name]]
                    for _ in range(lists):
                        found = [y for x in found if isinstance(x, list) for y in x]
                    items += found
            node = items
        assert node, path


TWO = ("latest", "history")  # the files whose values are kept (section11_paths.scalar_values)


@pytest.fixture(scope="module")
def golden_values() -> dict[str, dict]:
    """Our athlete-0 golden files: the same sandbox data and day Section 11's values come from."""
    golden = Path(__file__).parent / "golden" / "athlete0"
    return {
        f: scalar_values(json.loads((golden / f"{f}.json").read_text("utf-8"))) for f in ("latest", "history")
    }


def test_every_shared_field_has_section11s_value_or_a_documented_difference(golden_values) -> None:
    """Same name, same meaning: on the same data and day, each scalar field both have carries Section 11's
    value (within its rounding), or docs/mirror.md lists it as "differs" with the reason."""
    differs = table_rows("differs")
    wrong = []
    for f, theirs in section11_values().items():
        for path, value in sorted(theirs.items()):
            ours = golden_values[f].get(path, value)
            if not same_value(value, ours) and not excluded(path, differs[f]):
                wrong.append(f"{f}.json:{path}: Section 11 {value!r}, ours {golden_values[f][path]!r}")
    assert not wrong, (
        f"{len(wrong)} shared field(s) with another value and no documented reason:\n" + "\n".join(wrong)
    )


def test_documented_differences_still_differ(golden_values) -> None:
    theirs = section11_values()
    stale = [
        f"{f}.json:{rule}"
        for f, rules in table_rows("differs").items()
        for rule in rules
        if f in theirs
        and not rule.endswith(".*")
        and rule in theirs[f]
        and rule in golden_values[f]
        and same_value(theirs[f][rule], golden_values[f][rule])
    ]
    assert not stale, f"documented as different but now the same: {stale}"


def test_every_field_section11s_protocol_reads_is_produced(ours) -> None:
    """The fields Section 11's AI protocol (SECTION_11.md) names and its exporter writes are all in our files:
    an exclusion never covers one of them. References Section 11 itself no longer writes (renamed fields of
    older versions, lists empty on this data) are skipped."""
    theirs = section11_paths()
    refs = [r for r in PROTOCOL_FILE.read_text("utf-8").split() if r]
    written = [r for r in refs if any(ref_matches(r, p) for f in FILES for p in theirs[f])]
    absent = [r for r in written if not any(ref_matches(r, p) for f in FILES for p in ours[f])]
    assert len(written) > 100
    assert not absent, f"fields Section 11's protocol reads that we do not write: {absent}"


def test_protocol_references_are_read_as_field_paths() -> None:
    md = (
        "Read `derived_metrics.acwr` and `quality.sufficient: true`, `display.{distance, elevation}`,\n"
        "`capability.hr_curve_delta.anchors.{dur}.pct_change`, `fetch_state[id].intervals.status`, `sync.py`."
    )
    assert protocol_refs(md) == [
        "capability.hr_curve_delta.anchors.*.pct_change", "derived_metrics.acwr", "display.distance",
        "display.elevation", "fetch_state.*.intervals.status", "quality.sufficient",
    ]  # fmt: skip
    assert ref_matches("quality.sufficient", "activities[].dfa.quality.sufficient")
    assert ref_matches("anchors.*.pct_change", "x.anchors.5m.pct_change")
    assert not ref_matches("dfa.quality", "activities[].dfa_quality") and not ref_matches("a.b", "b")
