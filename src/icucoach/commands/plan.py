"""``icucoach plan build|apply|adjust``: a periodised block for the next goal race, previewed as a calendar
diff, written only on ``apply``, adjusted after what happened.

Flags are parsed here; reading, diffing and writing live in ``icucoach.coach.plan_io`` (shared with the MCP
tools and the console), the rules in ``icucoach.plan``. A preview is kept under its id in
``$XDG_DATA_HOME/icucoach/plans`` so ``plan apply ID`` writes exactly what was shown. ``ICUCOACH_TODAY``
pins "today" (demos and tests against a sandbox with a pinned date), as in the console and the service.
Failures are one ``error:`` and one ``fix:`` line with the exit code of their cause.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from icucoach.commands._console import fail, fail_from, pinned_today, run_async
from icucoach.exitcodes import Exit

if TYPE_CHECKING:
    from icucoach.coach.plan_io import Applied, Ask, Built, Proposal
    from icucoach.coach.plan_previews import Preview

T = TypeVar("T")
FORMATS = ("text", "json")
HELP = "Build a training block for a goal race, preview it as a calendar diff, apply it, adjust it."


def _parsed(make: Callable[[], T]) -> T:
    """A flag parsed by ``coach.plan_args``; a bad value is one error naming the flag and its format."""
    from icucoach.coach.plan_args import ArgError

    try:
        return make()
    except ArgError as exc:
        fail(exc.message, exc.fix)


def _settings() -> Any:
    from icucoach.intervals import ClientSettings, ConfigurationError

    try:
        return ClientSettings.from_env()
    except ConfigurationError as exc:
        fail_from(exc)


# What to run, in this surface's words, for the causes the core states in general terms.
CLI_FIX = {
    "conflict": "run icucoach plan build … again and apply the id it prints",
    "not_found": "run icucoach plan adjust again and approve the ids it lists now",
}


def _plan_fail(exc: Exception) -> NoReturn:
    kind = getattr(exc, "kind", "")
    code = {"conflict": Exit.INVALID, "not_found": Exit.NOT_FOUND}.get(kind, Exit.USAGE)
    fail(getattr(exc, "message", str(exc)), CLI_FIX.get(kind) or getattr(exc, "fix", None), code)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        fail(f"--format must be text or json, got {fmt!r}", "use --format text or --format json")


def _emit(data: dict[str, Any], text: str, fmt: str) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n" if fmt == "json" else text)


# ------------------------------------------------------------------------------------------------ text


def _num(v: Any, digits: int = 0) -> str:
    return "—" if v is None else f"{float(v):.{digits}f}"


def diff_table(pv: Preview) -> str:
    lines = [
        f"{'#':>3}  {'day':10}  {'action':7}  {'sport':5}  {'min':>4}  {'load':>5}  {'Δload':>6}  session"
    ]
    for it in pv.items:
        flag = "  [hand-edited: kept unless --overwrite-hand-edited]" if it.hand_edited else ""
        lines.append(
            f"{it.index:>3}  {it.day:10}  {it.action:7}  {(it.sport or '')[:5]:5}  {_num(it.minutes):>4}  "
            f"{_num(it.load):>5}  {_num(it.load_delta):>6}  {it.name}{flag}"
        )
    return "\n".join(lines) + "\n"


def summary_text(summary: dict[str, Any]) -> str:
    lines = [f"{'week of':10}  {'kind':8}  {'hours':>5}  {'load':>6}  {'ACWR':>5}  {'monotony':>8}"]
    for w in summary.get("weeks", []):
        lines.append(
            f"{w['start']:10}  {w['kind']:8}  {_num(w['hours'], 1):>5}  {_num(w['load']):>6}  "
            f"{_num(w['acwr_end'], 2):>5}  {_num(w['monotony'], 2):>8}"
        )
    race, form = summary.get("a_race"), summary.get("race_day_form")
    if race and form:
        lines.append(
            f"race day {race['date']} ({race.get('name') or 'A race'}): "
            f"projected CTL {_num(form['ctl'], 1)}, ATL {_num(form['atl'], 1)}, TSB {_num(form['tsb'], 1)}"
        )
    lines += [f"warning: {w}" for w in summary.get("warnings", [])]
    return "\n".join(lines) + "\n"


def preview_text(pv: Preview) -> str:
    c = pv.counts()
    who = f"{pv.athlete_name or 'athlete'} ({pv.athlete_id})"
    head = (
        f"plan preview {pv.id} for {who}, {pv.window[0]}..{pv.window[1]}: {c['add']} to add, "
        f"{c['change']} to change, {c['remove']} to remove, {c['keep']} unchanged\n"
    )
    body = diff_table(pv) if pv.items else "the calendar already holds this plan: nothing to write\n"
    return head + body + summary_text(pv.summary)


def applied_text(what: str, a: Applied) -> str:
    if a.already:
        return f"{what}: already on the calendar, 0 writes\n"
    text = f"{what}: {a.upserted} session(s) written, {a.deleted} removed ({a.writes} writes)\n"
    return text + "".join(f"kept as edited by hand: {s}\n" for s in a.skipped)


# ------------------------------------------------------------------------------------------- commands


def build(
    goal: list[str] = typer.Option(
        [], "--goal", metavar="DATE:PRIORITY", help="e.g. 2027-04-12:A, or 2027-04-12:A:name (repeatable)."
    ),
    hours: float | None = typer.Option(None, "--hours", help="Weekly training hours (budget ±10 %)."),
    days: str = typer.Option(..., "--days", help="Training days, e.g. mon,wed,thu,sat,sun (day:MIN to cap)."),
    long_day: str | None = typer.Option(None, "--long-day", help="The long session's day, e.g. sun."),
    sports: str | None = typer.Option(None, "--sports", help="Sport mix, e.g. ride:0.7,run:0.3."),
    distribution: str = typer.Option("polarised", "--distribution", help="polarised or pyramidal."),
    weeks: int | None = typer.Option(None, "--weeks", help="Weeks to plan (default: up to the A race)."),
    rule: list[str] = typer.Option(
        [],
        "--rule",
        metavar="DAY:TEMPLATE[:MIN]",
        help="Every week, e.g. sun:run-long:120 or mon:rest (repeatable).",
    ),
    athlete: str | None = typer.Option(None, "--athlete", help="Athlete id (a coach's athlete)."),
    apply: bool = typer.Option(False, "--apply/--preview", help="Write at once (default: preview only)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Build a block up to the A race and show it as a calendar diff (nothing is written without --apply).

    Goals come from --goal and from the RACE_A/B/C events on the calendar. The preview gets an id;
    `icucoach plan apply ID` writes exactly that diff."""
    from icucoach.coach import plan_args
    from icucoach.coach.plan_io import Ask

    _check_format(fmt)
    if hours is not None and not 0 < hours <= 40:
        fail(f"--hours {hours:g} is not a weekly budget", "give the weekly hours, e.g. --hours 8")
    if weeks is not None and not 1 <= weeks <= 52:
        fail(f"--weeks {weeks} is out of range", "give 1 to 52 weeks, e.g. --weeks 12")
    ask = Ask(
        goals=tuple(_parsed(partial(plan_args.goal, g)) for g in goal),
        weekly_hours=hours,
        availability=_parsed(lambda: plan_args.days(days, hours, long_day)),
        sports=_parsed(lambda: plan_args.sports(sports)),
        distribution=_parsed(lambda: plan_args.distribution(distribution)),
        weeks=weeks,
        recurrences=_parsed(
            lambda: plan_args.check_rules(plan_args.rules(rule), plan_args.days(days, hours, long_day))
        ),
    )
    settings, today = _settings(), pinned_today()
    built, applied = run_async(lambda: _build(settings, athlete, ask, today, apply))
    pv = built.preview
    data = {"preview": pv.to_dict(), "applied": applied.to_dict() if applied else None}
    text = preview_text(pv)
    if applied is not None:
        text += applied_text(f"applied {pv.id}", applied)
    else:
        text += f"nothing written; to write it: icucoach plan apply {pv.id}\n" if pv.items else ""
    _emit(data, text, fmt)


