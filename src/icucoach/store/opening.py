"""Finding, checking and locking the archive database before ``Store`` uses it.

- ``resolve``: a ``--store`` value (URL or file path) -> a checked SQLAlchemy URL. Only SQLite and PostgreSQL
  are supported; anything else (``mysql://``, garbage) is a ``StoreError`` naming what is accepted.
- A missing SQLite file: read-only commands get ``StoreError(Exit.NOT_FOUND)`` and nothing is created; writing
  commands create the file, but a missing *folder* is created only for the built-in default location
  (``~/.local/share/icucoach``). A folder that was named (``--store``, ``$ICUCOACH_STORE_URL``) and does not
  exist is an error naming it: a typo must not silently grow a directory tree.
- ``WriterLock``: one writer per archive. Two first-time exports sharing a store would otherwise both insert
  the same activities; the second one waits (saying so on stderr) and then runs incrementally, or gives up
  with ``Exit.LOCKED`` after ``$ICUCOACH_STORE_WAIT_SECONDS`` (default 600). SQLite: an ``flock`` on
  ``<db>.lock`` (the kernel drops it when the holder dies); PostgreSQL: a session advisory lock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from icucoach.exitcodes import Exit
from icucoach.filelock import holder, try_lock, unlock

SUPPORTED = ("sqlite", "postgresql")
ACCEPTED = "a SQLite file path, or postgresql+psycopg://user@host/db"
WAIT_ENV = "ICUCOACH_STORE_WAIT_SECONDS"
_PG_LOCK_KEY = 0x1C0C0AC4  # any constant: one advisory lock per database


class StoreError(RuntimeError):
    """The archive database cannot be used; ``hint`` says what to do, ``exit_code`` is from the one table."""

    def __init__(self, message: str, hint: str, exit_code: Exit = Exit.STORE) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code


def _postgres_driver(url: URL) -> URL:
    """``postgresql://`` means SQLAlchemy's psycopg2 default; use psycopg 3 (the documented driver) when only
    that is installed, so a plain URL works."""
    if url.drivername in ("postgresql", "postgres"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return url.set(drivername="postgresql")
        return url.set(drivername="postgresql+psycopg")
    return url


def resolve(
    value: str | Path | None,
    default: str,
    *,
    subject: str = "archive",
    remedy: str = "Pass --store with",
) -> tuple[URL, bool]:
    """(checked URL, whether it was named by the user) for a ``--store`` value; ``None`` = ``default``
    (``$ICUCOACH_STORE_URL`` counts as named). ``subject``/``remedy`` word the errors for another database
    (the hosted service's: "service", "Set ICUCOACH_DATABASE_URL to")."""
    named = value is not None or bool(os.environ.get("ICUCOACH_STORE_URL"))
    raw = default if value is None else str(value)
    if "://" not in raw:
        raw = f"sqlite:///{Path(raw).expanduser().absolute()}"
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise StoreError(
            f"the {subject} location {_shown(raw)!r} is not a database URL or file path",
            f"{remedy} {ACCEPTED}.",
        ) from None
    backend = url.get_backend_name()
    if backend == "postgres":
        url, backend = url.set(drivername="postgresql"), "postgresql"
    if backend not in SUPPORTED:
        raise StoreError(
            f"unsupported {subject} database kind {backend!r} ({_shown(raw)})",
            f"{remedy} {ACCEPTED}.",
        )
    return _postgres_driver(url), named


def _shown(raw: str) -> str:
    """A URL as it may be printed: no password."""
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return raw.split("@")[-1] if "@" in raw else raw


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL (None for in-memory databases and other backends)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def check_sqlite_file(path: Path, *, create: bool, named: bool) -> None:
    """Refuse what would create something unasked (see the module docstring)."""
    if path.is_dir():
        raise StoreError(
            f"the archive database {path} is a folder",
            f"Pass --store with a file name, e.g. {path / 'archive.sqlite'}.",
        )
    if path.exists():
        return
    if not create:
        raise StoreError(
            f"there is no archive at {path}",
            "Create it with `icucoach archive import` (or `icucoach export`), or pass --store with an "
            "existing archive.",
            Exit.NOT_FOUND,
        )
    if path.parent.is_dir():
        return
    if named:
        raise StoreError(
            f"the folder {path.parent} of the archive database does not exist",
            f"Create it (mkdir -p {path.parent}) or pass --store with a path in an existing folder.",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the archive folder {path.parent}: {exc.strerror or exc}",
            "Pass --store with a path in a folder you can write to.",
        ) from None


class WriterLock:
    """One writer per archive (see the module docstring). ``note`` is told once when the lock is busy."""

    def __init__(self, engine: Engine, note: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.note = note
        self._fh: TextIO | None = None
        self._conn: Any = None

    def acquire(
        self,
        wait_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        wait = float(os.environ.get(WAIT_ENV, "600")) if wait_seconds is None else wait_seconds
        deadline = clock() + wait
        told = False
        while not self._try():
            holder = self._holder()
            if clock() >= deadline:
                raise StoreError(
                    f"another icucoach run ({holder}) has been updating the archive "
                    f"{self._where()} for more than {wait:g} s",
                    "Wait for it to finish and try again, or pass another --store.",
                    Exit.LOCKED,
                )
            if not told and self.note:
                self.note(
                    f"waiting for another icucoach run ({holder}) that is updating the archive "
                    f"{self._where()}"
                )
                told = True
            sleep(0.25)

    def _where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def _lock_path(self) -> Path | None:
        db = sqlite_file(self.engine.url)
        return None if db is None else db.with_name(db.name + ".lock")

    def _try(self) -> bool:
        path = self._lock_path()
        if path is not None:
            self._fh = try_lock(path)
            return self._fh is not None
        if self.engine.url.get_backend_name() == "postgresql":
            conn = self.engine.connect()
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY}).scalar():
                self._conn = conn
                return True
            conn.close()
            return False
        return True  # in-memory SQLite: private to this process

    def _holder(self) -> str:
        path = self._lock_path()
        return holder(path) if path is not None else "another session"

    def release(self) -> None:
        if self._fh is not None:
            unlock(self._fh)
            self._fh = None
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            self._conn.close()
            self._conn = None


__all__ = ["SUPPORTED", "WAIT_ENV", "StoreError", "WriterLock", "check_sqlite_file", "resolve", "sqlite_file"]
