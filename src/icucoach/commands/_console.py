"""What every command shares: Rich consoles, unit formatting, and turning errors into one clear message.

Errors go to stderr with the hint the error carries and a non-zero exit code; never a traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from icucoach.intervals import ConfigurationError, IntervalsError

out = Console()
err = Console(stderr=True)
T = TypeVar("T")

EXIT_CONFIG = 2
EXIT_UPSTREAM = 3


def fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    if hint:
        err.print(f"[yellow]fix:[/] {hint}")
    raise typer.Exit(code)


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine, reporting configuration and upstream errors cleanly."""
    try:
        return asyncio.run(make())  # type: ignore[arg-type]
    except ConfigurationError as exc:
        fail(str(exc), getattr(exc, "hint", None), EXIT_CONFIG)
    except IntervalsError as exc:
        fail(str(exc), getattr(exc, "hint", None), EXIT_UPSTREAM)


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