async def _build(
    settings: Any, athlete: str | None, ask: Ask, today: date | None, apply: bool
) -> tuple[Built, Applied | None]:
    from icucoach.coach import plan_io
    from icucoach.coach.plan_previews import FileStore
    from icucoach.intervals import IntervalsClient

    async with IntervalsClient(settings) as client:
        try:
            inputs = await plan_io.read_inputs(client, athlete or settings.athlete_id, today)
            built = await plan_io.preview(
                client, inputs, ask, FileStore(), created=datetime.now(UTC).isoformat(timespec="seconds")
            )
            applied = await plan_io.apply_preview(client, built.preview) if apply else None
        except plan_io.PlanError as exc:
            _plan_fail(exc)
    return built, applied


def apply_cmd(
    preview_id: str = typer.Argument(..., metavar="PREVIEW_ID", help="The id `plan build` printed."),
    overwrite_hand_edited: bool = typer.Option(
        False, "--overwrite-hand-edited", help="Also replace sessions edited by hand since they were written."
    ),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Write a previewed plan to the calendar (refused if the calendar changed since the preview)."""
    from icucoach.coach.plan_previews import FileStore

    _check_format(fmt)
    pv = FileStore().load(preview_id.strip().lower())
    if pv is None:
        fail(
            f"no plan preview {preview_id!r} on this machine",
            "run icucoach plan build … to make a preview, and apply the id it prints",
            Exit.NOT_FOUND,
        )
    settings = _settings()
    applied = run_async(lambda: _apply(settings, pv, overwrite_hand_edited))
    _emit({"preview_id": pv.id, "applied": applied.to_dict()}, applied_text(f"applied {pv.id}", applied), fmt)


async def _apply(settings: Any, pv: Preview, overwrite: bool) -> Applied:
    from icucoach.coach import plan_io
    from icucoach.intervals import IntervalsClient

    async with IntervalsClient(settings) as client:
        try:
            return await plan_io.apply_preview(client, pv, overwrite_hand_edited=overwrite)
        except plan_io.PlanError as exc:
            _plan_fail(exc)


def adjust_cmd(
    day: str | None = typer.Option(
        None, "--date", help="The day to adjust from, YYYY-MM-DD (default: today)."
    ),
    approve: str | None = typer.Option(None, "--approve", help="all, or proposal ids separated by commas."),
    overwrite_hand_edited: bool = typer.Option(
        False, "--overwrite-hand-edited", help="Also change sessions edited by hand since they were written."
    ),
    athlete: str | None = typer.Option(None, "--athlete", help="Athlete id (a coach's athlete)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Propose changes to the plan from what happened (missed sessions, red flags, ACWR); --approve writes."""
    _check_format(fmt)
    today = pinned_today()
    if day:
        try:
            today = date.fromisoformat(day)
        except ValueError:
            fail(f"--date must be YYYY-MM-DD, got {day!r}", "write the date as e.g. 2026-11-23")
    ids: list[str] | None = None
    if approve is not None and approve.strip().lower() != "all":
        ids = [i.strip() for i in approve.split(",") if i.strip()]
        if not ids:
            fail("--approve is empty", "give --approve all, or the ids plan adjust listed")
    settings = _settings()
    proposals, applied = run_async(
        lambda: _adjust(settings, athlete, today, approve is not None, ids, overwrite_hand_edited)
    )
    rows = [p.to_dict() for p in proposals]
    text = proposals_text(proposals)
    if applied is not None:
        text += applied_text("approved", applied)
    elif proposals:
        text += "nothing written; to write them: icucoach plan adjust --approve all (or the ids)\n"
    _emit({"proposals": rows, "applied": applied.to_dict() if applied else None}, text, fmt)


def proposals_text(proposals: tuple[Proposal, ...]) -> str:
    if not proposals:
        return "no adjustment needed: the plan matches what happened\n"
    lines = [f"{'id':8}  {'day':10}  {'kind':12}  {'action':7}  {'load':>5}  session — reason"]
    for p in proposals:
        it = p.item
        lines.append(
            f"{p.id:8}  {it.day:10}  {p.adjustment.kind:12}  {it.action:7}  {_num(it.load):>5}  "
            f"{it.name} — {p.adjustment.reason}{'  [hand-edited]' if it.hand_edited else ''}"
        )
    return "\n".join(lines) + "\n"


async def _adjust(
    settings: Any,
    athlete: str | None,
    today: date | None,
    write: bool,
    ids: list[str] | None,
    overwrite: bool = False,
) -> tuple[tuple[Proposal, ...], Applied | None]:
    from icucoach.coach import plan_io
    from icucoach.intervals import IntervalsClient

    async with IntervalsClient(settings) as client:
        try:
            inputs = await plan_io.read_inputs(client, athlete or settings.athlete_id, today)
            proposals = (await plan_io.adjust(client, inputs, today=today)).proposals
            applied = (
                await plan_io.approve(
                    client, inputs.athlete_id, proposals, ids, overwrite_hand_edited=overwrite
                )
                if write
                else None
            )
        except plan_io.PlanError as exc:
            _plan_fail(exc)
    return proposals, applied


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=HELP, no_args_is_help=True)
    app.add_typer(group, name="plan")
    group.command("build")(build)
    group.command("apply")(apply_cmd)
    group.command("adjust")(adjust_cmd)


__all__ = ["register"]
