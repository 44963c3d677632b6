"""Opening the archive: what is supported, what read-only commands may not create, and one writer at a time
(two first-time exports sharing a store used to fail with ``IntegrityError: UNIQUE constraint failed``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from icucoach.exitcodes import Exit
from icucoach.mirror.files import FILES
from icucoach.store.db import Store
from icucoach.store.opening import StoreError, WriterLock, resolve

ICUCOACH = str(Path(sys.executable).parent / "icucoach")
TODAY = "2026-11-23"


def test_read_only_open_of_a_missing_archive_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "archive.sqlite"
    with pytest.raises(StoreError) as info:
        Store.open(target, create=False)
    assert info.value.exit_code == Exit.NOT_FOUND and "icucoach archive import" in info.value.hint
    assert not target.parent.exists()


def test_a_named_missing_folder_is_an_error_but_the_default_folder_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "typo" / "archive.sqlite")
    assert "typo" in info.value.message and "mkdir" in info.value.hint
    assert not (tmp_path / "typo").exists()
    monkeypatch.delenv("ICUCOACH_STORE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Store.open() as store:
        assert store.count_activities_all() == 0
    assert (tmp_path / "data" / "icucoach" / "archive.sqlite").is_file()


@pytest.mark.parametrize(
    ("url", "words"),
    [("mysql://u@h/db", "mysql"), ("oracle://x", "oracle"), ("postgresql://[::1", "not a database URL")],
)
def test_unsupported_or_garbled_urls_are_store_errors(url: str, words: str) -> None:
    with pytest.raises(StoreError) as info:
        Store.open(url)
    assert words in info.value.message and info.value.exit_code == Exit.STORE
    assert "postgresql+psycopg" in info.value.hint


def test_a_plain_postgresql_url_uses_the_installed_psycopg_driver() -> None:
    pytest.importorskip("psycopg")
    url, named = resolve("postgresql://me:secret@db.example/coach", "")
    assert url.drivername == "postgresql+psycopg" and named


def test_an_unreachable_postgresql_is_one_store_error_without_sql() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as info:
        Store.open("postgresql://me:secret@127.0.0.1:1/x")
    text = info.value.message
    assert "127.0.0.1" in text and "secret" not in text and "SELECT" not in text and "\n" not in text


def test_the_writer_lock_says_it_waits_then_gives_up_with_locked(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.sqlite", writer=True):
        other = Store.open(tmp_path / "a.sqlite")
        notes: list[str] = []
        now = [0.0]
        lock = WriterLock(other.engine, notes.append)
        with pytest.raises(StoreError) as info:
            lock.acquire(
                wait_seconds=10, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
            )
        other.close()
    assert info.value.exit_code == Exit.LOCKED and "10 s" in info.value.message
    assert len(notes) == 1 and f"pid {os.getpid()}" in notes[0]
    with Store.open(tmp_path / "a.sqlite", writer=True):  # released on close: the next writer gets it
        pass


def test_two_first_time_exports_sharing_one_store_both_succeed(sandbox, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "INTERVALS_BASE_URL": sandbox.base_url,
        "INTERVALS_API_KEY": sandbox.account("athlete", 0).api_key,
        "ICUCOACH_CONFIG": str(tmp_path / "config.toml"),
        "ICUCOACH_STORE_URL": f"sqlite:///{tmp_path / 'shared.sqlite'}",
    }
    procs = [
        subprocess.Popen(
            [ICUCOACH, "export", "--out-dir", str(tmp_path / name), "--today", TODAY, "-q"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    for code, err in results:
        assert code == 0 and "Error" not in err, err
    for name in ("a", "b"):
        for kind in FILES:
            assert json.loads((tmp_path / name / f"{kind}.json").read_text())
    latest = [json.loads((tmp_path / n / "latest.json").read_text()) for n in ("a", "b")]
    assert latest[0]["recent_activities"] == latest[1]["recent_activities"]


def test_the_writer_lock_on_postgresql_excludes_a_second_session() -> None:
    from sqlalchemy import create_engine

    url = os.environ.get("ICUCOACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    engine = create_engine(url)
    try:
        engine.connect().close()
    except Exception as exc:  # CI starts the server (.ci/run), so there it is a failure
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {url} unreachable: {type(exc).__name__}")
    now = [0.0]
    first, second = WriterLock(engine), WriterLock(engine)
    first.acquire(wait_seconds=0)
    try:
        with pytest.raises(StoreError) as info:
            second.acquire(
                wait_seconds=1, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
            )
        assert info.value.exit_code == Exit.LOCKED
    finally:
        first.release()
    second.acquire(wait_seconds=0)  # released: the next session gets it at once
    second.release()
    engine.dispose()
