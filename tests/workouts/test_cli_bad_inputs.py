"""Bad workout input through the real ``icucoach workout`` entry point: one table, one contract.

Each row: the exit code of its cause (``icucoach.exitcodes``), exactly one ``error:`` line with a ``fix:``
naming the remedy (and the line, for workout errors), no traceback, and for ``convert`` no output file
created and a previous one left byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.harness import assert_clean_failure, assert_unchanged, run, snapshot
from icucoach.exitcodes import Exit
from icucoach.sandbox import RunningSandbox

GOOD = "Main set 4x\n- 8m 95-100%\n- 4m 50%\n"

# (id, file text or None for a missing file, arguments after the file, exit code, words the message names)
CASES = [
    ("missing-file", None, ["check"], Exit.NOT_FOUND, ["does not exist", "check the path"]),
    (
        "bad-threshold-pace",
        GOOD,
        ["check", "--threshold-pace", "fast"],
        Exit.USAGE,
        ["--threshold-pace", "4:30/km"],
    ),
    ("implausible-ftp", GOOD, ["check", "--ftp", "5"], Exit.USAGE, ["--ftp 5", "between 30 and 2000"]),
    ("ftp-not-a-number", GOOD, ["check", "--ftp", "abc"], Exit.USAGE, ["--ftp 'abc'", "whole number"]),
    (
        "zones-not-ascending",
        GOOD,
        ["check", "--lthr", "170", "--hr-zones", "90,80"],
        Exit.USAGE,
        ["--hr-zones", "ascending"],
    ),
    ("hr-zones-without-lthr", GOOD, ["check", "--hr-zones", "81,89,93"], Exit.USAGE, ["% of lthr", "--lthr"]),
    ("mmp-option-garbled", GOOD, ["check", "--mmp", "3m"], Exit.USAGE, ["--mmp", "DURATION=WATTS"]),
    ("unknown-format", GOOD, ["convert", "--to", "pdf"], Exit.USAGE, ["--to 'pdf'", "zwo"]),
    ("fit-needs-out", GOOD, ["convert", "--to", "fit"], Exit.USAGE, ["--out PATH"]),
    (
        "minutes-not-metres",
        "- 400m 80% Pace\n",
        ["check", "--sport", "Swim", "--threshold-pace", "1:45/100m"],
        Exit.INVALID,
        ["line 1", "400 minutes", "400mtr"],
    ),
    (
        "zone-the-athlete-lacks",
        "- 10m 90%\n- 5m Z9\n",
        ["check", "--ftp", "250"],
        Exit.INVALID,
        ["line 2", "only 7 power zones", "Z7 150+%", "between Z1 and Z7"],
    ),
    (
        "mmp-without-curve",
        "- 10m 50-60% MMP 3m\n",
        ["check", "--ftp", "250"],
        Exit.INVALID,
        ["line 1", "best power for 3m", "--mmp 3m=WATTS"],
    ),
    (
        "pace-zone-beyond-default-model",
        "- 10m Z8 Pace\n",
        ["check", "--sport", "Run", "--threshold-pace", "4:30/km"],
        Exit.INVALID,
        ["line 1", "only 7 pace zones", "between Z1 and Z7"],
    ),
    (
        "convert-nonsense-to-zwo",
        "- 1000h 99999%\n",
        ["convert", "--to", "zwo", "--ftp", "250"],
        Exit.INVALID,
        ["line 1", "99999", "nothing was written"],
    ),
    ("convert-empty-to-fit", "", ["convert", "--to", "fit"], Exit.INVALID, ["no step", "- 10m 65%"]),
    (
        "convert-watts-without-ftp-to-zwo",
        "- 10m 250w\n",
        ["convert", "--to", "zwo"],
        Exit.INVALID,
        ["line 1", "250w", "--ftp", "free ride"],
    ),
    (
        "convert-mmp-to-fit-without-curve",
        "- 10m 120% MMP 5m\n",
        ["convert", "--to", "fit", "--ftp", "250"],
        Exit.INVALID,
        ["line 1", "--mmp 5m=WATTS"],
    ),
    (
        "convert-custom-zone-to-zwo-unknown",
        "- 10m CZ2\n",
        ["convert", "--to", "zwo", "--ftp", "250"],
        Exit.INVALID,
        ["line 1", "--custom-zones"],
    ),
    (
        "two-lines-one-fix",
        "- 10m 250w\n- 5m 200w\n",
        ["convert", "--to", "zwo"],
        Exit.INVALID,
        ["line 1", "line 2", "as above"],
    ),
    ("convert-bad-json", "{not json", ["convert", "--to", "text"], Exit.INVALID, ["not valid", "line 1"]),
    (
        "convert-bad-zwo",
        "<workout_file><workout><Jump Duration='x'/></workout></workout_file>",
        ["convert", "--to", "text"],
        Exit.INVALID,
        ["Duration", "valid .zwo"],
    ),
]


@pytest.mark.parametrize(("text", "args", "code", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_workout_input(tmp_path: Path, text, args, code, words) -> None:
    src = tmp_path / "in" / "w.txt"
    src.parent.mkdir()
    if text is not None:
        src.write_text(text)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    previous = out_dir / "previous.out"
    previous.write_bytes(b"the previous export\n")
    command, *rest = args
    extra = []
    if command == "convert" and "--out" not in rest and ("fit" in rest or "zwo" in rest):
        # zwo/fit rows write over a previous file; fit-needs-out proves the option check comes first
        extra = [] if args == ["convert", "--to", "fit"] and text == GOOD else ["--out", str(previous)]
    before = snapshot(out_dir)
    result = run("workout", command, str(src), *rest, *extra)
    assert_clean_failure(result, code, *words)
    assert_unchanged(out_dir, before)
    assert not result.stdout.strip() or command == "check"


def test_unwritable_output_is_an_output_error(tmp_path: Path) -> None:
    src = tmp_path / "w.txt"
    src.write_text(GOOD)
    result = run("workout", "convert", str(src), "--to", "text", "--out", str(tmp_path / "missing" / "x.txt"))
    assert_clean_failure(result, Exit.OUTPUT, "cannot write", "folder")
    assert not (tmp_path / "missing").exists()


def test_rejected_credentials_exit_with_the_client_errors_code(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    src = tmp_path / "w.txt"
    src.write_text(GOOD)
    env = {"INTERVALS_API_KEY": "not-a-key", "INTERVALS_BASE_URL": sandbox.base_url}
    result = run("workout", "check", str(src), env=env)
    assert_clean_failure(result, Exit.AUTH, "Ride settings")
