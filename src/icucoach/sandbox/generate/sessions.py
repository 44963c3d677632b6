"""The session catalogue: what each kind of training day is, as blocks of steps.

One description serves two purposes: expanded into ``Segment``s it drives the stream generator (what the
athlete did); printed as Intervals.icu workout text it becomes the planned event's description (what the
coach planned). Intensities are fractions of threshold: power (ride), speed (run, swim) or, for strength,
of LTHR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Step:
    secs: int
    lo: float  # intensity at start, fraction of threshold
    hi: float  # at end (== lo for steady steps; differs for ramps)
    kind: str = "steady"  # warmup | work | recovery | cooldown | steady
    metres: float | None = None  # swim steps are planned by distance


@dataclass(frozen=True)
class Block:
    title: str  # "Warmup", "Main set", ...
    steps: tuple[Step, ...]
    reps: int = 1


@dataclass
class Session:
    kind: str
    sport: str
    name: str
    blocks: list[Block]
    structured: bool
    start_hour: float
    indoor: bool = False
    terrain: str = "rolling"  # flat | rolling | hilly
    race: bool = False
    distance_goal: float | None = None
    tags: list[str] = field(default_factory=list)

    def segments(self) -> list[Step]:
        out: list[Step] = []
        for b in self.blocks:
            for _ in range(b.reps):
                out.extend(b.steps)
        return out

    @property
    def planned_secs(self) -> int:
        return sum(s.secs for s in self.segments())


def _m(minutes: float) -> int:
    return int(round(minutes * 60))


def _scale(minutes: float, f: float, lo: float = 0.5) -> float:
    return max(lo * minutes, minutes * f)


def build_session(
    kind: str, factor: float, rng: np.random.Generator, css: float | None = None
) -> Session | None:
    """The session of this kind for a day whose load factor is ``factor`` (1.0 = a normal week)."""
    f = factor
    r = float(rng.uniform(0.95, 1.05))
    if kind == "rest":
        return None
    if kind == "ride_long":
        mins = _scale(150, f * r)
        return Session(
            kind,
            "Ride",
            "Long endurance ride",
            [Block("Endurance", (Step(_m(mins), 0.66, 0.66),))],
            False,
            7.5,
            terrain="hilly",
        )
    if kind == "ride_intervals":
        reps = 5 if f >= 0.9 else 4 if f >= 0.6 else 3
        if f >= 1.05:  # VO2 in build/peak, threshold otherwise
            main = Block("Main set", (Step(240, 1.15, 1.15, "work"), Step(240, 0.50, 0.50, "recovery")), reps)
            name = f"VO2max {reps}x4m"
        else:
            main = Block(
                "Main set", (Step(480, 0.98, 0.98, "work"), Step(240, 0.50, 0.50, "recovery")), reps - 1
            )
            name = f"Threshold {reps - 1}x8m"
        return Session(
            kind,
            "VirtualRide",
            name,
            [
                Block("Warmup", (Step(_m(15), 0.45, 0.72, "warmup"),)),
                main,
                Block("Cooldown", (Step(_m(10), 0.50, 0.50, "cooldown"),)),
            ],
            True,
            6.0,
            indoor=True,
            terrain="flat",
        )
    if kind == "ride_tempo":
        reps = 3 if f >= 0.9 else 2
        return Session(
            kind,
            "Ride",
            f"Sweet spot {reps}x15m",
            [
                Block("Warmup", (Step(_m(15), 0.50, 0.70, "warmup"),)),
                Block(
                    "Main set", (Step(_m(15), 0.90, 0.90, "work"), Step(_m(5), 0.55, 0.55, "recovery")), reps
                ),
                Block("Cooldown", (Step(_m(10), 0.55, 0.55, "cooldown"),)),
            ],
            True,
            17.5,
            terrain="rolling",
        )
    if kind in ("run_easy", "run_recovery"):
        mins = _scale(45, f * r)
        return Session(
            kind,
            "Run",
            "Easy run",
            [Block("Easy", (Step(_m(mins), 0.78, 0.78),))],
            False,
            6.25,
            terrain="flat",
        )
    if kind == "run_long":
        mins = _scale(95, f * r)
        return Session(kind, "Run", "Long run", [Block("Long", (Step(_m(mins), 0.80, 0.80),))], False, 7.0)
    if kind == "run_trail":
        mins = _scale(80, f * r)
        return Session(
            kind,
            "TrailRun",
            "Trail run",
            [Block("Trail", (Step(_m(mins), 0.72, 0.72),))],
            False,
            7.5,
            terrain="hilly",
        )
    if kind == "run_intervals":
        reps = 6 if f >= 0.9 else 4
        return Session(
            kind,
            "Run",
            f"{reps}x3m intervals",
            [
                Block("Warmup", (Step(_m(15), 0.72, 0.82, "warmup"),)),
                Block("Main set", (Step(180, 1.06, 1.06, "work"), Step(120, 0.65, 0.65, "recovery")), reps),
                Block("Cooldown", (Step(_m(10), 0.72, 0.72, "cooldown"),)),
            ],
            True,
            6.0,
            terrain="flat",
        )
    if kind == "run_tempo":
        mins = 20 if f >= 0.9 else 15
        return Session(
            kind,
            "Run",
            f"Tempo run {mins}m",
            [
                Block("Warmup", (Step(_m(15), 0.75, 0.80, "warmup"),)),
                Block("Main set", (Step(_m(mins), 0.95, 0.95, "work"),)),
                Block("Cooldown", (Step(_m(10), 0.75, 0.75, "cooldown"),)),
            ],
            True,
            6.0,
            terrain="rolling",
        )
    if kind in ("swim_css", "swim_endurance"):
        css = css or 0.9

        def swim(metres: float, rel: float, k: str) -> Step:
            return Step(int(round(metres / (css * rel))), rel, rel, k, metres)

        if kind == "swim_css":
            reps = 8 if f >= 0.9 else 6
            blocks = [
                Block("Warmup", (swim(400, 0.82, "warmup"),)),
                Block("Main set", (swim(100, 1.0, "work"), Step(20, 0.0, 0.0, "recovery")), reps),
                Block("Cooldown", (swim(200, 0.78, "cooldown"),)),
            ]
            return Session(kind, "Swim", f"CSS {reps}x100", blocks, True, 6.0, indoor=True, terrain="flat")
        metres = 100 * round(_scale(2400, f * r) / 100)
        return Session(
            kind,
            "Swim",
            "Endurance swim",
            [
                Block("Warmup", (swim(300, 0.80, "warmup"),)),
                Block("Main set", (swim(metres - 500, 0.86, "work"),)),
                Block("Cooldown", (swim(200, 0.78, "cooldown"),)),
            ],
            False,
            6.25,
            indoor=True,
            terrain="flat",
        )
    if kind == "strength":
        return Session(
            kind,
            "WeightTraining",
            "Strength & mobility",
            [Block("Strength", (Step(_m(40), 0.70, 0.70),))],
            False,
            18.5,
            indoor=True,
            terrain="flat",
        )
    raise ValueError(f"unknown session kind {kind!r}")


def race_session(sport: str, distance_m: float, threshold_speed: float) -> Session:
    """A race: run races at the speed a trained athlete holds for that distance (Riegel-like decay)."""
    rel = 1.02 if distance_m <= 10_000 else 0.93 if distance_m <= 21_100 else 0.86
    if sport == "Ride":
        secs = int(distance_m / 8.8)
        return Session(
            "race",
            "Ride",
            "Race",
            [Block("Race", (Step(secs, 0.80, 0.80, "work"),))],
            False,
            7.0,
            terrain="hilly",
            race=True,
            distance_goal=distance_m,
        )
    secs = int(distance_m / (threshold_speed * rel))
    return Session(
        "race",
        "Run",
        "Race",
        [Block("Race", (Step(secs, rel, rel, "work"),))],
        False,
        7.0,
        terrain="flat",
        race=True,
        distance_goal=distance_m,
    )


# ---- workout text (what the coach planned), in Intervals.icu syntax --------------------------------------


def _dur(secs: int) -> str:
    m, s = divmod(secs, 60)
    if m and s:
        return f"{m}m{s}s"
    return f"{m}m" if m else f"{s}s"


def _target(step: Step, sport: str) -> str:
    lo, hi = round(step.lo * 100), round(step.hi * 100)
    suffix = "" if sport in ("Ride", "VirtualRide") else " Pace"
    if step.lo == 0.0 and step.hi == 0.0:
        return "intensity=rest"
    if lo == hi:
        return f"{lo}%{suffix}"
    ramp = "ramp " if step.kind in ("warmup", "cooldown") else ""
    return f"{ramp}{lo}-{hi}%{suffix}"


def workout_text(session: Session, target_of: Callable[[Step], str] | None = None) -> str:
    """Intervals.icu workout text: headers, `- ` steps, blank lines around repeat blocks, `mtr` for metres.
    ``target_of`` writes a step's target (default: % of threshold power or pace)."""
    lines: list[str] = []
    for block in session.blocks:
        if lines:
            lines.append("")
        lines.append(f"{block.title} {block.reps}x" if block.reps > 1 else block.title)
        for st in block.steps:
            amount = f"{int(st.metres)}mtr" if st.metres else _dur(st.secs)
            target = target_of(st) if target_of else _target(st, session.sport)
            lines.append(f"- {amount} {target}".rstrip())
    return "\n".join(lines)
