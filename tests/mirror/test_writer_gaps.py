"""The mirror writer's promises that must hold whatever the multi-file commit becomes (``mirror/files.py``).

A mutation run over the writer showed these were only exercised through whole exports: that a write is
atomic and leaves the previous file byte-identical (and no temp file) when it fails, that permissions of an
existing file survive a rewrite, and that "did anything change?" drops exactly the volatile fields.
Expected values are written out by hand here.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from icucoach.mirror.files import dumps, normalise, read_json, same_content, write_atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_creates_folders_and_writes_exact_bytes(tmp_path):
    target = tmp_path / "a" / "b" / "latest.json"
    write_atomic(target, "Zürich 🚴\n")
    assert target.read_bytes() == "Zürich 🚴\n".encode()
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(target.parent) == []


def test_rewrite_keeps_the_permissions_of_the_existing_file(tmp_path):
    target = tmp_path / "history.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "new"


@pytest.mark.parametrize(("umask", "mode"), [(0o027, 0o640), (0o022, 0o644), (0o077, 0o600)])
def test_new_file_gets_the_umask_mode_not_the_private_temp_mode(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "new.json", "{}")
        assert os.umask(umask) == umask  # the writer leaves the process umask as it found it
    finally:
        os.umask(old)
    # mkstemp creates 0600; a mirror file is readable like any file the user creates (0666 - umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == mode


def test_temp_file_is_hidden_next_to_its_target(tmp_path, monkeypatch):
    # same folder = same filesystem, so the final rename is atomic; hidden and *.tmp so readers skip it
    seen: list[str] = []
    real_fsync = os.fsync

    def look(fd: int) -> None:
        seen.extend(p.name for p in tmp_path.iterdir())
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", look)
    write_atomic(tmp_path / "latest.json", "{}")
    temps = [n for n in seen if n != "latest.json"]
    assert len(temps) == 1 and temps[0].startswith(".latest.json.") and temps[0].endswith(".tmp")


def test_failed_replace_keeps_what_was_there_and_leaves_no_temp_file(tmp_path):
    in_the_way = tmp_path / "latest.json"
    in_the_way.mkdir()
    (in_the_way / "keep.txt").write_text("mine")
    with pytest.raises(OSError):
        write_atomic(in_the_way, "{}")
    assert (in_the_way / "keep.txt").read_text() == "mine"
    assert _leftovers(tmp_path) == []


def test_failure_while_writing_keeps_the_old_file_byte_identical(tmp_path, monkeypatch):
    target = tmp_path / "latest.json"
    target.write_bytes(b'{"old": true}\n')

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the OS call, not our code
    with pytest.raises(OSError):
        write_atomic(target, '{"new": true}\n')
    assert target.read_bytes() == b'{"old": true}\n'
    assert _leftovers(tmp_path) == []


def test_interrupt_while_writing_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "latest.json"
    target.write_bytes(b"old")

    def ctrl_c(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_dumps_is_indented_unicode_in_order_with_a_final_newline():
    assert dumps({"b": 1, "a": ["é"]}) == '{\n  "b": 1,\n  "a": [\n    "é"\n  ]\n}\n'


def test_normalise_drops_exactly_the_volatile_fields_and_leaves_the_input_alone():
    doc = {
        "generated_at": "2026-11-23T06:00:00Z",
        "version": "3.1",
        "fetch_state": {
            "activities": {"i1": {"fetched_at": "t1", "count": 4}, "i2": {"fetched_at": "t2"}},
            "wellness": {"i1": {"fetched_at": "t3", "fetched_at_note": "kept"}},
        },
        "data": {"generated_at": "nested: not the top-level field, kept"},
    }
    doc["fetch_state"]["routes"] = [{"fetched_at": "t4", "n": 1}]  # "*" walks list items too
    doc["fetch_state"]["count"] = 3  # a scalar under "*" is left alone
    before = json.loads(json.dumps(doc))
    assert normalise("intervals", doc) == {
        "fetch_state": {
            "activities": {"i1": {"count": 4}, "i2": {}},
            "wellness": {"i1": {"fetched_at_note": "kept"}},
            "routes": [{"n": 1}],
            "count": 3,
        },
        "data": {"generated_at": "nested: not the top-level field, kept"},
    }
    assert doc == before


def test_normalise_latest_drops_clock_fields_only():
    doc = {
        "metadata": {"last_updated": "x", "generator_version": "1", "athlete_id": "i1"},
        "history": {"last_generated": "y", "age_days": 3, "weeks": 12},
        "wellness": None,
    }
    assert normalise("latest", doc) == {
        "metadata": {"athlete_id": "i1"},
        "history": {"weeks": 12},
        "wellness": None,
    }
    assert normalise("unknown-kind", doc) == doc
    odd = {"metadata": "last_updated yesterday", "history": ["age_days"]}  # unexpected shapes: untouched
    assert normalise("latest", odd) == odd


def test_same_content_ignores_the_clock_but_not_the_data():
    a = {"generated_at": "t1", "sync_version": 1, "routes": [{"id": 1}]}
    assert same_content("routes", a, {**a, "generated_at": "t2", "sync_version": 2})
    assert not same_content("routes", a, {**a, "routes": [{"id": 2}]})
    # key order is not content (either side may come unsorted)
    assert same_content("ftp_history", {"b": 2, "a": 1}, {"a": 1, "b": 2})
    assert same_content("ftp_history", {"a": 1, "b": 2}, {"b": 2, "a": 1})


def test_read_json_is_none_for_missing_or_broken_files(tmp_path):
    assert read_json(tmp_path / "missing.json") is None
    (tmp_path / "broken.json").write_text('{"half": ')
    assert read_json(tmp_path / "broken.json") is None
    (tmp_path / "ok.json").write_text('{"a": [1]}')
    assert read_json(tmp_path / "ok.json") == {"a": [1]}
