"""The coach console's plan page (over the same ``Provider`` as the other console pages):

- ``GET /coach/athletes/{id}/plan``: the plan form (weekly hours, days, long day, sport mix); with
  ``hours`` and ``days`` in the query, the block to the A race as a calendar diff (``coach.plan_io``): one
  row per add / change / remove with its load and reason, each with a checkbox, the weeks and the race-day
  form. ``?adjust=1`` shows the adjustment proposals instead (missed sessions, red flags …).
- ``POST /coach/athletes/{id}/plan/apply``: writes the checked changes of a shown preview (CSRF-checked;
  only for a viewer who may write this athlete's plan: a grant with ``icu_plan_apply`` and calendar writing
  in the service, the key's access in the local console). Refused, with nothing written, when the calendar
  changed since the preview was shown.

Previews are kept per console host in memory (a page shows one; its form applies it by id).
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from icucoach.coach import plan_args, plan_io
from icucoach.coach.plan_previews import MemoryStore
from icucoach.coach.squad import AthleteSource
from icucoach.service.web.squad_pages import Provider, console_page, message, not_found, source_of

PLAN_TOOL = "icu_plan_apply"
_STORES: weakref.WeakKeyDictionary[Any, MemoryStore] = weakref.WeakKeyDictionary()


def _store(provider: Provider) -> MemoryStore:
    store = _STORES.get(provider)
    if store is None:
        store = _STORES[provider] = MemoryStore(limit=200)
    return store


async def _may_apply(request: Request, provider: Provider, source: AthleteSource) -> bool:
    hub = getattr(provider, "hub", None)
    if hub is None:  # the local console: the key's own access to the athlete
        return provider.can_write(request, source)
    coach_id = request.session.get("coach")
    if not isinstance(coach_id, int):
        return False
    granted = any(
        g.athlete_id == source.athlete_id and PLAN_TOOL in g.tools
        for g in await hub.db(hub.store.grants_of_coach, coach_id)
    )
    account = await hub.db(hub.store.account, source.athlete_id) if granted else None
    return account is not None and "CALENDAR:WRITE" in (account.scope or "")


async def _source(request: Request, provider: Provider) -> AthleteSource | Response:
    sources = await provider.sources(request)
    if sources is None:
        return provider.signed_out(request)
    source = source_of(request, sources)
    return source if source is not None else not_found(request, provider)


def _form(request: Request) -> dict[str, str]:
    q = request.query_params
    return {
        "hours": q.get("hours", "8"),
        "days": q.get("days", "mon,wed,thu,sat,sun"),
        "long_day": q.get("long_day", "sun"),
        "sports": q.get("sports", ""),
        "distribution": q.get("distribution", "polarised"),
        "goal": q.get("goal", ""),
        "weeks": q.get("weeks", ""),
    }


def _ask(form: dict[str, str]) -> plan_io.Ask:
    try:
        hours = float(form["hours"])
    except ValueError:
        raise plan_args.ArgError(
            f"hours {form['hours']!r} is not a number", "give the weekly hours, e.g. 8"
        ) from None
    if not 0 < hours <= 40:
        raise plan_args.ArgError(f"{hours:g} hours a week is out of range", "give 1 to 40 hours")
    weeks = form["weeks"].strip()
    if weeks and not (weeks.isdigit() and 1 <= int(weeks) <= 52):
        raise plan_args.ArgError(
            f"weeks {weeks!r} is not a number of weeks", "give 1 to 52, or leave it empty"
        )
    return plan_io.Ask(
        goals=(plan_args.goal(form["goal"], "goal"),) if form["goal"].strip() else (),
        weeks=int(weeks) if weeks else None,
        weekly_hours=hours,
        availability=plan_args.days(form["days"], hours, form["long_day"] or None, "days", "long day"),
        sports=plan_args.sports(form["sports"] or None, "sport mix"),
        distribution=plan_args.distribution(form["distribution"], "distribution"),
    )


async def plan_page(request: Request, provider: Provider) -> Response:
    found = await _source(request, provider)
    if isinstance(found, Response):
        return found
    source = found
    form = _form(request)
    today: date | None = provider.today
    context: dict[str, Any] = {"form": form, "problem": None, "preview": None, "proposals": None}
    q = request.query_params
    if q.get("adjust") or ("hours" in q and "days" in q):
        inputs = await plan_io.read_inputs(source.client, source.athlete_id, today)
        try:
            if q.get("adjust"):
                adjusted = await plan_io.adjust(source.client, inputs, store=_store(provider))
                context["proposals"] = {p.item.index: p for p in adjusted.proposals}
                context["preview"] = adjusted.preview if adjusted.proposals else None
            else:
                built = await plan_io.preview(source.client, inputs, _ask(form), _store(provider))
                context["preview"] = built.preview
        except (plan_args.ArgError, plan_io.PlanError) as exc:
            context["problem"] = (exc.message, exc.fix)
    return console_page(
        request,
        provider,
        "console_plan.html",
        source=source,
        can_apply=await _may_apply(request, provider, source),
        applied=request.query_params.get("applied"),
        page_kind="plan",
        **context,
    )


def _indexes(values: list[Any]) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


async def apply_post(request: Request, provider: Provider) -> Response:
    found = await _source(request, provider)
    if isinstance(found, Response):
        return found
    source = found
    form = await provider.form(request)
    who = source.name or source.athlete_id
    if not await _may_apply(request, provider, source):
        return message(
            request,
            provider,
            403,
            "You cannot change this athlete's plan",
            f"{who} has not allowed you to write planned workouts to their calendar, so nothing was written.",
            "Ask the athlete to grant you the Apply a plan preview tool.",
        )
    pv = _store(provider).load(str(form.get("preview_id") or ""))
    if pv is None or pv.athlete_id != source.athlete_id:
        return message(
            request,
            provider,
            404,
            "This preview is gone",
            "The preview was made too long ago (or for another athlete), so nothing was written.",
            "Build the preview again and apply it.",
        )
    chosen = _indexes(form.getlist("change"))
    if not chosen:
        return message(
            request, provider, 400, "Nothing was chosen", "No change was ticked.", "Go back and tick some."
        )
    try:
        done = await plan_io.apply_preview(source.client, pv, only=chosen)
    except plan_io.PlanError as exc:
        return message(request, provider, 409, "The plan was not applied", exc.message, exc.fix)
    provider.cache(request).invalidate(source.athlete_id)
    return RedirectResponse(f"/coach/athletes/{source.athlete_id}/plan?applied={done.writes}", 303)


ROUTES = [
    ("/coach/athletes/{athlete_id}/plan", plan_page, ("GET",)),
    ("/coach/athletes/{athlete_id}/plan/apply", apply_post, ("POST",)),
]

__all__ = ["ROUTES"]
