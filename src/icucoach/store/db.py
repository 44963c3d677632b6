"""``Store``: the local archive of one or more athletes' Intervals.icu records (SQLite by default, PostgreSQL
works too: pass a ``postgresql+psycopg://`` URL).

    store = Store.open()                       # ~/.local/share/icucoach/archive.sqlite, migrated to head
    store.upsert_activities("i1", records)     # API dicts; columns extracted, full record kept as JSON
    store.activities("i1", "2026-01-01")       # raw dicts, newest first

Opening a store runs the Alembic migrations (``icucoach.store.migrations``) up to head, so an old archive is
upgraded in place. All writes are small transactions; reads return plain dicts / detached values.
``Store.open(url, create=False)`` is for read-only commands: a missing archive is a ``StoreError``, nothing is
created; ``writer=True`` holds the archive's writer lock until ``close()`` (``icucoach.store.opening``).
Every failure to reach or use the database is a ``StoreError`` carrying its exit code and fix.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Engine,
    Table,
    Text,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from icucoach.store.models import (
    ActivityRow,
    AttachmentRow,
    Base,
    EventRow,
    IntervalsRow,
    StateRow,
    StreamsRow,
    WellnessRow,
)
from icucoach.store.opening import StoreError, WriterLock, check_sqlite_file, resolve, sqlite_file
from icucoach.store.rows import activity_columns

Json = dict[str, Any]
# The newest migration (``migrations/versions``); ``tests/store`` checks it is Alembic's head.
HEAD_REVISION = "0001_initial"
_CHUNK = 400


def _table(model: Any) -> Table:
    """The Core table of a mapped class (for bulk statements without the ORM's per-row bookkeeping)."""
    return cast(Table, model.__table__)


def _chunked(items: list[str]) -> Iterator[list[str]]:
    """``items`` in slices small enough for one ``IN (...)`` on every backend."""
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def default_store_url() -> str:
    """``$ICUCOACH_STORE_URL``, else ``$XDG_DATA_HOME/icucoach/archive.sqlite`` (``~/.local/share``)."""
    env = os.environ.get("ICUCOACH_STORE_URL")
    if env:
        return env
    xdg = os.environ.get("XDG_DATA_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return f"sqlite:///{root / 'icucoach' / 'archive.sqlite'}"


def store_url(value: str | Path | None) -> str:
    """A SQLAlchemy URL from a URL or a file path (a path means SQLite)."""
    if value is None:
        return default_store_url()
    text = str(value)
    return text if "://" in text else f"sqlite:///{Path(text).expanduser().absolute()}"


def _first_line(exc: BaseException) -> str:
    """The driver's own words, without SQLAlchemy's SQL dump and background link."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """The local archive (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock: WriterLock | None = None

    @classmethod
    def open(
        cls,
        url: str | Path | None = None,
        *,
        migrate: bool = True,
        create: bool = True,
        writer: bool = False,
        note: Any = None,
    ) -> Store:
        """Open (and migrate) the archive; see the module docstring for ``create`` and ``writer``. ``note``
        (``str -> None``) is told when the writer lock is busy and this run waits."""
        parsed, named = resolve(url, default_store_url() if url is None else "")
        db_file = sqlite_file(parsed)
        if db_file is not None:
            check_sqlite_file(db_file, create=create, named=named)
        shown = parsed.render_as_string(hide_password=True)
        try:
            connect_args = {"timeout": 30} if db_file is not None else {}
            engine = create_engine(parsed, future=True, connect_args=connect_args)
        except (NoSuchModuleError, ImportError) as exc:
            raise StoreError(
                f"the database driver for {shown} is not installed ({exc})",
                "Install it (PostgreSQL: pip install 'psycopg[binary]'), or pass --store with a SQLite path.",
            ) from None
        store = cls(engine)
        try:
            if writer:
                store._lock = WriterLock(engine, note)
                store._lock.acquire()
            if migrate:
                store.migrate()
        except StoreError:
            store.close()
            raise
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            store.close()
            raise StoreError(
                f"cannot open the archive database {shown}: {_first_line(exc)}",
                "Check that the database is running and reachable, or pass --store with another archive "
                "(a SQLite file path works without a server).",
            ) from None
        return store

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def revision(self) -> str | None:
        """The Alembic revision the database is at (None: not migrated yet)."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no alembic_version table yet
            return None

    def migrate(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision`` on this store's database. A store already at the
        head revision is left alone without loading Alembic (a tenth of a second of every command)."""
        if revision == "head":
            current = self.revision()
            if current == HEAD_REVISION:
                return
            if current is None and self._create_new_sqlite():
                return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def _create_new_sqlite(self) -> bool:
        """Create the head schema in a new, empty SQLite archive from the models, stamped at
        ``HEAD_REVISION`` as Alembic would stamp it, without loading Alembic (a fifth of a second of a first
        export). ``tests/store`` checks the result is the migrations' schema, table for table. False (nothing
        done) for any other database."""
        if sqlite_file(self.engine.url) is None:
            return False
        with self.engine.begin() as conn:
            if conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar():
                return False
            Base.metadata.create_all(conn)
            # Alembic's own version table, as its ``command.upgrade`` creates it
            conn.execute(
                text(
                    "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, "
                    "\n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
                )
            )
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD_REVISION})
        return True

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------ activities
    def activity_stamps(self, athlete_id: str, oldest: str, newest: str) -> dict[str, tuple[Any, Any]]:
        """``id -> (icu_sync_date, analyzed)`` of stored activities on local dates [oldest, newest]."""
        with self.engine.connect() as c:
            rows = c.execute(
                select(ActivityRow.id, ActivityRow.icu_sync_date, ActivityRow.analyzed).where(
                    ActivityRow.athlete_id == athlete_id, ActivityRow.day >= oldest, ActivityRow.day <= newest
                )
            )
            return {r[0]: (r[1], r[2]) for r in rows}

    def upsert_activities(self, athlete_id: str, records: Iterable[Json]) -> tuple[int, int]:
        """Insert new and update changed activities (by ``icu_sync_date``/``analyzed``); (new, changed).
        One transaction, rows written in bulk (a first sync stores thousands)."""
        recs = {str(r["id"]): r for r in records}
        table = _table(ActivityRow)
        stamp = now_iso()
        with self.engine.begin() as conn:
            existing = {
                r.id: r
                for ids in _chunked(list(recs))
                for r in conn.execute(
                    select(table.c.id, table.c.icu_sync_date, table.c.analyzed, table.c.raw).where(
                        table.c.id.in_(ids)
                    )
                )
            }
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for aid, rec in recs.items():
                found = existing.get(aid)
                if (
                    found is not None
                    and (found.icu_sync_date, found.analyzed)
                    == (
                        rec.get("icu_sync_date"),
                        rec.get("analyzed"),
                    )
                    and found.raw == rec
                ):
                    continue
                cols = {**activity_columns(athlete_id, rec), "fetched_at": stamp}
                (inserts if found is None else updates).append(cols)
            if inserts:
                conn.execute(insert(table), inserts)
            if updates:
                # "b_id": a bound name of its own (SQLAlchemy reserves the column names for SET values)
                conn.execute(
                    update(table).where(table.c.id == bindparam("b_id")),
                    [{**u, "b_id": u["id"]} for u in updates],
                )
        return len(inserts), len(updates)

    def delete_activities(self, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        with Session(self.engine) as s, s.begin():
            for table, col in (
                (ActivityRow, ActivityRow.id),
                (StreamsRow, StreamsRow.activity_id),
                (IntervalsRow, IntervalsRow.activity_id),
            ):
                s.execute(delete(table).where(col.in_(list(ids))))
        return len(ids)

    def activities(
        self,
        athlete_id: str,
        oldest: str | None = None,
        newest: str | None = None,
        *,
        include_duplicates: bool = True,
    ) -> list[Json]:
        """Raw activity records on local dates [oldest, newest], newest first."""
        q = select(ActivityRow.raw).where(ActivityRow.athlete_id == athlete_id)
        if oldest:
            q = q.where(ActivityRow.day >= oldest)
        if newest:
            q = q.where(ActivityRow.day <= newest)
        if not include_duplicates:
            q = q.where(ActivityRow.duplicate_of.is_(None))
        q = q.order_by(ActivityRow.start_date_local.desc(), ActivityRow.id)
        with self.engine.connect() as c:
            return [dict(r) for r in c.scalars(q)]

    def activity_rows(
        self, athlete_id: str, oldest: str | None = None, newest: str | None = None
    ) -> list[Json]:
        """The queryable columns (no ``raw``) of stored activities, oldest first."""
        cols = [c for c in ActivityRow.__table__.columns if c.name != "raw"]
        q = select(*cols).where(ActivityRow.athlete_id == athlete_id)
        if oldest:
            q = q.where(ActivityRow.day >= oldest)
        if newest:
            q = q.where(ActivityRow.day <= newest)
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q.order_by(ActivityRow.start_date_local))]

    def set_duplicates(self, athlete_id: str, duplicate_of: dict[str, str]) -> None:
        """Link every recording of a session to the kept one (``duplicate_of``); clear stale links."""
        with Session(self.engine) as s, s.begin():
            for row in s.scalars(
                select(ActivityRow).where(
                    ActivityRow.athlete_id == athlete_id,
                    (ActivityRow.duplicate_of.is_not(None)) | (ActivityRow.id.in_(list(duplicate_of))),
                )
            ):
                want = duplicate_of.get(row.id)
                if row.duplicate_of != want:
                    row.duplicate_of = want

    def duplicates(self, athlete_id: str) -> dict[str, str]:
        with self.engine.connect() as c:
            rows = c.execute(
                select(ActivityRow.id, ActivityRow.duplicate_of).where(
                    ActivityRow.athlete_id == athlete_id, ActivityRow.duplicate_of.is_not(None)
                )
            )
            return {r[0]: str(r[1]) for r in rows}

    def count_activities(self, athlete_id: str) -> int:
        with Session(self.engine) as s:
            return int(
                s.scalar(
                    select(func.count()).select_from(ActivityRow).where(ActivityRow.athlete_id == athlete_id)
                )
                or 0
            )

    def count_activities_all(self) -> int:
        """Activities of every athlete (what an interrupted import can report without knowing the athlete)."""
        with Session(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(ActivityRow)) or 0)

    # -------------------------------------------------------------------------------------------- wellness
    def upsert_wellness(self, athlete_id: str, records: Iterable[Json]) -> int:
        """Store wellness days whose record is new or different; the number written (one transaction)."""
        recs = {str(r.get("id"))[:10]: r for r in records if r.get("id")}
        table = _table(WellnessRow)
        stamp = now_iso()
        with self.engine.begin() as conn:
            existing = {
                r.day: r.raw
                for days in _chunked(list(recs))
                for r in conn.execute(
                    select(table.c.day, table.c.raw).where(
                        table.c.athlete_id == athlete_id, table.c.day.in_(days)
                    )
                )
            }
            rows = [
                {"athlete_id": athlete_id, "day": day, "raw": rec, "fetched_at": stamp}
                for day, rec in recs.items()
                if day not in existing or existing[day] != rec
            ]
            inserts = [r for r in rows if r["day"] not in existing]
            updates = [{**r, "b_day": r["day"]} for r in rows if r["day"] in existing]
            if inserts:
                conn.execute(insert(table), inserts)
            if updates:
                conn.execute(
                    update(table).where(table.c.athlete_id == athlete_id, table.c.day == bindparam("b_day")),
                    [{"raw": u["raw"], "fetched_at": u["fetched_at"], "b_day": u["b_day"]} for u in updates],
                )
        return len(rows)

    def wellness(self, athlete_id: str, oldest: str | None = None, newest: str | None = None) -> list[Json]:
        """Raw wellness records, ascending by date."""
        q = select(WellnessRow.raw).where(WellnessRow.athlete_id == athlete_id)
        if oldest:
            q = q.where(WellnessRow.day >= oldest)
        if newest:
            q = q.where(WellnessRow.day <= newest)
        with self.engine.connect() as c:
            return [dict(r) for r in c.scalars(q.order_by(WellnessRow.day))]

    # ---------------------------------------------------------------------------------------------- events
    def replace_events(self, athlete_id: str, oldest: str, newest: str, records: Iterable[Json]) -> int:
        """The calendar on [oldest, newest] becomes exactly ``records`` (deleted events disappear); only
        events that are new or different are written. Returns the number of records."""
        table = _table(EventRow)
        stamp = now_iso()
        records = list(records)
        wanted: dict[str, dict[str, Any]] = {}
        for rec in records:
            eid = str(rec.get("id"))
            wanted[eid] = {
                "id": eid,
                "athlete_id": athlete_id,
                "day": str(rec.get("start_date_local") or "")[:10],
                "category": rec.get("category"),
                "raw": rec,
                "fetched_at": stamp,
            }
        shown = (table.c.athlete_id == athlete_id) & (table.c.day >= oldest) & (table.c.day <= newest)
        with self.engine.begin() as conn:
            held = {
                r.id: r
                for ids in _chunked(list(wanted))
                for r in conn.execute(select(table).where(table.c.id.in_(ids)))
            }
            held.update({r.id: r for r in conn.execute(select(table).where(shown))})
            same = {
                eid
                for eid, row in held.items()
                if eid in wanted
                and all(getattr(row, k) == v for k, v in wanted[eid].items() if k != "fetched_at")
            }
            stale = [eid for eid in held if eid not in same]
            for ids in _chunked(stale):
                conn.execute(delete(table).where(table.c.id.in_(ids)))
            fresh = [row for eid, row in wanted.items() if eid not in same]
            if fresh:
                conn.execute(insert(table), fresh)
        return len(records)

    def events(self, athlete_id: str, oldest: str | None = None, newest: str | None = None) -> list[Json]:
        q = select(EventRow.raw).where(EventRow.athlete_id == athlete_id)
        if oldest:
            q = q.where(EventRow.day >= oldest)
        if newest:
            q = q.where(EventRow.day <= newest)
        with self.engine.connect() as c:
            return [dict(r) for r in c.scalars(q.order_by(EventRow.day, EventRow.id))]

    # ------------------------------------------------------------------------------ streams and intervals
    def put_streams(self, activity_id: str, streams: list[Json], source_sync_date: str | None) -> None:
        self.put_details(streams=[(activity_id, streams, source_sync_date)])

    def put_details(
        self,
        *,
        intervals: Sequence[tuple[str, Json, str | None]] = (),
        streams: Sequence[tuple[str, list[Json], str | None]] = (),
    ) -> None:
        """Store fetched intervals and streams, ``(activity id, data, the activity's icu_sync_date)`` each,
        replacing what was held, in one transaction (one commit for a whole batch of details)."""
        if not intervals and not streams:
            return
        stamp = now_iso()
        with Session(self.engine) as s, s.begin():
            for aid, data, sync_date in intervals:
                s.merge(
                    IntervalsRow(activity_id=aid, data=data, source_sync_date=sync_date, fetched_at=stamp)
                )
            for aid, items, sync_date in streams:
                types = ",".join(sorted(str(x.get("type")) for x in items))
                s.merge(
                    StreamsRow(
                        activity_id=aid, types=types, data=items, source_sync_date=sync_date, fetched_at=stamp
                    )
                )

    def streams_stamp(self, activity_id: str) -> tuple[str | None] | None:
        """``(source_sync_date,)`` of the stored streams, None if none: whether they are current, without
        loading them."""
        with Session(self.engine) as s:
            row = s.execute(
                select(StreamsRow.source_sync_date).where(StreamsRow.activity_id == activity_id)
            ).first()
            return None if row is None else (row[0],)

    def streams(self, activity_id: str) -> tuple[list[Json], str | None] | None:
        with Session(self.engine) as s:
            row = s.get(StreamsRow, activity_id)
            return None if row is None else (list(row.data), row.source_sync_date)

    def put_intervals(self, activity_id: str, data: Json, source_sync_date: str | None) -> None:
        self.put_details(intervals=[(activity_id, data, source_sync_date)])

    def intervals(self, activity_id: str) -> tuple[Json, str | None] | None:
        with Session(self.engine) as s:
            row = s.get(IntervalsRow, activity_id)
            return None if row is None else (dict(row.data), row.source_sync_date)

    def detail_stamps(self, kind: str, activity_ids: Sequence[str]) -> dict[str, str | None]:
        """``activity id -> source_sync_date`` of the ``kind`` ("streams"/"intervals") held for those
        activities (one query, without loading the data): which details are current."""
        table = _table(StreamsRow if kind == "streams" else IntervalsRow)
        with self.engine.connect() as c:
            return {
                r[0]: r[1]
                for ids in _chunked(list(activity_ids))
                for r in c.execute(
                    select(table.c.activity_id, table.c.source_sync_date).where(table.c.activity_id.in_(ids))
                )
            }

    def stored_detail_ids(self, kind: str) -> set[str]:
        table = StreamsRow if kind == "streams" else IntervalsRow
        with Session(self.engine) as s:
            return set(s.scalars(select(table.activity_id)))

    # --------------------------------------------------------------------------------------- attachments
    def put_attachment(
        self, att_id: str, url: str, filename: str | None, content: bytes | None, error: str | None
    ) -> None:
        with Session(self.engine) as s, s.begin():
            s.merge(
                AttachmentRow(
                    id=att_id, url=url, filename=filename, content=content, error=error, fetched_at=now_iso()
                )
            )

    def attachment(self, att_id: str) -> Json | None:
        with Session(self.engine) as s:
            row = s.get(AttachmentRow, att_id)
            if row is None:
                return None
            return {"content": row.content, "error": row.error, "fetched_at": row.fetched_at, "url": row.url}

    def content_digest(self, athlete_id: str) -> str:
        """A hash that changes whenever anything an export reads from the store changes: the athlete's
        activities (sync stamps, duplicate links, when each was last written), wellness days (written only
        when their content changed), calendar events (their content: the calendar is rewritten every sync),
        and the streams, intervals and attachments held (their stamps). Sync bookkeeping is left out."""
        h = hashlib.sha256()
        queries = (
            select(
                ActivityRow.id,
                ActivityRow.icu_sync_date,
                ActivityRow.analyzed,
                ActivityRow.duplicate_of,
                ActivityRow.fetched_at,
            )
            .where(ActivityRow.athlete_id == athlete_id)
            .order_by(ActivityRow.id),
            select(WellnessRow.day, WellnessRow.fetched_at)
            .where(WellnessRow.athlete_id == athlete_id)
            .order_by(WellnessRow.day),
            select(StreamsRow.activity_id, StreamsRow.source_sync_date, StreamsRow.fetched_at).order_by(
                StreamsRow.activity_id
            ),
            select(IntervalsRow.activity_id, IntervalsRow.source_sync_date, IntervalsRow.fetched_at).order_by(
                IntervalsRow.activity_id
            ),
            select(AttachmentRow.id, AttachmentRow.fetched_at, AttachmentRow.error).order_by(
                AttachmentRow.id
            ),
        )
        # the calendar by its stored text (CAST: the JSON as the database holds it, not parsed and dumped)
        q_events = select(EventRow.id, cast_(EventRow.raw, Text)).where(EventRow.athlete_id == athlete_id)
        with self.engine.connect() as c:
            for q in queries:
                h.update(repr([tuple(r) for r in c.execute(q)]).encode())
                h.update(b"\x00")
            for eid, raw in c.execute(q_events.order_by(EventRow.id)):
                h.update(eid.encode() + b"\x00" + (raw or "").encode() + b"\x00")
        return h.hexdigest()

    # --------------------------------------------------------------------------------------------- state
    def get_state(self, athlete_id: str, key: str) -> Json | None:
        with Session(self.engine) as s:
            row = s.get(StateRow, (athlete_id, key))
            return None if row is None else dict(row.value)

    def set_state(self, athlete_id: str, key: str, value: Json) -> None:
        """Store ``value`` under ``key``; a value equal to the held one is not written again (no commit)."""
        with Session(self.engine) as s, s.begin():
            held = s.get(StateRow, (athlete_id, key))
            if held is None:
                s.add(StateRow(athlete_id=athlete_id, key=key, value=value))
            elif held.value != value:
                held.value = value


__all__ = ["Store", "StoreError", "activity_columns", "default_store_url", "now_iso", "store_url"]
