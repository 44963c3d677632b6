"""The output files are one unit (``mirror.files.write_set``): the folder holds the whole old set or the whole
new set, never a mix, and each file is replaced atomically (a reader holding the old file reads it whole)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from icucoach.mirror.files import FILES, JOURNAL, OutputError, recover, write_set
from icucoach.store.db import Store

from .sandbox_world import TODAY, add_activity, run_export


def old_set(folder: Path) -> dict[Path, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {folder / f"{k}.json": json.dumps({"kind": k, "version": "old"}).encode() for k in FILES}
    for path, data in files.items():
        path.write_bytes(data)
    return files


def new_texts(folder: Path) -> dict[Path, str]:
    return {folder / f"{k}.json": json.dumps({"kind": k, "version": "new"}) for k in FILES}


def litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("blocked", ["history", "routes", "ftp_history"])
def test_one_unwritable_target_leaves_the_whole_old_set(tmp_path: Path, blocked: str) -> None:
    old = old_set(tmp_path)
    target = tmp_path / f"{blocked}.json"
    target.unlink()
    (target / "inside").mkdir(parents=True)  # a folder in the way: the rename onto it fails mid-commit
    del old[target]
    with pytest.raises(OutputError) as info:
        write_set(new_texts(tmp_path), tmp_path)
    assert info.value.path == target
    assert {p: p.read_bytes() for p in old} == old  # the files replaced before the failure were rolled back
    assert litter(tmp_path) == []  # no temp files, backups or journal left behind


def test_the_whole_new_set_replaces_the_old_one_and_keeps_modes(tmp_path: Path) -> None:
    old_set(tmp_path)
    (tmp_path / "latest.json").chmod(0o640)
    committed: list[Path] = []
    write_set(new_texts(tmp_path), tmp_path, committed=committed)
    assert sorted(committed) == sorted(new_texts(tmp_path))
    assert all(json.loads(p.read_text())["version"] == "new" for p in committed)
    assert (tmp_path / "latest.json").stat().st_mode & 0o777 == 0o640
    assert litter(tmp_path) == []


def test_a_crash_during_the_commit_is_rolled_back_by_the_next_run(tmp_path: Path) -> None:
    """What a power loss after two of five renames leaves: two new files, backups and the journal."""
    old = old_set(tmp_path)
    entries = []
    for i, path in enumerate(old):
        backup = path.with_name(f".{path.name}.icucoach-old")
        os.link(path, backup)
        entries.append({"target": str(path), "backup": str(backup)})
        if i < 2:
            path.with_name(path.name + ".tmp").write_text("new")
            os.replace(path.with_name(path.name + ".tmp"), path)
    fresh = tmp_path / "extra.json"  # a target that had no old version
    fresh.write_text("new")
    entries.append({"target": str(fresh), "backup": None})
    (tmp_path / JOURNAL).write_text(json.dumps(entries))
    recover(tmp_path)
    assert {p: p.read_bytes() for p in old} == old and not fresh.exists()
    assert litter(tmp_path) == []


def test_an_unwritable_folder_is_an_output_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as info:
        write_set({blocker / "latest.json": "{}"}, tmp_path)
    message, fix = info.value.describe("--out-dir")
    assert str(blocker) in message and "--out-dir" in fix


# ----------------------------------------------------------------------------- through the real exporter
@pytest.fixture(scope="module")
def exported(sb, tmp_path_factory):
    d = tmp_path_factory.mktemp("set")
    store = Store.open(d / "archive.sqlite")
    res = run_export(sb, store, d / "out")
    assert res.code == 0, res.failures
    yield store, d / "out"
    store.close()


def test_a_reader_holding_history_json_reads_it_whole_while_it_is_replaced(sb, exported) -> None:
    """Fails if history.json is rewritten in place (truncate + write) instead of replaced atomically."""
    store, out = exported
    before = (out / "history.json").read_bytes()
    add_activity(sb, "i100001", "i99300001", TODAY, hour=6)  # new data: history.json changes throughout
    with open(out / "history.json", "rb", buffering=0) as reader:  # unbuffered: every read asks the file
        head = reader.read(10)  # a coach's tool in the middle of reading the file
        res = run_export(sb, store, out)
        assert res.code == 0 and "history" in res.changed
        rest = reader.readall()
    assert head + rest == before
    assert (out / "history.json").read_bytes() != before  # the new version is in place for new readers


def test_an_export_failing_at_the_fourth_file_keeps_every_old_file(sb, exported) -> None:
    """routes.json comes after latest/history/intervals: a folder in its way must not leave 3 new + 2 old."""
    store, out = exported
    before = {k: (out / f"{k}.json").read_bytes() for k in FILES if k != "routes"}
    routes = out / "routes.json"
    kept = routes.read_bytes()
    routes.unlink()
    (routes / "in-the-way").mkdir(parents=True)
    try:
        with pytest.raises(OutputError):
            run_export(sb, store, out, privacy="strict")
        assert {k: (out / f"{k}.json").read_bytes() for k in before} == before
    finally:
        (routes / "in-the-way").rmdir()
        routes.rmdir()
        routes.write_bytes(kept)
