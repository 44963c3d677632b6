"""The ``icucoach`` command: a thin shell that knows each command's name and one-line help, and imports a
command's module only when that command runs or its own ``--help`` is asked.

Each command group lives in ``icucoach.commands.<module>`` and exposes ``register(app)``. ``icucoach
--help`` therefore imports Typer and nothing of the client, the analytics or the sandbox (start-up is a
figure in ``make bench``). ``tests/cli/test_help.py`` checks that every one-line help below still matches
its command's own.

Help is rendered plain (Click's formatter, not Typer's Rich panels): Typer's panels print ``<bool>`` after
every flag, cut long option names to fit their columns, and write a required argument as ``{file}``; the
plain formatter wraps instead of cutting, shows no type after flags, and arguments are written ``FILE``.

``icucoach export`` with a plain command line does not go through Typer at all (``main``): cron runs it
every few minutes, and Typer and Rich cost more to import than an export with nothing new takes. Its flags
are declared once, in ``icucoach.commands.export_options``; anything unusual there (``--help``, a typo) goes
the Typer way, so usage errors read the same. A run with nothing new since the last is replayed on the
standard library alone (``icucoach.mirror.replay``) before the client or the store is imported. The Typer
side lives in ``icucoach.cli_app``.

Log lines of the client and of libraries never reach the terminal unless ``--debug`` is given: an error is
reported once, by the command, as ``error:`` / ``fix:`` (``icucoach.commands._console``).
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple


class CommandEntry(NamedTuple):
    module: str  # under icucoach.commands
    help: str  # the one line of ``icucoach --help``; the command's own docstring/help says the same


# Order is the order of ``icucoach --help``.
COMMANDS: dict[str, CommandEntry] = {
    "demo": CommandEntry("demo", "Run the sandbox and show what icucoach sees for the demo athlete."),
    "sandbox": CommandEntry(
        "sandbox",
        "Run a faithful local Intervals.icu API (under /api/v1) with deterministic synthetic athletes.",
    ),
    "doctor": CommandEntry(
        "doctor",
        "Check that icucoach can reach your Intervals.icu data, and that zones and thresholds are usable.",
    ),
    "setup": CommandEntry(
        "setup",
        "Set up credentials and export preferences (asks again after a bad answer; writes a 0600 file).",
    ),
    "workout": CommandEntry("workout", "Check and convert Intervals.icu structured workouts."),
    "mcp": CommandEntry("mcp", "Run the MCP server (stdio by default)."),
    "export": CommandEntry(
        "export",
        "Export latest/history/intervals/routes/ftp_history JSON for an AI coach (Section 11 compatible).",
    ),
    "archive": CommandEntry(
        "archive", "The local activity archive: import history, inspect, export CSV/GPX/TCX."
    ),
    "plan": CommandEntry(
        "plan", "Build a training block for a goal race, preview it as a calendar diff, apply it, adjust it."
    ),
    "coach": CommandEntry("coach", "The coach console from the terminal: the daily squad review."),
    "serve": CommandEntry(
        "serve", "Run the hosted service: sign in with Intervals.icu, MCP URLs, coaches, iCal."
    ),
    "console": CommandEntry(
        "console", "Serve the coach console (squad, feed, athlete week, season, workout review) on localhost."
    ),
}


def _quiet_last_resort() -> None:
    # Without a configured handler Python prints WARNING records to stderr ("last resort"): an internal
    # line such as "GET /athlete/0 -> ... giving up" next to the command's own error. Drop them instead;
    # --debug (or a command that configures logging, like the MCP server) installs a real handler. Not
    # imported before a replayed export is ruled out: that path logs nothing and logging is 10 % of it.
    import logging

    logging.lastResort = logging.NullHandler()


def main() -> None:
    if sys.argv[1:2] == ["export"]:
        _export_without_typer(sys.argv[2:])
    _quiet_last_resort()
    import typer

    from icucoach.cli_app import app

    try:
        app()
    except SystemExit as exc:
        # Typer turns a Ctrl-C that no command reported into a silent exit 130. Commands that write files
        # say what was and was not written (and exit 130 themselves, from no KeyboardInterrupt); the others
        # write nothing before they finish, which is what to say here.
        if (
            exc.code == 130
            and isinstance(exc.__context__, typer.Exit)
            and isinstance(exc.__context__.__cause__, KeyboardInterrupt)
        ):
            _say_interrupted()
        raise


def _export_without_typer(args: list[str]) -> None:
    """Run ``icucoach export ARGS`` and exit, if ``export_options.parse`` takes ARGS; else return."""
    from icucoach.commands.export_options import parse

    values = parse(args)
    if values is None or values["setup"]:  # the wizard is built on Typer's prompts and exits
        return
    try:
        from icucoach.mirror.replay import try_replay

        replayed = try_replay(values)  # nothing new since the last run: done without the client or store
        if replayed is not None:
            raise SystemExit(replayed)
        _quiet_last_resort()
        from icucoach.commands.export import run

        code = run(values)
    except KeyboardInterrupt:  # the export reports its own; this is one before or after it
        _say_interrupted()
    raise SystemExit(code)


def __getattr__(name: str) -> Any:
    """The Typer side (``app``, ``load_command``, ``plain_help``, ``LazyGroup``) from ``icucoach.cli_app``,
    imported on first use."""
    if name in ("app", "load_command", "plain_help", "LazyGroup"):
        from icucoach import cli_app

        return getattr(cli_app, name)
    raise AttributeError(name)


def _say_interrupted() -> None:
    from icucoach.exitcodes import Exit

    command = " ".join(a for a in sys.argv[1:3] if not a.startswith("-")) or "icucoach"
    sys.stderr.write(f"\ninterrupted: `icucoach {command}` stopped before finishing; nothing was written.\n")
    raise SystemExit(int(Exit.INTERRUPTED))
