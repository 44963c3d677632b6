"""Plan tools: build a block as a calendar diff (a preview, nothing written), apply a preview by its id (the
one write), and propose adjustments after what happened (as a preview too). The work is
``icucoach.coach.plan_io``'s; previews are kept where ``icucoach plan apply`` finds them too (a file per
preview, ``coach.plan_previews``), unless the host gives the session its own store.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastmcp.exceptions import ToolError
from pydantic import Field

from icucoach.coach import plan_args, plan_io
from icucoach.coach.plan_previews import FileStore, Preview, PreviewStore
from icucoach.mcp.context import AthleteArg, AthleteRef, DateArg, parse_day, session
from icucoach.mcp.registry import READ, WRITE, Answer, arr, obj, tool

PREVIEW_OUT = {"preview_id": {"type": "string"}, "changes": arr("index, day, action, session, load, reason")}


def _store() -> PreviewStore:
    store = getattr(session(), "plan_store", None)
    return store if store is not None else FileStore()


def _rows(pv: Preview) -> list[dict[str, Any]]:
    keep = (
        "index",
        "day",
        "action",
        "name",
        "sport",
        "minutes",
        "load",
        "load_delta",
        "reason",
        "hand_edited",
    )
    return [_compact({k: v for k, v in it.to_dict().items() if k in keep}) for it in pv.items]


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """A change row without what says nothing: null, a false flag, an add's load change (its load)."""
    out = {k: v for k, v in row.items() if v is not None and v is not False}
    if out.get("action") == "add":
        out.pop("load_delta", None)
    return out


def _answer(ref: AthleteRef, pv: Preview, head: str, **extra: Any) -> Answer:
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "preview_id": pv.id,
            "counts": pv.counts(),
            "changes": _rows(pv),
            **extra,
        },
    )


def _refuse(exc: plan_io.PlanError) -> ToolError:
    return ToolError(f"{exc.message}. Fix: {exc.fix}")


@tool(READ, "Preview a training plan", {**PREVIEW_OUT, "weeks": arr("kind, hours, load, ACWR, monotony")})
async def icu_plan_preview(
    hours: Annotated[float, Field(gt=0, le=40)],
    days: Annotated[str, Field(max_length=80, description="'mon,wed:60,sun:240' (:MIN = cap)")],
    goals: Annotated[list[str] | None, Field(max_length=6, description="'YYYY-MM-DD:A[:name]'")] = None,
    long_day: Annotated[str | None, Field(max_length=9)] = None,
    sports: Annotated[str | None, Field(max_length=40, description="'ride:0.7,run:0.3'")] = None,
    distribution: Literal["polarised", "pyramidal"] = "polarised",
    weeks: Annotated[int | None, Field(ge=1, le=52)] = None,
    athlete_id: AthleteArg = None,
) -> Answer:
    """Build a block to the A race (default goals: calendar races; periodised, taper, safe ACWR and
    monotony) as a calendar diff with race-day form. Writes nothing; apply: icu_plan_apply."""
    s = session()
    ref = await s.athlete(athlete_id)
    ask = plan_io.Ask(
        goals=tuple(plan_args.goal(g, "goals") for g in goals or ()),
        weekly_hours=hours,
        availability=plan_args.days(days, hours, long_day, "days", "long_day"),
        sports=plan_args.sports(sports, "sports"),
        distribution=distribution,
        weeks=weeks,
    )
    icu = await s.icu()
    try:
        inputs = await plan_io.read_inputs(icu, ref.id, ref.today)
        built = await plan_io.preview(icu, inputs, ask, _store())
    except plan_io.PlanError as exc:
        raise _refuse(exc) from None
    pv = built.preview
    c = pv.counts()
    form = pv.summary.get("race_day_form")
    head = (
        f"{ref.label}: plan {pv.window[0]}..{pv.window[1]}, {c['add']} add, {c['change']} change, "
        f"{c['remove']} remove, {c['keep']} keep"
        + (f"; race-day CTL {form['ctl']}, TSB {form['tsb']}" if form else "")
        + f"; nothing written (preview {pv.id})"
    )
    weeks_rows = [{k: v for k, v in w.items() if v is not None} for w in pv.summary.get("weeks", [])]
    return _answer(ref, pv, head, weeks=weeks_rows, race_day_form=form)


@tool(WRITE, "Apply a plan preview", {"applied": obj("writes"), "preview_id": {"type": "string"}})
async def icu_plan_apply(
    preview_id: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")],
    changes: Annotated[list[int] | None, Field(max_length=200, description="indexes; default all")] = None,
    overwrite_hand_edited: bool = False,
    athlete_id: AthleteArg = None,
) -> Answer:
    """Write a plan preview by external_id upserts (a repeat writes nothing). Refused if the calendar
    changed since; hand-edited sessions kept unless overwrite_hand_edited."""
    s = session()
    pv = _store().load(preview_id)
    if pv is None:
        raise ToolError(f"No preview {preview_id}: make one with icu_plan_preview or icu_plan_adjust.")
    ref = await s.athlete(athlete_id or pv.athlete_id, write=True)
    if ref.id != pv.athlete_id:
        raise ToolError(f"Preview {pv.id} is for athlete {pv.athlete_id}, not {ref.id}.")
    try:
        done = await plan_io.apply_preview(
            await s.icu(), pv, overwrite_hand_edited=overwrite_hand_edited, only=changes
        )
    except plan_io.PlanError as exc:
        raise _refuse(exc) from None
    head = f"{ref.label}: preview {pv.id} " + (
        "already applied, 0 writes"
        if done.already
        else f"applied: {done.upserted} written, {done.deleted} removed"
        + (f", {len(done.skipped)} hand-edited kept" if done.skipped else "")
    )
    return Answer(head, {"athlete": ref.to_dict(), "preview_id": pv.id, "applied": done.to_dict()})


@tool(READ, "Propose plan adjustments", {"preview_id": {"type": ["string", "null"]}, "proposals": arr("")})
async def icu_plan_adjust(date: DateArg = None, athlete_id: AthleteArg = None) -> Answer:
    """Plan changes after missed sessions, red flags, an ACWR spike or a moved race, each with its reason.
    Writes nothing; approve: icu_plan_apply."""
    s = session()
    ref = await s.athlete(athlete_id)
    day = parse_day(date, ref.today, "date", ref.today)
    icu = await s.icu()
    inputs = await plan_io.read_inputs(icu, ref.id, ref.today)
    got = await plan_io.adjust(icu, inputs, today=day, store=_store())
    rows = [_compact(p.to_dict()) for p in got.proposals]
    head = f"{ref.label}: {len(rows)} proposal(s)" + (f" (preview {got.preview.id})" if rows else "")
    return Answer(
        head,
        {
            "athlete": ref.to_dict(),
            "preview_id": got.preview.id if rows else None,
            "proposals": rows,
        },
    )
