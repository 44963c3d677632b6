"""The URLs the dashboard shows: the personal MCP URLs, the iCal feed and its one-click subscribe links
(Apple Calendar via ``webcal:``, Google Calendar, Outlook), and plain words for the granted OAuth scopes."""

from __future__ import annotations

import importlib
from urllib.parse import quote, urlencode

SCOPE_WORDS = {
    "ACTIVITY": "activities",
    "WELLNESS": "wellness",
    "CALENDAR": "calendar",
    "SETTINGS": "settings",
    "LIBRARY": "workout library",
}


def scope_words(scope: str | None) -> list[str]:
    """``ACTIVITY:READ,CALENDAR:WRITE`` → ``["read activities", "read and change calendar"]``."""
    out = []
    for item in (scope or "").split(","):
        area, _, level = item.strip().partition(":")
        if not area:
            continue
        what = SCOPE_WORDS.get(area, area.lower())
        out.append(f"read and change {what}" if level == "WRITE" else f"read {what}")
    return out


def personal_mcp_url(public_url: str, token: str) -> str:
    return f"{public_url}/u/{token}/mcp"


def coach_mcp_url(public_url: str, token: str) -> str:
    return f"{public_url}/c/{token}/mcp"


def ical_feed_url(public_url: str, token: str) -> str:
    return f"{public_url}/ical/{token}.ics"


def subscribe_links(feed_url: str, name: str) -> dict[str, str]:
    """One-click subscribe links; ``service.ical.subscribe_links`` is used instead when it exists."""
    try:  # the iCal module (written alongside) owns these links once it is there
        ical = importlib.import_module("icucoach.service.ical")
        links = getattr(ical, "subscribe_links", None)
        if links is not None:
            return dict(links(feed_url, name))
    except ImportError:
        pass
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "apple": webcal,
        "google": "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": name}, quote_via=quote),
    }


__all__ = [
    "coach_mcp_url",
    "ical_feed_url",
    "personal_mcp_url",
    "scope_words",
    "subscribe_links",
]
