"""The template library: named workouts for ride, run and swim, parameterised by duration and intensity.

Owns the catalogue (recovery, endurance, tempo, sweet spot, threshold, VO2max, anaerobic, sprints, long
run, strides, hills, fartlek, CSS sets, race openers …). Each template writes canonical workout text
for a total duration in minutes and an intensity factor (1.0 = as prescribed, 0.9 = 10 % easier on the
work targets; recoveries stay put), then parses it, so every template goes through the same language
the athlete's device receives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import Workout
from .parse import parse


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    sport: str
    category: str
    default_minutes: int
    text_for: Callable[[int, float], str]

    def build(self, minutes: int | None = None, intensity: float = 1.0) -> Workout:
        """The workout for ``minutes`` in total (about) at ``intensity`` × the prescribed work targets."""
        minutes = int(minutes or self.default_minutes)
        if not 10 <= minutes <= 600:
            raise ValueError(f"duration {minutes} min is outside 10-600 min")
        if not 0.5 <= intensity <= 1.5:
            raise ValueError(f"intensity factor {intensity} is outside 0.5-1.5")
        return parse(self.text_for(minutes, intensity), self.sport)

    def text(self, minutes: int | None = None, intensity: float = 1.0) -> str:
        from .render import render

        return render(self.build(minutes, intensity))


def _p(x: float, k: float) -> int:
    return max(1, round(x * k))


def _r(lo: float, hi: float, k: float) -> str:
    return f"{_p(lo, k)}-{_p(hi, k)}"


def _reps(main_min: float, per_rep_min: float, lo: int = 1, hi: int = 30) -> int:
    return max(lo, min(hi, round(main_min / per_rep_min)))


def _ride(wu: int, cd: int, main: Callable[[int, float], str]) -> Callable[[int, float], str]:
    def text(m: int, k: float) -> str:
        body = max(5, m - wu - cd)
        return f"Warmup\n- {wu}m ramp 45-70% 85-95rpm\n\n{main(body, k)}\n\nCooldown\n- {cd}m ramp 65-45%\n"

    return text


def _interval(work: str, rest: str, work_t: float, rest_t: float, head: str = "Main set") -> Callable:
    def main(body: int, k: float) -> str:
        n = _reps(body, work_t + rest_t)
        return f"{head} {n}x\n{_fmt(work, k)}\n{rest}"

    return main


def _fmt(line: str, k: float) -> str:
    # Work lines carry `{a-b}` placeholders scaled by the intensity factor.
    out, i = "", 0
    while i < len(line):
        if line[i] == "{":
            j = line.index("}", i)
            lo, _, hi = line[i + 1 : j].partition("-")
            out += _r(float(lo), float(hi), k) if hi else str(_p(float(lo), k))
            i = j + 1
        else:
            out += line[i]
            i += 1
    return out


def _steady(line: str) -> Callable[[int, float], str]:
    return lambda body, k: "Main set\n" + _fmt(line.replace("DUR", f"{body}m"), k)


def _run(wu: int, cd: int, main: Callable[[int, float], str]) -> Callable[[int, float], str]:
    def text(m: int, k: float) -> str:
        body = max(5, m - wu - cd)
        return f"Warmup\n- {wu}m 70-80% Pace\n\n{main(body, k)}\n\nCooldown\n- {cd}m 65-75% Pace\n"

    return text


def _swim(wu: int, cd: int, main: Callable[[int, float], str]) -> Callable[[int, float], str]:
    def text(m: int, k: float) -> str:
        body = max(5, m - 8)
        return (
            f"Warmup\n- Easy mix {wu}mtr 65-75% Pace\n\n{main(body, k)}\n\n"
            f"Cooldown\n- Easy {cd}mtr 60-70% Pace\n"
        )

    return text


def _swim_set(
    dist: int, target: str, rest_s: int, per_rep_min: float, head: str = "Main set", cue: str = ""
) -> Callable[[int, float], str]:
    def main(body: int, k: float) -> str:
        n = _reps(body, per_rep_min, hi=40)
        cue_txt = f"{cue} " if cue else ""
        return f"{head} {n}x\n- {cue_txt}{dist}mtr {_fmt(target, k)} Pace\n- Rest {rest_s}s intensity=rest"

    return main


_T: list[Template] = []


def _add(key: str, name: str, sport: str, cat: str, minutes: int, fn: Callable[[int, float], str]) -> None:
    _T.append(Template(key, name, sport, cat, minutes, fn))


# --- Ride -------------------------------------------------------------------------------------------
_add(
    "ride-recovery",
    "Recovery spin",
    "Ride",
    "recovery",
    45,
    lambda m, k: f"- Easy spin {m}m {_r(45, 55, k)}% 85-95rpm\n",
)
_add("ride-endurance", "Endurance ride", "Ride", "endurance", 120, _ride(10, 10, _steady("- DUR {65-75}%")))
_add(
    "ride-tempo",
    "Tempo 3x15m",
    "Ride",
    "tempo",
    90,
    _ride(15, 10, _interval("- 15m {76-88}%", "- 5m 55%", 15, 5)),
)
_add(
    "ride-sweet-spot",
    "Sweet spot 3x12m",
    "Ride",
    "sweet spot",
    75,
    _ride(12, 8, _interval("- 12m {88-94}% 85-95rpm", "- 4m 55%", 12, 4)),
)
_add(
    "ride-threshold",
    "Threshold 2x20m",
    "Ride",
    "threshold",
    75,
    _ride(12, 8, _interval("- 20m {95-100}%", "- 5m 55%", 20, 5)),
)
_add(
    "ride-over-under",
    "Over-unders",
    "Ride",
    "threshold",
    75,
    _ride(12, 8, _interval("- Under 2m {90-95}%\n- Over 1m {105-110}%", "- 4m 55%", 9, 4)),
)
_add(
    "ride-vo2max",
    "VO2max 5x4m",
    "Ride",
    "vo2max",
    70,
    _ride(15, 10, _interval("- 4m {110-120}% 95-105rpm", "- 4m 50%", 4, 4)),
)
_add(
    "ride-30-30",
    "VO2max 30/30s",
    "Ride",
    "vo2max",
    60,
    _ride(15, 10, _interval("- 30s {120-130}%", "- 30s 50%", 1, 0.01)),
)
_add(
    "ride-anaerobic",
    "Anaerobic 8x1m",
    "Ride",
    "anaerobic",
    60,
    _ride(15, 10, _interval("- 1m {130-150}%", "- 3m 45%", 1, 3)),
)
_add(
    "ride-sprints",
    "Sprints 8x15s",
    "Ride",
    "sprints",
    60,
    _ride(15, 10, _interval("- 15s maxeffort {200}% 110-120rpm", "- 4m45s 50%", 0.25, 4.75)),
)
_add(
    "ride-high-cadence",
    "High-cadence drills",
    "Ride",
    "endurance",
    60,
    _ride(10, 10, _interval("- 2m {70-80}% 105-115rpm", "- 3m 60% 85-90rpm", 2, 3)),
)
_add(
    "ride-opener",
    "Race openers",
    "Ride",
    "race opener",
    45,
    lambda m, k: (
        f"Warmup\n- {max(5, m - 25)}m ramp 50-75%\n\nOpeners 3x\n- 1m {_r(105, 110, k)}%\n"
        f"- 2m 55%\n\nSprints 2x\n- 10s maxeffort {_p(180, k)}%\n- 2m50s 50%\n\n"
        "Cooldown\n- 4m 50%\n"
    ),
)
_add(
    "ride-ftp-ramp",
    "Ramp test",
    "Ride",
    "test",
    35,
    lambda m, k: (
        "Warmup\n- 5m 50%\n\nMain set\n"
        + "\n".join(f"- 1m {p}%" for p in range(60, 141, 5))
        + f"\n- 1m freeride\n\nCooldown\n- {max(5, m - 23)}m 45%\n"
    ),
)

# --- Run --------------------------------------------------------------------------------------------
_add(
    "run-recovery", "Recovery run", "Run", "recovery", 30, lambda m, k: f"- Easy {m}m {_r(65, 75, k)}% Pace\n"
)
_add(
    "run-easy",
    "Easy aerobic run",
    "Run",
    "endurance",
    50,
    lambda m, k: f"- Aerobic {m}m {_r(70, 80, k)}% LTHR\n",
)
_add("run-long", "Long run", "Run", "long run", 100, _run(10, 5, _steady("- Steady DUR {74-84}% Pace")))
_add("run-tempo", "Tempo run", "Run", "tempo", 55, _run(15, 10, _steady("- Tempo DUR {88-92}% Pace")))
_add(
    "run-cruise",
    "Cruise intervals 4x8m",
    "Run",
    "threshold",
    60,
    _run(12, 8, _interval("- 8m {97-101}% Pace", "- 2m 70% Pace intensity=recovery", 8, 2)),
)
_add(
    "run-vo2max",
    "VO2max 5x3m",
    "Run",
    "vo2max",
    55,
    _run(15, 10, _interval("- 3m {106-112}% Pace", "- 3m 65% Pace intensity=recovery", 3, 3)),
)
_add(
    "run-track-800",
    "Track 6x800mtr",
    "Run",
    "vo2max",
    60,
    _run(15, 10, _interval("- 800mtr {104-108}% Pace", "- 400mtr 65% Pace intensity=recovery", 4.5, 2.8)),
)
_add(
    "run-strides",
    "Easy run with strides",
    "Run",
    "strides",
    45,
    lambda m, k: (
        f"- Easy {max(10, m - 8)}m {_r(70, 80, k)}% Pace\n\nStrides 6x\n"
        f"- 20s {_r(115, 125, k)}% Pace\n- 1m walk intensity=recovery\n"
    ),
)
_add(
    "run-hills",
    "Hill repeats 8x90s",
    "Run",
    "hills",
    55,
    _run(15, 10, _interval("- Uphill 90s {92-96}% LTHR", "- Jog down 2m30s intensity=recovery", 1.5, 2.5)),
)
_add(
    "run-fartlek",
    "Fartlek",
    "Run",
    "fartlek",
    45,
    _run(10, 5, _interval("- Surge 1m {105-110}% Pace\n- Float 2m 80% Pace", "- Easy 1m 70% Pace", 3, 1)),
)
_add(
    "run-progression",
    "Progression run",
    "Run",
    "tempo",
    50,
    lambda m, k: (
        f"- Easy {m // 3}m {_r(72, 78, k)}% Pace\n- Steady {m // 3}m {_r(82, 86, k)}% Pace\n"
        f"- Strong {m - 2 * (m // 3)}m {_r(90, 94, k)}% Pace\n"
    ),
)
_add(
    "run-opener",
    "Race openers",
    "Run",
    "race opener",
    30,
    _run(10, 5, _interval("- 1m {100-104}% Pace", "- 2m 70% Pace intensity=recovery", 1, 2, "Openers")),
)

# --- Swim -------------------------------------------------------------------------------------------
_add(
    "swim-easy",
    "Easy aerobic swim",
    "Swim",
    "recovery",
    30,
    _swim(200, 100, _swim_set(200, "{72-80}%", 20, 4.5, cue="Steady")),
)
_add(
    "swim-css",
    "CSS intervals 100s",
    "Swim",
    "threshold",
    45,
    _swim(300, 200, _swim_set(100, "{98-102}%", 15, 2.1, cue="CSS")),
)
_add(
    "swim-css-400", "CSS 400s", "Swim", "threshold", 50, _swim(300, 200, _swim_set(400, "{95-99}%", 30, 8.2))
)
_add(
    "swim-sprint",
    "Sprint 50s",
    "Swim",
    "sprints",
    40,
    _swim(300, 200, _swim_set(50, "{110-118}%", 40, 1.5, cue="Fast")),
)
_add(
    "swim-pull",
    "Pull set",
    "Swim",
    "endurance",
    45,
    _swim(300, 200, _swim_set(200, "{82-88}%", 20, 4.2, cue="Pull buoy")),
)
_add(
    "swim-drills",
    "Technique drills",
    "Swim",
    "technique",
    40,
    _swim(200, 100, _swim_set(50, "{65-75}%", 15, 1.4, cue="Drill catch up")),
)
_add(
    "swim-kick",
    "Kick set",
    "Swim",
    "endurance",
    35,
    _swim(200, 100, _swim_set(100, "{60-70}%", 20, 3, cue="Kick")),
)
_add(
    "swim-opener",
    "Race opener swim",
    "Swim",
    "race opener",
    25,
    _swim(300, 100, _swim_set(50, "{102-108}%", 30, 1.6, head="Openers", cue="Race pace")),
)

TEMPLATES: dict[str, Template] = {t.key: t for t in _T}


def get(key: str) -> Template:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise KeyError(f"unknown template {key!r}; known: {', '.join(sorted(TEMPLATES))}") from None
