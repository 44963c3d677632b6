"""The URLs the dashboard shows: the personal MCP URLs, the iCal feed and its one-click subscribe links
(Apple Calendar via ``webcal:``, Google Calendar, Outlook), and plain words for the granted OAuth scopes."""

from __future__ import annotations

from icucoach.service import ical

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
    """One-click subscribe links (``webcal``, ``google``, ``outlook``, ``https``) from the iCal module."""
    return ical.subscribe_links(feed_url, name)


__all__ = [
    "coach_mcp_url",
    "ical_feed_url",
    "personal_mcp_url",
    "scope_words",
    "subscribe_links",
]
