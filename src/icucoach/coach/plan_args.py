"""The plan builder's arguments as people type them, parsed once for every surface (the CLI's flags, the MCP
tool's arguments): ``2027-04-12:A[:name]`` goals, ``mon,wed:60,sun:240`` days, ``ride:0.7,run:0.3`` mixes,
``sun:run-long:120`` / ``mon:rest`` weekly rules.

Each parser raises ``ArgError`` naming the argument (``name``: ``--goal`` for the CLI, ``goals`` for MCP)
and the format expected, with an example.
"""

from __future__ import annotations

from datetime import date

from icucoach.plan import Availability, Goal, Recurrence
from icucoach.workouts.templates import TEMPLATES

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPORTS = {"ride": "Ride", "run": "Run", "swim": "Swim"}
DISTRIBUTIONS = ("polarised", "pyramidal")


class ArgError(ValueError):
    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message}; {fix}")
        self.message = message
        self.fix = fix


def goal(raw: str, name: str = "--goal") -> Goal:
    parts = raw.strip().split(":", 2)
    try:
        day = date.fromisoformat(parts[0])
        prio = parts[1].strip().upper() if len(parts) > 1 else "A"
        return Goal(day, prio, parts[2] if len(parts) > 2 and parts[2] else None)
    except (ValueError, IndexError):
        raise ArgError(
            f"{name} {raw!r} is not a goal",
            f"write {name} as DATE:PRIORITY[:NAME], e.g. 2027-04-12:A or 2027-03-01:B",
        ) from None


def weekday(raw: str, name: str) -> int:
    word = raw.strip().lower()[:3]
    if word not in DAYS:
        raise ArgError(f"{name} {raw!r} is not a day", f"write {name} as a weekday, e.g. sun")
    return DAYS.index(word)


def days(
    raw: str,
    hours: float | None,
    long_day: str | None = None,
    name: str = "--days",
    long_name: str = "--long-day",
) -> Availability:
    """``mon,wed:60,sun:240``: the days one can train, each with an optional limit in minutes; a day without
    one gets room for the weekly hours (1.5× the daily average, 2.5× on the long day)."""
    limits: dict[int, int | None] = {}
    for word in (w.strip().lower() for w in raw.split(",") if w.strip()):
        day, _, minutes = word.partition(":")
        if day[:3] not in DAYS or (minutes and (not minutes.isdigit() or int(minutes) <= 0)):
            raise ArgError(
                f"{name} {raw!r}: {word!r} is not a day",
                f"write {name} as weekdays, each with an optional limit in minutes, e.g. mon,wed:60,sun:240",
            )
        limits[DAYS.index(day[:3])] = int(minutes) if minutes else None
    if not limits:
        raise ArgError(f"{name} is empty", f"name the days you can train, e.g. {name} mon,wed,thu,sat,sun")
    long_index = None if long_day is None else weekday(long_day, long_name)
    if long_index is not None and long_index not in limits:
        raise ArgError(f"{long_name} {long_day} is not one of {name}", f"add {DAYS[long_index]} to {name}")
    average = (hours or 6.0) * 60 / len(limits)
    if long_index is None:
        long_index = 6 if 6 in limits else max(limits)
    return Availability(
        {
            d: m if m is not None else _round15(average * (2.5 if d == long_index else 1.5))
            for d, m in limits.items()
        },
        long_index,
    )


def _round15(minutes: float) -> int:
    return int(-(-minutes // 15) * 15)


def sports(raw: str | None, name: str = "--sports") -> dict[str, float]:
    """``ride:0.7,run:0.3`` → ``{"Ride": 0.7, "Run": 0.3}`` (shares normalised to 1)."""
    if not raw:
        return {}
    out: dict[str, float] = {}
    for word in raw.split(","):
        sport, _, share = word.strip().partition(":")
        try:
            value = float(share) if share else 1.0
            out[SPORTS[sport.strip().lower()]] = value
        except (KeyError, ValueError):
            raise ArgError(
                f"{name} {raw!r}: {word.strip()!r} is not SPORT:SHARE",
                f"write {name} as ride|run|swim with shares, e.g. ride:0.7,run:0.3",
            ) from None
        if value < 0:
            raise ArgError(f"{name} {raw!r}: a share is negative", "e.g. ride:0.7,run:0.3")
    total = sum(out.values())
    if total <= 0:
        raise ArgError(f"{name} {raw!r} has no positive share", "e.g. ride:0.7,run:0.3")
    return {k: v / total for k, v in out.items()}


def distribution(raw: str, name: str = "--distribution") -> str:
    value = raw.strip().lower().replace("polarized", "polarised")
    if value not in DISTRIBUTIONS:
        raise ArgError(f"{name} must be polarised or pyramidal, got {raw!r}", f"e.g. {name} pyramidal")
    return value


__all__ = ["ArgError", "check_rules", "days", "distribution", "goal", "rules", "sports", "weekday"]


def rule(raw: str, name: str = "--rule") -> Recurrence:
    """``DAY:rest`` or ``DAY:TEMPLATE[:MINUTES]`` (a template of the library; an unknown one gets the list):
    one rule for every week of the block. The rule's id is its weekday, so a rule given again for the same
    day replaces it, and re-planning with an edited rule changes only the occurrences from today on."""
    day, _, rest = raw.strip().lower().partition(":")
    template, _, minutes = rest.partition(":")
    fix = f"write {name} as DAY:rest or DAY:TEMPLATE[:MINUTES], e.g. mon:rest or sun:run-long:120"
    wd = weekday(day, name) if day[:3] in DAYS else None
    if wd is None or not template or (minutes and not (minutes.isdigit() and 20 <= int(minutes) <= 600)):
        raise ArgError(f"{name} {raw!r} is not a weekly rule", fix)
    if template == "rest":
        return Recurrence(DAYS[wd], wd, "rest")
    if template not in TEMPLATES:
        raise ArgError(
            f"{name} {raw!r}: {template!r} is not a workout template",
            f"{fix}; templates: " + ", ".join(sorted(TEMPLATES)),
        )
    t = TEMPLATES[template]
    return Recurrence(DAYS[wd], wd, "session", template, int(minutes) if minutes else None, t.sport)


def rules(raws: list[str], name: str = "--rule") -> tuple[Recurrence, ...]:
    """Every rule, the last one given for a weekday winning."""
    by_day = {r.weekday: r for r in (rule(x, name) for x in raws)}
    return tuple(by_day[d] for d in sorted(by_day))


def check_rules(
    recurrences: tuple[Recurrence, ...],
    availability: Availability,
    name: str = "--rule",
    days_name: str = "--days",
) -> tuple[Recurrence, ...]:
    """The rules, refused when a session rule falls on a day the athlete cannot train (the builder would
    never plan it)."""
    for r in recurrences:
        if r.kind == "session" and availability.minutes(r.weekday) < 10:
            day = DAYS[r.weekday]
            raw = f"{day}:{r.template}" + (f":{r.minutes}" if r.minutes else "")
            raise ArgError(
                f"{name} {raw} is on {day}, which is not one of {days_name}",
                f"add {day} to {days_name} or drop the rule",
            )
    return recurrences
