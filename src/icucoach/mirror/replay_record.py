"""Writing the replay ticket at the end of a complete export (what the ticket is and why: ``replay``).

A ticket is left only when the next run with nothing new would reuse the files by setting the time in
their text: the run wrote its memo, no detail failed, and the previous ftp_history.json is at its fixed
point (``exporter.reusable``). Its questions are the four requests a repeat's sync makes. When this run's
own sync was exactly that (an incremental sync over the re-read window that made four requests), its
answers are taken as they are; otherwise (a first or full sync, a retried request) the same incremental
sync runs once more and the ticket is left only if it changed nothing in the store.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icucoach import __version__
from icucoach.intervals import IntervalsClient
from icucoach.mirror.exporter import ExportResult, reusable
from icucoach.mirror.files import FILES
from icucoach.mirror.options import ExportOptions
from icucoach.mirror.replay import FORMAT, Inputs, auth_digest
from icucoach.store.db import Store
from icucoach.store.opening import sqlite_file
from icucoach.store.sync import SyncOptions, SyncReport, sync_athlete

Json = dict[str, Any]
SYNC_REQUESTS = 4  # athlete, activities, wellness, calendar


def start_journal(client: IntervalsClient) -> list[tuple[str, str]]:
    journal: list[tuple[str, str]] = []
    client.transport.journal = journal
    return journal


def _is_repeat_sync(report: SyncReport, opts: ExportOptions) -> bool:
    window = max(
        report.today - timedelta(days=opts.lookback_days), report.today - timedelta(opts.history_days)
    )
    return not report.full and report.oldest == window and report.requests == SYNC_REQUESTS


async def _questions(
    opts: ExportOptions, client: IntervalsClient, store: Store, result: ExportResult, journal: list
) -> list[tuple[str, str]] | None:
    report = result.sync
    assert report is not None
    if _is_repeat_sync(report, opts):
        return _asked(journal)
    aid = report.athlete_id
    before = store.content_digest(aid)
    journal.clear()
    sync_opts = SyncOptions(history_days=opts.history_days, lookback_days=opts.lookback_days)
    _, again = await sync_athlete(
        client, store, athlete_id=opts.athlete_id, today=opts.today, options=sync_opts
    )
    if not _is_repeat_sync(again, opts) or store.content_digest(aid) != before:
        return None
    return _asked(journal)


def _asked(journal: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The sync's four questions, or None when the journal does not hold four distinct ones."""
    asked = list(journal[:SYNC_REQUESTS])
    return asked if len({url for url, _ in asked}) == SYNC_REQUESTS else None


async def draft_ticket(
    inputs: Inputs,
    opts: ExportOptions,
    client: IntervalsClient,
    store: Store,
    result: ExportResult,
    journal: list[tuple[str, str]],
) -> Json | None:
    """The ticket for the next run, without the store's identity (taken once the store is closed); None
    when the next run could not be replayed."""
    report = result.sync
    if result.code != 0 or result.failures or opts.dry_run or opts.validate or report is None:
        return None
    athlete = store.get_state(report.athlete_id, "athlete") or {}
    tz = athlete.get("timezone")
    db = sqlite_file(store.engine.url)
    auth = inputs.auth()
    headers = client.transport.http.headers
    if (
        not tz
        or db is None
        or auth is None
        or (auth[0], auth[1])
        != (
            client.settings.api_root,
            headers.get("Authorization"),
        )
    ):
        return None
    try:
        ZoneInfo(tz)
    except Exception:
        return None
    questions = await _questions(opts, client, store, result, journal)
    memo = reusable(opts, store, report.athlete_id, athlete, report.today) if questions else None
    if memo is None:
        return None
    archive = (
        {
            "root": str(opts.out_dir / "archive"),
            "retention_days": opts.archive_retention_days,
            "min_interval_minutes": opts.archive_min_interval_minutes,
        }
        if opts.archive
        else None
    )
    return {
        "format": FORMAT,
        "version": __version__,
        "inputs": inputs.digest(),
        "auth": auth_digest(*auth),
        "user_agent": headers.get("User-Agent"),
        "tz": tz,
        "today": report.today.isoformat(),
        "requests": questions,
        "files": {k: [str(opts.path_for(k)), memo["files"][k]] for k in FILES},
        "stamp": memo["stamp"],
        "stamps": memo["stamps"],
        "out_dir": str(opts.out_dir),
        "archive": archive,
        "store": {"path": str(db), "identity": None},
    }


def db_path(ticket: Json) -> Path:
    return Path(ticket["store"]["path"])


__all__ = ["draft_ticket", "start_journal"]
