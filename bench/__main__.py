"""Run every benchmark module (``bench/bench_<part>.py``) and print the figures as a table.

A module exposes ``run(report)``; ``report(name, value, unit)`` records one figure. Pass part names on the
command line (``python -m bench sandbox workouts``) to run only those; ``part.sub`` (``python -m bench
mirror.paired``) runs one entry of a module's ``PARTS`` (name -> ``run``-like function) when it has them.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted: dict[str, set[str]] = {}
    for a in argv:
        part, _, sub = a.partition(".")
        wanted.setdefault(f"bench_{part}", set()).update([sub] if sub else [])
    console = Console(width=max(120, Console().width))  # figures on one line each, also when piped
    failed = 0
    for name in names:
        if wanted and name not in wanted:
            continue
        table = Table(title=name.removeprefix("bench_"), title_justify="left")
        table.add_column("figure")
        table.add_column("value", justify="right")
        table.add_column("unit")

        def report(figure: str, value: float | int | str, unit: str = "", _t: Table = table) -> None:
            if isinstance(value, float):
                shown = f"{value:,.3f}"
            else:
                shown = f"{value:,}" if isinstance(value, int) else value
            _t.add_row(figure, shown, unit)

        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            subs = wanted.get(name)
            if subs:
                for sub in sorted(subs):
                    module.PARTS[sub](report)
            else:
                module.run(report)
        except Exception as exc:  # a broken benchmark must not hide the others' figures
            failed += 1
            report("FAILED", f"{type(exc).__name__}: {exc}")
        report("benchmark wall time", time.perf_counter() - started, "s")
        console.print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
