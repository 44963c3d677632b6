"""A repeat ``icucoach export`` with nothing new is replayed on the standard library alone
(``mirror/replay.py``), and what it writes is what the full path writes; anything that could change the
output sends the run down the full path instead.

Which path ran is told by the store: the full path always writes it (its sync bookkeeping), a replay never
touches it. The tell is SQLite's file change counter (raised by every write transaction), not the file's
modification time, whose granularity depends on the file system. Every run goes through the real entry
point against this module's own sandbox (the tests change its world)."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.harness import run
from icucoach.mirror.files import FILES
from icucoach.mirror.replay import TICKET, _unchunk
from icucoach.sandbox.runner import RunningSandbox

from .sandbox_world import TODAY

STAMP_FIELDS = (
    ("metadata", "last_updated"),
    ("history", "last_generated"),
    ("derived_metrics", "calculation_timestamp"),
)


class Mirror:
    def __init__(self, sb: RunningSandbox, root: Path) -> None:
        self.sb, self.root = sb, root
        self.out, self.store = root / "out", root / "store.sqlite"
        acc = sb.account("athlete", 0)
        self.env = {"INTERVALS_BASE_URL": sb.base_url, "INTERVALS_API_KEY": acc.api_key}
        self.key = acc.api_key

    def writes(self) -> int | None:
        """SQLite's file change counter (header bytes 24-27): how many write transactions the store saw."""
        return int.from_bytes(self.store.read_bytes()[24:28], "big") if self.store.exists() else None

    def export(self, *extra: str, env: dict[str, str] | None = None) -> tuple[str, bool]:
        """Run the export; (stdout, whether it was a replay)."""
        before = self.writes()
        args = ["export", "--out-dir", "out", "--store", "store.sqlite", "--today", TODAY.isoformat(), *extra]
        proc = run(*args, env={**self.env, **(env or {})}, cwd=self.root)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout, before is not None and self.writes() == before

    def texts(self) -> dict[str, str]:
        return {k: (self.out / f"{k}.json").read_text() for k in FILES}


def _stamp(texts: dict[str, str]) -> str:
    return json.loads(texts["history"])["generated_at"]


def _without_stamp(texts: dict[str, str]) -> dict[str, str]:
    stamp = json.dumps(_stamp(texts))
    return {k: t.replace(stamp, '"<generated>"') for k, t in texts.items()}


