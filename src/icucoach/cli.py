"""The ``icucoach`` command: a thin shell that knows each command's name and one-line help, and imports a
command's module only when that command runs or its own ``--help`` is asked.

Each command group lives in ``icucoach.commands.<module>`` and exposes ``register(app)``. ``icucoach
--help`` therefore imports Typer and nothing of the client, the analytics or the sandbox (start-up is a
figure in ``make bench``). ``tests/cli/test_help.py`` checks that every one-line help below still matches
its command's own.

Help is rendered plain (Click's formatter, not Typer's Rich panels): Typer's panels print ``<bool>`` after
every flag, cut long option names to fit their columns, and write a required argument as ``{file}``; the
plain formatter wraps instead of cutting, shows no type after flags, and arguments are written ``FILE``.

Log lines of the client and of libraries never reach the terminal unless ``--debug`` is given: an error is
reported once, by the command, as ``error:`` / ``fix:`` (``icucoach.commands._console``).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterator, MutableMapping
from typing import Any, NamedTuple

import typer
from typer.core import TyperArgument, TyperGroup


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
    "serve": CommandEntry(
        "serve", "Run the hosted service: sign in with Intervals.icu, MCP URLs, coaches, iCal."
    ),
}


class _PlainArgument(TyperArgument):
    """An argument written ``FILE`` or ``[FILE]`` in usage lines (Typer writes a required one ``{file}``)."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


def plain_help(command: Any) -> None:
    """Plain help for ``command`` and everything under it (see the module docstring for why)."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = _PlainArgument
            param.metavar = param.metavar or (param.name or "value").upper()
    for sub in getattr(command, "commands", {}).values():
        # The whole first paragraph in the group's list (Click would cut it at ~45 characters with "...").
        if not sub.short_help and sub.help:
            sub.short_help = " ".join(inspect.cleandoc(sub.help).split("\n\n")[0].split())
        plain_help(sub)


def load_command(name: str) -> Any:
    """Import the module of command ``name`` and build its Click command (with plain help)."""
    module = importlib.import_module(f"icucoach.commands.{COMMANDS[name].module}")
    holder = typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)
    module.register(holder)
    command = typer.main.get_group(holder).commands[name]
    plain_help(command)
    return command


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: every name is known up front; a command is built on first access."""

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """The root group: lists commands from ``COMMANDS`` and imports one only when it is used."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands()

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.help) for name, entry in COMMANDS.items()])


app = typer.Typer(
    name="icucoach",
    cls=LazyGroup,
    help="Intervals.icu for AI coaches and human coaches.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show the log lines of the client and libraries (requests, retries) on stderr."
    ),
) -> None:
    if debug:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("icucoach").setLevel(logging.DEBUG)
        logging.getLogger("httpx").setLevel(logging.INFO)


def main() -> None:
    # Without a configured handler Python prints WARNING records to stderr ("last resort"): an internal
    # line such as "GET /athlete/0 -> ... giving up" next to the command's own error. Drop them instead;
    # --debug (or a command that configures logging, like the MCP server) installs a real handler.
    logging.lastResort = logging.NullHandler()
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


def _say_interrupted() -> None:
    import sys

    from icucoach.exitcodes import Exit

    command = " ".join(a for a in sys.argv[1:3] if not a.startswith("-")) or "icucoach"
    sys.stderr.write(f"\ninterrupted: `icucoach {command}` stopped before finishing; nothing was written.\n")
    raise SystemExit(int(Exit.INTERRUPTED))
