"""The export run: sync the store, fetch missing details, build every file, validate, redact, write.

    result = await export_async(opts, client, store)
    sys.exit(result.code)

Failure semantics (exit codes from the one table, ``icucoach.exitcodes.Exit``): if Intervals.icu cannot
deliver the core records (athlete, activities, wellness, calendar) nothing is written and the previous files
stay as they were (``Exit.UPSTREAM``, or the error's own ``exit_code``: ``CONFIG``, ``AUTH``...); if only
details fail (intervals, streams, route files) the files are written from what the store holds and the run
reports ``Exit.PARTIAL`` with what failed (also listed in ``latest.json`` ``metadata.fetch_errors``). With
``opts.validate`` (``--debug``) a file that does not match its schema is never written (``Exit.INTERNAL``).
The five files are written as one set (``files.write_set``): all new or all old; a target that cannot be
written raises ``files.OutputError``.

A repeat with nothing new reuses the previous files instead of rebuilding them: after a complete run the
store keeps a memo (``MEMO``) of a key over every input (options, version, the athlete's today and profile,
``Store.content_digest``) and a hash of each file written. When the next run's key is the same and the files
on disk are still exactly those, only the generation time is set anew (``_reuse``); the result is
byte-identical to a rebuild (``tests/mirror/test_reuse.py``). Any change, a failed detail, ``--debug`` or a
file edited by hand means a full rebuild.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from icucoach import __version__
from icucoach.exitcodes import Exit
from icucoach.intervals import IntervalsClient, IntervalsError
from icucoach.mirror.archive import write_snapshot
from icucoach.mirror.files import FILES, dumps, read_json, same_content, schema_mismatch, write_set
from icucoach.mirror.options import ExportOptions
from icucoach.mirror.privacy import apply_privacy
from icucoach.mirror.replay import STAMPS, count_stamps, restamp, run_message
from icucoach.mirror.replay import generated_at as stamp_for
from icucoach.store.db import Store
from icucoach.store.sync import (
    DetailReport,
    Progress,
    SyncOptions,
    SyncReport,
    details_due,
    fetch_details,
    sync_athlete,
)
from icucoach.tasks import cancel_and_wait

if TYPE_CHECKING:  # the builders (and the analytics under them) load only when files are rebuilt
    from icucoach.mirror.context import ExportContext
    from icucoach.mirror.routes import Fetcher

EARLY_START_S = 0.05  # the details' first requests go out before the CPU work that overlaps them
MEMO = "export_memo"  # store state key of the last complete run's input key and file hashes

Json = dict[str, Any]


@dataclass
class ExportResult:
    code: int
    message: str
    changed: list[str] = field(default_factory=list)  # files whose content (not just timestamps) changed
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    sync: SyncReport | None = None
    requests: int = 0
    attachment_requests: int = 0
    archive: Path | None = None
    documents: dict[str, Json] = field(default_factory=dict)
    reused: bool = False  # nothing new: the previous files were reused with a new generation time
    hint: str | None = None  # what to do about a failure (the error's own hint)


def attachment_fetcher(client: IntervalsClient, counter: list[int] | None = None) -> Fetcher:
    """Download an attachment URL (relative URLs resolve against the server root); the API credential is sent
    only to the configured server's host."""
    root = client.settings.base_url

    async def fetch(url: str) -> bytes:
        full = urljoin(root + "/", url.lstrip("/")) if url.startswith("/") else url
        if counter is not None:
            counter[0] += 1
        if urlsplit(full).netloc == urlsplit(root).netloc:
            resp = await client.transport.http.get(full, timeout=30.0)
        else:
            import httpx  # loaded by then (the client); not at import, to come after intervals' own import

            async with httpx.AsyncClient(timeout=30.0, follow_redirects=True) as plain:
                resp = await plain.get(full)
        resp.raise_for_status()
        return resp.content

    return fetch


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def memo_key(opts: ExportOptions, today: date, athlete: Json, store: Store, athlete_id: str) -> str:
    """A key over every input of the files except the previous ftp_history.json (see ``_reuse``)."""
    h = hashlib.sha256()
    shown = sorted((k, repr(v)) for k, v in vars(opts).items() if k != "dry_run")
    h.update(repr((__version__, today.isoformat(), shown)).encode())
    h.update(json.dumps(athlete, sort_keys=True, default=str).encode())
    h.update(store.content_digest(athlete_id).encode())
    return h.hexdigest()


