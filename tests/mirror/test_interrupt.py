"""Ctrl-C (SIGINT) at a controlled moment: exit ``Exit.INTERRUPTED``, a sentence saying what was and was not
written, and the output folder holding a whole set (old or new), never a mix.

The moment is controlled with the sandbox's fault script: a request scripted to ``timeout`` hangs in the
sandbox, so once the script is used up the run is provably in the middle of its sync."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from icucoach.exitcodes import Exit
from icucoach.mirror.files import FILES
from icucoach.sandbox.faults import FaultConfig
from icucoach.store.db import Store

from .sandbox_world import TODAY

ICUCOACH = str(Path(sys.executable).parent / "icucoach")


@pytest.fixture()
def env(sb, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "INTERVALS_BASE_URL": sb.base_url,
        "INTERVALS_API_KEY": sb.account("athlete", 0).api_key,
        "ICUCOACH_CONFIG": str(tmp_path / "config.toml"),
        "ICUCOACH_STORE_URL": f"sqlite:///{tmp_path / 'archive.sqlite'}",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [ICUCOACH, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for(condition, what: str, limit: float = 120.0) -> None:
    """Poll a condition that the run makes true (not a guess at how long the run takes)."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def hang_request(sb, after_ok: int) -> None:
    """The request after ``after_ok`` successful ones hangs (60 s) until the client gives up or is stopped."""
    sb.faults.configure(FaultConfig(hang_seconds=60.0))
    sb.faults.enqueue(*(["ok"] * after_ok), "timeout")


def hanging(sb) -> bool:
    return not sb.faults._script  # every scripted outcome handed out: the last request is now hanging


def interrupt(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def file_bytes(out: Path) -> dict[str, bytes]:
    return {k: (out / f"{k}.json").read_bytes() for k in FILES}


def one_run(out: Path) -> bool:
    """All five files come from the same run (same generation time)."""
    docs = {k: json.loads((out / f"{k}.json").read_text()) for k in FILES}
    stamps = {
        docs["latest"]["metadata"]["last_updated"],
        docs["history"]["generated_at"],
        docs["intervals"]["generated_at"],
        docs["routes"]["generated_at"],
    }
    return len(stamps) == 1


def test_ctrl_c_mid_sync_replaces_nothing_and_says_so(sb, env, tmp_path) -> None:
    out = tmp_path / "out"
    first = subprocess.run(
        [ICUCOACH, "export", "--out-dir", str(out), "--today", TODAY.isoformat(), "-q"],
        env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = file_bytes(out)
    hang_request(sb, after_ok=1)  # athlete answered, the activity list hangs
    proc = start(["export", "--out-dir", str(out), "--today", TODAY.isoformat(), "--privacy", "none"], env)
    wait_for(lambda: hanging(sb), "the export to be mid-sync")
    code, _, err = interrupt(proc)
    assert code == Exit.INTERRUPTED, err
    assert "interrupted: nothing was replaced" in err and "Traceback" not in err
    assert "latest.json" in err and str(out) in err
    assert file_bytes(out) == before


def test_ctrl_c_between_watch_runs_says_the_last_run_wrote_everything(sb, env, tmp_path) -> None:
    out = tmp_path / "out"
    proc = start(["export", "--out-dir", str(out), "--today", TODAY.isoformat(), "--watch"], env)
    assert proc.stdout is not None
    line = ""
    while "run 1 finished" not in line:  # readline blocks until the run reports; no timing guess
        line = proc.stdout.readline()
        assert line or proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    code, _, err = interrupt(proc)
    assert code == Exit.INTERRUPTED, err
    assert "stopped between runs" in err and "exit 0" in err and "Traceback" not in err
    assert one_run(out)


def test_ctrl_c_during_archive_import_keeps_what_was_synced(sb, env, tmp_path) -> None:
    hang_request(sb, after_ok=3)  # athlete, first year of activities and wellness; the second year hangs
    proc = start(["archive", "import", "--today", TODAY.isoformat()], env)
    wait_for(lambda: hanging(sb), "the import to be mid-sync")
    code, _, err = interrupt(proc)
    assert code == Exit.INTERRUPTED, err
    assert "keeps what was synced so far" in err and "icucoach archive import" in err
    assert "Traceback" not in err
    with Store.open(tmp_path / "archive.sqlite", create=False) as store:
        kept = store.count_activities_all()
    assert kept > 0 and f"({kept} activities" in err
    sb.faults.clear()
    again = subprocess.run(
        [ICUCOACH, "archive", "import", "--today", TODAY.isoformat(), "-q"],
        env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
