"""The CLI through the real ``icucoach`` entry point (subprocess), including bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from icucoach.workouts.fit import read_fit_steps

BIN = Path(sys.executable).parent / "icucoach"
GOOD = "Warmup\n- 10m ramp 50-75%\n\nMain set 4x\n- 8m 95-100%\n- 4m 50%\n\nCooldown\n- 10m 50%\n"


def run(*args, stdin=None, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    base.update({"COLUMNS": "200", "ICUCOACH_CONFIG": "/nonexistent/icucoach.toml", **(env or {})})
    env = base
    return subprocess.run(
        [str(BIN), "workout", *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


@pytest.fixture
def good(tmp_path):
    p = tmp_path / "w.txt"
    p.write_text(GOOD)
    return p


def test_check_prints_summary(good):
    r = run("check", str(good), "--ftp", "250")
    assert r.returncode == 0, r.stderr
    assert "4×8m @ 95–100% FTP / 4m Z1" in r.stdout
    assert "load 77" in r.stdout and "Traceback" not in r.stderr


def test_convert_text_doc_zwo_and_fit(good, tmp_path):
    r = run("convert", str(good), "--to", "workout_doc", "--ftp", "250")
    doc = json.loads(r.stdout)
    assert doc["duration"] == 4080 and doc["steps"][1]["reps"] == 4
    r = run("convert", str(good), "--to", "json")
    assert json.loads(r.stdout)["items"][0] == {"text": "Warmup"}
    zwo = tmp_path / "w.zwo"
    assert run("convert", str(good), "--to", "zwo", "--out", str(zwo)).returncode == 0
    assert "<IntervalsT" in zwo.read_text()
    back = run("convert", str(zwo), "--to", "text")
    assert "4x\n- 8m 97.5%\n- 4m 50%" in back.stdout
    r = run("convert", "-", "--to", "text", stdin=json.dumps({"workout_doc": doc}))
    assert "Main set 4x" in r.stdout
    fit = tmp_path / "w.fit"
    r = run("convert", str(good), "--to", "fit", "--out", str(fit), "--name", "Threshold")
    assert r.returncode == 0, r.stderr
    steps = read_fit_steps(fit.read_bytes())
    assert len(steps) == 5 and steps[3]["repeat_steps"] == 4
    assert not list(tmp_path.glob(".w.fit.*"))  # no temp file left behind


def test_threshold_pace_or_lthr_alone_use_the_default_zone_model_and_say_so(tmp_path):
    w = tmp_path / "run.txt"
    w.write_text("- 10m Z2 Pace\n- 5m Z4 HR\n- 10m Z1 Pace\n")
    r = run("check", str(w), "--sport", "Run", "--threshold-pace", "4:30/km", "--lthr", "170")
    assert r.returncode == 0, r.stderr
    assert "pace zones: Intervals.icu's default run model (77.5/87.7/94.3/100/103.4/111.5" in r.stdout
    assert "HR zones: Intervals.icu's default model (81/89/93/99/102/106 % LTHR)" in r.stdout


def test_zones_given_on_the_command_line_are_used_and_named(tmp_path):
    w = tmp_path / "run.txt"
    w.write_text("- 10m Z4 HR\n")
    args = ("check", str(w), "--sport", "Run", "--lthr", "170", "--hr-zones", "80,90,100")
    r = run(*args)
    assert r.returncode == 0, r.stderr
    assert "HR zones from --hr-zones (80/90/100 % LTHR)" in r.stdout
    w.write_text("- 10m Z4 HR\n- 5m Z5 HR\n")
    r = run(*args)
    assert r.returncode == 10 and "line 2: Z5 HR: Run has only 4 HR zones" in r.stderr


def test_mmp_from_the_option_resolves_in_the_export(tmp_path):
    w = tmp_path / "mmp.txt"
    w.write_text("- 10m 50-60% MMP 3m\n")
    r = run("convert", str(w), "--to", "workout_doc", "--ftp", "250", "--mmp", "3m=320,20m=270")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["steps"][0]["power"] == {
        "start": 50,
        "end": 60,
        "units": "%mmp",
        "mmp_secs": 180,
    }
    assert "best power for % MMP steps from --mmp" in r.stderr


def test_mmp_from_the_account_power_curve(tmp_path, sandbox):
    w = tmp_path / "mmp.txt"
    w.write_text("- 10m 95% MMP 5m\n")
    acc = sandbox.account("athlete", 0)
    env = {"INTERVALS_API_KEY": acc.api_key, "INTERVALS_BASE_URL": sandbox.base_url}
    r = run("check", str(w), env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "thresholds from your Intervals.icu account" in r.stdout
    assert "10m @ 95% MMP 5m" in r.stdout and "load" in r.stdout
