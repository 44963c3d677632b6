"""``icucoach sandbox``: run the local Intervals.icu, or print its demo accounts."""

from __future__ import annotations

import json
from datetime import date

import typer

from icucoach.commands._console import err, fail, out


def register(app: typer.Typer) -> None:
    app.command("sandbox")(sandbox)


def sandbox(
    port: int = typer.Option(8765, help="Port to listen on (127.0.0.1)."),
    seed: int = typer.Option(
        42, help="Seed of the synthetic athletes; the same seed gives the same accounts."
    ),
    today: str = typer.Option(None, help="Pin the last day of history (YYYY-MM-DD) for reproducible output."),
    accounts: bool = typer.Option(False, "--accounts", help="Print the demo accounts as JSON and exit."),
    rate_limit: bool = typer.Option(True, "--rate-limit/--no-rate-limit", help="Imitate ~10 req/s per key."),
    latency_ms: float = typer.Option(0.0, help="Fault injection: added latency per request (ms)."),
    p429: float = typer.Option(0.0, help="Fault injection: share of requests answered 429 (0..1)."),
    p500: float = typer.Option(0.0, help="Fault injection: share answered 500 (0..1)."),
    p503: float = typer.Option(0.0, help="Fault injection: share answered 503 (0..1)."),
    p_timeout: float = typer.Option(0.0, help="Fault injection: share that hang, then 504 (0..1)."),
    p_truncate: float = typer.Option(0.0, help="Fault injection: share with a truncated JSON body (0..1)."),
    fault_seed: int = typer.Option(0, help="Seed of the fault RNG, so a failing run replays exactly."),
) -> None:
    """Run a faithful local Intervals.icu API (under /api/v1) with deterministic synthetic athletes."""
    from icucoach.sandbox import FaultConfig, SandboxOptions, serve_forever
    from icucoach.sandbox.generate import list_accounts

    if accounts:
        out.print_json(json.dumps([a.to_json() for a in list_accounts(seed)]))
        return
    pinned = None
    if today:
        try:
            pinned = date.fromisoformat(today)
        except ValueError:
            fail(f"--today must be a date like 2026-11-23, got {today!r}")
    for name, share in (
        ("p429", p429),
        ("p500", p500),
        ("p503", p503),
        ("p-timeout", p_timeout),
        ("p-truncate", p_truncate),
    ):
        if not 0.0 <= share <= 1.0:
            fail(f"--{name} must be a share between 0 and 1, got {share}")
    faults = FaultConfig(
        seed=fault_seed,
        latency_ms=latency_ms,
        p429=p429,
        p500=p500,
        p503=p503,
        p_timeout=p_timeout,
        p_truncate=p_truncate,
    )
    err.print(
        f"[bold]icucoach sandbox[/] on http://127.0.0.1:{port}  (seed {seed}; accounts: "
        f"icucoach sandbox --accounts --seed {seed})"
    )
    err.print(f"point the client at it: [cyan]export INTERVALS_BASE_URL=http://127.0.0.1:{port}[/]")
    serve_forever(SandboxOptions(seed=seed, today=pinned, rate_limit=rate_limit, faults=faults, port=port))
