"""The athlete's planned-training calendar feed (``/ical/{token}.ics``) and its subscribe links.

Owns three things: which Intervals.icu calendar items a training calendar shows, how each becomes a VEVENT
(dates, time zone, summary and a readable description of the structured workout), and the "add to my
calendar" links for Apple/Google/Outlook. Input is the ``Event`` JSON exactly as ``GET /athlete/{id}/events``
returns it (plain dicts, API field names); nothing here talks to a database.

Categories shown: ``WORKOUT`` (what to do), ``RACE_A/B/C`` (marked as races), ``NOTE`` (the athlete's or the
coach's notes: trips, reminders) and ``HOLIDAY`` (planned time off: it explains gaps in the plan). Left out:
``SICK``/``INJURED`` (health records: a calendar feed is often shared with family or a work calendar, so
health data must not travel through it), ``TARGET`` (a weekly load number, not something on a day),
``PLAN``/``SEASON_START`` (plan bookkeeping) and the fitness-model items ``SET_EFTP``/``FITNESS_DAYS``/
``SET_FITNESS`` (model settings, not activities). Events with ``hide_from_athlete`` are skipped too: this is
the athlete's own feed.

Robustness rule: the feed is fetched unattended by calendar apps, so a strange event must never break the
whole feed. Missing, null or odd fields are omitted (never printed as 0); an event whose date cannot be read
is dropped.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

if TYPE_CHECKING:
    from icucoach.intervals.calendar_api import CalendarApi

log = logging.getLogger(__name__)

SHOWN_CATEGORIES = ("WORKOUT", "RACE_A", "RACE_B", "RACE_C", "NOTE", "HOLIDAY")
RACE_LABELS = {"RACE_A": "A race", "RACE_B": "B race", "RACE_C": "C race"}
FEED_DAYS_BACK = 14
FEED_DAYS_AHEAD = 84
REFRESH = timedelta(hours=1)
PRODID = "-//icucoach//planned training//EN"
_MAX_SEGMENTS = 8
_POOL_SPORTS = ("swim",)

Json = Mapping[str, Any]


# ------------------------------------------------------------------------------------------ small readers
def _num(v: Any) -> float | None:
    """A finite number that is still positive when rounded for display, else None: null, 0, negatives,
    strings, NaN and sub-unit crumbs all mean 'unknown' (a feed must never print "0 km" or "0s")."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    f = float(v)
    return f if math.isfinite(f) and f >= 1 and f < 1e12 else None


