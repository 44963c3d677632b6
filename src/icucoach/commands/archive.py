"""``icucoach archive``: the local activity archive (``icucoach.store``).

icucoach archive import                 # all history into the store, with progress (incremental later)
icucoach archive status                 # what the store holds (read-only: creates nothing)
icucoach archive export --format csv    # activities.csv here; --out PATH elsewhere; gpx/tcx: a folder

Exit codes from the one table (``icucoach.exitcodes.Exit``); every failure is one message with its fix.
An export never replaces an existing file with an empty result, and a CSV is replaced atomically.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from icucoach.analytics.inputs import sport_family
from icucoach.commands._console import err, fail, out, sync_progress
from icucoach.exitcodes import Exit
from icucoach.intervals import ClientSettings, IntervalsClient, IntervalsError
from icucoach.mirror.files import OutputError, probe_folder, write_atomic
from icucoach.mirror.options import OptionError, check_range
from icucoach.store.db import Store
from icucoach.store.formats import to_csv, to_gpx, to_tcx
from icucoach.store.opening import StoreError
from icucoach.store.sync import SyncOptions, fetch_details, sync_athlete

DEFAULT_OUT = {"csv": Path("activities.csv"), "gpx": Path("gpx"), "tcx": Path("tcx")}


def _usage(exc: OptionError, command: str) -> NoReturn:
    fail(str(exc), f"See `icucoach archive {command} --help` for what each flag accepts.", Exit.USAGE)


@contextmanager
def _store_errors() -> Iterator[None]:
    """Store and output failures as one message with its exit code (never a traceback or SQL)."""
    try:
        yield
    except StoreError as exc:
        fail(exc.message, exc.hint, exc.exit_code)
    except OutputError as exc:
        fail(*exc.describe("--out"), Exit.OUTPUT)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc)).splitlines()[0]
        fail(
            f"the archive database failed: {first}",
            "Run the command again; if it persists, pass --store with another archive.",
            Exit.STORE,
        )


def _athlete_id(store: Store, given: str | None) -> str:
    if given:
        return given
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from icucoach.store.models import StateRow

    with Session(store.engine) as s:
        ids = sorted(set(s.scalars(select(StateRow.athlete_id))))
    if len(ids) != 1:
        fail(
            f"the archive {store.url} holds no athlete yet"
            if not ids
            else f"the archive holds several athletes: {', '.join(ids)}",
            "Run `icucoach archive import` first." if not ids else "Pass --athlete-id with one of them.",
            Exit.NOT_FOUND if not ids else Exit.USAGE,
        )
    return ids[0]


def _day(flag: str, text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise OptionError(f"{flag} must be a date as YYYY-MM-DD (e.g. 2026-01-31), got {text!r}") from None


def _export_csv(st: Store, aid: str, out_path: Path, since: str | None, until: str | None) -> None:
    if out_path.is_dir():
        fail(
            f"--out {out_path} is a folder, but a CSV export writes one file",
            f"Pass --out with a file name, e.g. {out_path / 'activities.csv'}.",
            Exit.OUTPUT,
        )
    rows = st.activity_rows(aid, since, until)
    if not rows and out_path.exists():
        span = f"between {since or 'the first day'} and {until or 'today'}"
        err.print(
            f"[yellow]warning:[/] no activities {span}; {out_path} was left as it was (not replaced by an "
            "empty file)",
            highlight=False,
        )
        return
    write_atomic(out_path, to_csv(rows))
    out.print(f"wrote {len(rows)} activities to {out_path}", highlight=False)


def _export_tracks(
    st: Store, aid: str, fmt: str, out_path: Path, since: str | None, until: str | None
) -> None:
    if out_path.exists() and not out_path.is_dir():
        fail(
            f"--out {out_path} is a file; a {fmt.upper()} export writes one file per activity to a folder",
            f"Pass --out with a folder, e.g. {out_path.with_suffix('')}/.",
            Exit.OUTPUT,
        )
    probe_folder(out_path)
    written = skipped = 0
    try:
        for a in st.activities(aid, since, until):
            held = st.streams(str(a["id"]))
            if held is None:
                skipped += 1
                continue
            text = to_gpx(a, held[0]) if fmt == "gpx" else to_tcx(a, held[0], sport_family(a.get("type")))
            if text is None:
                skipped += 1
                continue
            write_atomic(out_path / f"{a['start_date_local'][:10]}_{a['id']}.{fmt}", text)
            written += 1
    except KeyboardInterrupt:
        err.print(
            f"interrupted: {written} {fmt.upper()} file(s) written to {out_path} (each whole); the rest were "
            "not written",
            highlight=False,
        )
        raise typer.Exit(Exit.INTERRUPTED) from None
    out.print(
        f"wrote {written} {fmt.upper()} file(s) to {out_path}; {skipped} activit(ies) without stored "
        "streams/GPS skipped (import streams with `icucoach archive import --streams-days N`)",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The local activity archive: import history, inspect, export CSV/GPX/TCX.", no_args_is_help=True
    )
    app.add_typer(group, name="archive")

    @group.command("import")
    def import_(
        store: str | None = typer.Option(None, "--store", help="Database URL or SQLite path."),
        history_days: int = typer.Option(1095, "--history-days", help="How far back to import (days, ≥ 1)."),
        streams_days: int = typer.Option(
            14, "--streams-days", help="Fetch streams (GPS, HR, power) this far back (days, ≥ 0)."
        ),
        full: bool = typer.Option(False, "--full", help="Re-read the whole history, not just what changed."),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
        today: str | None = typer.Option(None, "--today", hidden=True),
    ) -> None:
        """Import (or update) the athlete's activities, wellness, calendar, intervals and streams."""
        try:
            check_range("--history-days", history_days, 1, 36500)
            check_range("--streams-days", streams_days, 0, 36500)
            pinned = _day("--today", today)
            day = date.fromisoformat(pinned) if pinned else None
        except OptionError as exc:
            _usage(exc, "import")
        opts = SyncOptions(history_days=history_days, streams_days=streams_days)
        try:
            settings = ClientSettings.from_env()
        except IntervalsError as exc:
            fail(exc.message, exc.hint, exc.exit_code)
        with _store_errors():
            st = Store.open(store, writer=True, note=lambda text: err.print(f"[dim]{text}[/]"))
        before = st.count_activities_all()

        async def go():
            async with IntervalsClient(settings) as client:
                with sync_progress(disable=quiet) as progress:
                    _, rep = await sync_athlete(
                        client, st, today=day, options=opts, progress=progress, full=True if full else None
                    )
                    det = await fetch_details(
                        client, st, rep.athlete_id, rep.today, options=opts, progress=progress
                    )
                return rep, det, client.request_count, st.count_activities(rep.athlete_id)

        try:
            with _store_errors():
                rep, det, requests, total = asyncio.run(go())
        except KeyboardInterrupt:
            now = st.count_activities_all()
            err.print(
                f"interrupted: the archive {st.url} keeps what was synced so far ({now} activities, "
                f"{now - before:+d}); run `icucoach archive import` again to finish",
                highlight=False,
            )
            raise typer.Exit(Exit.INTERRUPTED) from None
        except IntervalsError as exc:
            fail(exc.message, exc.hint, exc.exit_code)
        finally:
            st.close()
        if not quiet:
            out.print(
                f"{rep.athlete_id}: {total} activities stored ({rep.new} new, {rep.changed} changed, "
                f"{rep.deleted} deleted); {len(rep.duplicates)} duplicate(s) linked; "
                f"{det.fetched_intervals} intervals and {det.fetched_streams} streams fetched; "
                f"{requests} requests"
            )
        for f in det.failures:
            err.print(f"  [yellow]-[/] {f}")
        raise typer.Exit(Exit.PARTIAL if det.failures else Exit.OK)

    @group.command("status")
    def status(
        store: str | None = typer.Option(None, "--store"),
        athlete_id: str | None = typer.Option(None, "--athlete-id"),
    ) -> None:
        """What the archive holds (read-only: a missing archive is reported, never created)."""
        with _store_errors():
            st = Store.open(store, create=False)
            aid = _athlete_id(st, athlete_id)
            rows = st.activity_rows(aid)
            state = st.get_state(aid, "sync") or {}
            out.print(
                f"{aid}: {len(rows)} activities ({sum(r['is_stub'] for r in rows)} Strava stubs, "
                f"{sum(1 for r in rows if r['duplicate_of'])} duplicates linked), "
                f"{len(st.wellness(aid))} wellness days, {len(st.events(aid))} events; "
                f"synced through {state.get('synced_through')}; store {st.url}"
            )

    @group.command("export")
    def export(
        fmt: str = typer.Option("csv", "--format", help="csv, gpx or tcx."),
        out_path: Path | None = typer.Option(
            None,
            "--out",
            help="CSV file (default activities.csv), or a folder for GPX/TCX files (default gpx/ or tcx/).",
        ),
        store: str | None = typer.Option(None, "--store"),
        athlete_id: str | None = typer.Option(None, "--athlete-id"),
        since: str | None = typer.Option(None, "--from", help="First local date (YYYY-MM-DD)."),
        until: str | None = typer.Option(None, "--to", help="Last local date (YYYY-MM-DD)."),
    ) -> None:
        """Export archived activities: CSV (all), GPX/TCX (activities whose streams are stored)."""
        try:
            if fmt not in DEFAULT_OUT:
                raise OptionError(f"--format must be csv, gpx or tcx, got {fmt!r}")
            first, last = _day("--from", since), _day("--to", until)
            if first and last and first > last:
                raise OptionError(f"--from {first} is after --to {last}")
        except OptionError as exc:
            _usage(exc, "export")
        target = out_path or DEFAULT_OUT[fmt]
        with _store_errors():
            st = Store.open(store, create=False)
            aid = _athlete_id(st, athlete_id)
            if fmt != "csv":
                _export_tracks(st, aid, fmt, target, first, last)
                return
            try:
                _export_csv(st, aid, target, first, last)
            except KeyboardInterrupt:  # the CSV is replaced in one atomic rename, so it is old or new
                err.print(f"interrupted: {target} was not replaced", highlight=False)
                raise typer.Exit(Exit.INTERRUPTED) from None
