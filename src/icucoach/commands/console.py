"""``icucoach console``: the coach console's pages on localhost for the configured API key's owner: the
squad, the feed, each athlete's week, season and workout reviews (the pages of the hosted service, served
by ``service.web.console_hosts.local_app``). No account: the key is the sign-in.

Credentials are resolved as ``icucoach export`` does (environment, then the config file; ``--base-url``
overrides ``INTERVALS_BASE_URL``, e.g. for the sandbox). The key is checked once before the port is
announced, so a wrong key is one ``error:``/``fix:`` and its exit code, not a broken page. It opens no
browser; it prints the URL once the server accepts connections, and Ctrl-C stops it with exit 0.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date

import typer

from icucoach.exitcodes import Exit

DEFAULT_PORT = 8767


def register(app: typer.Typer) -> None:
    app.command("console")(console)


def console(
    port: int = typer.Option(DEFAULT_PORT, help="Port to serve the pages on."),
    host: str = typer.Option("127.0.0.1", help="Bind address; keep it local (the pages need no sign-in)."),
    base_url: str = typer.Option(
        None, "--base-url", help="Intervals.icu API base URL (default INTERVALS_BASE_URL or intervals.icu)."
    ),
) -> None:
    """Serve the coach console (squad, feed, athlete week, season, workout review) on localhost."""
    from icucoach.commands._console import fail, fail_from
    from icucoach.intervals import ClientSettings, ConfigurationError, IntervalsClient, IntervalsError
    from icucoach.service.web.console_hosts import LOCAL_NAMES, LocalProvider, local_app
    from icucoach.serving import PortUnavailableError, listen_socket, serve_foreground

    if not 0 < port < 65536:
        fail(f"--port {port} is not a TCP port", "pass --port between 1 and 65535", Exit.USAGE)
    try:
        settings = ClientSettings.from_env(base_url=base_url) if base_url else ClientSettings.from_env()
    except ConfigurationError as exc:
        fail_from(exc)
    today = _pinned_today()

    async def check() -> None:
        async with IntervalsClient(settings) as probe:
            await probe.get_athlete()

    try:
        asyncio.run(check())
    except IntervalsError as exc:
        fail_from(exc)
    try:
        sock = listen_socket(host, port)
    except PortUnavailableError as exc:
        fail(exc.message, exc.hint, Exit.USAGE)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}"
    provider = LocalProvider(IntervalsClient(settings), today=today)

    def ready() -> None:
        print(f"icucoach console: {url}/coach/squad (Ctrl-C stops it)", file=sys.stderr, flush=True)
        if host not in LOCAL_NAMES:
            # the pages have no sign-in: the key is the sign-in
            print(
                f"warning: anyone who can reach {host} reads your athletes' training and may write notes",
                file=sys.stderr,
                flush=True,
            )

    try:
        serve_foreground(local_app(provider, host), sock, on_ready=ready)
    except KeyboardInterrupt:
        print("icucoach console stopped.", file=sys.stderr, flush=True)


def _pinned_today() -> date | None:
    from icucoach.commands._console import pinned_today

    return pinned_today()
