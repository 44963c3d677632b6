"""The season model: which training phase each day is in, how hard the week is, races, illness and injury.

A races fall about a year apart (the next one ~6 weeks after today, so the demo athlete is in a build with a
race on the calendar); phases are counted back from the next A race (taper 1 week, peak 2, build 8, base
before that) and forward from the last (recovery ~10 days, then off-season). Within base and build, weeks load
3:1. Illness and injury remove training and show in wellness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

PHASE_LOAD = {
    "off-season": 0.40,
    "base": 0.90,
    "build": 1.05,
    "peak": 1.10,
    "taper": 0.60,
    "race": 0.45,
    "recovery": 0.45,
}


@dataclass(frozen=True)
class Race:
    day: date
    category: str  # RACE_A | RACE_B | RACE_C
    name: str
    sport: str
    distance_m: float


@dataclass(frozen=True)
class Absence:
    start: date
    end: date  # inclusive
    category: str  # SICK | INJURED
    name: str
    blocks: tuple[str, ...]  # sports that cannot be trained ("*" = all)


@dataclass
class DayPlan:
    day: date
    phase: str
    load_factor: float
    race: Race | None = None
    absence: Absence | None = None


@dataclass(frozen=True)
class Season:
    days: list[DayPlan]
    races: list[Race]
    absences: list[Absence]


def _race_calendar(today: date, start: date, end: date, sport: str) -> list[Race]:
    races: list[Race] = []
    names_a = {"Run": ("City Marathon", 42_195.0), "Ride": ("Alpine Gran Fondo", 120_000.0)}
    names_b = {"Run": ("Harbour Half Marathon", 21_097.5), "Ride": ("Coastal Classic", 80_000.0)}
    a_name, a_dist = names_a.get(sport, names_a["Run"])
    b_name, b_dist = names_b.get(sport, names_b["Run"])
    next_a = today + timedelta(days=45)
    k = 0
    while True:
        a_day = next_a - timedelta(days=364 * k)
        if a_day < start:
            break
        if a_day <= end:
            races.append(Race(a_day, "RACE_A", a_name, sport, a_dist))
        b_day = a_day - timedelta(days=70)
        if start <= b_day <= end:
            races.append(Race(b_day, "RACE_B", b_name, sport, b_dist))
        for weeks in (15, 22):
            c_day = a_day - timedelta(days=7 * weeks - 6)  # a Sunday-ish tune-up 10 km
            if start <= c_day <= end:
                races.append(Race(c_day, "RACE_C", "Parkside 10K", "Run", 10_000.0))
        k += 1
    return sorted(races, key=lambda r: r.day)


def _absences(rng: np.random.Generator, start: date, today: date, runner: bool) -> list[Absence]:
    out: list[Absence] = []
    span = (today - start).days
    # two colds a year, spread over the history (never in the last 10 days, so "today" is trainable)
    for year in range(3):
        for half in range(2):
            offset = int(year * 365 + half * 180 + rng.integers(20, 150))
            if offset > span - 10:
                continue
            s = start + timedelta(days=offset)
            out.append(Absence(s, s + timedelta(days=int(rng.integers(3, 7))), "SICK", "Head cold", ("*",)))
    inj_start = start + timedelta(days=int(span * 0.55))
    blocks = ("*",) if runner else ("Run", "TrailRun")
    out.append(Absence(inj_start, inj_start + timedelta(days=13), "INJURED", "Calf strain", blocks))
    return sorted(out, key=lambda a: a.start)


def plan_season(
    rng: np.random.Generator, start: date, today: date, end: date, main_sport: str, runner: bool
) -> Season:
    races = _race_calendar(today, start, end, main_sport)
    a_races = [r.day for r in races if r.category == "RACE_A"]
    absences = _absences(rng, start, today, runner)
    by_day = {r.day: r for r in races}
    days: list[DayPlan] = []
    d = start
    while d <= end:
        nxt = min((a for a in a_races if a >= d), default=None)
        prev = max((a for a in a_races if a < d), default=None)
        until = (nxt - d).days if nxt else 999
        since = (d - prev).days if prev else 999
        if until == 0:
            phase = "race"
        elif until <= 7:
            phase = "taper"
        elif until <= 21:
            phase = "peak"
        elif since <= 10:
            phase = "recovery"
        elif since <= 31:
            phase = "off-season"
        elif until <= 77:
            phase = "build"
        else:
            phase = "base"
        factor = PHASE_LOAD[phase]
        if phase in ("base", "build"):
            if phase == "build" and nxt is not None:
                block_start = nxt - timedelta(days=77)
            else:
                block_start = (prev or start) + timedelta(days=31)
            week_in_block = max(0, (d - block_start).days // 7)
            factor *= 0.65 if week_in_block % 4 == 3 else 1.0 + 0.025 * (week_in_block % 4)
        race = by_day.get(d)
        if race is not None and race.category != "RACE_A":
            factor *= 0.8  # a lighter week around B/C races
        absence = next((a for a in absences if a.start <= d <= a.end), None)
        days.append(DayPlan(d, phase, round(factor, 4), race, absence))
        d += timedelta(days=1)
    return Season(days, races, absences)


def threshold_multiplier(ctl: np.ndarray, ctl_ref: float) -> np.ndarray:
    """Fitness-driven threshold drift: +/- ~8 % between detrained and very fit, updated in steps.

    Thresholds are only re-set every 28 days (a test or an eFTP update), which is what makes the sport
    settings history a step function, as athletes see it.
    """
    raw = 1.0 + 0.0016 * (ctl - ctl_ref)
    raw = np.clip(raw, 0.9, 1.1)
    stepped = raw.copy()
    for i in range(len(raw)):
        stepped[i] = raw[i - i % 28] if i % 28 else raw[i]
    return stepped