def _stamp_nodes(docs: dict[str, Json]) -> list[tuple[str, Json, str]]:
    """(file, object, field) of every generation-time field present in ``docs``."""
    found = []
    for kind, path, name in STAMPS:
        node: Any = docs.get(kind)
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and name in node:
            found.append((kind, node, name))
    return found


def _stamp_counts(docs: dict[str, Json], texts: dict[str, str], generated_at: str) -> dict[str, int] | None:
    """How often each file's text holds the generation time, when every occurrence is one of the fields
    ``_stamp_nodes`` finds (so replacing the text is the same as setting those fields and serialising
    anew); None when another field of the same name holds the same time, or a field holds something else."""
    nodes = _stamp_nodes(docs)
    if any(node[name] != generated_at for _, node, name in nodes):
        return None
    counts = {kind: sum(1 for k, _, _ in nodes if k == kind) for kind in FILES}
    return counts if all(count_stamps(k, texts[k], generated_at) == n for k, n in counts.items()) else None


@dataclass
class _Reused:
    docs: dict[str, Json]
    texts: dict[str, str] | None  # the files with the new time in place, when it could be set in the text


def _reuse(
    opts: ExportOptions,
    store: Store,
    athlete_id: str,
    key: str,
    athlete: Json,
    today: date,
    generated_at: str,
) -> _Reused | None:
    """The previous run's documents with ``generated_at`` set anew, if nothing they depend on changed (the
    memo's key is ``key`` and every file is byte for byte what that run wrote); else None. The texts are
    the previous ones with the time replaced where the memo says it stands (serialising ~300 kB of JSON
    with indentation is most of what a repeat would spend otherwise)."""
    from icucoach.mirror.ftp import load_ftp_history, update_ftp_history

    memo = store.get_state(athlete_id, MEMO) or {}
    hashes = memo.get("files") or {}
    if memo.get("key") != key:
        return None
    texts: dict[str, str] = {}
    for kind in FILES:
        try:
            texts[kind] = opts.path_for(kind).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if _sha(texts[kind]) != hashes.get(kind):
            return None
    docs = {kind: json.loads(text) for kind, text in texts.items()}
    # ftp_history.json is read as well as written: reuse only at its fixed point (updating it changes
    # nothing), so the history built from it would be the same too. An empty one is seeded from activities.
    held = load_ftp_history(docs["ftp_history"])
    if not held["indoor"] and not held["outdoor"]:
        return None
    ftp = update_ftp_history(docs["ftp_history"], athlete, [], today)
    if dumps(apply_privacy("ftp_history", ftp, opts.privacy)) != texts["ftp_history"]:
        return None
    nodes = _stamp_nodes(docs)
    for _, node, name in nodes:
        node[name] = generated_at
    counts, before = memo.get("stamps"), memo.get("stamp")
    if not isinstance(counts, dict) or not isinstance(before, str):
        return _Reused(docs, None)
    if any(count_stamps(k, texts[k], before) != counts.get(k) for k in FILES):
        return _Reused(docs, None)
    return _Reused(docs, {k: restamp(k, t, before, generated_at) for k, t in texts.items()})


