"""The CLI through its real entry point (a subprocess), against a sandbox served over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from icucoach.sandbox import RunningSandbox

ICUCOACH = [str(Path(sys.executable).parent / "icucoach")]
TODAY = "2026-11-23"


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    base.update({"COLUMNS": "160", "ICUCOACH_CONFIG": "/nonexistent/icucoach.toml"})
    base.update(env or {})
    return subprocess.run([*ICUCOACH, *args], capture_output=True, text=True, env=base, timeout=timeout)


def test_accounts_are_printed_as_json_and_stable() -> None:
    first, second = run("sandbox", "--accounts"), run("sandbox", "--accounts")
    assert first.returncode == 0, first.stderr
    accounts = json.loads(first.stdout)
    assert json.loads(second.stdout) == accounts
    assert {a["role"] for a in accounts} == {"athlete", "coach"}
    assert all(set(a) == {"athlete_id", "name", "role", "api_key"} for a in accounts)
    other = json.loads(run("sandbox", "--accounts", "--seed", "7").stdout)
    assert [a["api_key"] for a in other] != [a["api_key"] for a in accounts]


def test_demo_shows_profile_week_and_fitness() -> None:
    result = run("demo", "--today", TODAY)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for expected in (
        "Maya Lindqvist",
        "Australia/Sydney",
        "Last 7 days",
        "Fitness (CTL)",
        "Form (TSB)",
        "The week ahead",
        "requests to the sandbox",
    ):
        assert expected in text
    assert "Traceback" not in result.stderr


def test_doctor_passes_on_the_demo_athlete(sandbox: RunningSandbox) -> None:
    acc = sandbox.account("athlete", 0)
    result = run("doctor", env={"INTERVALS_API_KEY": acc.api_key, "INTERVALS_BASE_URL": sandbox.base_url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Maya Lindqvist" in result.stdout
    assert "Australia/Sydney" in result.stdout
    assert "FTP" in result.stdout and "rMSSD" in result.stdout


def test_doctor_reports_sdnn_for_the_runner_through_the_coach(sandbox: RunningSandbox) -> None:
    coach = sandbox.account("coach")
    runner = sandbox.account("athlete", 1)
    env = {
        "INTERVALS_API_KEY": coach.api_key,
        "INTERVALS_BASE_URL": sandbox.base_url,
        "INTERVALS_ATHLETE_ID": runner.athlete_id,
    }
    result = run("doctor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SDNN only" in result.stdout


def test_doctor_with_a_bad_key_fails_with_the_fix(sandbox: RunningSandbox) -> None:
    result = run(
        "doctor", env={"INTERVALS_API_KEY": "not-a-real-key", "INTERVALS_BASE_URL": sandbox.base_url}
    )
    assert result.returncode == 7  # Exit.AUTH
    assert "FAIL" in result.stdout and "intervals.icu/settings" in result.stderr  # where to find the key
    assert "not-a-real-key" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_missing_credentials_are_a_configuration_error() -> None:
    result = run("doctor")
    assert result.returncode == 6  # Exit.CONFIG
    assert "INTERVALS_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_option_value_names_the_option() -> None:
    result = run("sandbox", "--today", "23/11/2026")
    assert result.returncode == 2  # Exit.USAGE
    assert "--today" in result.stderr and "Traceback" not in result.stderr
