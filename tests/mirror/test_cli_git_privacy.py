"""The CLI through the real ``icucoach`` entry point (exit codes, --setup, --dry-run, lock, --watch),
``--git`` against a local bare repository (no timestamp-only commits), and the privacy levels."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from icucoach.exitcodes import Exit
from icucoach.mirror.files import FILES, validate
from icucoach.mirror.options import PRIVACY_LEVELS
from icucoach.mirror.privacy import apply_privacy
from icucoach.mirror.schedule import ExportLock, watch

from .sandbox_world import TODAY, add_activity

_SCRIPT = Path(sys.executable).parent / "icucoach"  # the installed console entry point
ICUCOACH = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "icucoach"]


def cli(args: list[str], env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ICUCOACH, *args], env=env, input=stdin, capture_output=True, text=True, timeout=240
    )


@pytest.fixture(scope="module")
def env(sb, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("home")
    return {
        **os.environ,
        "INTERVALS_BASE_URL": sb.base_url,
        "INTERVALS_API_KEY": sb.account("athlete", 0).api_key,
        "ICUCOACH_CONFIG": str(home / "config.toml"),
        "ICUCOACH_STORE_URL": f"sqlite:///{home / 'archive.sqlite'}",
        "COLUMNS": "200",
    }


@pytest.fixture(scope="module")
def first(env, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("cli") / "out"
    proc = cli(["export", "--out-dir", str(out), "--today", TODAY.isoformat(), "--quiet"], env)
    return out, proc


def test_export_through_entry_point(first) -> None:
    out, proc = first
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # --quiet: nothing on success
    for kind in FILES:
        assert json.loads((out / f"{kind}.json").read_text())
    latest = json.loads((out / "latest.json").read_text())
    assert latest["metadata"]["athlete_id"] == "REDACTED"  # standard privacy by default
    assert latest["athlete_profile"]["date_of_birth"] is None and latest["athlete_notes"] is None


def test_output_and_options(env, first, tmp_path) -> None:
    target = tmp_path / "elsewhere" / "coach.json"
    proc = cli(
        ["export", "--out-dir", str(tmp_path / "o"), "--output", str(target), "--today", TODAY.isoformat(),
         "--days", "3", "--week-start", "sun", "--zone-preference", "run:hr,cycling:power",
         "--privacy", "none"],
        env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(target.read_text())
    assert doc["metadata"]["data_range_days"] == 3 and len(doc["wellness_data"]) == 3
    assert doc["metadata"]["week_start"] == 6 and doc["READ_THIS_FIRST"]["zone_preference"]["run"] == "hr"
    assert doc["metadata"]["athlete_id"] == "i100001"
    assert not (tmp_path / "o" / "latest.json").exists() and (tmp_path / "o" / "history.json").exists()


def test_dry_run_writes_nothing(env, tmp_path) -> None:
    proc = cli(["export", "--out-dir", str(tmp_path), "--dry-run", "--today", TODAY.isoformat()], env)
    assert proc.returncode == 0, proc.stderr
    assert "would write" in proc.stdout
    assert not list(tmp_path.glob("*.json")) and not (tmp_path / "archive").exists()


def test_configuration_usage_and_auth_errors_have_their_own_codes(env, tmp_path) -> None:
    bare = {k: v for k, v in env.items() if k != "INTERVALS_API_KEY"}
    bare["ICUCOACH_CONFIG"] = str(tmp_path / "none.toml")
    proc = cli(["export", "--out-dir", str(tmp_path)], bare)
    assert proc.returncode == Exit.CONFIG and "credentials" in proc.stderr
    proc = cli(["export", "--out-dir", str(tmp_path), "--week-start", "someday"], env)
    assert proc.returncode == Exit.USAGE and "--week-start" in proc.stderr
    proc = cli(["export", "--out-dir", str(tmp_path), "--intervals-key", "wrong"], env)
    assert proc.returncode == Exit.AUTH


def test_upstream_down_exits_upstream(env, tmp_path) -> None:
    down = {**env, "INTERVALS_BASE_URL": "http://127.0.0.1:9"}
    proc = cli(["export", "--out-dir", str(tmp_path), "--quiet"], down)
    assert proc.returncode == Exit.UPSTREAM, proc.stderr
    assert not list(tmp_path.glob("*.json"))


def test_lock_held_exits_locked(env, tmp_path) -> None:
    with ExportLock(tmp_path):
        proc = cli(["export", "--out-dir", str(tmp_path), "--today", TODAY.isoformat()], env)
    assert proc.returncode == Exit.LOCKED and "another export" in proc.stderr


def test_watch_runs_and_reports(env, tmp_path) -> None:
    proc = cli(
        ["export", "--out-dir", str(tmp_path), "--today", TODAY.isoformat(), "--watch", "--watch-count", "1"],
        env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "run 1 finished with exit 0; next in 15 min" in proc.stdout


def test_watch_repeats_on_its_interval_with_an_injected_sleep() -> None:
    slept: list[float] = []
    codes = iter([4, 0, 3])
    last = watch(lambda: next(codes), 60.0, count=3, sleep=slept.append)
    assert last == 3 and len(slept) == 2 and all(59.0 < s <= 60.0 for s in slept)


def test_setup_wizard_writes_0600_config(env, tmp_path) -> None:
    cfg = tmp_path / "cfg" / "config.toml"
    answers = "i100001\nsecret-key-123\n\ntue\nrun:hr\nstrict\n"
    proc = cli(["export", "--setup"], {**env, "ICUCOACH_CONFIG": str(cfg)}, stdin=answers)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    text = cfg.read_text()
    assert 'api_key = "secret-key-123"' in text and 'athlete_id = "i100001"' in text
    assert 'week_start = "tue"' in text and 'privacy = "strict"' in text
    from icucoach.intervals import ClientSettings

    settings = ClientSettings.from_env({"ICUCOACH_CONFIG": str(cfg)})
    assert settings.athlete_id == "i100001" and settings.api_key.get_secret_value() == "secret-key-123"


def test_archive_commands(env, first, tmp_path) -> None:
    proc = cli(["archive", "status"], env)
    assert proc.returncode == 0 and "i100001" in proc.stdout, proc.stderr
    csv_path = tmp_path / "acts.csv"
    assert cli(["archive", "export", "--format", "csv", "--out", str(csv_path)], env).returncode == 0
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("id,day,") and len(lines) > 1000
    for fmt in ("gpx", "tcx"):
        proc = cli(["archive", "export", "--format", fmt, "--out", str(tmp_path / fmt)], env)
        assert proc.returncode == 0, proc.stderr
        assert list((tmp_path / fmt).glob(f"*.{fmt}"))


# --------------------------------------------------------------------------------------------------- git
def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commits_only_content_changes(sb, env, tmp_path) -> None:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    work = tmp_path / "work"
    args = ["export", "--out-dir", str(work), "--git", str(bare), "--today", TODAY.isoformat()]
    proc = cli(args, env)
    assert proc.returncode == 0, proc.stderr
    assert "committed and pushed" in proc.stdout
    assert len(git("log", "--oneline", "main", cwd=bare).splitlines()) == 1
    proc = cli(args, env)  # same data, new timestamps only
    assert proc.returncode == 0, proc.stderr
    assert "nothing committed" in proc.stdout
    assert len(git("log", "--oneline", "main", cwd=bare).splitlines()) == 1
    assert git("status", "--porcelain", "--", *[f"{k}.json" for k in FILES], cwd=work) == ""
    add_activity(sb, "i100001", "i99200001", TODAY, hour=20)
    proc = cli(args, env)
    assert proc.returncode == 0, proc.stderr
    assert len(git("log", "--oneline", "main", cwd=bare).splitlines()) == 2
    shown = json.loads(git("show", "main:latest.json", cwd=bare))
    assert "i99200001" in [a["id"] for a in shown["recent_activities"]]


# ----------------------------------------------------------------------------------------------- privacy
def test_privacy_levels(env, tmp_path) -> None:
    proc = cli(["export", "--out-dir", str(tmp_path), "--privacy", "none", "--today", TODAY.isoformat()], env)
    assert proc.returncode == 0, proc.stderr
    raw = {k: json.loads((tmp_path / f"{k}.json").read_text()) for k in ("latest", "routes", "intervals")}
    docs = {level: {k: apply_privacy(k, v, level) for k, v in raw.items()} for level in PRIVACY_LEVELS}
    none, std, strict = docs["none"], docs["standard"], docs["strict"]
    assert none["latest"]["metadata"]["athlete_id"] == "i100001"
    assert (
        none["latest"]["athlete_profile"]["date_of_birth"] and none["latest"]["athlete_profile"]["location"]
    )
    for d in (std, strict):
        prof = d["latest"]["athlete_profile"]
        assert d["latest"]["metadata"]["athlete_id"] == "REDACTED"
        assert prof["name"] is None and prof["date_of_birth"] is None and prof["location"] is None
        assert all(a["description"] is None for a in d["latest"]["recent_activities"])
    names = {a["name"] for a in std["latest"]["recent_activities"]}
    assert not names <= {f"{a['type']} session" for a in std["latest"]["recent_activities"]}
    assert all(a["name"] == f"{a['type']} session" for a in strict["latest"]["recent_activities"])
    assert all(a["name"] == f"{a['type']} session" for a in strict["intervals"]["activities"])

    def coords(doc) -> list[float]:
        found: list[float] = []
        for e in doc["events"]:
            t = e["terrain_summary"]
            found += t.get("start_coords", []) + [x for p in t.get("polyline", []) for x in p[1:3]]
        return found

    for d in (std, strict):
        for kind, doc in d.items():
            validate(kind, doc)
    fine, coarse = coords(std["routes"]), coords(strict["routes"])
    assert fine and any(round(x, 2) != x for x in fine)
    assert coarse and all(round(x, 2) == x for x in coarse)
