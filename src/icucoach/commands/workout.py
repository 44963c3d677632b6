"""The ``icucoach workout`` command group: ``check`` and ``convert`` structured workouts.

Both commands share one path (:func:`_prepare`): read the input, take thresholds from the command line or,
when none are given and ``INTERVALS_API_KEY`` is set, from the athlete's account, and validate. ``check``
prints the findings; ``convert`` refuses to write anything ``check`` would refuse (and, for .zwo/.fit, any
target the file could only carry as a silent free ride). Failures are one ``error:`` line and one ``fix:``
line on stderr with the exit code of their cause (``icucoach.exitcodes``), never a traceback.

Startup is kept light on purpose (``workout check`` runs in editors and hooks): the API client, asyncio and
the FIT/ZWO writers are imported only by the code paths that use them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import typer

from icucoach.exitcodes import Exit
from icucoach.workouts.model import Workout
from icucoach.workouts.parse import Issue, parse
from icucoach.workouts.thresholds import InputError as CliError
from icucoach.workouts.thresholds import (
    ThresholdOptions,
    cli_settings,
    has_mmp,
    has_zone_options,
    overlay_zones,
)
from icucoach.workouts.validate import errors, validate

FORMATS = ("text", "json", "workout_doc", "zwo", "fit")


def _fail(exc: CliError) -> typer.Exit:
    # The same error/fix lines as ``_console.print_error``, written plainly: importing Rich here would cost
    # ``workout check`` most of its start-up budget.
    sys.stderr.write(f"error: {exc.message}\n")
    if exc.fix:
        sys.stderr.write(f"fix: {exc.fix}\n")
    return typer.Exit(int(exc.code))


def _account(sport: str, curve: bool) -> dict:
    """The sport settings (and, when a % MMP target needs it, the best power per duration) from the API."""
    import asyncio

    from icucoach.intervals import ClientSettings, IntervalsClient

    async def fetch() -> dict:
        async with IntervalsClient(ClientSettings.from_env()) as c:
            ss = (await c.get_sport_settings(sport)).model_dump(mode="json")
            if curve:
                # The last 84 days, Intervals.icu's usual MMP window; %MMP steps resolve against it.
                curves = await c.get_power_curves(type=sport, curves="84d")
                points = next((cv.points() for cv in curves.curves() if cv.values), [])
                ss["mmp"] = {int(s): float(w) for s, w in points if s and w}
            return ss

    try:
        return asyncio.run(fetch())
    except Exception as exc:  # the client's errors carry their exit code and hint; anything else is a bug
        code = getattr(exc, "exit_code", None)
        if code is None:
            raise CliError(
                f"unexpected failure reading the {sport} settings ({type(exc).__name__}: {exc})",
                "please report it; meanwhile pass --ftp/--lthr/--max-hr/--threshold-pace",
                Exit.INTERNAL,
            ) from None
        message = getattr(exc, "message", str(exc))
        raise CliError(
            f"could not read the {sport} settings from Intervals.icu: {message}",
            getattr(exc, "hint", None) or "pass --ftp/--lthr/--max-hr/--threshold-pace instead",
            code,
        ) from None


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(
            f"file {path!r} does not exist",
            "check the path, or pass - to read the workout from stdin",
            Exit.NOT_FOUND,
        ) from None
    except IsADirectoryError:
        raise CliError(f"{path!r} is a folder, not a workout file", "name the file", Exit.USAGE) from None
    except UnicodeDecodeError:
        raise CliError(
            f"file {path!r} is not UTF-8 text",
            "give workout text, workout_doc JSON or a .zwo file (FIT files can be written, not read)",
            Exit.INVALID,
        ) from None
    except OSError as exc:
        raise CliError(
            f"cannot read {path!r}: {exc.strerror}", "check the file's permissions", Exit.USAGE
        ) from None


def _load(text: str, sport: str) -> tuple[Workout, bool]:
    """The model, and whether the input was workout text (else JSON or .zwo, validated via its text)."""
    s = text.lstrip()
    if s.startswith("<"):
        from icucoach.workouts.zwo import ZwoError, from_zwo

        try:
            return from_zwo(text, sport), False
        except ZwoError as exc:
            raise CliError(
                f"input looks like a Zwift .zwo file but {exc}", "give a valid .zwo file", Exit.INVALID
            ) from None
    if s.startswith("{"):
        import json

        from icucoach.workouts.doc import from_workout_doc

        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"input looks like JSON but is not valid (line {exc.lineno}: {exc.msg})",
                "fix the JSON, or give workout text",
                Exit.INVALID,
            ) from None
        doc = data.get("workout_doc", data) if isinstance(data, dict) else None
        if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
            raise CliError(
                "JSON input is not a workout_doc",
                "give an object with a 'steps' list, or an event holding one in 'workout_doc'",
                Exit.INVALID,
            )
        return from_workout_doc(doc, sport), False
    return parse(text, sport), True


@dataclass
class Prepared:
    """What both commands work from: the text, its model, the thresholds and the findings."""

    text: str
    workout: Workout
    settings: dict | None
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _prepare(file: str, sport: str, opts: ThresholdOptions, export: str | None = None) -> Prepared:
    """The one path ``check`` and ``convert`` share: same thresholds source, same validation."""
    ss, notes = cli_settings(opts, sport)
    raw = _read(file)
    w, is_text = _load(raw, sport)
    if is_text:
        text = raw
    else:
        from icucoach.workouts.render import render

        text = render(w)
    if ss is None and os.environ.get("INTERVALS_API_KEY"):
        ss = _account(sport, curve=has_mmp(w) and not opts.mmp)
        ss, more = overlay_zones(ss, opts, sport)
        notes = ["thresholds from your Intervals.icu account", *more]
    elif ss is None and has_zone_options(opts):
        ss, notes = overlay_zones({}, opts, sport)
    issues = validate(text, sport, ss, export=export)
    return Prepared(text, w, ss, notes, issues)


def _report(p: Prepared, file: str, warnings_to_stdout: bool, action: str) -> None:
    """Every finding with its line and fix; on errors one ``error:``/``fix:`` pair and ``Exit.INVALID``."""
    shown: set[str] = set()
    for i in p.issues:
        stream = sys.stdout if warnings_to_stdout and i.severity == "warning" else sys.stderr
        where = f"line {i.line}: " if i.line else ""
        # A fix shared by several lines is spelled out once: the same sentence five times hides the lines.
        fix = "as above" if i.fix in shown else i.fix
        shown.add(i.fix)
        stream.write(f"  [{i.severity}] {where}{i.message} — fix: {fix}\n")
    bad = errors(p.issues)
    if bad:
        name = "stdin" if file == "-" else file
        lines = sorted({i.line for i in bad if i.line})
        plural = "s" if len(lines) > 1 else ""
        where = f" (line{plural} {', '.join(map(str, lines))})" if lines else ""
        raise CliError(
            f"{len(bad)} error(s) in {name}{where}: Intervals.icu would not run this workout as meant; "
            f"{action}",
            "correct what is listed above, then run the command again",
            Exit.INVALID,
        )


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory and ``os.replace`` so readers never see half a file."""
    import tempfile

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


