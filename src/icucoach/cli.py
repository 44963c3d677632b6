"""The ``icucoach`` command: a thin Typer shell that mounts one sub-module per command group.

Each group lives in ``icucoach.commands.<name>`` and exposes ``register(app)``; this file only wires them.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="icucoach",
    help="Intervals.icu for AI coaches and human coaches.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Order is the order of ``icucoach --help``.
COMMAND_MODULES = ("demo", "sandbox", "doctor", "setup", "workout", "mcp", "export", "archive")


def _mount() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"icucoach.commands.{name}")
        module.register(app)


_mount()


def main() -> None:
    app()
