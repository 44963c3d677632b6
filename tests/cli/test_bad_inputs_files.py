"""Bad inputs to ``export``, ``archive`` and ``setup`` through the real entry point: for each, the exit code
of its cause (``icucoach.exitcodes``), exactly one error naming the fix, no traceback, and the previous output
files byte-identical."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from icucoach.exitcodes import Exit
from icucoach.mirror.schedule import ExportLock
from icucoach.store.db import Store
from icucoach.store.opening import WriterLock

from .harness import TODAY, assert_clean_failure, assert_unchanged, run, snapshot


@dataclass
class World:
    root: Path
    out: Path  # a folder holding a complete previous export
    store: Path  # the archive that export filled
    csv: Path  # a previous archive export
    env: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(sandbox, tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("bad-inputs")
    w = World(root, root / "out", root / "archive.sqlite", root / "exports" / "activities.csv")
    w.env = {
        "INTERVALS_BASE_URL": sandbox.base_url,
        "INTERVALS_API_KEY": sandbox.account("athlete", 0).api_key,
        "ICUCOACH_STORE_URL": f"sqlite:///{w.store}",
    }
    done = run("export", "--out-dir", str(w.out), "--today", TODAY, "--quiet", env=w.env)
    assert done.returncode == 0, done.stderr
    w.csv.parent.mkdir()
    done = run("archive", "export", "--out", str(w.csv), env=w.env)
    assert done.returncode == 0, done.stderr
    (root / "a-file").write_text("not a folder\n")
    (root / "a-folder").mkdir()
    return w


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: Exit
    words: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None


OUT, STO, USE = Exit.OUTPUT, Exit.STORE, Exit.USAGE


def E(*args: str) -> tuple[str, ...]:
    return ("export", "--out-dir", "{out}", "--today", TODAY, *args)


def A(*args: str) -> tuple[str, ...]:
    return ("archive", *args)


CASES = [
    # output locations
    Case("out-dir under a file", ("export", "--out-dir", "/dev/null/x"), OUT, ("--out-dir", "/dev/null")),
    Case("out-dir is a file", ("export", "--out-dir", "{root}/a-file"), OUT, ("--out-dir", "a-file")),
    Case("output under a file", E("--output", "/dev/null/latest.json"), OUT, ("--output", "/dev/null")),
    Case("output in a file's place", E("--output", "{root}/a-file/x.json"), OUT, ("--output", "a-file")),
    # the archive database
    Case("store mysql", E("--store", "mysql://u@db/x"), STO, ("mysql", "--store", "postgresql")),
    Case("store pg closed port", E("--store", "postgresql://127.0.0.1:1/x"), STO, ("127.0.0.1", "--store")),
    Case("store garbage url", E("--store", "postgresql://[::1"), STO, ("--store", "sqlite")),
    Case("store is a folder", E("--store", "{root}/a-folder"), STO, ("a-folder", "--store")),
    Case("store in a missing folder", E("--store", "{root}/nope/a.sqlite"), STO, ("nope", "mkdir")),
    Case("store env mysql", E(), STO, ("mysql", "--store"), env={"ICUCOACH_STORE_URL": "mysql://x/y"}),
    # option ranges and formats
    Case("watch interval 0", E("--watch", "--interval", "0"), USE, ("--interval", "1", "1440")),
    Case("watch interval -1", E("--watch", "--interval", "-1"), USE, ("--interval", "1", "1440")),
    Case("retention -5", E("--archive-retention-days", "-5"), USE, ("--archive-retention-days", "0")),
    Case("lookback -1", E("--lookback-days", "-1"), USE, ("--lookback-days", "365")),
    Case("days 0", E("--days", "0"), USE, ("--days", "90")),
    Case("week start", E("--week-start", "someday"), USE, ("--week-start", "mon")),
    Case("zone preference", E("--zone-preference", "bike:watts"), USE, ("--zone-preference", "power")),
    Case("privacy", E("--privacy", "secret"), USE, ("--privacy", "strict")),
    Case("today", ("export", "--out-dir", "{out}", "--today", "soon"), USE, ("--today", "YYYY-MM-DD")),
    # credentials
    Case("no credentials", E(), Exit.CONFIG, ("icucoach setup",), env={"INTERVALS_API_KEY": ""}),
    Case("rate limit not a number", E(), Exit.CONFIG, ("RATE_LIMIT",), env={"INTERVALS_RATE_LIMIT": "x"}),
    Case("wrong key", E("--intervals-key", "wrong"), Exit.AUTH, ("api key",)),
    # archive
    Case("archive from notadate", A("export", "--out", "{csv}", "--from", "notadate"), USE,
         ("--from", "YYYY-MM-DD")),
    Case("archive to month 13", A("export", "--out", "{csv}", "--to", "2026-13-01"), USE, ("--to",)),
    Case("archive from after to", A("export", "--out", "{csv}", "--from", "2026-02-01", "--to", "2026-01-01"),
         USE, ("--from", "--to")),
    Case("archive format", A("export", "--format", "xls", "--out", "{csv}"), USE, ("--format", "gpx")),
    Case("archive csv under a file", A("export", "--out", "/dev/null/a.csv"), OUT, ("--out", "/dev/null")),
    Case("archive csv onto a folder", A("export", "--out", "{root}/a-folder"), OUT, ("--out", "file name")),
    Case("archive gpx onto a file", A("export", "--format", "gpx", "--out", "{root}/a-file"), OUT,
         ("--out", "folder")),
    Case("archive status missing", A("status", "--store", "{root}/none.sqlite"), Exit.NOT_FOUND,
         ("no archive", "icucoach archive import")),
    Case("archive export missing", A("export", "--store", "{root}/gone/none.sqlite", "--out", "{csv}"),
         Exit.NOT_FOUND, ("no archive", "icucoach archive import")),
    Case("archive status mysql", A("status", "--store", "mysql://x/y"), STO, ("mysql", "--store")),
    Case("import history 0", A("import", "--history-days", "0"), USE, ("--history-days", "1")),
    Case("import streams -1", A("import", "--streams-days", "-1"), USE, ("--streams-days", "0")),
    Case("import store pg", A("import", "--store", "postgresql://127.0.0.1:1/x"), STO, ("127.0.0.1",)),
    Case("import wrong key", A("import"), Exit.AUTH, ("api key",), env={"INTERVALS_API_KEY": "wrong"}),
    # setup
    Case("setup input ends", ("setup",), USE, ("nothing was saved", "icucoach setup"), stdin="i1\n"),
    Case("export --setup input ends", ("export", "--setup"), USE, ("icucoach setup",), stdin=""),
]  # fmt: skip


def _fill(args: tuple[str, ...], w: World) -> list[str]:
    return [a.format(out=w.out, root=w.root, csv=w.csv) for a in args]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_clear_error_and_changes_nothing(world: World, case: Case) -> None:
    before_out, before_csv, before_root = snapshot(world.out), snapshot(world.csv.parent), _names(world.root)
    env = {**world.env, "ICUCOACH_CONFIG": str(world.root / "config.toml"), **case.env}
    result = run(*_fill(case.args, world), env=env, stdin=case.stdin, cwd=world.root)
    assert_clean_failure(result, case.code, *case.words)
    assert_unchanged(world.out, before_out)
    assert_unchanged(world.csv.parent, before_csv)
    assert _names(world.root) == before_root  # no stray database, folder or config file was created


def _names(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.startswith(".icucoach-export")
    }


# ------------------------------------------------------------------------------- cases needing set-up
def _assert_failure_keeps(world: World, args: list[str], code: Exit, *words: str, env=None) -> None:
    before = snapshot(world.out)
    result = run(*args, env={**world.env, **(env or {})})
    assert_clean_failure(result, code, *words)
    assert_unchanged(world.out, before)


def test_another_export_holding_the_folder_lock(world: World) -> None:
    with ExportLock(world.out):
        _assert_failure_keeps(world, _fill(E(), world), Exit.LOCKED, "another export", "wait")


def test_another_run_holding_the_archive_gives_up_when_told_not_to_wait(world: World) -> None:
    store = Store.open(world.store)
    lock = WriterLock(store.engine)
    lock.acquire(wait_seconds=0)
    try:
        args = [a.format(out=world.out) for a in E()]
        _assert_failure_keeps(
            world,
            args,
            Exit.LOCKED,
            "another icucoach run",
            "archive",
            env={"ICUCOACH_STORE_WAIT_SECONDS": "0"},
        )
    finally:
        lock.release()
        store.close()


def test_a_folder_in_the_way_of_one_target_keeps_the_whole_old_set(world: World, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(world.out, out)
    (out / "intervals.json").unlink()
    (out / "intervals.json" / "x").mkdir(parents=True)
    before = snapshot(out)
    result = run("export", "--out-dir", str(out), "--today", TODAY, "--privacy", "none", env=world.env)
    assert_clean_failure(result, OUT, "intervals.json", "folder", "--out-dir")
    assert_unchanged(out, before)


def test_an_empty_range_never_replaces_a_previous_csv(world: World) -> None:
    before = snapshot(world.csv.parent)
    result = run("archive", "export", "--out", str(world.csv), "--from", "2031-01-01", env=world.env)
    assert result.returncode == 0 and "not replaced" in result.stderr, result.stderr
    assert_unchanged(world.csv.parent, before)


def test_readme_archive_export_example_works_without_out(world: World, tmp_path: Path) -> None:
    result = run("archive", "export", "--format", "csv", env=world.env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "activities.csv").read_text().startswith("id,day,")


def test_an_unwritable_archive_folder_after_the_set_says_the_files_were_written(
    world: World, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(world.out, out)
    shutil.rmtree(out / "archive")
    (out / "archive").write_text("a file where the snapshots folder should be\n")
    result = run("export", "--out-dir", str(out), "--today", TODAY, env=world.env)
    assert_clean_failure(result, Exit.OUTPUT, "export files were written", "--no-archive")