@pytest.fixture(scope="module")
def mirror(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Mirror:
    m = Mirror(sb, tmp_path_factory.mktemp("replay"))
    _, replayed = m.export("--quiet")
    assert not replayed and (m.out / TICKET).exists()
    return m


def test_a_repeat_is_replayed_and_writes_what_the_full_path_writes(mirror: Mirror) -> None:
    before = mirror.texts()
    out, replayed = mirror.export()
    assert replayed
    assert out.strip() == "wrote 5 files to out (4 requests); changed: nothing (content unchanged)"
    after = mirror.texts()
    assert _without_stamp(after) == _without_stamp(before)
    latest = json.loads(after["latest"])
    for parent, name in STAMP_FIELDS:  # the generation time was set anew everywhere it stands
        assert latest[parent][name] == _stamp(after)
    # the full path at the same inputs (the ticket removed) writes the same bytes, time aside
    (mirror.out / TICKET).unlink()
    _, replayed = mirror.export("--quiet")
    assert not replayed
    assert _without_stamp(mirror.texts()) == _without_stamp(after)
    _, replayed = mirror.export("--quiet")
    assert replayed  # the full path left a new ticket


def test_the_ticket_holds_no_secret_and_is_private(mirror: Mirror) -> None:
    text = (mirror.out / TICKET).read_text()
    assert mirror.key not in text
    assert (mirror.out / TICKET).stat().st_mode & 0o077 == 0


def test_other_inputs_or_an_edited_file_take_the_full_path(mirror: Mirror) -> None:
    assert mirror.export("--quiet")[1]
    assert not mirror.export("--quiet", "--privacy", "strict")[1]  # another flag: its own ticket
    assert not mirror.export("--quiet")[1]  # back: the strict run replaced the files
    assert mirror.export("--quiet")[1]
    routes = mirror.out / "routes.json"
    routes.write_text(routes.read_text() + " ")
    assert not mirror.export("--quiet")[1]
    assert routes.read_text().endswith("}\n")
    other = mirror.sb.account("athlete", 1).api_key  # another key: same flags, another account
    assert not mirror.export("--quiet", env={"INTERVALS_API_KEY": other})[1]
    assert not mirror.export("--quiet")[1]


def test_a_store_written_by_another_command_takes_the_full_path(mirror: Mirror) -> None:
    mirror.export("--quiet")
    assert mirror.export("--quiet")[1]
    with sqlite3.connect(mirror.store) as db:  # as `icucoach archive import` would
        db.execute("UPDATE activities SET name = name || ' (edited)' WHERE rowid = 1")
    assert not mirror.export("--quiet")[1]


def test_a_store_write_hidden_from_the_file_times_takes_the_full_path(mirror: Mirror) -> None:
    """A write of the same size whose modification time reads as before (a file system that keeps seconds,
    or a write within the clock's tick) is still seen: the ticket holds SQLite's change counter."""
    mirror.export("--quiet")
    assert mirror.export("--quiet")[1]
    st = mirror.store.stat()
    with sqlite3.connect(mirror.store) as db:
        db.execute("UPDATE activities SET name = upper(name) WHERE rowid = 1")
    os.utime(mirror.store, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert mirror.store.stat().st_size == st.st_size
    assert not mirror.export("--quiet")[1]


def test_an_upstream_fault_takes_the_full_path_which_retries(mirror: Mirror) -> None:
    mirror.export("--quiet")
    # Several, so that the replay's four questions (asked at once) meet one whichever arrives first; what
    # the replay leaves is the full path's, which retries it.
    mirror.sb.faults.enqueue("503", "503", "503")
    before = mirror.texts()
    _, replayed = mirror.export("--quiet")
    assert not mirror.sb.faults._script, "every scripted 503 was answered"
    assert not replayed
    assert _without_stamp(mirror.texts()) == _without_stamp(before)


def _add_activity(sb: RunningSandbox) -> str:
    st = sb.world.store(sb.account("athlete", 0).athlete_id)
    src: dict[str, Any] = max(st.activities.values(), key=lambda a: a["start_date_local"])
    new = copy.deepcopy(src)
    new.update(
        id="i99999998", start_date_local=f"{TODAY.isoformat()}T19:00:00", icu_sync_date="2026-11-23T20:00:00Z"
    )
    st.activities["i99999998"] = new
    if src["id"] in st.details:
        st.details["i99999998"] = st.details[src["id"]]
    return "i99999998"


def test_something_new_upstream_is_never_replayed(mirror: Mirror) -> None:
    mirror.export("--quiet")
    assert mirror.export("--quiet")[1]
    new = _add_activity(mirror.sb)
    out, replayed = mirror.export()
    assert not replayed and "changed: latest" in out
    assert new in mirror.texts()["latest"] or new.lstrip("i") in mirror.texts()["latest"]
    assert mirror.export("--quiet")[1]  # and then nothing is new again


@given(st.binary(max_size=3000), st.lists(st.integers(1, 700), min_size=1, max_size=8))
def test_a_chunked_body_is_read_back_whole(body: bytes, sizes: list[int]) -> None:
    coded, pos, i = b"", 0, 0
    while pos < len(body):
        part = body[pos : pos + sizes[i % len(sizes)]]
        coded += f"{len(part):x};ext=1\r\n".encode() + part + b"\r\n"
        pos, i = pos + len(part), i + 1
    assert _unchunk(coded + b"0\r\n\r\n") == body
    assert _unchunk(coded[:-1]) is None or not body  # cut short: never a wrong body
