"""``icucoach coach review``: the daily triage of the API key owner's squad, as a terminal table, JSON or a
standalone HTML file (``icucoach.coach.report``), for a morning look or a cron job that mails it.

Credentials are resolved like every command (``INTERVALS_API_KEY`` / config file, ``INTERVALS_BASE_URL``
for the sandbox). Exit codes come from ``icucoach.exitcodes.Exit``: CONFIG (no credentials, or a key whose
owner has no shared athletes), AUTH / UPSTREAM (the client error's own), USAGE (a bad option), OUTPUT
(``--out`` cannot be written; a previous file is left as it was), PARTIAL (the review was written but some
athletes could not be loaded: each is a row with its error, and listed on stderr).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from icucoach.commands._console import err, fail, fail_from, out, run_async
from icucoach.exitcodes import Exit

if TYPE_CHECKING:
    from icucoach.coach.squad import SquadView
    from icucoach.intervals import ClientSettings

FORMATS = ("text", "json", "html")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The coach console from the terminal: the daily squad review.", no_args_is_help=True
    )
    app.add_typer(group, name="coach")
    group.command("review")(review)


def review(
    day: str | None = typer.Option(
        None, "--date", help="The day to review as YYYY-MM-DD (default: each athlete's today)."
    ),
    fmt: str = typer.Option("text", "--format", help="text (a table), json or html (a standalone file)."),
    out_file: Path | None = typer.Option(
        None, "--out", help="Write the review to this file instead of standard output."
    ),
) -> None:
    """The daily triage of your squad, sorted by who needs attention first.

    Every athlete who shares their Intervals.icu data with the API key's owner gets one row: readiness, form,
    CTL and its 4-week trend, ACWR, the last 7 days as coloured chips, wellness alarms, the next key session
    and race. The rules behind each colour are in docs/coach.md.
    """
    from icucoach.intervals import ClientSettings, ConfigurationError

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}", "Use --format text, json or html.")
    if out_file is not None and fmt == "text":
        fail("--out writes --format json or html", "Add --format html (or json) to write a file.")
    try:
        pinned = date.fromisoformat(day) if day else None
    except ValueError:
        fail(f"--date must be a date as YYYY-MM-DD, got {day!r}", "Write the date as e.g. 2026-11-23.")
    try:
        settings = ClientSettings.from_env()
    except ConfigurationError as exc:
        fail_from(exc)
    if out_file is not None:
        _probe(out_file)
    view = run_async(lambda: _load(settings, pinned))
    if not view.rows:
        fail(
            "no athlete shares their data with this API key's owner",
            "Use the coach's own API key (Settings → Developer in Intervals.icu); athletes share with the "
            "coach from their Intervals.icu settings.",
            Exit.CONFIG,
        )
    text = _render(view, fmt)
    if out_file is not None and text is not None:
        _write(out_file, text)
    elif text is not None:
        sys.stdout.write(text)
    failed = [r for r in view.rows if r.error is not None]
    if failed:
        for r in failed:
            err.print(f"not loaded: {r.name or r.athlete_id} ({r.athlete_id}): {r.error}", highlight=False)
        if len(failed) == len(view.rows):
            fail(
                "no athlete of the squad could be loaded",
                "Check that the athletes still share with you (icucoach doctor --athlete ID).",
                Exit.UPSTREAM,
            )
        raise typer.Exit(int(Exit.PARTIAL))


async def _load(settings: ClientSettings, today: date | None) -> SquadView:
    from icucoach.coach.squad import load_squad, roster_sources
    from icucoach.intervals import IntervalsClient

    async with IntervalsClient(settings) as client:
        return await load_squad(await roster_sources(client), today=today)


def _render(view: SquadView, fmt: str) -> str | None:
    """The review as text to write, or None for the terminal table (printed here with Rich)."""
    from icucoach.coach import report

    if fmt == "json":
        return json.dumps(report.review_json(view), indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return report.render_html(view)
    out.print(report.text_table(view))
    out.print(report.legend_text())
    return None


def _write(path: Path, text: str) -> None:
    """Replace ``path`` whole or not at all (``mirror.files.write_atomic``: temporary file, then rename)."""
    from icucoach.mirror.files import OutputError, write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        failure = exc if isinstance(exc, OutputError) else OutputError(path, exc.strerror or str(exc))
        fail(*failure.describe("--out"), Exit.OUTPUT)


def _probe(path: Path) -> None:
    """Fail on an unwritable ``--out`` before the squad is read, not after."""
    from icucoach.mirror.files import OutputError, probe_folder

    try:
        probe_folder(path.parent)
    except OutputError as exc:
        fail(*exc.describe("--out"), Exit.OUTPUT)
