"""``icucoach export``: the data mirror (a drop-in for Section 11's ``sync.py``), see ``docs/mirror.md``.

Exit codes come from the one table (``icucoach.exitcodes.Exit``): OK, USAGE (a bad option), CONFIG (no
credentials), AUTH (rejected), UPSTREAM, PARTIAL, LOCKED, OUTPUT (a target cannot be written), STORE,
INTERRUPTED (Ctrl-C: what was and was not written is said), INTERNAL. Failed runs leave the previous files
intact: the five files are replaced as one set or not at all.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from icucoach.commands._console import err, out, print_error, sync_progress
from icucoach.exitcodes import Exit
from icucoach.intervals import ClientSettings, ConfigurationError, IntervalsClient
from icucoach.mirror.exporter import ExportResult, export_async
from icucoach.mirror.files import FILES, OutputError, probe_folder
from icucoach.mirror.gitsync import GitError, commit_if_changed, prepare
from icucoach.mirror.options import (
    WATCH_INTERVAL_MINUTES,
    ExportOptions,
    OptionError,
    check_range,
    parse_week_start,
    parse_zone_preference,
)
from icucoach.mirror.schedule import ExportLock, LockHeld, watch
from icucoach.mirror.setup import mirror_config
from icucoach.store.db import Store
from icucoach.store.opening import StoreError


def _error(message: str, hint: str | None, code: int) -> int:
    """The one error message of a failed run (``error:`` then ``fix:``, on stderr); returns ``code``."""
    print_error(message, hint)
    return code


def _flag_for(path: Path, opts: ExportOptions) -> str:
    if opts.output is not None and path in (Path(opts.output), Path(opts.output).parent):
        return "--output"
    return "--out-dir"


def _interrupted(opts: ExportOptions, written: list[Path]) -> None:
    """Say what an interrupted run did and did not replace (the set is all-or-nothing, see mirror.files)."""
    if written:
        names = ", ".join(p.name for p in written)
        err.print(
            f"interrupted: {names} written (the whole new set); the archive snapshot and --git push of this "
            "run may be missing",
            highlight=False,
        )
    else:
        names = ", ".join(f"{k}.json" for k in FILES)
        err.print(
            f"interrupted: nothing was replaced ({names} in {opts.out_dir} are the previous versions); "
            "the archive database keeps what was synced so far",
            highlight=False,
        )


def _pinned_today(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise OptionError(f"--today must be a date as YYYY-MM-DD, got {text!r}") from None


def _run_once(opts: ExportOptions, overrides: dict, quiet: bool, git_repo: str | None, branch: str) -> int:
    """One export; every failure becomes one message and its exit code. Ctrl-C is reported here, then
    re-raised so ``--watch`` stops too."""
    written: list[Path] = []
    try:
        return _attempt(opts, overrides, quiet, git_repo, branch, written)
    except KeyboardInterrupt:
        _interrupted(opts, written)
        raise


def _attempt(
    opts: ExportOptions, overrides: dict, quiet: bool, git_repo: str | None, branch: str, written: list[Path]
) -> int:
    try:
        settings = ClientSettings.from_env(**overrides)
    except ConfigurationError as exc:
        return _error(exc.message, exc.hint, exc.exit_code)
    try:
        probe_folder(opts.out_dir)
        if opts.output is not None:
            probe_folder(Path(opts.output).parent)
        lock = ExportLock(opts.out_dir).acquire()
    except LockHeld as exc:
        return _error(
            str(exc), "Wait for that run to finish (it holds the lock only while it runs).", Exit.LOCKED
        )
    except OSError as exc:
        failure = exc if isinstance(exc, OutputError) else OutputError(opts.out_dir, exc.strerror or str(exc))
        return _error(*failure.describe(_flag_for(failure.path, opts)), Exit.OUTPUT)
    try:
        if git_repo:
            prepare(git_repo, opts.out_dir, branch)
        result = asyncio.run(_export(opts, settings, quiet, written))
        if git_repo and result.code in (Exit.OK, Exit.PARTIAL) and not opts.dry_run:
            pushed = commit_if_changed(
                opts.out_dir, branch, f"icucoach export {result.documents['latest']['metadata']['today']}"
            )
            result.message += (
                "; git: committed and pushed" if pushed else "; git: no content change, nothing committed"
            )
    except GitError as exc:
        return _error(
            f"git failed: {exc}", "Check the --git repository URL, its credentials and branch.", Exit.OUTPUT
        )
    except OutputError as exc:
        if written:  # the set is in place; what failed came after it (the archive/ snapshot)
            return _error(
                f"the export files were written, but {exc.path} could not be ({exc.reason})",
                f"Make {opts.out_dir / 'archive'} a folder you can write to, or pass --no-archive.",
                Exit.OUTPUT,
            )
        return _error(*exc.describe(_flag_for(exc.path, opts)), Exit.OUTPUT)
    except StoreError as exc:
        return _error(exc.message, exc.hint, exc.exit_code)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc)).splitlines()[0]
        return _error(
            f"the archive database failed during the export: {first}; no file was replaced",
            "Run the export again; if it persists, pass --store with another archive.",
            Exit.STORE,
        )
    finally:
        lock.release()
    if result.code not in (Exit.OK, Exit.PARTIAL):
        return _error(result.message, result.hint, result.code)
    if result.code == Exit.OK and quiet:
        return result.code
    out.print(("" if result.code == Exit.OK else f"[bold yellow]exit {result.code}:[/] ") + result.message)
    for f in result.failures[:20]:
        err.print(f"  [yellow]-[/] {f}")
    return result.code


async def _export(
    opts: ExportOptions, settings: ClientSettings, quiet: bool, written: list[Path]
) -> ExportResult:
    store = Store.open(opts.store_url, writer=True, note=lambda text: err.print(f"[dim]{text}[/]"))
    try:
        async with IntervalsClient(settings) as client:
            with sync_progress(disable=quiet) as progress:
                return await export_async(opts, client, store, progress=progress, written=written)
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
        debug: bool = typer.Option(
            False, "--debug", help="Verbose diagnostics; check every file against its schema before writing."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or success output (cron)."),
        watch_: bool = typer.Option(False, "--watch", help="Re-export on a schedule until interrupted."),
        interval: float = typer.Option(15.0, "--interval", help="Minutes between --watch runs (1 to 1440)."),
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
            90, "--archive-retention-days", help="Delete snapshots older than this many days (0 = keep all)."
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
            from icucoach.commands.setup import run_wizard

            run_wizard()
            return
        cfg = mirror_config()
        try:
            check_range("--interval", interval, *WATCH_INTERVAL_MINUTES)
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
                today=_pinned_today(today),
                store_url=store or cfg.get("store"),
                validate=debug,
            )
        except OptionError as exc:
            hint = "See `icucoach export --help` for what each flag accepts."
            raise typer.Exit(_error(str(exc), hint, Exit.USAGE)) from None
        overrides = {k: v for k, v in (("athlete_id", athlete_id), ("api_key", intervals_key)) if v}
        runs: list[int] = []
        in_run = [False]

        def run_once() -> int:
            in_run[0] = True
            code = _run_once(opts, overrides, quiet, git_repo, git_branch)
            in_run[0] = False
            runs.append(code)
            return code

        def report(n: int, code: int) -> None:
            if not quiet:
                out.print(f"[dim]run {n} finished with exit {code}; next in {interval:g} min[/]")

        try:
            if not watch_:
                raise typer.Exit(run_once())
            code = watch(run_once, interval * 60.0, count=watch_count, on_result=report)
        except KeyboardInterrupt:
            if runs and not in_run[0]:  # a run reports its own interruption
                err.print(
                    f"interrupted: --watch stopped between runs; the last run ({len(runs)}) finished with "
                    f"exit {runs[-1]} and nothing was in progress",
                    highlight=False,
                )
            raise typer.Exit(Exit.INTERRUPTED) from None
        raise typer.Exit(code)
