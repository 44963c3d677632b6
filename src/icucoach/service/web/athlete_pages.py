"""The coach console's athlete pages (over the same ``Provider`` as the squad page, ``squad_pages``):

- ``/coach/athletes/{id}/week[?week=YYYY-MM-DD]``: planned vs done per day and for the week, planned vs done
  time in zones (chart), compliance, missed sessions, notes, against the previous week and the 4-week
  average, and the form that writes a note to the athlete's calendar;
- ``/coach/athletes/{id}/season``: the PMC chart, weekly volume by sport, the phase and races;
- ``/coach/athletes/{id}/activities/{activity_id}``: the workout review, step by step;
- ``POST /coach/athletes/{id}/notes``: a NOTE event on a date (CSRF-checked; only for a viewer who may
  write to this athlete — a grant with ``icu_add_note`` in the service, the key's access in the console).

The charts are ``icucoach.coach.charts`` SVG, inline, in the theme the browser asks for (both are rendered
and the stylesheet shows one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Protocol, cast, runtime_checkable

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from icucoach.analytics.inputs import sport_family
from icucoach.coach import charts
from icucoach.coach.review import ReviewError, ReviewSource, WorkoutReview, workout_review
from icucoach.coach.season import athlete_season
from icucoach.coach.squad import AthleteSource
from icucoach.coach.views import load_athlete
from icucoach.coach.week import WeekOutOfRange, athlete_week, week_range
from icucoach.intervals import NotFoundError
from icucoach.mcp.workout_input import external_id as make_external_id
from icucoach.service.web.squad_pages import Provider, console_page, message, not_found, source_of
from icucoach.workouts.model import PACE_UNIT_METRES
from icucoach.workouts.render import fmt_pace_secs

NOTE_TITLE_MAX = 80
NOTE_TEXT_MAX = 4000


@runtime_checkable
class EventWriter(Protocol):
    """A client that can write calendar events (``IntervalsClient``, the service's ``CachedClient``)."""

    async def bulk_upsert_events(self, events: Any, *, athlete_id: str | int | None = None) -> Any: ...


def themed(render: Any, *args: Any, **kwargs: Any) -> Markup:
    """The chart in both themes; ``style.css`` shows the one matching ``prefers-color-scheme``."""
    light = render(*args, theme="light", **kwargs)
    dark = render(*args, theme="dark", **kwargs)
    return Markup(f'<div class="chart light-only">{light}</div><div class="chart dark-only">{dark}</div>')


async def _athlete(request: Request, provider: Provider) -> tuple[AthleteSource | None, Response | None]:
    sources = await provider.sources(request)
    if sources is None:
        return None, provider.signed_out(request)
    source = source_of(request, sources)
    if source is None:
        return None, not_found(request, provider)
    return source, None


def _zones(planned: Sequence[int], done: Sequence[int]) -> Markup:
    """Planned vs done seconds per zone; a side with no zone times (nothing done yet) is ``None``, not 0."""
    n = max(len(planned), len(done))
    pad: list[int | None] = [None] * n
    return themed(
        charts.zones_chart,
        [*planned, *pad][:n] if planned else pad,
        [*done, *pad][:n] if done else pad,
        [f"Z{i + 1}" for i in range(n)],
    )


def _week_day(request: Request) -> tuple[date | None, bool]:
    """The ``?week=`` day (any day of the week; ``athlete_week`` snaps it to the training week) and whether
    the parameter was a date at all."""
    raw = request.query_params.get("week")
    try:
        return (date.fromisoformat(raw) if raw else None), True
    except ValueError:
        return None, False


def _no_such_week(
    request: Request, provider: Provider, status: int, asked: str, first: date, last: date
) -> Response:
    return message(
        request,
        provider,
        status,
        "No such week",
        f"The console shows the weeks starting {first:%d %b %Y} to {last:%d %b %Y}; {asked}.",
        "Pick a week in that range, or go back to this week.",
    )


async def week_page(request: Request, provider: Provider) -> Response:
    source, refused = await _athlete(request, provider)
    if source is None:
        assert refused is not None
        return refused
    snap = await load_athlete(source, today=provider.today, cache=provider.cache(request))
    day, is_date = _week_day(request)
    first, last = week_range(snap)
    if not is_date:
        asked = f"“{request.query_params.get('week')}” is not a date (YYYY-MM-DD)"
        return _no_such_week(request, provider, 400, asked, first, last)
    try:
        week = athlete_week(snap, day)
    except WeekOutOfRange as e:
        return _no_such_week(
            request, provider, 404, f"the week of {e.week:%d %b %Y} is outside it", first, last
        )
    zone_charts = {
        sport: _zones(z.planned_s, z.done_s)
        for sport, z in week.zones.items()
        if any(z.planned_s) or any(z.done_s)
    }
    return console_page(
        request,
        provider,
        "console_week.html",
        source=source,
        week=week,
        zone_charts=zone_charts,
        # no link to a week the page cannot show
        prev_week=(week.week_start - timedelta(days=7)).isoformat() if week.week_start > first else None,
        next_week=(week.week_start + timedelta(days=7)).isoformat() if week.week_start < last else None,
        can_write=provider.can_write(request, source),
        noted=request.query_params.get("noted"),
        note_day=min(max(week.today, week.week_start), week.week_start + timedelta(days=6)).isoformat(),
        page_kind="week",
    )


def _hours(volume: Mapping[str, Any] | None) -> float | None:
    """A sport's hours in a week: 0 when nothing was done, ``None`` (a gap, not 0) when its sessions
    withheld their duration (Strava stubs)."""
    if volume is None:
        return 0.0
    secs = volume.get("duration_s")
    return None if secs is None else float(secs) / 3600


async def season_page(request: Request, provider: Provider) -> Response:
    source, refused = await _athlete(request, provider)
    if source is None:
        assert refused is not None
        return refused
    snap = await load_athlete(source, today=provider.today, cache=provider.cache(request))
    season = athlete_season(snap)
    chart = season.chart_series()
    pmc_svg = themed(charts.pmc_chart, *chart.series, races=chart.races) if chart else None
    sports = sorted({s for w in season.weekly for s in w.by_sport})
    hours = {s: [_hours(w.by_sport.get(s)) for w in season.weekly] for s in sports}
    volume_svg = themed(charts.volume_chart, [w.week_start for w in season.weekly], hours) if sports else None
    return console_page(
        request,
        provider,
        "console_season.html",
        source=source,
        season=season,
        pmc_svg=pmc_svg,
        volume_svg=volume_svg,
        page_kind="season",
    )


def _pace_units(review: WorkoutReview) -> str:
    """The review's pace unit: the athlete's for the sport (``StepReview.pace_units``), else per 100 m for
    a swim and per km otherwise."""
    if review.steps.pace_units:
        return review.steps.pace_units
    return "secs/100m" if sport_family(review.activity.get("sport")) == "swim" else "secs/km"


async def review_page(request: Request, provider: Provider) -> Response:
    source, refused = await _athlete(request, provider)
    if source is None:
        assert refused is not None
        return refused
    activity_id = str(request.path_params["activity_id"])
    try:
        # both hosts' clients (IntervalsClient, the service's CachedClient) read activities too; the
        # source's type names only what a snapshot needs
        client = cast(ReviewSource, source.client)
        review = await workout_review(client, source.athlete_id, activity_id)
    except (ReviewError, NotFoundError):
        return message(
            request,
            provider,
            404,
            "No such session",
            f"{source.name or source.athlete_id} has no activity {activity_id[:40]} that can be reviewed.",
            "Open the session from the athlete's week or the feed.",
        )
    # nothing to draw without a target or a held value on the plan's basis (an unplanned session's laps)
    drawn = any(st.target_lo is not None or st.actual is not None for st in review.steps.steps)
    chart = themed(charts.review_chart, review.steps) if drawn else None
    units = _pace_units(review)
    try:
        day = date.fromisoformat(str(review.activity.get("date_local") or "")[:10])
        week_of = (day - timedelta(days=day.weekday())).isoformat()
    except ValueError:
        week_of = ""
    return console_page(
        request,
        provider,
        "console_review.html",
        source=source,
        review=review,
        chart=chart,
        week_of=week_of,
        # paces in the sport's unit (a swim's target per 100 m, a run's in the athlete's unit), as the chart
        pace_text=lambda speed, m=PACE_UNIT_METRES.get(units, 1000.0): fmt_pace_secs(m / speed),
        pace_unit=units.removeprefix("secs/"),
        # recorded values only: a unit on its own ("temperature_unit": "C") is not a condition
        conditions={k: v for k, v in review.conditions.items() if v is not None and not k.endswith("_unit")},
        page_kind="review",
    )


def _note_problem(form: Any) -> tuple[date, str, str] | str:
    raw_day = str(form.get("date") or "").strip()
    title = str(form.get("title") or "").strip()
    text = str(form.get("text") or "").strip()
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        return "Pick the day the note is for."
    if not title and not text:
        return "Write the note first."
    if len(title) > NOTE_TITLE_MAX or len(text) > NOTE_TEXT_MAX:
        return f"Keep the title under {NOTE_TITLE_MAX} and the note under {NOTE_TEXT_MAX} characters."
    return day, title or "Note from your coach", text


async def note_post(request: Request, provider: Provider) -> Response:
    source, refused = await _athlete(request, provider)
    if source is None:
        assert refused is not None
        return refused
    form = await provider.form(request)
    if not provider.can_write(request, source):
        return message(
            request,
            provider,
            403,
            "You cannot write to this athlete's calendar",
            f"{source.name or source.athlete_id} shares their training with you to read only, so no note "
            "was written.",
            "Ask the athlete to allow calendar notes for you (the Add a calendar note tool).",
        )
    checked = _note_problem(form)
    if isinstance(checked, str):
        return message(request, provider, 400, "The note was not written", checked, "Go back and fix it.")
    day, title, text = checked
    if not isinstance(source.client, EventWriter):
        raise TypeError("the athlete's client cannot write events")
    event = {
        "category": "NOTE",
        "start_date_local": f"{day}T00:00:00",
        "name": title,
        "description": text,
        # the same key as icu_add_note: sending the form twice updates the note instead of duplicating it
        "external_id": make_external_id(source.athlete_id, day.isoformat(), "NOTE", title, ""),
    }
    await source.client.bulk_upsert_events([event], athlete_id=source.athlete_id)
    provider.cache(request).invalidate(source.athlete_id)
    monday = day - timedelta(days=day.weekday())
    return RedirectResponse(
        f"/coach/athletes/{source.athlete_id}/week?week={monday.isoformat()}&noted={day.isoformat()}", 303
    )


ROUTES = [
    ("/coach/athletes/{athlete_id}/week", week_page, ("GET",)),
    ("/coach/athletes/{athlete_id}/season", season_page, ("GET",)),
    ("/coach/athletes/{athlete_id}/activities/{activity_id}", review_page, ("GET",)),
    ("/coach/athletes/{athlete_id}/notes", note_post, ("POST",)),
]

__all__ = ["ROUTES", "themed"]
