"""``icucoach sandbox``: run the local Intervals.icu, or print its demo accounts.

The port is bound first: a busy port is one error naming it and the fix (exit ``Exit.USAGE``: the
``--port`` value cannot be used), before seconds are spent building the world; the URL is printed only once
the server accepts connections.
"""

from __future__ import annotations

import json
from datetime import date

import typer

from icucoach.commands._console import err, fail, out
from icucoach.exitcodes import Exit


def register(app: typer.Typer) -> None:
    app.command("sandbox")(sandbox)


def sandbox(
    port: int = typer.Option(8765, help="Port to listen on (127.0.0.1)."),
    seed: int = typer.Option(
        42, help="Seed of the synthetic athletes; the same seed gives the same accounts."
    ),
    today: str = typer.Option(None, help="Pin the last day of history (YYYY-MM-DD) for reproducible output."),
    accounts: bool = typer.Option(False, "--accounts", help="Print the demo accounts as JSON and exit."),
    squad: int = typer.Option(
        0,
        help="Give the coach N athletes (N >= 2): the two demo athletes plus N - 2 generated ones, planted "
        "with a compliant, an overreaching, a sick, a skipping, a too-hard, a no-power-meter and a "
        "Strava-only athlete, then ordinary ones. 0 = the default world.",
    ),
    rate_limit: bool = typer.Option(True, "--rate-limit/--no-rate-limit", help="Imitate ~10 req/s per key."),
    latency_ms: float = typer.Option(0.0, help="Fault injection: added latency per request (ms)."),
    p429: float = typer.Option(0.0, help="Fault injection: share of requests answered 429 (0..1)."),
    p500: float = typer.Option(0.0, help="Fault injection: share answered 500 (0..1)."),
    p503: float = typer.Option(0.0, help="Fault injection: share answered 503 (0..1)."),
    p_timeout: float = typer.Option(0.0, help="Fault injection: share that hang, then 504 (0..1)."),
    p_truncate: float = typer.Option(0.0, help="Fault injection: share with a truncated JSON body (0..1)."),
    fault_seed: int = typer.Option(0, help="Seed of the fault RNG, so a failing run replays exactly."),
    webhook_url: str = typer.Option(
        None, help="Send the sandbox OAuth app's webhooks (Intervals.icu events) to this URL."
    ),
    webhook_secret: str = typer.Option(
        None, help="Shared secret sent in every webhook body (with --webhook-url).", show_default=False
    ),
) -> None:
    """Run a faithful local Intervals.icu API (under /api/v1) with deterministic synthetic athletes."""
    if squad and not 2 <= squad <= 40:  # generate/squad.py: DEMO_ATHLETES .. MAX_SQUAD
        fail(
            f"--squad must be from 2 to 40 athletes, got {squad}",
            "Give the number of athletes the coach should see, e.g. --squad 12 (0 = the default world).",
        )
    if accounts:
        from icucoach.sandbox.generate import list_accounts

        out.print_json(json.dumps([a.to_json() for a in list_accounts(seed, squad)]))
        return
    pinned = None
    if today:
        try:
            pinned = date.fromisoformat(today)
        except ValueError:
            fail(f"--today must be a date like 2026-11-23, got {today!r}", "Write the date as YYYY-MM-DD.")
    for name, share in (
        ("p429", p429),
        ("p500", p500),
        ("p503", p503),
        ("p-timeout", p_timeout),
        ("p-truncate", p_truncate),
    ):
        if not 0.0 <= share <= 1.0:
            fail(
                f"--{name} must be a share between 0 and 1, got {share}",
                f"Give --{name} a value from 0 to 1.",
            )
    if webhook_url is not None and not webhook_url.startswith(("http://", "https://")):
        fail(
            f"--webhook-url must be an http:// or https:// URL, got {webhook_url!r}",
            "Give the receiver's full URL, e.g. --webhook-url http://127.0.0.1:8800/webhooks/intervals.",
        )
    if webhook_secret is not None and webhook_url is None:
        fail("--webhook-secret needs --webhook-url", "Add --webhook-url with the receiver's URL.")
    if not 0 < port < 65536:
        fail(f"--port must be from 1 to 65535, got {port}", "Choose a free port, e.g. --port 8765.")
    from icucoach.sandbox import FaultConfig, SandboxOptions
    from icucoach.sandbox.faults import FaultPlan
    from icucoach.sandbox.runner import build_app, build_world
    from icucoach.serving import PortUnavailableError, listen_socket, serve_foreground

    host = "127.0.0.1"
    try:
        sock = listen_socket(host, port)
    except PortUnavailableError as exc:
        fail(exc.message, exc.hint, Exit.USAGE)
    faults = FaultConfig(
        seed=fault_seed,
        latency_ms=latency_ms,
        p429=p429,
        p500=p500,
        p503=p503,
        p_timeout=p_timeout,
        p_truncate=p_truncate,
    )
    options = SandboxOptions(
        seed=seed,
        today=pinned,
        squad=squad,
        rate_limit=rate_limit,
        faults=faults,
        host=host,
        port=port,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
    )
    world = build_world(options)
    app = build_app(world, options, FaultPlan(faults))

    def announce() -> None:
        err.print(
            f"[bold]icucoach sandbox[/] listening on http://{host}:{port}  (seed {seed}; accounts: "
            f"icucoach sandbox --accounts --seed {seed}{f' --squad {squad}' if squad else ''}; "
            "Ctrl-C stops it)"
        )
        err.print(f"point the client at it: [cyan]export INTERVALS_BASE_URL=http://{host}:{port}[/]")
        if webhook_url:
            err.print(f"webhooks of the sandbox OAuth app go to {webhook_url}")

    try:
        serve_foreground(app, sock, on_ready=announce, lifespan="off", timeout_graceful_shutdown=1)
    except KeyboardInterrupt:
        err.print("sandbox stopped")
        raise typer.Exit(Exit.INTERRUPTED) from None
