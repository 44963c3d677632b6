"""The typed model of a structured workout in the Intervals.icu workout language.

Owns the data classes every other module speaks: :class:`Target`, :class:`Step`, :class:`Repeat`,
:class:`Section`, :class:`Note` and :class:`Workout`, plus the unit vocabularies. The classes are frozen so
``parse(render(w)) == w`` is a plain equality check, and they carry only what the text can express, so
the printer never has to invent anything.

Intervals.icu has no nested repeats: a :class:`Repeat` holds plain :class:`Step` objects only, and
:func:`Repeat.__post_init__` refuses anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Target kinds map one-to-one to the workout_doc step keys.
POWER, HR, PACE, CADENCE = "power", "hr", "pace", "cadence"

# `%mmp`: a share of the athlete's best power for ``Target.secs`` (their power curve); `custom_zone`: a
# zone of the athlete's custom zone set (`CZ2`), as Intervals.icu's syntax guide writes them.
POWER_UNITS = ("%ftp", "w", "power_zone", "%mmp", "custom_zone")
HR_UNITS = ("%hr", "%lthr", "hr_zone", "bpm")
# Absolute pace units as the real server stores them (captured: `4:15-3:55/km Pace` -> "secs/km").
ABS_PACE_UNITS = {
    "/km": "secs/km",
    "/mi": "secs/mi",
    "/100m": "secs/100m",
    "/100y": "secs/100y",
    "/500m": "secs/500m",
    "/400m": "secs/400m",
    "/250m": "secs/250m",
}
# Metres covered by one "per" unit of an absolute pace, to turn s/unit into m/s.
PACE_UNIT_METRES = {
    "secs/km": 1000.0,
    "secs/mi": 1609.344,
    "secs/100m": 100.0,
    "secs/100y": 91.44,
    "secs/500m": 500.0,
    "secs/400m": 400.0,
    "secs/250m": 250.0,
}
# The SportSettings `pace_units` names for the same units (used when no unit is written).
SETTINGS_PACE_UNITS = {
    "MINS_KM": "secs/km",
    "MINS_MILE": "secs/mi",
    "SECS_100M": "secs/100m",
    "SECS_100Y": "secs/100y",
    "SECS_500M": "secs/500m",
    "SECS_400M": "secs/400m",
    "SECS_250M": "secs/250m",
}
PACE_UNITS = ("%pace", "pace_zone", *PACE_UNIT_METRES)
CADENCE_UNITS = ("rpm",)
UNITS_BY_KIND = {POWER: POWER_UNITS, HR: HR_UNITS, PACE: PACE_UNITS, CADENCE: CADENCE_UNITS}

# Distance units as written in the text, with their length in metres. `m` is deliberately absent:
# Intervals.icu reads `400m` as 400 *minutes*.
DISTANCE_UNITS = {"mtr": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144}

INTENSITIES = ("active", "rest", "warmup", "cooldown", "recovery", "interval", "other")


@dataclass(frozen=True)
class Target:
    """One intensity target: ``value`` alone, or a ``start``–``end`` range (also used for ramps).

    Values are in ``units``: percent for ``%…``, watts, bpm, rpm, zone numbers, or seconds per unit for
    absolute paces (``secs/km`` …). ``end is None`` means a single value. ``secs`` is the duration of a
    ``%mmp`` target (``50-60% MMP 3m`` -> 180) and None for every other unit.
    """

    kind: str
    units: str
    start: float
    end: float | None = None
    secs: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in UNITS_BY_KIND:
            raise ValueError(f"unknown target kind {self.kind!r}")
        if self.units not in UNITS_BY_KIND[self.kind]:
            raise ValueError(f"units {self.units!r} do not belong to a {self.kind} target")
        if (self.units == "%mmp") != (self.secs is not None):
            raise ValueError("a %mmp target needs its duration (secs), and only a %mmp target has one")
        if self.secs is not None and self.secs < 1:
            raise ValueError("the duration of a %mmp target is at least 1 s")

    @property
    def is_range(self) -> bool:
        return self.end is not None

    @property
    def low(self) -> float:
        return self.start if self.end is None else min(self.start, self.end)

    @property
    def high(self) -> float:
        return self.start if self.end is None else max(self.start, self.end)

    @property
    def mid(self) -> float:
        return self.start if self.end is None else (self.start + self.end) / 2


@dataclass(frozen=True)
class Distance:
    """A distance as written: ``value`` in ``unit`` (so the printer writes ``1.2km``, not ``1200mtr``)."""

    value: float
    unit: str = "mtr"

    def __post_init__(self) -> None:
        if self.unit not in DISTANCE_UNITS:
            raise ValueError(f"unknown distance unit {self.unit!r}")

    @property
    def metres(self) -> float:
        return self.value * DISTANCE_UNITS[self.unit]


@dataclass(frozen=True)
class Step:
    """One ``- …`` line: a duration (seconds) or a distance, targets and flags."""

    duration: int | None = None
    distance: Distance | None = None
    power: Target | None = None
    hr: Target | None = None
    pace: Target | None = None
    cadence: Target | None = None
    ramp: bool = False
    freeride: bool = False
    until_lap_press: bool = False
    maxeffort: bool = False
    hidepower: bool = False
    intensity: str | None = None
    text: str | None = None

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(t for t in (self.power, self.hr, self.pace, self.cadence) if t is not None)


@dataclass(frozen=True)
class Repeat:
    """A repeat block: ``reps`` times the steps; ``text`` is the header before ``Nx`` (None if bare)."""

    reps: int
    steps: tuple[Step, ...] = ()
    text: str | None = None

    def __post_init__(self) -> None:
        for s in self.steps:
            if not isinstance(s, Step):
                # Intervals.icu cannot express a repeat inside a repeat; refuse it at the model level.
                raise TypeError(
                    "nested repeats are not supported by Intervals.icu: a Repeat holds Steps only"
                )


@dataclass(frozen=True)
class Section:
    """A header line directly followed by its steps (``Warmup``, ``Main set``, ``Cooldown`` …)."""

    text: str


@dataclass(frozen=True)
class Note:
    """A free-text line that is not a header (description before the steps, remarks between blocks)."""

    text: str


Item = Step | Repeat | Section | Note


@dataclass(frozen=True)
class Workout:
    """A whole workout: items in text order. ``sport`` is context, not part of the text."""

    items: tuple[Item, ...] = ()
    sport: str | None = field(default=None, compare=False)

    @property
    def description(self) -> str | None:
        """The leading free text (notes before the first step), as Intervals.icu keeps it."""
        lines = []
        for it in self.items:
            if isinstance(it, Note):
                lines.append(it.text)
            else:
                break
        return "\n".join(lines) or None

    def steps(self) -> list[Step | Repeat]:
        return [it for it in self.items if isinstance(it, Step | Repeat)]

    def flat_steps(self) -> list[Step]:
        """Every step once, in order (repeat bodies not multiplied)."""
        out: list[Step] = []
        for it in self.items:
            if isinstance(it, Step):
                out.append(it)
            elif isinstance(it, Repeat):
                out.extend(it.steps)
        return out


SPORT_FAMILIES = {
    "Ride": "ride",
    "VirtualRide": "ride",
    "GravelRide": "ride",
    "MountainBikeRide": "ride",
    "EBikeRide": "ride",
    "EMountainBikeRide": "ride",
    "TrackRide": "ride",
    "Cyclocross": "ride",
    "Velomobile": "ride",
    "Handcycle": "ride",
    "Run": "run",
    "VirtualRun": "run",
    "TrailRun": "run",
    "Walk": "run",
    "Hike": "run",
    "Swim": "swim",
    "OpenWaterSwim": "swim",
    "Rowing": "row",
    "VirtualRow": "row",
    "NordicSki": "ski",
    "RollerSki": "ski",
    "VirtualSki": "ski",
}


def sport_family(sport: str | None) -> str:
    """Coarse family (ride/run/swim/row/ski/other) used for defaults and validation."""
    if not sport:
        return "other"
    return SPORT_FAMILIES.get(sport, SPORT_FAMILIES.get(sport.capitalize(), "other"))
