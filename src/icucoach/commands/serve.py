"""``icucoach serve``: run the hosted service (sign in with Intervals.icu, personal and coach MCP URLs,
iCal feed, webhooks), plus its operator commands ``keygen`` and ``rotate-keys``.

Settings come from the environment (docs/service.md lists every variable); a missing or malformed one is
one error naming the variable (exit ``Exit.CONFIG``). ``--workers N`` runs N processes behind one port
(uvicorn); migrations run once, here, before the workers start. ``--demo`` runs everything against the
embedded sandbox.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import typer

from icucoach.commands._console import err, fail, out
from icucoach.exitcodes import Exit

if TYPE_CHECKING:
    from icucoach.service.settings import ServiceSettings


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Run the hosted service: sign in with Intervals.icu, MCP URLs, coaches, iCal.",
        invoke_without_command=True,
    )
    group.callback()(serve)
    group.command("keygen")(keygen)
    group.command("rotate-keys")(rotate_keys)
    group.command("migrate")(migrate)
    app.add_typer(group, name="serve")


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (put TLS in a reverse proxy)."),
    port: int = typer.Option(8800, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes (share PostgreSQL + Redis)."),
    demo: bool = typer.Option(False, "--demo", help="Run against the embedded sandbox; links printed."),
) -> None:
    """Run the hosted service: sign in with Intervals.icu, MCP URLs, coaches, iCal."""
    if ctx.invoked_subcommand is not None:
        return
    settings = None if demo else _settings()  # a configuration error first: it is the one to fix
    if not 0 < port < 65536:
        fail(f"--port must be from 1 to 65535, got {port}", "Choose a free port, e.g. --port 8800.")
    from icucoach.serving import PortUnavailableError, listen_socket

    try:
        sock = listen_socket(host, port)
    except PortUnavailableError as exc:
        fail(exc.message, exc.hint, Exit.USAGE)
    if demo:
        if workers != 1:
            fail("--demo runs one worker", "Drop --workers, or run without --demo against a real setup.")
        from icucoach.service.demo import demo_settings

        with demo_settings(port, host) as demo_config:
            _run_one(demo_config, sock, demo=True)
        return
    assert settings is not None
    if workers > 1 and settings.redis_url is None:
        fail(
            f"--workers {workers} needs ICUCOACH_REDIS_URL: workers share rate limits, the Intervals.icu "
            "budget, jobs and cache invalidation through Redis",
            "Set ICUCOACH_REDIS_URL (e.g. redis://127.0.0.1:6379/0), or run one worker.",
            Exit.CONFIG,
        )
    _migrate(settings)
    if workers == 1:
        _run_one(settings, sock, demo=False)
        return
    import uvicorn

    sock.close()  # uvicorn binds the port itself in the parent and shares it with the workers
    err.print(f"[bold]icucoach serve[/] on {settings.public_url} with {workers} workers (Ctrl-C stops it)")
    uvicorn.run(
        "icucoach.service.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
    )


def _settings() -> ServiceSettings:
    from icucoach.service.settings import ServiceSettings, SettingsError

    try:
        return ServiceSettings.from_env()
    except SettingsError as exc:
        fail(exc.message, exc.hint, Exit.CONFIG)


def _migrate(settings: ServiceSettings) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from icucoach.service.crypto import Vault
    from icucoach.service.store import ServiceStore
    from icucoach.store.opening import StoreError

    try:
        store = ServiceStore(settings.database_url, Vault(settings.secret_keys))
        store.migrate()
        store.close()
    except StoreError as exc:
        fail(exc.message, exc.hint, exc.exit_code)
    except (SQLAlchemyError, OSError) as exc:
        fail(
            f"cannot prepare the service database: {type(exc).__name__}: {str(exc).splitlines()[0]}",
            "Check ICUCOACH_DATABASE_URL (a SQLite path or postgresql://user@host/db) and that the "
            "database is reachable.",
            Exit.STORE,
        )


def _run_one(settings: ServiceSettings, sock: socket.socket, *, demo: bool) -> None:
    from icucoach.mcp import logs
    from icucoach.service.app import create_app
    from icucoach.serving import serve_foreground

    logs.configure()  # our loggers at ICUCOACH_LOG_LEVEL, libraries at WARNING (they log payloads)
    app = create_app(settings, migrate=demo)

    def announce() -> None:
        err.print(f"[bold]icucoach serve[/] listening on {settings.public_url}  (Ctrl-C stops it)")
        if demo:
            err.print(
                "demo: the Intervals.icu side is the embedded sandbox; sign in with any sandbox athlete; "
                "email links are printed here"
            )

    try:
        serve_foreground(app, sock, on_ready=announce, proxy_headers=True, timeout_graceful_shutdown=2)
    except KeyboardInterrupt:
        err.print("icucoach serve stopped")
        raise typer.Exit(Exit.INTERRUPTED) from None


def keygen() -> None:
    """Print a new secret key for ICUCOACH_SECRET_KEYS."""
    from icucoach.service.crypto import generate_key

    out.print(generate_key(), highlight=False)


def migrate() -> None:
    """Create or upgrade the service's tables (run once before starting workers under another ASGI server)."""
    _migrate(_settings())
    err.print("the service database is up to date")


def rotate_keys() -> None:
    """Re-encrypt every stored secret under the first key of ICUCOACH_SECRET_KEYS."""
    settings = _settings()
    _migrate(settings)
    from cryptography.fernet import InvalidToken

    from icucoach.service import kvstore
    from icucoach.service.crypto import Vault
    from icucoach.service.store import ServiceStore

    store = ServiceStore(settings.database_url, Vault(settings.secret_keys))
    try:
        count = store.rotate_keys()
        count += kvstore.rotate(store.engine, [k.get_secret_value() for k in settings.secret_keys])
    except InvalidToken:
        fail(
            "a stored secret opens with none of the keys in ICUCOACH_SECRET_KEYS",
            "Put the old key back at the end of ICUCOACH_SECRET_KEYS (new,old) and run rotate-keys again.",
            Exit.CONFIG,
        )
    finally:
        store.close()
    err.print(f"re-encrypted {count} secret(s) under the first key; the old key can now be removed")
