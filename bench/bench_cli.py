"""CLI start-up: whole-process wall time of ``icucoach --help`` and ``icucoach workout check`` (goal < 0.4 s).

Each figure is the median of several runs of the real entry point in a fresh process, with a clean
environment (no API key, so ``workout check`` reads no account). The import share is measured too, with
``python -X importtime``: the cumulative time of the slowest top-level imports says where start-up goes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 0.4
RUNS = 7
ICUCOACH = str(Path(sys.executable).parent / "icucoach")
WORKOUT = "Warmup\n- 10m ramp 50-75%\n\nMain set 3x\n- 8m 95-100%\n- 4m 55%\n\nCooldown\n- 10m 50%\n"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    env["ICUCOACH_CONFIG"] = "/nonexistent/icucoach.toml"
    return env


def wall_time(args: list[str], runs: int = RUNS) -> float:
    """Median wall time (s) of ``icucoach <args>`` as a whole process; fails if the command fails."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([ICUCOACH, *args], check=True, capture_output=True, env=_env())
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_time(args: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """Total import time (s) of one run and its three heaviest top-level imports, from ``-X importtime``."""
    code = f"import sys; sys.argv = ['icucoach', *{args!r}]\nfrom icucoach.cli import main\nmain()"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, env=_env()
    )
    top: list[tuple[str, float]] = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            top.append((parts[2].strip(), int(parts[1]) / 1e6))
    total = sum(seconds for _, seconds in top)
    return total, sorted(top, key=lambda t: -t[1])[:3]


def run(report) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        workout = Path(tmp) / "intervals.txt"
        workout.write_text(WORKOUT)
        cases = {
            "icucoach --help": ["--help"],
            "icucoach workout check FILE --sport Ride --ftp 250": [
                "workout", "check", str(workout), "--sport", "Ride", "--ftp", "250",
            ],
        }  # fmt: skip
        report("goal (each command, whole process)", GOAL_S, "s")
        for name, args in cases.items():
            seconds = wall_time(args)
            verdict = "meets" if seconds < GOAL_S else "MISSES"
            report(f"{name}: median of {RUNS}", seconds, f"s ({verdict} the {GOAL_S} s goal)")
            imports, heaviest = import_time(args)
            report(f"{name}: imports", imports, "s")
            for module, secs in heaviest:
                report(f"  import {module}", secs, "s")
