"""Placeholder: the ``export`` command is added by its own issue."""

import typer


def register(app: typer.Typer) -> None:
    return None
