"""Athlete-local time: "today" is the athlete's today, and the API's three kinds of timestamps.

Intervals.icu writes ``*_local`` fields as athlete-local wall-clock time **without** an offset
(``2026-04-16T07:28:47``; calendar days as ``T00:00:00``), ``start_date`` in UTC with ``Z``, and audit stamps
(``created``, ``updated``…) with an offset (``+00:00``, older ``+0000``). ``oldest``/``newest`` query
parameters are local dates. These helpers keep that straight; an unknown or missing timezone falls back to
UTC (logged), so callers never crash on a bad athlete setting — ``icucoach doctor`` reports it instead.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger("icucoach.intervals")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def athlete_zone(tz_name: str | None) -> tzinfo:
    """The athlete's timezone (IANA name); UTC when missing or unknown."""
    if not tz_name:
        return UTC
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown athlete timezone %r; using UTC", tz_name[:64])
        return UTC


def athlete_now(tz_name: str | None, now: datetime | None = None) -> datetime:
    """The current wall-clock time in the athlete's zone (aware). A naive ``now`` is taken as UTC."""
    current = now or datetime.now(UTC)
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    return current.astimezone(athlete_zone(tz_name))


def athlete_today(tz_name: str | None, now: datetime | None = None) -> date:
    """The athlete's local date right now (what "today" means for their calendar and wellness)."""
    return athlete_now(tz_name, now).date()


def parse_local(value: str) -> datetime:
    """A ``*_local`` string (``YYYY-MM-DD[THH:MM[:SS[.fff]]]``) as a naive local datetime.

    If an offset slipped in, the wall-clock part is kept (it already is local time)."""
    text = value.strip()
    if _DATE.match(text):
        return datetime.combine(date.fromisoformat(text), time())
    parsed = datetime.fromisoformat(_normalize(text))
    return parsed.replace(tzinfo=None)


def local_date(start_date_local: str) -> date:
    """The local calendar date of a ``*_local`` string (or a date string)."""
    return date.fromisoformat(start_date_local.strip()[:10])


def parse_utc(value: str) -> datetime:
    """A ``start_date`` (``...Z``) or audit stamp (``+00:00`` / ``+0000``) as an aware UTC datetime.
    A string without an offset is taken as UTC."""
    parsed = datetime.fromisoformat(_normalize(value.strip()))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_local(value: str, tz_name: str | None) -> datetime:
    """A UTC/offset timestamp converted to the athlete's wall-clock time (naive, like ``*_local``)."""
    return parse_utc(value).astimezone(athlete_zone(tz_name)).replace(tzinfo=None)


def format_local(value: date | datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` without offset, as ``start_date_local`` of an event wants it."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    return datetime.combine(value, time()).isoformat()


def date_param(value: date | datetime | str) -> str:
    """A query-parameter date: ``date``/``datetime`` objects or ``YYYY-MM-DD`` strings (validated)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if _DATE.match(text):
        date.fromisoformat(text)  # raises ValueError for 2026-02-31
        return text
    if len(text) > 10 and _DATE.match(text[:10]) and text[10] == "T":
        parse_local(text)
        return text
    raise ValueError(f"expected a date (datetime.date or 'YYYY-MM-DD'), got {text[:40]!r}")


def days(start: date, end: date) -> list[date]:
    """Every date from ``start`` to ``end`` inclusive."""
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def _normalize(text: str) -> str:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return _OFFSET_NO_COLON.sub(r"\1:\2", text) if "T" in text else text


__all__ = [
    "athlete_now",
    "athlete_today",
    "athlete_zone",
    "date_param",
    "days",
    "format_local",
    "local_date",
    "parse_local",
    "parse_utc",
    "to_local",
]
