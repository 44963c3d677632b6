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


def run(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if k != "INTERVALS_API_KEY"}
    env["COLUMNS"] = "200"
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
