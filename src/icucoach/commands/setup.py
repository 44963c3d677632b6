"""``icucoach setup``: the setup wizard (credentials, week start, zones, privacy) into the config file.

The same wizard runs as ``icucoach export --setup``. A bad answer is explained and asked again; end of input
or Ctrl-C before the last answer saves nothing.
"""

from __future__ import annotations

import getpass
import sys

import typer

from icucoach.commands._console import err, fail, out
from icucoach.exitcodes import Exit
from icucoach.intervals import default_config_path
from icucoach.mirror.setup import run_setup


def _prompt(text: str, default: str | None, secret: bool) -> str:
    """One answer from the terminal (hidden for secrets when it is one); "" means take ``default``."""
    shown = f"{text} [{default}]: " if default and not secret else f"{text}: "
    if secret and sys.stdin.isatty():
        return getpass.getpass(shown)
    out.print(shown, end="", markup=False, highlight=False)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def _refused(reason: str) -> None:
    err.print(f"[yellow]![/] {reason}", markup=True, highlight=False)


def run_wizard() -> None:
    """Run the wizard and exit the way every command does (one message, the table's exit code)."""
    try:
        path = run_setup(_prompt, say=_refused)
    except EOFError:
        out.print()
        fail(
            "setup needs an answer to every question, but the input ended; nothing was saved",
            "Run `icucoach setup` in a terminal, or pipe one answer per line.",
            Exit.USAGE,
        )
    except KeyboardInterrupt:
        out.print()
        err.print(f"interrupted: setup cancelled; nothing was saved ({default_config_path()} unchanged)")
        raise typer.Exit(Exit.INTERRUPTED) from None
    except OSError as exc:
        fail(
            f"cannot write the config file {default_config_path()}: {exc.strerror or exc}",
            "Set ICUCOACH_CONFIG to a file in a folder you can write to.",
            Exit.CONFIG,
        )
    out.print(f"saved to {path} (mode 0600)")


def register(app: typer.Typer) -> None:
    @app.command("setup")
    def setup() -> None:
        """Set up credentials and export preferences (asks again after a bad answer; writes a 0600 file)."""
        run_wizard()
