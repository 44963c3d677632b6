"""``icucoach export`` reads a plain command line without Typer (``export_options.parse``): it must give
exactly the values the Typer command gives, and leave everything else (help, typos, bad values) to Typer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from icucoach.commands import export as export_command
from icucoach.commands.export_options import OPTIONS, parse


def typer_values(args: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """The values the Typer command passes to ``run`` for ``args`` (None: Typer refused them)."""
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(export_command, "run", lambda values: seen.append(values) or 0)
    app = typer.Typer()
    export_command.register(app)

    @app.callback()
    def _root() -> None: ...

    result = CliRunner().invoke(app, ["export", *args])
    return seen[0] if result.exit_code == 0 and seen else None


LINES = [
    [],
    ["--quiet", "--out-dir", "out", "--store", "store.sqlite"],
    ["-q", "--out-dir=out", "--days", "14", "--no-archive", "--archive"],
    [
        "--output",
        "x/latest.json",
        "--week-start",
        "sun",
        "--zone-preference",
        "run:hr",
        "--privacy",
        "strict",
    ],
    ["--dry-run", "--debug", "--watch", "--interval", "2.5", "--watch-count", "3", "--today", "2026-11-23"],
    ["--git", "git@example:repo", "--git-branch", "data", "--athlete-id", "i1", "--intervals-key", "k"],
    ["--archive-retention-days", "0", "--lookback-days", "3", "--days", "+5", "--days", "6"],
    ["--store="],
]


@pytest.mark.parametrize("args", LINES, ids=lambda a: " ".join(a) or "(none)")
def test_plain_lines_read_as_typer_reads_them(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse(args) == typer_values(args, monkeypatch)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--days", "x"],
        ["--days", "1.5"],
        ["--interval"],
        ["--quite"],
        ["--out"],
        ["extra"],
        ["-qq"],
    ],
)
def test_anything_unusual_is_left_to_typer(args: list[str]) -> None:
    assert parse(args) is None


def test_every_flag_is_known_to_typer() -> None:
    """The table and the Typer command are one: each flag of ``OPTIONS`` is an option of the command."""
    app = typer.Typer(add_completion=False)
    export_command.register(app)
    command = typer.main.get_command(app)
    flags = {f for p in command.params for f in (*p.opts, *p.secondary_opts)}
    assert {f for o in OPTIONS for spec in o.flags for f in spec.split("/")} == flags


words = st.sampled_from(
    [
        "--quiet",
        "-q",
        "--days",
        "--interval",
        "--out-dir",
        "--no-archive",
        "--today",
        "7",
        "x",
        "-1",
        "1.5",
        "a=b",
    ]
)


@given(st.lists(words, max_size=6))
def test_parse_never_disagrees_with_typer(args: list[str]) -> None:
    """Whatever ``parse`` accepts, Typer accepts with the same values."""
    values = parse(args)
    if values is None:
        return
    with pytest.MonkeyPatch.context() as mp:
        assert typer_values(args, mp) == values, args


def test_paths_are_paths() -> None:
    values = parse(["--out-dir", "o", "--output", "o/latest.json"])
    assert values is not None and values["out_dir"] == Path("o") and values["output"] == Path("o/latest.json")
