"""docs/cli.md's exit-code table is the code's table (``icucoach.exitcodes``): they cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from icucoach.exitcodes import MEANING, Exit

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|\s*(.+?)\s*\|$")


def expected_table() -> str:
    return "\n".join(f"| {int(e)} | `{e.name}` | {MEANING[e]} |" for e in Exit)


def test_the_documented_exit_codes_are_the_code_table() -> None:
    rows = [m.groups() for line in DOC.read_text().splitlines() if (m := ROW.match(line.strip()))]
    documented = [(int(code), name, meaning) for code, name, meaning in rows]
    actual = [(int(e), e.name, MEANING[e]) for e in Exit]
    assert documented == actual, f"update the table in {DOC}:\n{expected_table()}"


def test_every_exit_code_has_a_meaning() -> None:
    assert set(MEANING) == set(Exit)
