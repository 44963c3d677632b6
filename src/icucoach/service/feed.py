"""``GET /ical/{token}.ics``: the athlete's planned workouts as a calendar subscription. The token is the
credential (looked up by hash on every fetch, so "regenerate" cuts off old subscribers at once); the events
are read live with the athlete's own Intervals.icu token through the short-lived cache and rendered by
``ical.render_feed``. Nothing about the feed is stored.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from icucoach.intervals import IntervalsError, athlete_today
from icucoach.service.hub import Hub
from icucoach.service.ical import fetch_feed_events, render_feed

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")


def feed_route(hub: Hub) -> Route:
    async def feed(request: Request) -> Response:
        token = request.path_params["token"]
        account = await hub.db(hub.store.athlete_for_token, token, "ical") if _TOKEN.match(token) else None
        if account is None:
            return PlainTextResponse(
                "Unknown calendar link: it was regenerated or never existed. Copy the current one from "
                "your icucoach dashboard.",
                404,
            )
        client = await hub.upstream(account.athlete_id)
        if client is None:
            return PlainTextResponse(
                "This athlete disconnected icucoach from Intervals.icu; reconnect to restore the feed.", 410
            )
        try:
            athlete = await client.get_athlete(account.athlete_id)
            today = hub.fixed_today or athlete_today(athlete.timezone)
            events = await fetch_feed_events(client, account.athlete_id, today)
        except IntervalsError as exc:
            return PlainTextResponse(f"Intervals.icu could not be read: {exc.message}", 502)
        body = render_feed(
            athlete_name=athlete.name or account.name or "Athlete",
            timezone=athlete.timezone,
            events=events,
            feed_url=f"{hub.settings.public_url}/ical/{token}.ics",
        )
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={
                "Cache-Control": "private, max-age=300",
                "Content-Disposition": 'inline; filename="training.ics"',
            },
        )

    return Route("/ical/{token}.ics", feed, methods=["GET", "HEAD"])


__all__ = ["feed_route"]
