"""The OAuth proxy's storage: an ``AsyncKeyValue`` (py-key-value-aio protocol) over the SQL table ``kv``.

FastMCP's ``OAuthProxy`` keeps its registered clients, pending authorization transactions, consent CSRF
tokens, authorization codes, JTI mappings, refresh-token metadata and the upstream (Intervals.icu) tokens in
one ``AsyncKeyValue``. Several worker processes must see the same records and the records must survive a
restart, so they live in the service database next to the other tables:

- ``kv(collection, key_hash, value, expires_at)``: ``key_hash`` is the sha256 hex of the key (authorization
  codes and token ids are keys, so the table never holds them in the clear), ``value`` the JSON text,
  ``expires_at`` a Unix timestamp (NULL = never). Expired rows read as absent; ``SqlKeyValue.cull()``
  deletes them (call it from a periodic job).
- ``encrypted_kv(engine, secret_keys)`` wraps the store in py-key-value's ``FernetEncryptionWrapper`` so every
  value (upstream tokens included) is encrypted at rest with a key derived from the service's secret keys
  (``ICUCOACH_SECRET_KEYS``; first = current, the others still decrypt, so keys can be rotated).

The table is defined on its own ``KV_METADATA`` so the service's Alembic migration can include it.

Why a sync engine run through ``anyio.to_thread``: it shares the service's one SQLAlchemy ``Engine`` (and
its pool, SQLite or PostgreSQL through psycopg) instead of a second async driver (aiosqlite/asyncpg) for one
table; every call is a primary-key lookup or a one-row upsert, so a worker thread per call costs little and
keeps the event loop free.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, SupportsFloat

import anyio.to_thread
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from key_value.aio.protocols import AsyncKeyValue
from key_value.aio.wrappers.encryption import FernetEncryptionWrapper
from sqlalchemy import (
    Column,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

KV_METADATA = MetaData()

kv_table = Table(
    "kv",
    KV_METADATA,
    Column("collection", String(100), primary_key=True),
    Column("key_hash", String(64), primary_key=True),  # sha256 hex of the key
    Column("value", Text, nullable=False),  # JSON text (Fernet token when wrapped by encrypted_kv)
    Column("expires_at", Float, nullable=True, index=True),  # Unix time; NULL = never
)

DEFAULT_COLLECTION = "default"


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _expiry(ttl: SupportsFloat | None) -> float | None:
    if ttl is None:
        return None
    seconds = float(ttl)
    if seconds <= 0:
        raise ValueError(f"ttl must be positive seconds, got {seconds}")
    return time.time() + seconds


class SqlKeyValue:
    """``AsyncKeyValue`` over the ``kv`` table of ``engine`` (see the module docstring)."""

    def __init__(self, engine: Engine, *, default_collection: str = DEFAULT_COLLECTION) -> None:
        self._engine = engine
        self.default_collection = default_collection

    # -- sync halves (run in a worker thread) ---------------------------------------------------------

    def _read(self, collection: str, keys: Sequence[str]) -> list[tuple[dict[str, Any] | None, float | None]]:
        hashes = [_key_hash(k) for k in keys]
        now = time.time()
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(kv_table.c.key_hash, kv_table.c.value, kv_table.c.expires_at).where(
                    kv_table.c.collection == collection, kv_table.c.key_hash.in_(set(hashes))
                )
            ).all()
        found = {r.key_hash: r for r in rows if r.expires_at is None or r.expires_at > now}
        out: list[tuple[dict[str, Any] | None, float | None]] = []
        for h in hashes:
            row = found.get(h)
            if row is None:
                out.append((None, None))
                continue
            value = json.loads(row.value)
            out.append((value, None if row.expires_at is None else row.expires_at - now))
        return out

    def _write(self, collection: str, items: list[tuple[str, str]], expires_at: float | None) -> None:
        # Portable upsert: UPDATE, then INSERT when nothing was there; a concurrent INSERT of the same key by
        # another worker makes ours fail with IntegrityError, and the UPDATE then wins (last writer wins).
        with self._engine.begin() as conn:
            for key_hash, text in items:
                where = and_(kv_table.c.collection == collection, kv_table.c.key_hash == key_hash)
                values = {"value": text, "expires_at": expires_at}
                if conn.execute(update(kv_table).where(where).values(**values)).rowcount:
                    continue
                try:
                    with conn.begin_nested():
                        conn.execute(
                            kv_table.insert().values(collection=collection, key_hash=key_hash, **values)
                        )
                except IntegrityError:
                    conn.execute(update(kv_table).where(where).values(**values))

    def _remove(self, collection: str, keys: Sequence[str]) -> int:
        match = and_(
            kv_table.c.collection == collection, kv_table.c.key_hash.in_({_key_hash(k) for k in keys})
        )
        live = or_(kv_table.c.expires_at.is_(None), kv_table.c.expires_at > time.time())
        with self._engine.begin() as conn:
            found = conn.execute(select(func.count()).select_from(kv_table).where(match, live)).scalar_one()
            conn.execute(delete(kv_table).where(match))  # expired rows with these keys go too
        return int(found)

    def _cull(self) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(delete(kv_table).where(kv_table.c.expires_at <= time.time()))
        return int(result.rowcount or 0)

    # -- the AsyncKeyValue protocol ------------------------------------------------------------------------

    async def get(self, key: str, *, collection: str | None = None) -> dict[str, Any] | None:
        return (await self.ttl(key, collection=collection))[0]

    async def ttl(
        self, key: str, *, collection: str | None = None
    ) -> tuple[dict[str, Any] | None, float | None]:
        return (await self.ttl_many([key], collection=collection))[0]

    async def get_many(
        self, keys: Sequence[str], *, collection: str | None = None
    ) -> list[dict[str, Any] | None]:
        return [value for value, _ in await self.ttl_many(keys, collection=collection)]

    async def ttl_many(
        self, keys: Sequence[str], *, collection: str | None = None
    ) -> list[tuple[dict[str, Any] | None, float | None]]:
        if not keys:
            return []
        return await anyio.to_thread.run_sync(self._read, collection or self.default_collection, list(keys))

    async def put(
        self,
        key: str,
        value: Mapping[str, Any],
        *,
        collection: str | None = None,
        ttl: SupportsFloat | None = None,
    ) -> None:
        await self.put_many([key], [value], collection=collection, ttl=ttl)

    async def put_many(
        self,
        keys: Sequence[str],
        values: Sequence[Mapping[str, Any]],
        *,
        collection: str | None = None,
        ttl: SupportsFloat | None = None,
    ) -> None:
        if len(keys) != len(values):
            raise ValueError("put_many needs as many values as keys")
        items = [
            (_key_hash(k), json.dumps(dict(v), separators=(",", ":")))
            for k, v in zip(keys, values, strict=True)
        ]
        await anyio.to_thread.run_sync(
            self._write, collection or self.default_collection, items, _expiry(ttl)
        )

    async def delete(self, key: str, *, collection: str | None = None) -> bool:
        return await self.delete_many([key], collection=collection) > 0

    async def delete_many(self, keys: Sequence[str], *, collection: str | None = None) -> int:
        if not keys:
            return 0
        return await anyio.to_thread.run_sync(self._remove, collection or self.default_collection, list(keys))

    async def cull(self) -> int:
        """Delete every expired row; returns how many."""
        return await anyio.to_thread.run_sync(self._cull)


def derive_fernet_key(secret_key: str, purpose: str) -> bytes:
    """A Fernet key for one ``purpose`` derived (HKDF-SHA256) from one of the service's secret keys, so the
    key that encrypts the OAuth store never equals the one that encrypts the accounts table."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"icucoach", info=purpose.encode()).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def kv_fernet(secret_keys: Sequence[str]) -> MultiFernet:
    """The store's MultiFernet: one derived key per service secret key, current first."""
    keys = [k.strip() for k in secret_keys if k.strip()]
    if not keys:
        raise ValueError(
            "no secret keys: set ICUCOACH_SECRET_KEYS (comma-separated Fernet keys, current first)"
        )
    return MultiFernet([Fernet(derive_fernet_key(k, "icucoach-oauth-kv")) for k in keys])


def encrypted_kv(engine: Engine, secret_keys: Sequence[str]) -> AsyncKeyValue:
    """The OAuth proxy's storage: ``SqlKeyValue`` with every value Fernet-encrypted. A value that no key can
    decrypt (all keys rotated away) reads as absent, so its client simply registers or signs in again."""
    return FernetEncryptionWrapper(
        key_value=SqlKeyValue(engine), fernet=kv_fernet(secret_keys), raise_on_decryption_error=False
    )


__all__ = [
    "KV_METADATA",
    "SqlKeyValue",
    "derive_fernet_key",
    "encrypted_kv",
    "kv_fernet",
    "kv_table",
]
