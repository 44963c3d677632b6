"""The Typer side of the ``icucoach`` command (see ``icucoach.cli``): the root group that lists every command
from ``cli.COMMANDS`` and imports one only when it is used, with plain (Click) help."""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup

from icucoach.cli import COMMANDS


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


__all__ = ["LazyGroup", "app", "load_command", "plain_help"]
