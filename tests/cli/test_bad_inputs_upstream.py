"""Bad credentials, bad base URLs and bad option values through the real ``icucoach`` entry point.

For each row: the exit code of the cause from ``icucoach.exitcodes``, exactly one ``error:`` line with a
``fix:`` naming the remedy, no traceback, no internal log line, and an output folder left byte-identical.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from icucoach.exitcodes import Exit
from icucoach.sandbox import RunningSandbox
from icucoach.serving import free_port

from .harness import ICUCOACH, assert_clean_failure, assert_unchanged, run, snapshot

UNKNOWN_HOST = "http://icucoach-test.invalid"  # RFC 2606: .invalid never resolves
KEY_FIX = ("INTERVALS_API_KEY", "intervals.icu/settings")
INTERNAL_LOG = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|\(attempt \d+\)|giving up|uvicorn", re.M)


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    env: str  # which environment: see ``environment``
    code: Exit
    words: tuple[str, ...]


CASES = [
    Case("doctor-bad-key", ("doctor",), "bad-key", Exit.AUTH, KEY_FIX),
    Case(
        "archive-import-bad-key", ("archive", "import", "--store", "{store}"), "bad-key", Exit.AUTH, KEY_FIX
    ),
    Case("export-bad-key", ("export", "--out-dir", "{out}"), "bad-key", Exit.AUTH, KEY_FIX),
    Case(
        "workout-check-bad-key",
        ("workout", "check", "{workout}", "--sport", "Ride"),
        "bad-key",
        Exit.AUTH,
        KEY_FIX,
    ),
    Case("doctor-no-key", ("doctor",), "no-key", Exit.CONFIG, ("INTERVALS_API_KEY", "icucoach setup")),
    Case(
        "archive-import-no-key",
        ("archive", "import", "--store", "{store}"),
        "no-key",
        Exit.CONFIG,
        ("INTERVALS_API_KEY",),
    ),
    Case(
        "export-no-key",
        ("export", "--out-dir", "{out}"),
        "no-key",
        Exit.CONFIG,
        ("INTERVALS_API_KEY",),
    ),
    Case("doctor-bad-athlete-env", ("doctor",), "bad-athlete", Exit.CONFIG, ("athlete id", "i12345")),
    Case(
        "doctor-bad-athlete-option",
        ("doctor", "--athlete", "abc"),
        "good",
        Exit.USAGE,
        ("--athlete", "i12345"),
    ),
    Case(
        "doctor-unknown-athlete",
        ("doctor", "--athlete", "i999999"),
        "good",
        Exit.NOT_FOUND,
        ("athlete i999999", "0 for yourself"),
    ),
    Case("doctor-closed-port", ("doctor",), "closed-port", Exit.UPSTREAM, ("INTERVALS_BASE_URL", "refused")),
    Case(
        "archive-import-closed-port",
        ("archive", "import", "--store", "{store}"),
        "closed-port",
        Exit.UPSTREAM,
        ("INTERVALS_BASE_URL", "refused"),
    ),
    Case(
        "export-closed-port",
        ("export", "--out-dir", "{out}"),
        "closed-port",
        Exit.UPSTREAM,
        ("INTERVALS_BASE_URL", "refused"),
    ),
    Case(
        "doctor-unknown-host", ("doctor",), "unknown-host", Exit.UPSTREAM, ("does not resolve", UNKNOWN_HOST)
    ),
    Case(
        "workout-check-unknown-host",
        ("workout", "check", "{workout}", "--sport", "Ride"),
        "unknown-host",
        Exit.UPSTREAM,
        ("does not resolve", "INTERVALS_BASE_URL"),
    ),
    Case(
        "sandbox-busy-port",
        ("sandbox", "--port", "{busy}"),
        "none",
        Exit.USAGE,
        ("--port", "{busy}", "in use"),
    ),
    Case(
        "sandbox-bad-today",
        ("sandbox", "--today", "23/11/2026"),
        "none",
        Exit.USAGE,
        ("--today", "YYYY-MM-DD"),
    ),
    Case("sandbox-bad-share", ("sandbox", "--p429", "2"), "none", Exit.USAGE, ("--p429", "from 0 to 1")),
    Case("sandbox-bad-port", ("sandbox", "--port", "70000"), "none", Exit.USAGE, ("--port", "65535")),
    Case("demo-bad-today", ("demo", "--today", "notadate"), "none", Exit.USAGE, ("--today", "2026-11-23")),
    Case("unknown-command", ("docter",), "none", Exit.USAGE, ("No such command", "doctor")),
    Case("unknown-option", ("doctor", "--nope"), "none", Exit.USAGE, ("--nope",)),
]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port with a listener on it, as when a sandbox is already running."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


def environment(kind: str, sandbox: RunningSandbox) -> dict[str, str]:
    key = sandbox.account("athlete", 0).api_key
    return {
        "none": {},
        "good": {"INTERVALS_API_KEY": key, "INTERVALS_BASE_URL": sandbox.base_url},
        "bad-key": {"INTERVALS_API_KEY": "not-a-real-key-0c9a", "INTERVALS_BASE_URL": sandbox.base_url},
        "no-key": {"INTERVALS_BASE_URL": sandbox.base_url},
        "bad-athlete": {
            "INTERVALS_API_KEY": key,
            "INTERVALS_BASE_URL": sandbox.base_url,
            "INTERVALS_ATHLETE_ID": "abc",
        },
        "closed-port": {"INTERVALS_API_KEY": key, "INTERVALS_BASE_URL": f"http://127.0.0.1:{free_port()}"},
        "unknown-host": {"INTERVALS_API_KEY": key, "INTERVALS_BASE_URL": UNKNOWN_HOST},
    }[kind]


def params() -> list[object]:
    return [pytest.param(case, id=case.id) for case in CASES]


@pytest.mark.parametrize("case", params())
def test_bad_input_is_one_clear_error(
    case: Case, sandbox: RunningSandbox, tmp_path: Path, busy_port: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "latest.json").write_text('{"previous": true}\n')
    workout = tmp_path / "workout.txt"
    workout.write_text("- 10m 200w\n- 5m 150w\n")
    fill = {
        "out": str(out),
        "store": str(tmp_path / "archive.db"),
        "workout": str(workout),
        "busy": str(busy_port),
    }
    before = snapshot(out)
    env = environment(case.env, sandbox)
    result = run(*(a.format(**fill) for a in case.args), env=env, cwd=tmp_path)
    words = [w.format(**fill) for w in case.words]
    if case.env in ("closed-port", "unknown-host"):
        words.append(env["INTERVALS_BASE_URL"])  # the message names the URL that failed
    stderr = assert_clean_failure(result, case.code, *words)
    assert not INTERNAL_LOG.search(stderr), f"an internal log line reached the terminal:\n{stderr}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if any(line.startswith("fix:") for line in lines):  # compact: one line each, never hard-wrapped
        assert lines[-2].startswith("error:") and lines[-1].startswith("fix:"), stderr
    assert "not-a-real-key-0c9a" not in stderr + result.stdout
    assert_unchanged(out, before)


def test_debug_shows_the_internal_log_lines(tmp_path: Path) -> None:
    """The log lines hidden above are there for --debug (they were hidden, not lost)."""
    env = {"INTERVALS_API_KEY": "k", "INTERVALS_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    result = run("--debug", "doctor", env=env, cwd=tmp_path)
    assert result.returncode == Exit.UPSTREAM
    assert "icucoach.intervals" in result.stderr and "(attempt 1)" in result.stderr


def test_sandbox_prints_its_url_only_once_listening(tmp_path: Path, busy_port: int) -> None:
    result = run("sandbox", "--port", str(busy_port), cwd=tmp_path)
    assert "INTERVALS_BASE_URL" not in result.stderr + result.stdout  # no "point the client at it" line
    assert "listening on" not in result.stderr


def test_sandbox_announces_its_url_once_it_accepts_connections(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    proc = subprocess.Popen(
        [ICUCOACH, "sandbox", "--port", str(port), "--today", "2026-11-23"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env={**env, "NO_COLOR": "1"},
    )  # fmt: skip
    watchdog = threading.Timer(180, proc.kill)
    watchdog.start()
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert f"listening on http://127.0.0.1:{port}" in first, first
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass  # announced means accepting: no retry loop needed
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=60)
    finally:
        watchdog.cancel()
        proc.kill()
    assert proc.returncode == Exit.INTERRUPTED and "sandbox stopped" in rest
    assert "Traceback" not in rest and not INTERNAL_LOG.search(rest)
