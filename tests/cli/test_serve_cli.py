"""``icucoach serve`` through the real CLI: its configuration errors (one error, its fix, the documented exit
code), ``keygen``, and ``rotate-keys`` re-encrypting every stored secret so the old key can be dropped."""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet

from icucoach.exitcodes import Exit
from icucoach.service.crypto import Vault
from icucoach.service.store import ServiceStore

from .harness import assert_clean_failure, run


def env_for(db: Path, keys: str) -> dict[str, str]:
    return {
        "ICUCOACH_PUBLIC_URL": "http://127.0.0.1:8800",
        "ICUCOACH_DATABASE_URL": f"sqlite:///{db}",
        "ICUCOACH_SECRET_KEYS": keys,
        "INTERVALS_OAUTH_CLIENT_ID": "app",
        "INTERVALS_OAUTH_CLIENT_SECRET": "secret",
    }


def test_missing_settings_name_the_variable(tmp_path: Path) -> None:
    env = env_for(tmp_path / "s.db", Fernet.generate_key().decode())
    del env["INTERVALS_OAUTH_CLIENT_ID"]
    assert_clean_failure(run("serve", "--port", "0", env=env), Exit.CONFIG, "INTERVALS_OAUTH_CLIENT_ID")
    bad = env_for(tmp_path / "s.db", "not-a-key")
    assert_clean_failure(run("serve", "rotate-keys", env=bad), Exit.CONFIG, "ICUCOACH_SECRET_KEYS", "keygen")


def test_keygen_prints_a_usable_key() -> None:
    result = run("serve", "keygen")
    assert result.returncode == 0
    Fernet(result.stdout.strip().encode())


def test_rotate_keys_lets_the_old_key_go(tmp_path: Path) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    db = tmp_path / "service.db"
    store = ServiceStore(f"sqlite:///{db}", Vault([old]))
    store.migrate()
    store.upsert_account("i1", "A", None, "intervals-token-1", "ACTIVITY:READ")
    personal = store.url_token("i1", "mcp")
    store.close()

    result = run("serve", "rotate-keys", env=env_for(db, f"{new},{old}"))
    assert result.returncode == 0, result.stderr
    assert "re-encrypted 2 secret" in result.stderr

    rotated = ServiceStore(f"sqlite:///{db}", Vault([new]))  # the old key is gone
    assert rotated.upstream_token("i1") == "intervals-token-1"
    assert rotated.url_token("i1", "mcp") == personal
    rotated.close()


def test_rotate_without_the_old_key_is_refused(tmp_path: Path) -> None:
    old = Fernet.generate_key().decode()
    db = tmp_path / "service.db"
    store = ServiceStore(f"sqlite:///{db}", Vault([old]))
    store.migrate()
    store.upsert_account("i1", "A", None, "tok", None)
    store.close()
    result = run("serve", "rotate-keys", env=env_for(db, Fernet.generate_key().decode()))
    assert_clean_failure(result, Exit.CONFIG, "old key")


def test_rotate_keys_covers_the_oauth_store(tmp_path: Path) -> None:
    import anyio

    from icucoach.service.kvstore import encrypted_kv

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    db = tmp_path / "service.db"
    store = ServiceStore(f"sqlite:///{db}", Vault([old]))
    store.migrate()

    async def put() -> None:
        await encrypted_kv(store.engine, [old]).put("client-1", {"name": "Claude"}, collection="clients")

    anyio.run(put)
    store.close()
    assert run("serve", "rotate-keys", env=env_for(db, f"{new},{old}")).returncode == 0

    after = ServiceStore(f"sqlite:///{db}", Vault([new]))

    async def get() -> object:
        return await encrypted_kv(after.engine, [new]).get("client-1", collection="clients")

    assert anyio.run(get) == {"name": "Claude"}
    after.close()


def test_serve_demo_runs_the_whole_service_against_the_sandbox() -> None:
    import os
    import signal
    import subprocess
    import time

    import httpx

    from icucoach.serving import free_port

    from .harness import ICUCOACH

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    proc = subprocess.Popen(
        [ICUCOACH, "serve", "--demo", "--port", str(port)],
        env={**env, "ICUCOACH_CONFIG": "/nonexistent/icucoach.toml"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else "exited"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve --demo did not start"
            time.sleep(0.2)
        assert "Connect with Intervals.icu" in httpx.get(base + "/").text
        metadata = httpx.get(f"{base}/.well-known/oauth-protected-resource/mcp").json()
        assert metadata["resource"] == f"{base}/mcp"
        assert httpx.post(f"{base}/mcp", json={}).status_code == 401  # MCP authorization is on
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == Exit.INTERRUPTED
    assert "listening on " + base in stderr and "Traceback" not in stderr


def test_several_workers_need_redis(tmp_path: Path) -> None:
    env = env_for(tmp_path / "s.db", Fernet.generate_key().decode())
    assert_clean_failure(run("serve", "--workers", "2", env=env), Exit.CONFIG, "ICUCOACH_REDIS_URL")


def test_bad_database_settings_are_one_error(tmp_path: Path) -> None:
    keys = Fernet.generate_key().decode()
    env = env_for(tmp_path / "s.db", keys)
    env["ICUCOACH_DATABASE_URL"] = "mysql://db/icucoach"
    assert_clean_failure(run("serve", "migrate", env=env), Exit.STORE, "ICUCOACH_DATABASE_URL", "postgresql")
    env["ICUCOACH_DATABASE_URL"] = str(tmp_path / "no-such-folder" / "service.db")
    assert_clean_failure(run("serve", "migrate", env=env), Exit.STORE, "no-such-folder")
    assert not (tmp_path / "no-such-folder").exists()
