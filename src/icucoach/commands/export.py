"""``icucoach export``: the data mirror (a drop-in for Section 11's ``sync.py``), see ``docs/mirror.md``.

Exit codes: 0 success, 2 configuration error, 3 upstream (Intervals.icu) failure, 4 partial export,
5 another export holds the lock, 1 anything unexpected. Failed runs leave the previous files intact.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path

import typer

from icucoach.commands._console import err, out, sync_progress
from icucoach.intervals import ClientSettings, ConfigurationError, IntervalsClient
from icucoach.mirror.exporter import ExportResult, export_async
from icucoach.mirror.gitsync import GitError, commit_if_changed, prepare
from icucoach.mirror.options import (
    EXIT_CONFIG,
    EXIT_ERROR,
    EXIT_LOCKED,
    ExportOptions,
    OptionError,
    parse_week_start,
    parse_zone_preference,
)
from icucoach.mirror.schedule import ExportLock, LockHeld, watch
from icucoach.mirror.setup import mirror_config, run_setup
from icucoach.store.db import Store


def _ask(prompt: str, default: str | None, secret: bool) -> str:
    return typer.prompt(
        prompt, default=default or ("" if not secret else None), hide_input=secret, show_default=not secret
    )


def _run_once(opts: ExportOptions, overrides: dict, quiet: bool, git_repo: str | None, branch: str) -> int:
    try:
        settings = ClientSettings.from_env(**overrides)
    except ConfigurationError as exc:
        err.print(f"[bold red]configuration error:[/] {exc.message}")
        if exc.hint:
            err.print(f"[yellow]fix:[/] {exc.hint}")
        return EXIT_CONFIG
    try:
        lock = ExportLock(opts.out_dir).acquire()
    except LockHeld as exc:
        err.print(f"[yellow]skipped:[/] {exc}")
        return EXIT_LOCKED
    try:
        if git_repo:
            prepare(git_repo, opts.out_dir, branch)
        result = asyncio.run(_export(opts, settings, quiet))
        if git_repo and result.code in (0, 4) and not opts.dry_run:
            pushed = commit_if_changed(
                opts.out_dir, branch, f"icucoach export {result.documents['latest']['metadata']['today']}"
            )
            result.message += (
                "; git: committed and pushed" if pushed else "; git: no content change, nothing committed"
            )
    except GitError as exc:
        err.print(f"[bold red]git failed:[/] {exc}")
        return EXIT_ERROR
    finally:
        lock.release()
    if result.code in (0,) and quiet:
        return result.code
    (out if result.code in (0, 4) else err).print(
        ("" if result.code == 0 else f"[bold yellow]exit {result.code}:[/] ") + result.message
    )
    for f in result.failures[:20]:
        err.print(f"  [yellow]-[/] {f}")
    return result.code


async def _export(opts: ExportOptions, settings: ClientSettings, quiet: bool) -> ExportResult:
    store = Store.open(opts.store_url)
    try:
        async with IntervalsClient(settings) as client:
            with sync_progress(disable=quiet) as progress:
                return await export_async(opts, client, store, progress=progress)
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        setup: bool = typer.Option(
            False, "--setup", help="Run the setup wizard (credentials, week start, zones)."
        ),
        days: int = typer.Option(
            7, "--days", help="Display window for wellness rows and summaries (metric windows are fixed)."
        ),
        output: Path | None = typer.Option(
            None, "--output", help="Write latest.json to this file (Section 11 local mode)."
        ),
        out_dir: Path | None = typer.Option(
            None, "--out-dir", help="Directory for all files (default: current directory)."
        ),
        week_start: str | None = typer.Option(None, "--week-start", help="Training week start: mon..sun."),
        zone_preference: str | None = typer.Option(
            None, "--zone-preference", help="Zone basis per sport, e.g. run:hr,cycling:power."
        ),
        privacy: str | None = typer.Option(None, "--privacy", help="none, standard (default) or strict."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Sync and build, but write no files."),
        debug: bool = typer.Option(False, "--debug", help="Verbose diagnostics."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or success output (cron)."),
        watch_: bool = typer.Option(False, "--watch", help="Re-export on a schedule until interrupted."),
        interval: float = typer.Option(15.0, "--interval", help="Minutes between --watch runs."),
        watch_count: int | None = typer.Option(None, "--watch-count", hidden=True),
        git_repo: str | None = typer.Option(
            None, "--git", help="Commit and push to this git repository when content changed."
        ),
        git_branch: str = typer.Option("main", "--git-branch", help="Branch for --git."),
        athlete_id: str | None = typer.Option(
            None, "--athlete-id", help="Athlete id (overrides config/env)."
        ),
        intervals_key: str | None = typer.Option(
            None, "--intervals-key", help="API key (overrides config/env)."
        ),
        store: str | None = typer.Option(None, "--store", help="Archive database URL or SQLite path."),
        archive: bool = typer.Option(
            True, "--archive/--no-archive", help="Write archive/YYYY-MM/ snapshots."
        ),
        archive_retention_days: int = typer.Option(
            90, "--archive-retention-days", help="Delete snapshots older than this (0 = keep)."
        ),
        lookback_days: int = typer.Option(
            14, "--lookback-days", help="Re-read window for late or edited activities."
        ),
        today: str | None = typer.Option(
            None, "--today", hidden=True, help="Pin the athlete's today (tests)."
        ),
    ) -> None:
        """Export latest/history/intervals/routes/ftp_history JSON for an AI coach (Section 11 compatible)."""
        if debug:
            logging.basicConfig(level=logging.DEBUG)
        if setup:
            try:
                path = run_setup(_ask)
            except ValueError as exc:
                err.print(f"[bold red]setup failed:[/] {exc}")
                raise typer.Exit(EXIT_CONFIG) from None
            out.print(f"saved to {path} (mode 0600)")
            return
        cfg = mirror_config()
        try:
            opts = ExportOptions(
                out_dir=out_dir or Path(cfg.get("out_dir") or "."),
                output=output,
                days=days,
                week_start=parse_week_start(week_start or cfg.get("week_start")),
                zone_preference=parse_zone_preference(zone_preference or cfg.get("zone_preference")),
                privacy=privacy or cfg.get("privacy") or "standard",
                dry_run=dry_run,
                archive=archive,
                archive_retention_days=archive_retention_days,
                lookback_days=lookback_days,
                today=date.fromisoformat(today) if today else None,
                store_url=store or cfg.get("store"),
            )
        except (OptionError, ValueError) as exc:
            err.print(f"[bold red]invalid option:[/] {exc}")
            raise typer.Exit(EXIT_CONFIG) from None
        overrides = {k: v for k, v in (("athlete_id", athlete_id), ("api_key", intervals_key)) if v}
        if not watch_:
            raise typer.Exit(_run_once(opts, overrides, quiet, git_repo, git_branch))

        def report(n: int, code: int) -> None:
            if not quiet:
                out.print(f"[dim]run {n} finished with exit {code}; next in {interval:g} min[/]")

        try:
            code = watch(
                lambda: _run_once(opts, overrides, quiet, git_repo, git_branch),
                interval * 60.0,
                count=watch_count,
                on_result=report,
            )
        except KeyboardInterrupt:
            code = 0
        raise typer.Exit(code)