def reusable(opts: ExportOptions, store: Store, athlete_id: str, athlete: Json, today: date) -> Json | None:
    """The memo, when a next run with nothing new would reuse the files by setting the time in their text
    (what ``mirror/replay.py`` does without the store); None otherwise."""
    memo = store.get_state(athlete_id, MEMO) or {}
    stamp = memo.get("stamp")
    if not isinstance(stamp, str) or not isinstance(memo.get("stamps"), dict):
        return None
    key = memo_key(opts, today, athlete, store, athlete_id)
    reused = _reuse(opts, store, athlete_id, key, athlete, today, stamp)
    return memo if reused is not None and reused.texts is not None else None


async def _side_fetches(
    ctx: ExportContext, store: Store, fetch: Fetcher, client: IntervalsClient
) -> list[str]:
    """The route files and the athlete's curves (neither reads activity details); failures as text."""
    from icucoach.mirror.capability_block import fetch_curves
    from icucoach.mirror.routes import fetch_attachments

    files, curves = await asyncio.gather(fetch_attachments(ctx, store, fetch), fetch_curves(ctx, client))
    return files + curves


async def _details_alongside(
    opts: ExportOptions,
    client: IntervalsClient,
    store: Store,
    athlete: Json,
    report: SyncReport,
    sync_opts: SyncOptions,
    fetcher: Fetcher,
    progress: Progress | None,
) -> tuple[DetailReport, ExportContext | None, list[str] | None]:
    """The activity details; when some are due (so the files will be rebuilt), the files' other inputs too,
    fetched and computed while the details' requests are paced by the rate limit instead of after them: the
    context's records and the analytics that read no details (returned, to be completed with the details),
    the curves and the route files (their failures returned). Otherwise only the details, and (None, None).
    An interrupted run leaves no task running, and the details that arrived are stored before this returns
    (``fetch_details`` stores them as it ends): the caller closes the store after us."""
    due = details_due(store, report.athlete_id, report.today, sync_opts)
    details_run = asyncio.ensure_future(
        fetch_details(
            client, store, report.athlete_id, report.today, options=sync_opts, progress=progress, due=due
        )
    )
    early: ExportContext | None = None
    side: asyncio.Future[list[str]] | None = None
    try:
        if due:
            from icucoach.mirror.context import ExportContext

            await asyncio.wait([details_run], timeout=EARLY_START_S)  # the first requests go out first
            early = ExportContext.from_records(store, athlete, report.today, opts)
            side = asyncio.ensure_future(_side_fetches(early, store, fetcher, client))
            early.warm()
        details = await details_run
        return details, early, (await side if side is not None else None)
    finally:
        await cancel_and_wait(details_run, side)


def build_documents(
    ctx: ExportContext, store: Store, generated_at: str, previous_ftp: Any, failed: dict
) -> dict[str, Json]:
    from icucoach.mirror.ftp import update_ftp_history
    from icucoach.mirror.history import build_history, history_meta
    from icucoach.mirror.intervals_file import build_intervals
    from icucoach.mirror.latest import build_latest
    from icucoach.mirror.routes import build_routes

    ftp = update_ftp_history(previous_ftp, ctx.athlete, ctx.kept_activities, ctx.today)
    history = build_history(ctx, generated_at, ftp)
    latest = build_latest(ctx, generated_at, history_meta(history, generated_at), ftp)
    return {
        "latest": latest,
        "history": history,
        "intervals": build_intervals(ctx, generated_at, failed),
        "routes": build_routes(ctx, store, generated_at),
        "ftp_history": ftp,
    }


