"""``icucoach demo``: the first taste. Starts the sandbox in-process and shows the demo athlete's profile,
last week's training, current fitness and the week ahead, all fetched through the real client over HTTP,
then the MCP server answering a real MCP client. ``--keep-running`` keeps the sandbox and the MCP server up
on fixed ports (``--sandbox-port``/``--port``) until Ctrl-C, with commands that work when pasted.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import typer
from rich.panel import Panel
from rich.table import Table

from icucoach.analytics.load import form_zone
from icucoach.commands._console import distance, duration, fail, number, out, pace, run_async
from icucoach.exitcodes import Exit
from icucoach.intervals import Activity, ClientSettings, Event, IntervalsClient, Wellness, WithSportSettings

MCP_PORT, SANDBOX_PORT = 8766, 8765  # fixed with --keep-running, so a configured client finds them again


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@dataclass
class Overview:
    athlete: WithSportSettings
    today: date
    week: list[Activity]
    wellness: list[Wellness]
    ahead: list[Event]
    requests: int = 0
    notes: list[str] = field(default_factory=list)


def demo(
    seed: int = typer.Option(42, help="Seed of the synthetic athletes."),
    today: str = typer.Option(
        None, help="Pin the sandbox's today (YYYY-MM-DD); default: the athlete's today."
    ),
    keep_running: bool = typer.Option(
        False, "--keep-running", help="Keep the sandbox and the MCP server up until Ctrl-C."
    ),
    port: int = typer.Option(
        None, help=f"MCP server port (default: {MCP_PORT} with --keep-running, else any free port)."
    ),
    sandbox_port: int = typer.Option(
        None, help=f"Sandbox port (default: {SANDBOX_PORT} with --keep-running, else any free port)."
    ),
) -> None:
    """Run the sandbox and show what icucoach sees for the demo athlete."""
    from icucoach.sandbox import SandboxOptions, serve_in_thread

    pinned = None
    if today:
        try:
            pinned = date.fromisoformat(today)
        except ValueError:
            fail(
                f"--today must be a date like 2026-11-23, got {today!r}",
                "Write the date as YYYY-MM-DD.",
                Exit.USAGE,
            )
    if keep_running:
        port = port or MCP_PORT
        sandbox_port = sandbox_port or SANDBOX_PORT
    for option, value in (("--port", port), ("--sandbox-port", sandbox_port)):
        _check_port(option, value)
    started = time.perf_counter()
    with (
        out.status("Generating three years of synthetic training and starting the sandbox…"),
        serve_in_thread(SandboxOptions(seed=seed, today=pinned, port=sandbox_port or 0)) as sandbox,
    ):
        pass_ = sandbox.account("athlete", 0)
        out.print(
            Panel.fit(
                f"Intervals.icu sandbox at [cyan]{sandbox.base_url}[/] "
                f"(ready in {time.perf_counter() - started:.1f} s)\n"
                + "\n".join(
                    f"  {a.role:<8} {a.athlete_id}  {a.name:<16} key {a.api_key}" for a in sandbox.accounts
                ),
                title="icucoach demo",
            )
        )
        settings = ClientSettings(api_key=pass_.api_key, base_url=sandbox.base_url)
        overview = run_async(lambda: _gather(settings))
        _show(overview)
        from icucoach.mcp.demo import running_mcp

        again = [*(["--today", today] if today else []), *(["--seed", str(seed)] if seed != 42 else [])]
        with running_mcp(
            sandbox.base_url,
            pass_.api_key,
            out,
            today=pinned,
            port=port,
            keep_running=keep_running,
            again=again,
        ):
            if keep_running:
                _wait_for_ctrl_c(sandbox.base_url)


def _check_port(option: str, port: int | None) -> None:
    from icucoach.serving import PortUnavailableError, listen_socket

    if port is None:
        return
    if not 0 < port < 65536:
        fail(f"{option} {port} is not a TCP port", f"pass {option} between 1 and 65535", Exit.USAGE)
    try:
        listen_socket("127.0.0.1", port).close()
    except PortUnavailableError as exc:
        fail(
            f"{option} {port}: {exc.message}",
            f"pass another {option}, or stop what listens there",
            Exit.USAGE,
        )


def _wait_for_ctrl_c(base_url: str) -> None:
    out.print(
        f"The sandbox ({base_url}) and the MCP server stay up. Ctrl-C stops them.",
        soft_wrap=True,
        highlight=False,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        out.print("Stopped the sandbox and the MCP server.")


async def _gather(settings: ClientSettings) -> Overview:
    async with IntervalsClient(settings) as client:
        athlete = await client.get_athlete()
        today = await client.today()
        week = await client.list_activities(today - timedelta(days=6), today)
        wellness = await client.list_wellness(today - timedelta(days=7), today)
        ahead = await client.list_events(
            today, today + timedelta(days=7), category=["WORKOUT", "RACE_A", "RACE_B", "RACE_C", "NOTE"]
        )
        return Overview(athlete, today, week, wellness, ahead, client.request_count)


def _when(local: str | None, with_time: bool = True) -> str:
    if not local:
        return "—"
    d = date.fromisoformat(local[:10])
    return f"{d:%a %d}" + (f" {local[11:16]}" if with_time else "")


def _show(o: Overview) -> None:
    a = o.athlete
    thresholds = []
    for ss in a.sport_settings():
        label = (ss.types or ["?"])[0]
        bits = [
            f"FTP {ss.ftp:.0f} W" if ss.ftp else None,
            f"threshold {pace(ss.threshold_pace, ss.pace_units)}" if ss.threshold_pace else None,
            f"LTHR {ss.lthr} bpm" if ss.lthr else None,
        ]
        if any(bits):
            thresholds.append(f"{label}: " + ", ".join(b for b in bits if b))
    out.print(
        Panel(
            f"[bold]{a.name}[/] ({a.id}) · {a.timezone} · athlete's today {o.today:%a %d %b %Y}\n"
            + "\n".join(thresholds),
            title="Profile",
            title_align="left",
        )
    )

    table = Table(title="Last 7 days", title_justify="left")
    for col in ("date", "sport", "session", "time", "distance", "load", "IF / intensity", "avg HR"):
        table.add_column(col, justify="right" if col in ("time", "distance", "load", "avg HR") else "left")
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for act in sorted(o.week, key=lambda x: x.start_date_local or ""):
        when = _when(act.start_date_local)
        if act.is_strava_stub:
            table.add_row(
                when, "?", "[dim]Strava activity (not available via the API)[/]", "—", "—", "—", "—", "—"
            )
            continue
        table.add_row(
            when,
            act.type or "?",
            act.name or "",
            duration(act.moving_time),
            distance(act.distance),
            number(act.icu_training_load),
            number(act.icu_intensity, "{:.0f}%"),
            number(act.average_heartrate),
        )
        t = totals[act.type or "?"]
        t[0] += 1
        t[1] += act.moving_time or 0
        t[2] += act.icu_training_load or 0
    out.print(table)
    out.print(
        "  " + " · ".join(f"{k}: {int(v[0])}× {duration(v[1])}, load {v[2]:.0f}" for k, v in totals.items())
    )

    latest = next((w for w in reversed(o.wellness) if w.ctl is not None), None)
    if latest is not None:
        form = (latest.ctl or 0) - (latest.atl or 0)
        zone = form_zone(form)
        readings = next((w for w in reversed(o.wellness) if w.restingHR is not None), None)
        extra: list[Any] = []
        if readings is not None:
            hrv = (
                f"HRV {readings.hrv:.0f} ms (rMSSD)"
                if readings.hrv
                else (f"HRV {readings.hrvSDNN:.0f} ms (SDNN)" if readings.hrvSDNN else "HRV —")
            )
            extra = [
                f"resting HR {readings.restingHR} bpm",
                hrv,
                f"sleep {duration(readings.sleepSecs)}" if readings.sleepSecs else "sleep —",
                f"(readings of {readings.id})",
            ]
        out.print(
            Panel(
                f"Fitness (CTL) [bold]{latest.ctl:.1f}[/] · Fatigue (ATL) [bold]{latest.atl:.1f}[/] · "
                f"Form (TSB) [bold]{form:+.1f}[/] → {zone or '—'} · "
                f"ramp {number(latest.rampRate, '{:+.1f}')} CTL/week\n" + " · ".join(extra),
                title=f"Fitness on {latest.id}",
                title_align="left",
            )
        )

    ahead = Table(title="The week ahead", title_justify="left")
    for col in ("date", "category", "sport", "name", "planned time", "planned load"):
        ahead.add_column(col)
    for ev in sorted(o.ahead, key=lambda e: e.start_date_local or ""):
        done = " [green]✓ done[/]" if ev.paired_activity_id else ""
        ahead.add_row(
            _when(ev.start_date_local, with_time=False) + done,
            ev.category or "",
            ev.type or "",
            ev.name or "",
            duration(ev.moving_time) if ev.moving_time else "—",
            number(ev.icu_training_load),
        )
    out.print(ahead)
    out.print(f"[dim]{o.requests} requests to the sandbox over real HTTP.[/]")
