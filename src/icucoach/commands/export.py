"""``icucoach export``: the data mirror (a drop-in for Section 11's ``sync.py``), see ``docs/mirror.md``.

Exit codes come from the one table (``icucoach.exitcodes.Exit``): OK, USAGE (a bad option), CONFIG (no
credentials), AUTH (rejected), UPSTREAM, PARTIAL, LOCKED, OUTPUT (a target cannot be written), STORE,
INTERRUPTED (Ctrl-C: what was and was not written is said), INTERNAL. Failed runs leave the previous files
intact: the five files are replaced as one set or not at all.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from icucoach.commands.export_options import OPTIONS
from icucoach.exitcodes import Exit
from icucoach.intervals import ClientSettings, ConfigurationError, IntervalsClient
from icucoach.mirror.exporter import ExportResult, export_async
from icucoach.mirror.files import FILES, OutputError, probe_folder
from icucoach.mirror.options import (
    WATCH_INTERVAL_MINUTES,
    ExportOptions,
    OptionError,
    check_range,
    parse_week_start,
    parse_zone_preference,
)
from icucoach.mirror.replay import Inputs, archive_failure, drop_ticket, save_ticket, store_identity
from icucoach.mirror.replay_record import draft_ticket, start_journal
from icucoach.mirror.schedule import ExportLock, LockHeld, watch
from icucoach.mirror.setup import mirror_config
from icucoach.store.db import Store
from icucoach.store.opening import StoreError


def _console() -> ModuleType:
    """The Rich consoles, imported only when something is printed (a quiet run that succeeds prints
    nothing, and Rich costs more to import than such a run takes otherwise)."""
    from icucoach.commands import _console as console

    return console


def _error(message: str, hint: str | None, code: int) -> int:
    """The one error message of a failed run (``error:`` then ``fix:``, on stderr); returns ``code``."""
    _console().print_error(message, hint)
    return code


def _flag_for(path: Path, opts: ExportOptions) -> str:
    if opts.output is not None and path in (Path(opts.output), Path(opts.output).parent):
        return "--output"
    return "--out-dir"


def _interrupted(opts: ExportOptions, written: list[Path]) -> None:
    """Say what an interrupted run did and did not replace (the set is all-or-nothing, see mirror.files)."""
    if written:
        names = ", ".join(p.name for p in written)
        _console().err.print(
            f"interrupted: {names} written (the whole new set); the archive snapshot and --git push of this "
            "run may be missing",
            highlight=False,
        )
    else:
        names = ", ".join(f"{k}.json" for k in FILES)
        _console().err.print(
            f"interrupted: nothing was replaced ({names} in {opts.out_dir} are the previous versions); "
            "the archive database keeps what was synced so far",
            highlight=False,
        )


def _pinned_today(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise OptionError(f"--today must be a date as YYYY-MM-DD, got {text!r}") from None


def _gitsync() -> ModuleType:
    from icucoach.mirror import gitsync

    return gitsync


def _run_once(
    opts: ExportOptions,
    overrides: dict,
    quiet: bool,
    git_repo: str | None,
    branch: str,
    inputs: Inputs | None = None,
) -> int:
    """One export; every failure becomes one message and its exit code. Ctrl-C is reported here, then
    re-raised so ``--watch`` stops too. With ``inputs`` the run leaves a replay ticket for the next."""
    written: list[Path] = []
    try:
        return _attempt(opts, overrides, quiet, git_repo, branch, written, inputs)
    except KeyboardInterrupt:
        _interrupted(opts, written)
        raise


def _attempt(
    opts: ExportOptions,
    overrides: dict,
    quiet: bool,
    git_repo: str | None,
    branch: str,
    written: list[Path],
    inputs: Inputs | None,
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
    git = _gitsync() if git_repo else None
    git_error: tuple[type[Exception], ...] = (git.GitError,) if git else ()
    try:
        if git:
            git.prepare(git_repo, opts.out_dir, branch)
        result, ticket = asyncio.run(_export(opts, settings, quiet, written, None if git else inputs))
        if result.code == Exit.OK and not opts.dry_run:  # a failed run leaves the folder as it was
            _leave_ticket(opts, ticket)
        if git and result.code in (Exit.OK, Exit.PARTIAL) and not opts.dry_run:
            pushed = git.commit_if_changed(
                opts.out_dir, branch, f"icucoach export {result.documents['latest']['metadata']['today']}"
            )
            result.message += (
                "; git: committed and pushed" if pushed else "; git: no content change, nothing committed"
            )
    except git_error as exc:
        return _error(
            f"git failed: {exc}", "Check the --git repository URL, its credentials and branch.", Exit.OUTPUT
        )
    except OutputError as exc:
        if written:  # the set is in place; what failed came after it (the archive/ snapshot)
            return _error(*archive_failure(exc.path, exc.reason, opts.out_dir), Exit.OUTPUT)
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
    console = _console()
    console.out.print(
        ("" if result.code == Exit.OK else f"[bold yellow]exit {result.code}:[/] ") + result.message
    )
    for f in result.failures[:20]:
        console.err.print(f"  [yellow]-[/] {f}")
    return result.code


async def _export(
    opts: ExportOptions, settings: ClientSettings, quiet: bool, written: list[Path], inputs: Inputs | None
) -> tuple[ExportResult, dict | None]:
    """The run, and the replay ticket for the next one (None: leave none)."""
    store = Store.open(opts.store_url, writer=True, note=lambda text: _console().err.print(f"[dim]{text}[/]"))
    try:
        async with IntervalsClient(settings) as client:
            journal = start_journal(client)
            with nullcontext(None) if quiet else _console().sync_progress() as progress:
                result = await export_async(opts, client, store, progress=progress, written=written)
            ticket = None
            if inputs is not None:
                ticket = await draft_ticket(inputs, opts, client, store, result, journal)
            return result, ticket
    finally:
        store.close()


def _leave_ticket(opts: ExportOptions, ticket: dict | None) -> None:
    """Save the replay ticket with the store file's identity after this run's last write (the store is
    closed by now), or remove a previous one (which could not be replayed anyway: the files and the store
    changed). A ticket that cannot be written only costs the next run its replay."""
    try:
        identity = store_identity(Path(ticket["store"]["path"])) if ticket else None
        if ticket is None or identity is None:
            drop_ticket(opts.out_dir)
            return
        ticket["store"]["identity"] = identity
        save_ticket(opts.out_dir, ticket)
    except OSError:
        pass


def run(values: dict[str, Any]) -> int:
    """Run ``icucoach export`` with the flags' values (by parameter name, see ``export_options``); returns
    the exit code. Imports neither Typer nor Rich unless something is to be printed."""
    v = SimpleNamespace(**values)
    if v.debug:
        logging.basicConfig(level=logging.DEBUG)
    if v.setup:
        from icucoach.commands.setup import run_wizard

        run_wizard()
        return Exit.OK
    cfg = mirror_config()
    try:
        check_range("--interval", v.interval, *WATCH_INTERVAL_MINUTES)
        opts = ExportOptions(
            out_dir=v.out_dir or Path(cfg.get("out_dir") or "."),
            output=v.output,
            days=v.days,
            week_start=parse_week_start(v.week_start or cfg.get("week_start")),
            zone_preference=parse_zone_preference(v.zone_preference or cfg.get("zone_preference")),
            privacy=v.privacy or cfg.get("privacy") or "standard",
            dry_run=v.dry_run,
            archive=v.archive,
            archive_retention_days=v.archive_retention_days,
            lookback_days=v.lookback_days,
            today=_pinned_today(v.today),
            store_url=v.store or cfg.get("store"),
            validate=v.debug,
        )
    except OptionError as exc:
        hint = "See `icucoach export --help` for what each flag accepts."
        return _error(str(exc), hint, Exit.USAGE)
    overrides = {k: x for k, x in (("athlete_id", v.athlete_id), ("api_key", v.intervals_key)) if x}
    inputs = Inputs(values)
    runs: list[int] = []
    in_run = [False]

    def run_once() -> int:
        in_run[0] = True
        code = _run_once(opts, overrides, v.quiet, v.git_repo, v.git_branch, None if v.watch_ else inputs)
        in_run[0] = False
        runs.append(code)
        return code

    def report(n: int, code: int) -> None:
        if not v.quiet:
            _console().out.print(f"[dim]run {n} finished with exit {code}; next in {v.interval:g} min[/]")

    try:
        if not v.watch_:
            return run_once()
        return watch(run_once, v.interval * 60.0, count=v.watch_count, on_result=report)
    except KeyboardInterrupt:
        if runs and not in_run[0]:  # a run reports its own interruption
            _console().err.print(
                f"interrupted: --watch stopped between runs; the last run ({len(runs)}) finished with "
                f"exit {runs[-1]} and nothing was in progress",
                highlight=False,
            )
        return Exit.INTERRUPTED


def register(app: Any) -> None:
    """Add the ``export`` command to a Typer app; its parameters are built from ``export_options.OPTIONS``."""
    import typer

    def export(**values: Any) -> None:
        """Export latest/history/intervals/routes/ftp_history JSON for an AI coach (Section 11 compatible)."""
        raise typer.Exit(run(values))

    export.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                o.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(o.default, *o.flags, help=o.help or None, hidden=o.hidden),
                annotation=o.kind,
            )
            for o in OPTIONS
        ]
    )
    app.command("export")(export)
