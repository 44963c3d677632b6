"""A repeat export with nothing new reuses the previous files (``exporter._reuse``) instead of rebuilding
them, and what it writes is byte for byte what a rebuild at the same moment writes. Anything that could
change the output (an option, a file edited by hand, ``--debug``) means a rebuild.

The byte-for-byte test is also the guard for the builders: a field that depends on the clock (not only on
the athlete's date) and is not the generation time would make the reused files differ from a rebuild here.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from icucoach.intervals import IntervalsClient
from icucoach.mirror.exporter import MEMO, ExportResult, export_async
from icucoach.mirror.files import FILES
from icucoach.mirror.options import ExportOptions
from icucoach.store.db import Store

from .sandbox_world import TODAY, settings_for

FIRST = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 23, 9, 30, 15, tzinfo=UTC)


def _export(sb, store: Store, out: Path, now: datetime, **opts) -> ExportResult:
    options = ExportOptions(out_dir=out, today=TODAY, **opts)

    async def go() -> ExportResult:
        async with IntervalsClient(settings_for(sb)) as client:
            return await export_async(options, client, store, now=now)

    return asyncio.run(go())


def _files(out: Path) -> dict[str, bytes]:
    return {kind: (out / f"{kind}.json").read_bytes() for kind in FILES}


@pytest.fixture(scope="module")
def setup(sb, tmp_path_factory):
    d = tmp_path_factory.mktemp("reuse")
    store = Store.open(d / "archive.sqlite")
    first = _export(sb, store, d / "out", FIRST, archive=False)
    assert first.code == 0 and not first.reused, first.failures
    yield store, d / "out"
    store.close()


def test_a_repeat_reuses_and_equals_a_rebuild_byte_for_byte(sb, setup) -> None:
    store, out = setup
    again = _export(sb, store, out, LATER, archive=False)
    assert again.code == 0 and again.reused and again.changed == []
    assert again.requests <= 5
    reused = _files(out)
    assert b"2026-11-23T" in reused["latest"] and reused != {}
    rebuilt = _export(sb, store, out, LATER, archive=False, validate=True)  # --debug: always a rebuild
    assert rebuilt.code == 0 and not rebuilt.reused
    assert _files(out) == reused


def test_a_file_edited_by_hand_or_another_option_means_a_rebuild(sb, setup) -> None:
    store, out = setup
    path = out / "routes.json"
    path.write_text(path.read_text() + " ")
    edited = _export(sb, store, out, LATER, archive=False)
    assert not edited.reused and path.read_text().endswith("}\n")
    assert _export(sb, store, out, LATER, archive=False).reused
    strict = _export(sb, store, out, LATER, archive=False, privacy="strict")
    assert not strict.reused and "latest" in strict.changed


def test_a_failed_run_keeps_the_memo(sb, setup) -> None:
    store, out = setup
    assert not _export(sb, store, out, LATER, archive=False).reused  # back from strict: a rebuild
    sb.faults.enqueue("503", "503", "503")  # the athlete call fails: nothing written, the memo stays
    failed = _export(sb, store, out, LATER, archive=False)
    assert failed.code != 0
    assert store.get_state("i100001", MEMO)
    assert _export(sb, store, out, LATER, archive=False).reused


def test_the_time_is_replaced_in_the_text_only_where_the_memo_says(sb, setup) -> None:
    """The reuse sets the new time in the previous texts (no re-serialising) at the places the memo counted;
    a memo whose counts do not match the texts falls back to setting the fields and serialising, with the
    same bytes."""
    store, out = setup
    assert _export(sb, store, out, LATER, archive=False).reused
    memo = store.get_state("i100001", MEMO)
    assert memo is not None and memo["stamp"] == "2026-11-23T20:30:15+11:00"
    assert memo["stamps"] == {"latest": 3, "history": 1, "intervals": 1, "routes": 1, "ftp_history": 0}
    later = LATER.replace(minute=45)
    spliced = _export(sb, store, out, later, archive=False)
    assert spliced.reused
    spliced_files = _files(out)
    store.set_state("i100001", MEMO, {**store.get_state("i100001", MEMO), "stamps": {"latest": 1}})
    serialised = _export(sb, store, out, later, archive=False)
    assert serialised.reused and _files(out) == spliced_files
    assert _export(sb, store, out, later, archive=False, validate=True).code == 0  # a rebuild
    assert _files(out) == spliced_files
