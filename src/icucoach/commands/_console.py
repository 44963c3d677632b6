"""What every command shares: Rich consoles, unit formatting, and turning errors into one clear message.

An error is reported once, to stderr, as ``error: <what>`` and ``fix: <what to do>``, and the process
exits with the code of its cause from ``icucoach.exitcodes`` (never a traceback). ``fail`` is for a
command's own checks, ``fail_from`` for any client error (``IntervalsError``: its ``summary``, ``hint`` and
``exit_code``), ``print_error`` for a command that reports and carries on (e.g. ``export --watch``).

This module is imported by the command modules only, never for ``icucoach --help``; it does not import the
client (its import is heavy) until ``run_async`` needs it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from icucoach.exitcodes import Exit

if TYPE_CHECKING:
    from rich.progress import TaskID

out = Console()
# soft_wrap: a long message stays one line (the terminal wraps it) instead of being hard-broken at 80 columns
# into many lines; highlight off: an error is plain text, never re-coloured pieces of it.
err = Console(stderr=True, soft_wrap=True, highlight=False)
T = TypeVar("T")


def print_error(message: str, hint: str | None = None) -> None:
    """``error: <message>`` and, when there is one, ``fix: <hint>``: each said once, on stderr."""
    err.print(f"[bold red]error:[/] {escape(message)}")
    if hint:
        err.print(f"[yellow]fix:[/] {escape(hint)}")


def fail(message: str, hint: str | None = None, code: int = Exit.USAGE) -> NoReturn:
    """Report one error and exit with ``code`` (default: a bad option or input value)."""
    print_error(message, hint)
    raise typer.Exit(int(code))


def describe(exc: BaseException) -> tuple[str, str | None, int]:
    """(message, fix, exit code) of an error; a client error's message never repeats its hint."""
    message = getattr(exc, "summary", None) or str(exc)
    hint = getattr(exc, "hint", None) or None
    code = getattr(exc, "exit_code", Exit.INTERNAL)
    return message, hint, int(code)


def fail_from(exc: BaseException) -> NoReturn:
    """Report a client error (any ``IntervalsError``) once and exit with the code of its cause."""
    message, hint, code = describe(exc)
    fail(message, hint, code)


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine; a client error becomes one clear message and the exit code of its cause."""
    from icucoach.intervals.errors import IntervalsError

    try:
        return asyncio.run(make())  # type: ignore[arg-type]
    except IntervalsError as exc:
        fail_from(exc)


def pinned_today() -> date | None:
    """``ICUCOACH_TODAY`` pins "today" (demos and tests against a pinned sandbox), as in the service."""
    raw = os.environ.get("ICUCOACH_TODAY", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"ICUCOACH_TODAY={raw!r} is not a date", "set it as YYYY-MM-DD, or unset it", Exit.USAGE)


def duration(secs: float | None) -> str:
    if secs is None:
        return "—"
    secs = int(round(secs))
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def distance(metres: float | None) -> str:
    if metres is None:
        return "—"
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def pace(speed: float | None, units: str | None) -> str:
    """Threshold/average pace from m/s in the sport's units (MINS_KM, MINS_MILE, SECS_100M, SECS_100Y)."""
    if not speed:
        return "—"
    per = {
        "MINS_KM": (1000.0, "/km"),
        "MINS_MILE": (1609.344, "/mi"),
        "SECS_100M": (100.0, "/100m"),
        "SECS_100Y": (91.44, "/100yd"),
        "SECS_500M": (500.0, "/500m"),
    }.get(units or "MINS_KM", (1000.0, "/km"))
    secs = per[0] / speed
    return f"{int(secs // 60)}:{int(round(secs % 60)):02d}{per[1]}"


def number(value: float | None, fmt: str = "{:.0f}", unit: str = "") -> str:
    return "—" if value is None else fmt.format(value) + (f" {unit}" if unit else "")


@contextmanager
def sync_progress(disable: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """Progress bars (on stderr) for a store sync: one bar for the history sync, one for activity details.

    Yields the ``progress(task, done, total)`` callback that ``icucoach.store.sync`` reports to."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=disable,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(task: str, done: int, total: int) -> None:
            key = "details" if task == "activity details" else "sync"
            if key not in tasks:
                tasks[key] = bar.add_task(task, total=total)
            bar.update(tasks[key], completed=done, total=total, description=task)

        yield progress
