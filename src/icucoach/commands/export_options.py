"""The flags of ``icucoach export``, declared once: Typer builds the command (and its ``--help``) from
``OPTIONS``, and ``parse`` reads a plain command line without Typer, Click or Rich.

Why two readers of one table: ``icucoach export`` runs from cron every few minutes, and importing Typer and
Rich costs more than a repeat export with nothing new does. ``parse`` accepts only command lines that are
unambiguous (known flags, values that convert); for anything else (``--help``, a typo, a bad number) it
returns None and the Typer command reads the same arguments, so usage errors are worded and coded as ever.
``tests/cli/test_export_options.py`` checks that both readers give the same values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple


class Opt(NamedTuple):  # not a dataclass: importing dataclasses costs a replayed export ~5 %
    name: str  # the parameter name the command receives
    flags: tuple[str, ...]  # "--out-dir", or "--archive/--no-archive" for an on/off pair
    kind: Any  # bool, int, float, str, Path, or ``X | None`` for an optional value
    default: Any
    help: str
    hidden: bool = False


OPTIONS: tuple[Opt, ...] = (
    Opt("setup", ("--setup",), bool, False, "Run the setup wizard (credentials, week start, zones)."),
    Opt(
        "days",
        ("--days",),
        int,
        7,
        "Display window for wellness rows and summaries (metric windows are fixed).",
    ),
    Opt(
        "output", ("--output",), Path | None, None, "Write latest.json to this file (Section 11 local mode)."
    ),
    Opt(
        "out_dir", ("--out-dir",), Path | None, None, "Directory for all files (default: current directory)."
    ),
    Opt("week_start", ("--week-start",), str | None, None, "Training week start: mon..sun."),
    Opt(
        "zone_preference",
        ("--zone-preference",),
        str | None,
        None,
        "Zone basis per sport, e.g. run:hr,cycling:power.",
    ),
    Opt("privacy", ("--privacy",), str | None, None, "none, standard (default) or strict."),
    Opt("dry_run", ("--dry-run",), bool, False, "Sync and build, but write no files."),
    Opt(
        "debug",
        ("--debug",),
        bool,
        False,
        "Verbose diagnostics; check every file against its schema before writing.",
    ),
    Opt("quiet", ("--quiet", "-q"), bool, False, "No progress or success output (cron)."),
    Opt("watch_", ("--watch",), bool, False, "Re-export on a schedule until interrupted."),
    Opt("interval", ("--interval",), float, 15.0, "Minutes between --watch runs (1 to 1440)."),
    Opt("watch_count", ("--watch-count",), int | None, None, "", hidden=True),
    Opt(
        "git_repo",
        ("--git",),
        str | None,
        None,
        "Commit and push to this git repository when content changed.",
    ),
    Opt("git_branch", ("--git-branch",), str, "main", "Branch for --git."),
    Opt("athlete_id", ("--athlete-id",), str | None, None, "Athlete id (overrides config/env)."),
    Opt("intervals_key", ("--intervals-key",), str | None, None, "API key (overrides config/env)."),
    Opt("store", ("--store",), str | None, None, "Archive database URL or SQLite path."),
    Opt("archive", ("--archive/--no-archive",), bool, True, "Write archive/YYYY-MM/ snapshots."),
    Opt(
        "archive_retention_days",
        ("--archive-retention-days",),
        int,
        90,
        "Delete snapshots older than this many days (0 = keep all).",
    ),
    Opt("lookback_days", ("--lookback-days",), int, 14, "Re-read window for late or edited activities."),
    Opt("today", ("--today",), str | None, None, "Pin the athlete's today (tests).", hidden=True),
)


def _base(kind: Any) -> Any:
    """``int`` of ``int | None`` (the type a value converts to)."""
    args = [a for a in getattr(kind, "__args__", ()) if a is not type(None)]
    return args[0] if args else kind


def _convert(kind: Any, text: str) -> Any:
    base = _base(kind)
    if base is int:
        # Click's int: an optional sign and digits (int() would also take "1_000" and " 7 ")
        body = text[1:] if text[:1] in "+-" else text
        if not (body.isascii() and body.isdigit()):
            raise ValueError(text)
        return int(text)
    if base is float:
        value = float(text)
        if text.strip() != text or "_" in text:
            raise ValueError(text)
        return value
    return Path(text) if base is Path else text


def parse(args: list[str]) -> dict[str, Any] | None:
    """The values of ``icucoach export ARGS`` by parameter name, or None when the line is anything but
    plainly valid (see the module docstring); the last of a repeated flag wins, as in Click."""
    values = {o.name: o.default for o in OPTIONS}
    switches: dict[str, tuple[Opt, bool]] = {}
    takes: dict[str, Opt] = {}
    for o in OPTIONS:
        for flag in o.flags:
            on, _, off = flag.partition("/")
            if o.kind is bool:
                switches[on] = (o, True)
                if off:
                    switches[off] = (o, False)
            else:
                takes[flag] = o
    i = 0
    while i < len(args):
        arg = args[i]
        flag, eq, inline = arg.partition("=")
        if arg in switches:
            opt, value = switches[arg]
            values[opt.name] = value
        elif flag in takes:
            if eq:
                text = inline
            elif i + 1 < len(args) and not args[i + 1].startswith("-"):
                i += 1
                text = args[i]
            else:
                return None
            try:
                values[takes[flag].name] = _convert(takes[flag].kind, text)
            except ValueError:
                return None
        else:
            return None  # --help, a positional, an unknown or abbreviated flag: Typer says what is wrong
        i += 1
    return values


__all__ = ["OPTIONS", "Opt", "parse"]
