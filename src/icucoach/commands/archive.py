"""``icucoach archive``: the local activity archive (``icucoach.store``).

icucoach archive import                 # all history into the store, with progress (incremental later)
icucoach archive status                 # what the store holds
icucoach archive export --format csv|gpx|tcx --out PATH
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from icucoach.analytics.inputs import sport_family
from icucoach.commands._console import EXIT_CONFIG, err, fail, out, run_async, sync_progress
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.store.db import Store
from icucoach.store.formats import to_csv, to_gpx, to_tcx
from icucoach.store.sync import SyncOptions, fetch_details, sync_athlete


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
            "the store holds no athlete"
            if not ids
            else f"the store holds several athletes: {', '.join(ids)}",
            "Run `icucoach archive import` first, or pass --athlete-id.",
            EXIT_CONFIG,
        )
    return ids[0]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The local activity archive: import history, inspect, export CSV/GPX/TCX.", no_args_is_help=True
    )
    app.add_typer(group, name="archive")

    @group.command("import")
    def import_(
        store: str | None = typer.Option(None, "--store", help="Database URL or SQLite path."),
        history_days: int = typer.Option(1095, "--history-days", help="How far back to import."),
        streams_days: int = typer.Option(
            14, "--streams-days", help="Fetch streams (GPS, HR, power) this far back."
        ),
        full: bool = typer.Option(False, "--full", help="Re-read the whole history, not just what changed."),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
        today: str | None = typer.Option(None, "--today", hidden=True),
    ) -> None:
        """Import (or update) the athlete's activities, wellness, calendar, intervals and streams."""
        opts = SyncOptions(history_days=history_days, streams_days=streams_days)

        async def go():
            st = Store.open(store)
            try:
                async with IntervalsClient(ClientSettings.from_env()) as client:
                    with sync_progress(disable=quiet) as progress:
                        day = date.fromisoformat(today) if today else None
                        _, rep = await sync_athlete(
                            client,
                            st,
                            today=day,
                            options=opts,
                            progress=progress,
                            full=True if full else None,
                        )
                        det = await fetch_details(
                            client, st, rep.athlete_id, rep.today, options=opts, progress=progress
                        )
                    return rep, det, client.request_count, st.count_activities(rep.athlete_id)
            finally:
                st.close()

        rep, det, requests, total = run_async(go)
        if not quiet:
            out.print(
                f"{rep.athlete_id}: {total} activities stored ({rep.new} new, {rep.changed} changed, "
                f"{rep.deleted} deleted); {len(rep.duplicates)} duplicate(s) linked; "
                f"{det.fetched_intervals} intervals and {det.fetched_streams} streams fetched; "
                f"{requests} requests"
            )
        for f in det.failures:
            err.print(f"  [yellow]-[/] {f}")
        raise typer.Exit(4 if det.failures else 0)

    @group.command("status")
    def status(
        store: str | None = typer.Option(None, "--store"),
        athlete_id: str | None = typer.Option(None, "--athlete-id"),
    ) -> None:
        """What the archive holds."""
        st = Store.open(store)
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
        out_path: Path = typer.Option(..., "--out", help="CSV file, or a directory for GPX/TCX files."),
        store: str | None = typer.Option(None, "--store"),
        athlete_id: str | None = typer.Option(None, "--athlete-id"),
        since: str | None = typer.Option(None, "--from", help="First local date (YYYY-MM-DD)."),
        until: str | None = typer.Option(None, "--to", help="Last local date (YYYY-MM-DD)."),
    ) -> None:
        """Export archived activities: CSV (all), GPX/TCX (activities whose streams are stored)."""
        if fmt not in ("csv", "gpx", "tcx"):
            fail(f"unknown format {fmt!r}", "Use --format csv, gpx or tcx.", EXIT_CONFIG)
        st = Store.open(store)
        aid = _athlete_id(st, athlete_id)
        if fmt == "csv":
            out_path.parent.mkdir(parents=True, exist_ok=True)
            rows = st.activity_rows(aid, since, until)
            out_path.write_text(to_csv(rows), "utf-8")
            out.print(f"wrote {len(rows)} activities to {out_path}")
            return
        out_path.mkdir(parents=True, exist_ok=True)
        written = skipped = 0
        for a in st.activities(aid, since, until):
            held = st.streams(str(a["id"]))
            if held is None:
                skipped += 1
                continue
            text = to_gpx(a, held[0]) if fmt == "gpx" else to_tcx(a, held[0], sport_family(a.get("type")))
            if text is None:
                skipped += 1
                continue
            (out_path / f"{a['start_date_local'][:10]}_{a['id']}.{fmt}").write_text(text, "utf-8")
            written += 1
        out.print(
            f"wrote {written} {fmt.upper()} file(s) to {out_path}; {skipped} activit(ies) without stored "
            "streams/GPS skipped (import streams with `icucoach archive import --streams-days N`)"
        )
