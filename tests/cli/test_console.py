"""``icucoach console`` through the real CLI: it starts against a 12-athlete squad sandbox with the coach's
key, prints its URL once it listens, serves the squad page over real HTTP, and stops on Ctrl-C with a word and
exit 0; a missing or rejected key and a bad port are one ``error:``/``fix:`` with their exit codes, and
nothing listens."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from icucoach.exitcodes import Exit
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.serving import free_port

from .harness import ICUCOACH, TODAY, assert_clean_failure, run

URL_LINE = re.compile(r"icucoach console: (http://127\.0\.0\.1:\d+)/coach/squad")


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    from datetime import date

    options = SandboxOptions(seed=42, today=date.fromisoformat(TODAY), rate_limit=False, squad=12)
    with serve_in_thread(options) as running:
        yield running


def _env(sb: RunningSandbox, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    env.update(INTERVALS_API_KEY=key, ICUCOACH_CONFIG="/nonexistent/icucoach.toml", ICUCOACH_TODAY=TODAY)
    return env


def test_console_serves_the_squad_page_then_stops(squad_sb: RunningSandbox) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [ICUCOACH, "console", "--port", str(port), "--base-url", squad_sb.base_url],
        env=_env(squad_sb, squad_sb.account("coach").api_key),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # printed once the server accepts connections
        found = URL_LINE.search(line)
        assert found, line + (proc.stderr.read() if proc.poll() is not None else "")
        base = found.group(1)
        assert base == f"http://127.0.0.1:{port}"
        home = httpx.get(base + "/", timeout=30)
        assert home.status_code == 303 and home.headers["location"] == "/coach/squad"
        squad = httpx.get(base + "/coach/squad", timeout=120)
        assert squad.status_code == 200
        assert squad.text.count('data-athlete="i') == 12 and "What the colours mean" in squad.text
        assert squad.headers["x-frame-options"] == "DENY"
        assert httpx.get(base + "/static/style.css", timeout=30).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=30)
    assert proc.returncode == 0, rest
    assert "icucoach console stopped." in rest and "Traceback" not in rest


def test_console_without_a_key_says_how_to_configure() -> None:
    result = run("console", "--port", str(free_port()))
    assert_clean_failure(result, Exit.CONFIG, "INTERVALS_API_KEY")


def test_console_with_a_rejected_key_listens_on_nothing(squad_sb: RunningSandbox) -> None:
    port = free_port()
    result = run("console", "--port", str(port), "--base-url", squad_sb.base_url, env=_env(squad_sb, "wrong"))
    assert_clean_failure(result, Exit.AUTH)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_console_with_a_bad_port_is_a_usage_error(squad_sb: RunningSandbox) -> None:
    env = _env(squad_sb, squad_sb.account("coach").api_key)
    assert_clean_failure(run("console", "--port", "70000", env=env), Exit.USAGE, "--port")
