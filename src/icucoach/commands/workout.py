"""The ``icucoach workout`` command group: ``check`` and ``convert`` structured workouts.

``check`` validates workout text for a sport against thresholds given on the line or, when none are
given and ``INTERVALS_API_KEY`` is set, the athlete's sport settings read through the API client.
``convert`` turns text / workout_doc JSON / Zwift ``.zwo`` into text, model JSON, workout_doc, ``.zwo``
or FIT. Errors go to stderr as one actionable sentence, never a traceback; files are written atomically.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from icucoach.workouts import (
    errors,
    from_workout_doc,
    parse,
    render,
    summary,
    to_workout_doc,
    totals_line,
    validate,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_PACE_RE = re.compile(r"^(\d+):(\d{2})\s*/\s*(km|mi|100m|100y|500m|400m|250m)$")
_PACE_METRES = {"km": 1000, "mi": 1609.344, "100m": 100, "100y": 91.44, "500m": 500, "400m": 400, "250m": 250}
_PACE_UNITS = {
    "km": "MINS_KM",
    "mi": "MINS_MILE",
    "100m": "SECS_100M",
    "100y": "SECS_100Y",
    "500m": "SECS_500M",
    "400m": "SECS_400M",
    "250m": "SECS_250M",
}


class CliError(Exception):
    """A user-facing error: the message says what is wrong and what to do."""


def _fail(msg: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {msg}")
    return typer.Exit(code)


def parse_threshold_pace(value: str) -> tuple[float, str | None]:
    """``4:30/km`` / ``1:45/100m`` / ``3.7`` (m/s) -> (m/s, SportSettings pace_units or None)."""
    v = value.strip().lower()
    m = _PACE_RE.match(v)
    if m:
        secs = int(m.group(1)) * 60 + int(m.group(2))
        if secs <= 0:
            raise CliError(f"--threshold-pace {value!r}: the pace must be more than 0:00")
        return _PACE_METRES[m.group(3)] / secs, _PACE_UNITS[m.group(3)]
    try:
        speed = float(v)
    except ValueError:
        raise CliError(
            f"--threshold-pace {value!r} is not a pace: write e.g. 4:30/km, 1:45/100m or a speed "
            "in m/s such as 3.7"
        ) from None
    if not 0.1 <= speed <= 15:
        raise CliError(f"--threshold-pace {value!r}: {speed} m/s is not a plausible threshold speed (0.1-15)")
    return speed, None


def _settings(ftp: int | None, lthr: int | None, max_hr: int | None, tp: str | None) -> dict | None:
    ss: dict = {}
    for name, val, lo, hi in (("ftp", ftp, 30, 2000), ("lthr", lthr, 60, 230), ("max_hr", max_hr, 80, 250)):
        if val is not None:
            if not lo <= val <= hi:
                raise CliError(f"--{name.replace('_', '-')} {val} is outside the plausible {lo}-{hi}")
            ss[name] = val
    if tp:
        ss["threshold_pace"], units = parse_threshold_pace(tp)
        if units:
            ss["pace_units"] = units
    return ss or None


def _account_settings(sport: str) -> dict:
    try:
        from icucoach.intervals import ClientSettings, IntervalsClient
    except ImportError:
        raise CliError(
            "reading thresholds from your Intervals.icu account needs the API client "
            "(icucoach.intervals), which is not available in this build; pass --ftp/--lthr/"
            "--max-hr/--threshold-pace instead"
        ) from None

    async def fetch() -> dict:
        async with IntervalsClient(ClientSettings.from_env()) as c:
            ss = await c.get_sport_settings(sport)
            return ss.model_dump(mode="json")

    try:
        return asyncio.run(fetch())
    except Exception as exc:  # the client's errors carry actionable messages; show them, not a traceback
        raise CliError(f"could not read the {sport} settings from Intervals.icu: {exc}") from None


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"file {path!r} does not exist") from None
    except UnicodeDecodeError:
        raise CliError(f"file {path!r} is not UTF-8 text (FIT files cannot be read, only written)") from None
    except OSError as exc:
        raise CliError(f"cannot read {path!r}: {exc.strerror}") from None


def _load(text: str, sport: str):
    s = text.lstrip()
    if s.startswith("<"):
        from icucoach.workouts.zwo import ZwoError, from_zwo

        try:
            return from_zwo(text, sport)
        except ZwoError as exc:
            raise CliError(f"input looks like a Zwift .zwo file but {exc}") from None
    if s.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(f"input looks like JSON but is not valid (line {exc.lineno}: {exc.msg})") from None
        doc = data.get("workout_doc", data) if isinstance(data, dict) else None
        if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
            raise CliError(
                "JSON input must be a workout_doc (an object with a 'steps' list) or an event with one"
            )
        return from_workout_doc(doc, sport)
    return parse(text, sport)


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory and ``os.replace`` so readers never see half a file."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(app: typer.Typer) -> None:
    wk = typer.Typer(
        name="workout", help="Check and convert Intervals.icu structured workouts.", no_args_is_help=True
    )

    @wk.command("check")
    def check(
        file: str = typer.Argument(..., help="Workout text file, or - for stdin."),
        sport: str = typer.Option("Ride", "--sport", help="Ride, Run, Swim, VirtualRide, TrailRun, …"),
        ftp: int | None = typer.Option(None, "--ftp", help="FTP in watts."),
        lthr: int | None = typer.Option(None, "--lthr", help="Lactate threshold heart rate (bpm)."),
        max_hr: int | None = typer.Option(None, "--max-hr", help="Maximum heart rate (bpm)."),
        threshold_pace: str | None = typer.Option(
            None, "--threshold-pace", help="e.g. 4:30/km, 1:45/100m or m/s."
        ),
    ) -> None:
        """Validate workout text: prints the summary, or the errors (exit 1)."""
        try:
            text = _read(file)
            ss = _settings(ftp, lthr, max_hr, threshold_pace)
            source = "the command line"
            if ss is None and os.environ.get("INTERVALS_API_KEY"):
                ss, source = _account_settings(sport), "your Intervals.icu account"
        except CliError as exc:
            raise _fail(str(exc)) from None
        issues = validate(text, sport, ss)
        bad = errors(issues)
        for i in issues:
            (err if i.severity == "error" else out).print(
                f"[{'bold red' if i.severity == 'error' else 'yellow'}]{i.severity}[/] {i}", markup=True
            )
        if bad:
            err.print(f"[bold red]{len(bad)} error(s)[/]: Intervals.icu would not run this workout as meant.")
            raise typer.Exit(1)
        w = parse(text, sport)
        out.print(f"[bold]{summary(w, ss)}[/]")
        out.print(f"{sport}: {totals_line(w, ss)}")
        if ss is None:
            out.print(
                "[dim]no thresholds given: threshold checks skipped (use --ftp/--lthr/--max-hr/"
                "--threshold-pace or set INTERVALS_API_KEY)[/]"
            )
        else:
            out.print(f"[dim]thresholds from {source}[/]")

    @wk.command("convert")
    def convert(
        file: str = typer.Argument(..., help="Workout text, workout_doc JSON or .zwo file, or - for stdin."),
        to: str = typer.Option(..., "--to", help="text | json | workout_doc | zwo | fit"),
        out_path: Path | None = typer.Option(None, "--out", help="Output file (required for fit)."),
        sport: str = typer.Option("Ride", "--sport"),
        name: str = typer.Option("Workout", "--name", help="Workout name for zwo/fit."),
        ftp: int | None = typer.Option(None, "--ftp"),
        lthr: int | None = typer.Option(None, "--lthr"),
        max_hr: int | None = typer.Option(None, "--max-hr"),
        threshold_pace: str | None = typer.Option(None, "--threshold-pace"),
    ) -> None:
        """Convert a workout between formats."""
        fmt = to.lower()
        try:
            if fmt not in ("text", "json", "workout_doc", "zwo", "fit"):
                raise CliError(f"--to {to!r} is not a format: use text, json, workout_doc, zwo or fit")
            if fmt == "fit" and out_path is None:
                raise CliError("--to fit writes a binary file: give --out PATH")
            ss = _settings(ftp, lthr, max_hr, threshold_pace)
            w = _load(_read(file), sport)
            if fmt == "text":
                data = render(w).encode()
            elif fmt == "json":
                data = (json.dumps(dataclasses.asdict(w), indent=2) + "\n").encode()
            elif fmt == "workout_doc":
                data = (json.dumps(to_workout_doc(w, sport, ss), indent=2) + "\n").encode()
            elif fmt == "zwo":
                from icucoach.workouts.zwo import to_zwo

                data = to_zwo(w, name, sport, ss).encode()
            else:
                from icucoach.workouts.fit import to_fit

                data = to_fit(w, name, sport, ss)
            if out_path is None:
                sys.stdout.write(data.decode())
            else:
                try:
                    write_atomic(out_path, data)
                except OSError as exc:
                    raise CliError(f"cannot write {str(out_path)!r}: {exc.strerror}") from None
                err.print(f"wrote {out_path} ({len(data)} bytes)")
        except CliError as exc:
            raise _fail(str(exc)) from None

    app.add_typer(wk, name="workout")
