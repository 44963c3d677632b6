"""The setup wizard (``icucoach setup`` and ``icucoach export --setup``): a bad answer is explained and asked
again instead of aborting, and every command a message tells the user to run exists."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from icucoach.intervals import ClientSettings, ConfigurationError
from icucoach.mirror.setup import run_setup

ICUCOACH = str(Path(sys.executable).parent / "icucoach")

# (answer, what is wrong with it or None) in the order the wizard asks
ANSWERS = [
    ("athlete 7!", "athlete id"),
    ("100001", None),
    ("", "API key is required"),
    ("secret-key-123", None),
    ("ftp://example", "http(s) URL"),
    ("", None),  # the default server root
    ("someday", "week start"),
    ("tue", None),
    ("bike:watts", "--zone-preference"),
    ("run:hr", None),
    ("secret", "privacy level"),
    ("strict", None),
]


def check_saved(path: Path) -> None:
    data = tomllib.loads(path.read_text())
    assert data["athlete_id"] == "i100001" and data["api_key"] == "secret-key-123" and "base_url" not in data
    assert data["mirror"] == {"week_start": "tue", "zone_preference": "run:hr", "privacy": "strict"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_each_bad_answer_is_explained_and_asked_again(tmp_path: Path) -> None:
    answers = iter(a for a, _ in ANSWERS)
    said: list[str] = []
    asked: list[str] = []

    def ask(prompt: str, default: str | None, secret: bool) -> str:
        asked.append(prompt)
        return next(answers)

    path = run_setup(ask, tmp_path / "config.toml", say=said.append)
    reasons = [why for _, why in ANSWERS if why]
    assert len(said) == len(reasons) and len(asked) == len(ANSWERS)
    for text, why in zip(said, reasons, strict=True):
        assert why.lower() in text.lower() and "again" in text
    check_saved(path)


@pytest.mark.parametrize("command", [["setup"], ["export", "--setup"]])
def test_the_wizard_reprompts_through_the_cli(tmp_path: Path, command: list[str]) -> None:
    cfg = tmp_path / "config.toml"
    stdin = "".join(a + "\n" for a, _ in ANSWERS)
    proc = subprocess.run(
        [ICUCOACH, *command], input=stdin, capture_output=True, text=True, timeout=60,
        env={"ICUCOACH_CONFIG": str(cfg), "PATH": "/usr/bin:/bin", "COLUMNS": "200", "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert proc.stderr.count("Please answer again") == sum(1 for _, why in ANSWERS if why)
    assert "Traceback" not in proc.stderr
    check_saved(cfg)


def test_every_command_a_credentials_message_names_exists(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.from_env({"ICUCOACH_CONFIG": str(tmp_path / "none.toml")}).require_credentials()
    named = set(re.findall(r"icucoach ([a-z][a-z-]+)", f"{info.value.message} {info.value.hint}"))
    assert "setup" in named
    for command in named:
        proc = subprocess.run([ICUCOACH, command, "--help"], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"`icucoach {command}` is named in a message but does not exist"
