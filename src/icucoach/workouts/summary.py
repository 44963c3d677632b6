"""One-line summaries of a workout (``4×8m @ 95–100% FTP / 4m Z1``) for lists and AI answers.

Owns the human wording of targets and the choice of what to show: every repeat block as
``reps×work @ target / rest``, long steady steps as ``duration @ target``, warm-up and cool-down left
out of the line (they are in the totals), and a totals string (duration, distance, load, intensity).
"""

from __future__ import annotations

from .doc import compute_totals
from .model import Repeat, Section, Step, Target, Workout
from .render import fmt_distance, fmt_duration, fmt_num, fmt_pace_secs
from .resolve import DEFAULT_POWER_ZONES, Thresholds, power_pct

_EN = "–"


def human_target(t: Target) -> str:
    r = fmt_num(t.start) if t.end is None else f"{fmt_num(t.start)}{_EN}{fmt_num(t.end)}"
    u = t.units
    if u.startswith("secs/"):
        p = (
            fmt_pace_secs(t.start)
            if t.end is None
            else f"{fmt_pace_secs(t.start)}{_EN}{fmt_pace_secs(t.end)}"
        )
        return f"{p}/{u.split('/', 1)[1]}"
    if u == "%mmp":
        return f"{r}% MMP {fmt_duration(t.secs or 0)}"
    if u == "custom_zone":
        return f"CZ{fmt_num(t.start)}" if t.end is None else f"CZ{fmt_num(t.start)}{_EN}CZ{fmt_num(t.end)}"
    if u.endswith("_zone"):
        z = f"Z{fmt_num(t.start)}" if t.end is None else f"Z{fmt_num(t.start)}{_EN}Z{fmt_num(t.end)}"
        return {"power_zone": z, "hr_zone": f"{z} HR", "pace_zone": f"{z} pace"}[u]
    return {
        "%ftp": f"{r}% FTP",
        "w": f"{r} W",
        "%hr": f"{r}% HRmax",
        "%lthr": f"{r}% LTHR",
        "bpm": f"{r} bpm",
        "%pace": f"{r}% pace",
        "rpm": f"{r} rpm",
    }[u]


def _length(s: Step) -> str:
    if s.distance is not None:
        d = s.distance
        return f"{fmt_num(d.value)}m" if d.unit == "mtr" else fmt_distance(d)
    return fmt_duration(s.duration) if s.duration is not None else "?"


def _main_target(s: Step) -> Target | None:
    for t in (s.power, s.pace, s.hr):
        if t is not None:
            return t
    return None


def _easy_label(s: Step, th: Thresholds) -> str:
    """Recovery steps shown short: their power zone when known (``Z1``), else their target."""
    t = _main_target(s)
    if t is None:
        return "easy" if not s.intensity else s.intensity
    if t.kind == "power":
        p = power_pct(t, th)
        if p:
            zones = th.power_zones or DEFAULT_POWER_ZONES
            mid = (p[0] + p[1]) / 2
            return f"Z{next((i + 1 for i, b in enumerate(zones) if mid <= b), len(zones))}"
    return human_target(t)


def _step_phrase(s: Step) -> str:
    t = _main_target(s)
    if s.freeride:
        return f"{_length(s)} free ride"
    return f"{_length(s)} @ {'ramp ' if s.ramp else ''}{human_target(t)}" if t else _length(s)


def summary(w: Workout, sport_settings: dict | None = None) -> str:
    """The one-line shape of the main set(s)."""
    th = Thresholds.from_settings(sport_settings, w.sport)
    parts: list[str] = []
    section = ""
    for it in w.items:
        if isinstance(it, Section):
            section = it.text.lower()
        elif isinstance(it, Repeat) and it.steps:
            work, *rest = it.steps
            phrase = f"{it.reps}×{_step_phrase(work)}"
            for r in rest:
                phrase += f" / {_length(r)} {_easy_label(r, th)}"
            parts.append(phrase)
            section = ""
        elif isinstance(it, Step) and "warm" not in section and "cool" not in section:
            parts.append(_step_phrase(it))
    if not parts:
        return "empty workout"
    if len(parts) > 4:
        parts = [*parts[:3], f"… +{len(parts) - 3} more"]
    return " + ".join(parts)


def totals_line(w: Workout, sport_settings: dict | None = None) -> str:
    tot = compute_totals(w, Thresholds.from_settings(sport_settings, w.sport))
    bits = [fmt_duration(tot.duration)]
    if tot.distance:
        bits.append(f"{tot.distance / 1000:.2f} km")
    if tot.load is not None:
        bits.append(f"load {tot.load}")
    if tot.intensity is not None:
        bits.append(f"IF {tot.intensity / 100:.2f}")
    return ", ".join(bits)
