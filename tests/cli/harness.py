"""Running the real ``icucoach`` entry point in a subprocess, and what every failure must look like.

``assert_clean_failure`` is the contract of issue 10: the exit code of the cause from ``icucoach.exitcodes``,
exactly one ``error:`` line followed by a ``fix:`` that names the remedy, no traceback, no internal log line.
``snapshot`` / ``assert_unchanged`` prove that a failed run left the previous output byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from icucoach.exitcodes import Exit

ICUCOACH = str(Path(sys.executable).parent / "icucoach")
TODAY = "2026-11-23"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """The CLI with a clean environment: no credentials or config from the developer's machine leak in."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    base.update({"COLUMNS": "160", "ICUCOACH_CONFIG": "/nonexistent/icucoach.toml", "NO_COLOR": "1"})
    base.update(env or {})
    return subprocess.run(
        [ICUCOACH, *args], capture_output=True, text=True, env=base, input=stdin, cwd=cwd, timeout=timeout
    )


def plain(text: str) -> str:
    return ANSI.sub("", text)


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: Exit, *fix_words: str) -> str:
    """One error, once, with its fix; the documented exit code; no traceback. Returns stderr (plain)."""
    stderr = plain(result.stderr)
    context = f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{stderr}"
    assert result.returncode == int(code), f"expected exit {int(code)} ({code.name}); {context}"
    assert "Traceback" not in stderr and "Traceback" not in result.stdout, context
    errors = [line for line in stderr.splitlines() if line.lstrip().lower().startswith("error:")]
    assert len(errors) == 1, f"expected exactly one 'error:' line; {context}"
    # Click's own usage errors say their fix as "Try 'icucoach … --help' for help."
    fixes = [
        line
        for line in stderr.splitlines()
        if line.lstrip().lower().startswith("fix:") or (line.startswith("Try '") and "--help" in line)
    ]
    assert len(fixes) == 1, f"expected exactly one 'fix:' line naming the remedy; {context}"
    low = stderr.lower()
    for word in fix_words:
        assert word.lower() in low, f"the message should name {word!r}; {context}"
    # The same sentence twice is the symptom of a hint printed by two layers.
    flat = " ".join(stderr.split())
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if len(s.strip()) > 25]
    assert len(sentences) == len(set(sentences)), f"a sentence is repeated; {context}"
    return stderr


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256), to compare before and after a failed run."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".icucoach-export.lock")
    }


def assert_unchanged(folder: Path, before: dict[str, str]) -> None:
    after = snapshot(folder)
    changed = sorted(set(after.items()) ^ set(before.items()))
    assert after == before, f"files changed by a failed run: {changed}"