async def export_async(
    opts: ExportOptions,
    client: IntervalsClient,
    store: Store,
    *,
    fetch: Fetcher | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    written: list[Path] | None = None,
) -> ExportResult:
    """One export run (see the module docstring); ``written`` receives the targets once the whole set is in
    place, so a caller interrupted later still knows what was replaced."""
    start_requests = client.request_count
    sync_opts = SyncOptions(history_days=opts.history_days, lookback_days=opts.lookback_days)
    try:
        athlete, report = await sync_athlete(
            client, store, athlete_id=opts.athlete_id, today=opts.today, options=sync_opts, progress=progress
        )
    except IntervalsError as exc:
        code = Exit(getattr(exc, "exit_code", Exit.UPSTREAM))
        what = f"Intervals.icu failed ({exc.message})" if code == Exit.UPSTREAM else exc.message
        return ExportResult(
            code,
            f"{what}; previous files left untouched",
            failures=[str(exc)],
            requests=client.request_count - start_requests,
            hint=getattr(exc, "hint", None),
        )
    counter = [0]
    fetcher = fetch or attachment_fetcher(client, counter)
    details, early, side_failures = await _details_alongside(
        opts, client, store, athlete, report, sync_opts, fetcher, progress
    )
    failures = [*details.failures, *(side_failures or [])]  # a failed side fetch rules out reuse too
    stamp = now or datetime.now(UTC)
    generated_at = stamp_for(athlete.get("timezone"), stamp)
    aid = report.athlete_id
    reused, key = None, None
    if not opts.validate and not failures:
        key = memo_key(opts, report.today, athlete, store, aid)
        reused = _reuse(opts, store, aid, key, athlete, report.today, generated_at)
    if reused is not None:
        docs = reused.docs
    else:
        from icucoach.mirror.context import ExportContext

        ctx = early or ExportContext.from_records(store, athlete, report.today, opts)
        ctx.load_details(store)
        if side_failures is None:
            failures += await _side_fetches(ctx, store, fetcher, client)
        ctx.failures = failures
        docs = build_documents(
            ctx, store, generated_at, read_json(opts.out_dir / "ftp_history.json"), details.failed
        )
        if opts.validate:
            for kind in FILES:
                mismatch = schema_mismatch(kind, docs[kind])
                if mismatch is not None:
                    return ExportResult(
                        Exit.INTERNAL, f"{kind}.json {mismatch}; nothing written", failures=[mismatch]
                    )
        docs = {k: apply_privacy(k, v, opts.privacy) for k, v in docs.items()}
    result = ExportResult(Exit.OK, "", failures=failures, sync=report, documents=docs)
    result.reused = reused is not None
    if not result.reused:  # reused files have the same content by construction
        for kind in FILES:
            if not same_content(kind, read_json(opts.path_for(kind)), docs[kind]):
                result.changed.append(kind)
    if not opts.dry_run:
        by_kind = reused.texts if reused is not None and reused.texts else None
        by_kind = by_kind or {kind: dumps(docs[kind]) for kind in FILES}
        texts = {opts.path_for(kind): by_kind[kind] for kind in FILES}
        write_set(texts, opts.out_dir, committed=written)
        result.written = list(texts)
        # Remember this run for the next (after the attachments it fetched); a partial run is not reused.
        memo: Json = {}
        if not failures:
            # a reused run fetched nothing after its key was taken; a rebuild may have fetched route files
            key_after = key if reused is not None and key else None
            key_after = key_after or memo_key(opts, report.today, athlete, store, aid)
            memo = {"key": key_after, "files": {k: _sha(by_kind[k]) for k in FILES}}
            counts = _stamp_counts(docs, by_kind, generated_at)
            if counts is not None:
                memo.update(stamp=generated_at, stamps=counts)
        store.set_state(aid, MEMO, memo)
    if opts.archive:
        result.archive, _ = write_snapshot(
            opts.out_dir / "archive",
            docs["latest"],
            stamp,
            retention_days=opts.archive_retention_days,
            min_interval_minutes=opts.archive_min_interval_minutes,
            dry_run=opts.dry_run,
        )
    result.requests = client.request_count - start_requests
    result.attachment_requests = counter[0]
    verb = "would write" if opts.dry_run else "wrote"
    result.message = run_message(verb, len(FILES), opts.out_dir, result.requests, result.changed)
    if failures:
        result.code = Exit.PARTIAL
        result.message += f"; partial: {len(failures)} detail(s) could not be fetched"
    return result


__all__ = ["ExportResult", "attachment_fetcher", "build_documents", "export_async", "reusable"]