def _render(p: Prepared, fmt: str, sport: str, name: str) -> bytes:
    w, ss = p.workout, p.settings
    if fmt == "text":
        from icucoach.workouts.render import render

        return render(w).encode()
    if fmt == "json":
        import dataclasses
        import json

        return (json.dumps(dataclasses.asdict(w), indent=2) + "\n").encode()
    if fmt == "workout_doc":
        import json

        from icucoach.workouts.doc import to_workout_doc

        return (json.dumps(to_workout_doc(w, sport, ss), indent=2) + "\n").encode()
    if fmt == "zwo":
        from icucoach.workouts.zwo import to_zwo

        return to_zwo(w, name, sport, ss).encode()
    from icucoach.workouts.fit import to_fit

    return to_fit(w, name, sport, ss)


_SPORT = typer.Option("Ride", "--sport", metavar="SPORT", help="Ride, Run, Swim, VirtualRide, TrailRun, …")
_FTP = typer.Option(None, "--ftp", metavar="WATTS", help="FTP in watts.")
_LTHR = typer.Option(None, "--lthr", metavar="BPM", help="Lactate threshold heart rate (bpm).")
_MAX_HR = typer.Option(None, "--max-hr", metavar="BPM", help="Maximum heart rate (bpm).")
_TP = typer.Option(None, "--threshold-pace", metavar="PACE", help="e.g. 4:30/km, 1:45/100m or m/s.")
_PZ = typer.Option(
    None, "--power-zones", metavar="TOPS", help="Zone tops in % FTP, e.g. 55,75,90,105,120,150."
)
_HZ = typer.Option(None, "--hr-zones", metavar="TOPS", help="Zone tops in % LTHR, e.g. 81,89,93,99,102,106.")
_PCZ = typer.Option(
    None, "--pace-zones", metavar="TOPS", help="Zone tops in % threshold pace, e.g. 77.5,87.7,94.3,100."
)
_CZ = typer.Option(
    None, "--custom-zones", metavar="TOPS", help="Custom zone (CZn) tops in % FTP, e.g. 60,80,95,110."
)
_MMP = typer.Option(
    None, "--mmp", metavar="DUR=WATTS", help="Best power per duration for % MMP steps, e.g. 3m=320,20m=270."
)


