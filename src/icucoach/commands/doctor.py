"""``icucoach doctor``: check credentials, athlete id, timezone and sport settings before they bite.

Each check is ok / warn / fail with the fix. When the account cannot be read at all (no connection, key
rejected, athlete not shared) the table stops there and the one error is reported with the exit code of its
cause; when a check fails the exit code is ``Exit.CONFIG`` (the settings on Intervals.icu need a fix).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import typer
from rich.table import Table

from icucoach.commands._console import fail, fail_from, out, pace, print_error, run_async
from icucoach.exitcodes import Exit
from icucoach.intervals import (
    AccessDeniedError,
    AuthenticationError,
    ClientSettings,
    ConfigurationError,
    IntervalsClient,
    IntervalsError,
    athlete_today,
    normalize_athlete_id,
)


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(
    athlete_id: str = typer.Option(
        None, "--athlete", help="Athlete id to check (default INTERVALS_ATHLETE_ID)."
    ),
) -> None:
    """Check that icucoach can reach your Intervals.icu data, and that zones and thresholds are usable."""
    try:
        settings = ClientSettings.from_env()
    except ConfigurationError as exc:
        fail_from(exc)
    if athlete_id:
        try:
            chosen = normalize_athlete_id(athlete_id)
        except ConfigurationError as exc:
            fail(f"--athlete: {exc.message}", exc.hint, Exit.USAGE)
        settings = settings.model_copy(update={"athlete_id": chosen})
    checks, fatal = run_async(lambda: _run(settings))
    table = Table(title="icucoach doctor", title_justify="left")
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail")
    style = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}
    for c in checks:
        table.add_row(c.name, style[c.status], c.detail)
    out.print(table)
    if fatal is not None:
        fail_from(fatal)
    failed = [c.name for c in checks if c.status == "fail"]
    if failed:
        print_error(
            f"{len(failed)} check(s) failed: {', '.join(failed)}",
            "Fix what the FAIL rows say in your Intervals.icu settings, then run `icucoach doctor` again.",
        )
        raise typer.Exit(Exit.CONFIG)


async def _run(settings: ClientSettings) -> tuple[list[Check], IntervalsError | None]:
    """The checks, and the error that stopped them (reported once, below the table, by the caller)."""
    checks: list[Check] = [
        Check("configuration", "ok", f"server {settings.base_url}, athlete {settings.athlete_id}")
    ]
    async with IntervalsClient(settings) as client:
        try:
            athlete = await client.get_athlete()
        except IntervalsError as exc:
            name = (
                "credentials"
                if isinstance(exc, AuthenticationError)
                else "athlete access"
                if isinstance(exc, AccessDeniedError)
                else "connection"
            )
            return [*checks, Check(name, "fail", "see the error below")], exc
        checks.append(Check("credentials", "ok", f"signed in; data of {athlete.name} ({athlete.id})"))
        checks.append(_timezone(athlete.timezone))
        checks.extend(_sport_settings(athlete))
        today = athlete_today(athlete.timezone)
        recent = await client.list_activities(today - timedelta(days=42), today)
        stubs = [a for a in recent if a.is_strava_stub]
        if recent and len(stubs) / len(recent) > 0.5:
            checks.append(
                Check(
                    "activity source",
                    "warn",
                    f"{len(stubs)} of {len(recent)} activities in 6 weeks came via Strava and are hidden "
                    "from the API; connect your device (Garmin, Wahoo, Zwift…) directly to Intervals.icu",
                )
            )
        else:
            checks.append(
                Check(
                    "activities",
                    "ok" if recent else "warn",
                    f"{len(recent)} in the last 6 weeks ({len(stubs)} Strava-only)",
                )
            )
        wellness = await client.list_wellness(today - timedelta(days=14), today)
        rmssd = sum(1 for w in wellness if w.hrv is not None)
        sdnn = sum(1 for w in wellness if w.hrvSDNN is not None)
        kind = "rMSSD" if rmssd else "SDNN only" if sdnn else "none"
        checks.append(
            Check(
                "HRV",
                "ok" if rmssd or sdnn else "warn",
                f"{max(rmssd, sdnn)} of {len(wellness)} days in 2 weeks ({kind})",
            )
        )
    return checks, None


def _timezone(tz: str | None) -> Check:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not tz:
        return Check("timezone", "warn", "not set: days are counted in UTC; set it in Intervals.icu settings")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return Check("timezone", "fail", f"{tz!r} is not an IANA timezone; fix it in Intervals.icu settings")
    return Check("timezone", "ok", f"{tz}; today is {athlete_today(tz).isoformat()} for the athlete")


def _sport_settings(athlete) -> list[Check]:  # type: ignore[no-untyped-def]
    checks: list[Check] = []
    for ss in athlete.sport_settings():
        types = ss.types or []
        label = "/".join(types[:2]) or f"settings {ss.id}"
        problems: list[str] = []
        if any(t in ("Ride", "VirtualRide") for t in types) and not ss.ftp:
            problems.append("no FTP: %FTP and power-zone workouts render as 0 W")
        if any(t in ("Run", "Swim", "TrailRun") for t in types) and not ss.threshold_pace:
            problems.append("no threshold pace: pace-based workouts cannot be resolved")
        if not ss.lthr and not ss.max_hr:
            problems.append("no LTHR or max HR: HR targets cannot be resolved")
        if problems:
            checks.append(Check(f"sport settings {label}", "warn", "; ".join(problems)))
            continue
        parts = []
        if ss.ftp:
            parts.append(f"FTP {ss.ftp:.0f} W")
        if ss.threshold_pace:
            parts.append(f"threshold {pace(ss.threshold_pace, ss.pace_units)}")
        if ss.lthr:
            parts.append(f"LTHR {ss.lthr} bpm")
        checks.append(Check(f"sport settings {label}", "ok", ", ".join(parts) or "defaults"))
    return checks
