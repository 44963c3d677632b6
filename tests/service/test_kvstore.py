"""The OAuth proxy's SQL key-value store: the ``AsyncKeyValue`` contract (values, TTLs, collections, bulk
calls), sharing between processes on one database, encryption at rest and key rotation."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from key_value.aio.protocols.key_value import AsyncKeyValueProtocol
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from icucoach.service.kvstore import KV_METADATA, SqlKeyValue, encrypted_kv, kv_fernet

PG_URL = os.environ.get("ICUCOACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The table on SQLite, and on PostgreSQL in a throw-away schema (skipped when no server answers)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'kv.db'}")
        KV_METADATA.create_all(engine)
        yield engine
        engine.dispose()
        return
    schema = f"kvtest_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_URL} unreachable: {type(exc).__name__}")
    sep = "&" if "?" in PG_URL else "?"
    engine = create_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")  # in the URL: subprocesses too
    try:
        KV_METADATA.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_it_is_an_async_key_value(engine: Engine) -> None:
    assert isinstance(SqlKeyValue(engine), AsyncKeyValueProtocol)
    assert isinstance(encrypted_kv(engine, [Fernet.generate_key().decode()]), AsyncKeyValueProtocol)


async def test_values_ttls_collections_and_bulk_calls(engine: Engine) -> None:
    kv = SqlKeyValue(engine)
    await kv.put("k", {"a": 1, "nested": {"b": [1, 2]}}, collection="one", ttl=60)
    await kv.put("k", {"a": 2}, collection="two")
    value, ttl = await kv.ttl("k", collection="one")
    assert value == {"a": 1, "nested": {"b": [1, 2]}} and ttl is not None and 58 < ttl <= 60
    assert await kv.ttl("k", collection="two") == ({"a": 2}, None)
    await kv.put("k", {"a": 3}, collection="two")  # overwrite
    assert await kv.get("k", collection="two") == {"a": 3}
    assert await kv.get("missing", collection="one") is None
    await kv.put_many(["x", "y"], [{"v": "x"}, {"v": "y"}])
    assert await kv.get_many(["y", "nope", "x"]) == [{"v": "y"}, None, {"v": "x"}]
    assert await kv.delete_many(["x", "nope"]) == 1
    assert await kv.delete("y") is True and await kv.delete("y") is False
    with pytest.raises(ValueError):
        await kv.put("bad", {"v": 1}, ttl=0)


async def test_expired_entries_read_as_absent_and_are_culled(engine: Engine) -> None:
    kv = SqlKeyValue(engine)
    await kv.put("short", {"v": 1}, ttl=0.2)
    await kv.put("long", {"v": 2}, ttl=60)
    await asyncio.sleep(0.3)
    assert await kv.get("short") is None and await kv.ttl("short") == (None, None)
    assert await kv.delete("short") is False  # already gone for callers
    await kv.put("short2", {"v": 3}, ttl=0.1)
    await asyncio.sleep(0.2)
    assert await kv.cull() == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM kv")).scalar_one() == 1


async def test_keys_are_stored_hashed(engine: Engine) -> None:
    await SqlKeyValue(engine).put("an-authorization-code", {"v": 1}, collection="codes")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT key_hash FROM kv")).scalar_one()
    assert "an-authorization-code" not in stored and len(stored) == 64


async def test_another_process_sees_the_same_records(engine: Engine, tmp_path: Path) -> None:
    """Workers are processes: what one writes, another reads (and deletes)."""
    kv = SqlKeyValue(engine)
    await kv.put("from-parent", {"who": "parent"}, collection="c", ttl=60)
    script = textwrap.dedent(
        f"""
        import anyio
        from sqlalchemy import create_engine
        from icucoach.service.kvstore import SqlKeyValue

        async def main():
            kv = SqlKeyValue(create_engine({engine.url.render_as_string(hide_password=False)!r}))
            assert await kv.get("from-parent", collection="c") == {{"who": "parent"}}
            assert await kv.delete("from-parent", collection="c")
            await kv.put("from-child", {{"who": "child"}}, collection="c")

        anyio.run(main)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert await kv.get("from-parent", collection="c") is None
    assert await kv.get("from-child", collection="c") == {"who": "child"}


async def test_values_are_encrypted_at_rest_and_keys_rotate(engine: Engine) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    await encrypted_kv(engine, [old]).put("t", {"access_token": "upstream-secret"}, collection="tokens")
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT value FROM kv")).scalar_one()
    assert "upstream-secret" not in raw
    # rotation: the new key first, the old one still decrypts; a store without the old key reads nothing
    assert await encrypted_kv(engine, [new, old]).get("t", collection="tokens") == {
        "access_token": "upstream-secret"
    }
    assert await encrypted_kv(engine, [new]).get("t", collection="tokens") is None
    with pytest.raises(ValueError, match="ICUCOACH_SECRET_KEYS"):
        kv_fernet([" "])
