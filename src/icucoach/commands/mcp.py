"""Placeholder: the ``mcp`` command is added by its own issue."""

import typer


def register(app: typer.Typer) -> None:
    return None