def register(app: typer.Typer) -> None:
    wk = typer.Typer(
        name="workout", help="Check and convert Intervals.icu structured workouts.", no_args_is_help=True
    )

    @wk.command("check")
    def check(
        file: str = typer.Argument(..., metavar="FILE", help="Workout text file, or - for stdin."),
        sport: str = _SPORT,
        ftp: str | None = _FTP,
        lthr: str | None = _LTHR,
        max_hr: str | None = _MAX_HR,
        threshold_pace: str | None = _TP,
        power_zones: str | None = _PZ,
        hr_zones: str | None = _HZ,
        pace_zones: str | None = _PCZ,
        custom_zones: str | None = _CZ,
        mmp: list[str] | None = _MMP,
    ) -> None:
        """Validate workout text: prints the summary, or each error with its line and fix."""
        opts = ThresholdOptions(
            ftp, lthr, max_hr, threshold_pace, power_zones, hr_zones, pace_zones, custom_zones, mmp or []
        )
        try:
            p = _prepare(file, sport, opts)
            _report(p, file, warnings_to_stdout=True, action="fix it before uploading")
        except CliError as exc:
            raise _fail(exc) from None
        from icucoach.workouts.summary import summary, totals_line

        print(summary(p.workout, p.settings))
        print(f"{sport}: {totals_line(p.workout, p.settings)}")
        if p.settings is None:
            print(
                "no thresholds given: threshold checks skipped (use --ftp/--lthr/--max-hr/"
                "--threshold-pace or set INTERVALS_API_KEY)"
            )
        for note in p.notes:
            print(note)

    @wk.command("convert")
    def convert(
        file: str = typer.Argument(
            ..., metavar="FILE", help="Workout text, workout_doc JSON or .zwo file, or - for stdin."
        ),
        to: str = typer.Option(..., "--to", help="text | json | workout_doc | zwo | fit"),
        out_path: Path | None = typer.Option(None, "--out", help="Output file (required for fit)."),
        sport: str = _SPORT,
        name: str = typer.Option("Workout", "--name", help="Workout name for zwo/fit."),
        ftp: str | None = _FTP,
        lthr: str | None = _LTHR,
        max_hr: str | None = _MAX_HR,
        threshold_pace: str | None = _TP,
        power_zones: str | None = _PZ,
        hr_zones: str | None = _HZ,
        pace_zones: str | None = _PCZ,
        custom_zones: str | None = _CZ,
        mmp: list[str] | None = _MMP,
    ) -> None:
        """Convert a workout between formats; refuses (writing nothing) what `workout check` refuses."""
        fmt = to.lower()
        opts = ThresholdOptions(
            ftp, lthr, max_hr, threshold_pace, power_zones, hr_zones, pace_zones, custom_zones, mmp or []
        )
        try:
            if fmt not in FORMATS:
                raise CliError(f"--to {to!r} is not a format", f"use one of {', '.join(FORMATS)}", Exit.USAGE)
            if fmt == "fit" and out_path is None:
                raise CliError("--to fit writes a binary file", "give --out PATH", Exit.USAGE)
            p = _prepare(file, sport, opts, export=fmt)
            _report(p, file, warnings_to_stdout=False, action="nothing was written")
            for note in p.notes:
                sys.stderr.write(f"{note}\n")
            data = _render(p, fmt, sport, name)
            if out_path is None:
                sys.stdout.write(data.decode())
                return
            try:
                write_atomic(out_path, data)
            except OSError as exc:
                raise CliError(
                    f"cannot write {str(out_path)!r}: {exc.strerror}",
                    "choose a folder that exists and that you can write to",
                    Exit.OUTPUT,
                ) from None
            sys.stderr.write(f"wrote {out_path} ({len(data)} bytes)\n")
        except CliError as exc:
            raise _fail(exc) from None

    app.add_typer(wk, name="workout")