def _text(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


def _one_line(v: str) -> str:
    """Titles stay on one line: calendar apps show SUMMARY/X-WR-CALNAME as a single line, and an unknown
    X- property is written unescaped, so a newline in it would break the file."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in v).split())


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}".rstrip("0").rstrip(".")


def fmt_duration(secs: float) -> str:
    """``3900`` -> ``1h05m``; ``45`` -> ``45s``; ``600`` -> ``10m``."""
    s = round(secs)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m" if m else f"{h}h"
    if m:
        return f"{m}m{sec:02d}s" if sec else f"{m}m"
    return f"{sec}s"


def fmt_distance(metres: float, sport: str | None = None) -> str:
    """Pool-sized distances in metres (swims, short steps), the rest in km."""
    pool = sport is not None and any(p in sport.lower() for p in _POOL_SPORTS)
    if metres < 1000 or (pool and metres < 10000):
        return f"{round(metres)} m"
    return f"{_fmt_num(round(metres / 1000, 2))} km"


def _pace(secs: float, unit: str) -> str:
    s = round(secs)
    return f"{s // 60}:{s % 60:02d}{unit}"


_ABS_PACE = {
    "MINS_KM": "/km",
    "MINS_MILE": "/mi",
    "SECS_100M": "/100m",
    "SECS_100Y": "/100y",
    "SECS_500M": "/500m",
}


def _target(kind: str, t: Any) -> str | None:
    """One step target in words with its unit (``95–100% FTP``, ``Z2 HR``, ``4:30/km``)."""
    if not isinstance(t, Mapping):
        return None
    raw_units = t.get("units")
    units: str = raw_units if isinstance(raw_units, str) else ""
    lo, hi = _num(t.get("start")), _num(t.get("end"))
    one = _num(t.get("value"))
    if one is None and lo is None and hi is None:
        return None
    if units in _ABS_PACE:
        u = _ABS_PACE[units]
        if one is not None:
            return _pace(one, u)
        return "–".join(_pace(x, u) for x in (lo, hi) if x is not None)
    rng = _fmt_num(one) if one is not None else "–".join(_fmt_num(x) for x in (lo, hi) if x is not None)
    if units.endswith("_zone"):
        zone = "Z" + rng.replace("–", "–Z")
        return {"power_zone": zone, "hr_zone": f"{zone} HR", "pace_zone": f"{zone} pace"}.get(units, zone)
    suffix = {
        "%ftp": "% FTP",
        "w": " W",
        "%mmp": "% MMP",
        "%hr": "% HRmax",
        "%lthr": "% LTHR",
        "bpm": " bpm",
        "%pace": "% pace",
        "rpm": " rpm",
    }.get(units)
    if suffix is None:  # unknown unit: say which quantity rather than guess a unit
        return f"{kind} {rng}{(' ' + units) if units else ''}"
    return rng + suffix


# ------------------------------------------------------------------------------------------ workout steps
def _step_phrase(step: Json, sport: str | None) -> str | None:
    """``15m ramp 50–70% FTP``, ``400 m 82% pace``, ``20s rest``."""
    bits: list[str] = []
    dist, dur = _num(step.get("distance")), _num(step.get("duration"))
    if dist is not None:  # distance steps (swims, track reps) read as distances; their duration is computed
        bits.append(fmt_distance(dist, sport))
    elif dur is not None:
        bits.append(fmt_duration(dur))
    elif step.get("until_lap_press") is True:
        bits.append("until lap")
    if step.get("freeride") is True:
        bits.append("free ride")
    target = next(
        (t for k in ("power", "pace", "hr") if (t := _target(k, step.get(k))) is not None),
        None,
    )
    if target is not None:
        bits.append(("ramp " if step.get("ramp") is True else "") + target)
    elif step.get("maxeffort") is True:
        bits.append("max effort")
    elif step.get("intensity") in ("rest", "recovery"):
        bits.append(str(step["intensity"]))
    cad = _target("cadence", step.get("cadence"))
    if cad is not None:
        bits.append(cad)
    if not bits:
        return _text(step.get("text"))
    return " ".join(bits)


def steps_summary(workout_doc: Any, sport: str | None = None) -> str | None:
    """The structured workout on one line: ``Warmup 15m ramp 50–70% FTP · 2x (15m 90% FTP / 5m 55% FTP)
    · Cooldown 10m 55% FTP``. Consecutive warm-up (cool-down) steps share one label; repeats are
    ``Nx (a / b)``."""
    if not isinstance(workout_doc, Mapping) or not isinstance(workout_doc.get("steps"), list):
        return None
    segments: list[str] = []
    phase: str | None = None
    for step in workout_doc["steps"]:
        if not isinstance(step, Mapping):
            continue
        if isinstance(step.get("steps"), list):
            inner = [p for s in step["steps"] if isinstance(s, Mapping) and (p := _step_phrase(s, sport))]
            if not inner:
                continue
            reps = step.get("reps")
            count = int(reps) if isinstance(reps, int) and not isinstance(reps, bool) and reps > 0 else 1
            body = " / ".join(inner)
            segments.append(f"{count}x ({body})" if len(inner) > 1 else f"{count}x {body}")
            phase = None
            continue
        phrase = _step_phrase(step, sport)
        if phrase is None:
            continue
        this = (
            "Warmup" if step.get("warmup") is True else "Cooldown" if step.get("cooldown") is True else None
        )
        if this is not None and this == phase and segments:
            segments[-1] += f", {phrase}"
        else:
            segments.append(f"{this} {phrase}" if this else phrase)
        phase = this
    if not segments:
        return None
    if len(segments) > _MAX_SEGMENTS:
        more = len(segments) - (_MAX_SEGMENTS - 1)
        segments = [*segments[: _MAX_SEGMENTS - 1], f"… (+{more} more)"]
    return " · ".join(segments)


# ------------------------------------------------------------------------------------------ one event
def _parse_local(v: Any) -> datetime | None:
    if not isinstance(v, str):
        return None
    try:
        dt = datetime.fromisoformat(v.strip())
    except ValueError:
        return None
    return dt.replace(tzinfo=None)  # *_local fields are wall-clock; an offset, if any, is not ours to apply


def _duration_secs(ev: Json) -> float | None:
    doc = ev.get("workout_doc")
    from_doc = _num(doc.get("duration")) if isinstance(doc, Mapping) else None
    return _num(ev.get("moving_time")) or from_doc or _num(ev.get("time_target"))


def _sport(ev: Json) -> str | None:
    sport = _text(ev.get("type"))
    # CamelCase API names read better split: VirtualRide -> Virtual Ride
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", sport) if sport else None


def _summary(ev: Json) -> str:
    cat = ev.get("category")
    name, sport = _text(ev.get("name")), _sport(ev)
    if cat in RACE_LABELS:
        label = f"🏁 {RACE_LABELS[cat]}: {name or sport or 'race'}"
        return f"{label} ({sport})" if sport and name else label
    if cat == "HOLIDAY":
        return f"Holiday: {name}" if name else "Holiday (no training)"
    if cat == "NOTE":
        return f"Note: {name}" if name else "Note"
    # a planned workout already matched with a recorded activity shows as done
    done = "✓ " if _text(ev.get("paired_activity_id")) else ""
    if name and sport:
        return f"{done}{name} ({sport})"
    return done + (name or (f"{sport} workout" if sport else "Workout"))


def _description(ev: Json) -> str | None:
    sport = _text(ev.get("type"))
    parts: list[str] = []
    cat = ev.get("category")
    if cat in RACE_LABELS:
        parts.append(f"Race, priority {cat[-1]}.")
    doc = ev.get("workout_doc")
    steps = steps_summary(doc, sport)
    if steps:
        parts.append(steps)

    planned: list[str] = []
    secs = _num(ev.get("moving_time")) or (_num(doc.get("duration")) if isinstance(doc, Mapping) else None)
    if secs is not None:
        planned.append(f"duration {fmt_duration(secs)}")
    dist = _num(ev.get("distance")) or (_num(doc.get("distance")) if isinstance(doc, Mapping) else None)
    if dist is not None and dist != _num(ev.get("distance_target")):  # a race's distance is its target
        planned.append(f"distance {fmt_distance(dist, sport)}")
    if (load := _num(ev.get("icu_training_load"))) is not None:
        planned.append(f"training load {round(load)}")
    if (intensity := _num(ev.get("icu_intensity"))) is not None:
        planned.append(f"intensity {round(intensity)}% (IF {intensity / 100:.2f})")
    if planned:
        parts.append("Planned: " + ", ".join(planned) + ".")

    targets: list[str] = []
    if (t := _num(ev.get("time_target"))) is not None:
        targets.append(f"time {fmt_duration(t)}")
    if (d := _num(ev.get("distance_target"))) is not None:
        targets.append(f"distance {fmt_distance(d, sport)}")
    if (lt := _num(ev.get("load_target"))) is not None:
        targets.append(f"training load {round(lt)}")
    if targets:
        parts.append("Target: " + ", ".join(targets) + ".")
    if ev.get("indoor") is True:
        parts.append("Indoor.")

    # With structured steps, the event description is the workout text we just summarised; its free-text
    # part survives as workout_doc.description. Without steps the description is the athlete's note.
    note = (
        _text(doc.get("description")) if steps and isinstance(doc, Mapping) else _text(ev.get("description"))
    )
    if note:
        parts.append(note)
    return "\n\n".join(parts) if parts else None


def _shown(ev: Any) -> bool:
    return (
        isinstance(ev, Mapping)
        and ev.get("category") in SHOWN_CATEGORIES
        and ev.get("hide_from_athlete") is not True
    )


def _uid(ev: Json) -> str | None:
    eid = ev.get("id")
    if isinstance(eid, bool) or not isinstance(eid, int | str) or not str(eid).strip():
        return None
    return f"{str(eid).strip()}@icucoach"


def _vevent(ev: Json, tz: ZoneInfo | None, stamp: datetime) -> Event | None:
    start = _parse_local(ev.get("start_date_local"))
    uid = _uid(ev)
    if start is None or uid is None:
        return None
    vev = Event()
    vev.add("uid", uid)
    updated = _parse_updated(ev.get("updated"))
    vev.add("dtstamp", updated or stamp)
    if updated is not None:
        vev.add("last-modified", updated)
    vev.add("summary", _one_line(_summary(ev)))
    all_day = start.time() == datetime.min.time()
    if all_day:
        first = start.date()
        end = _parse_local(ev.get("end_date_local"))
        # end_date_local at midnight is exclusive (the next day); a later time means that day is included
        last = None
        if end is not None:
            last = end.date() if end.time() == datetime.min.time() else end.date() + timedelta(days=1)
        vev.add("dtstart", first)
        vev.add("dtend", last if last is not None and last > first else first + timedelta(days=1))
        vev.add("transp", "TRANSPARENT")  # an all-day plan entry should not block the whole day
    else:
        vev.add("dtstart", start.replace(tzinfo=tz) if tz is not None else start)
        secs = _duration_secs(ev)
        if secs is not None:
            vev.add("duration", timedelta(seconds=round(secs)))
    desc = _description(ev)
    if desc:
        vev.add("description", desc)
    cats = ["Race" if ev.get("category") in RACE_LABELS else str(ev.get("category")).title()]
    if (sport := _sport(ev)) is not None:
        cats.append(sport)
    vev.add("categories", cats)
    return vev


def _parse_updated(v: Any) -> datetime | None:
    if not isinstance(v, str):
        return None
    try:
        dt = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # unknown or malformed IANA name: fall back to floating times
        return None


# ------------------------------------------------------------------------------------------ the feed
def render_feed(
    *,
    athlete_name: str,
    timezone: str | None,
    events: list[dict],
    feed_url: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The whole ``.ics`` body. ``now`` (UTC) stamps events that carry no ``updated`` time; tests pin it."""
    stamp = now or datetime.now(ZoneInfo("UTC"))
    tz = _zone(timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    title = f"{_one_line(athlete_name) or 'Athlete'} — planned training (icucoach)"
    cal.add("x-wr-calname", title)
    cal.add("name", title)
    if tz is not None:
        cal.add("x-wr-timezone", tz.key)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    if feed_url:
        cal.add("source", feed_url, parameters={"VALUE": "URI"})
    dropped = 0
    timed: list[date] = []
    for ev in _dated(events):
        vev = None
        with contextlib.suppress(Exception):  # one bad event must not take the feed down (logged below)
            vev = _vevent(ev, tz, stamp)
        if vev is None:
            dropped += 1
            continue
        cal.add_component(vev)
        if isinstance(vev.DTSTART, datetime):
            timed.append(vev.DTSTART.date())
    if dropped:
        log.warning("ical feed: %d calendar item(s) without a readable date or id were left out", dropped)
    if tz is not None and timed:
        # The rules only need to cover the feed's dates (a year of margin); the default 1970-2038 span
        # would put ~70 years of DST transitions into every download.
        first, last = min(timed), max(timed)
        first = first - timedelta(days=366) if first.year > 1 else date.min
        last = last + timedelta(days=366) if last.year < 9999 else date.max
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def _dated(events: Iterable[Any]) -> list[Json]:
    """The shown events, in date order (the API already sorts; a stable sort keeps it cheap)."""
    shown = [e for e in events if _shown(e)]
    return sorted(shown, key=lambda e: str(e.get("start_date_local") or ""))


def subscribe_links(feed_url: str, name: str) -> dict[str, str]:
    """Links that add the feed as a *subscription* (kept in sync), not a one-off import."""
    parts = urlsplit(feed_url)
    webcal = urlunsplit(("webcal", parts.netloc, parts.path, parts.query, parts.fragment))
    return {
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": name}, quote_via=quote),
        "https": feed_url,
    }


async def fetch_feed_events(client: CalendarApi, athlete_id: str, today: date) -> list[dict]:
    """The feed's window (two weeks back, twelve ahead; ``today`` is the athlete's local date) of the shown
    categories, as dicts with the API's field names (``client``: an ``IntervalsClient``)."""
    events = await client.list_events(
        today - timedelta(days=FEED_DAYS_BACK),
        today + timedelta(days=FEED_DAYS_AHEAD),
        category=list(SHOWN_CATEGORIES),
        athlete_id=athlete_id,
    )
    return [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in events]


__all__ = [
    "FEED_DAYS_AHEAD",
    "FEED_DAYS_BACK",
    "SHOWN_CATEGORIES",
    "fetch_feed_events",
    "render_feed",
    "steps_summary",
    "subscribe_links",
]
