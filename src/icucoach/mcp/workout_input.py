"""Workout input for the write tools: structured blocks -> Intervals.icu workout text, validation against
the athlete's sport settings, the deterministic ``external_id`` that makes a create idempotent, and the
read-back comparison (what was meant vs what Intervals.icu stored).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from icucoach.mcp.registry import terse
from icucoach.workouts import Workout, errors, parse, render, summary, to_workout_doc, totals_line, validate
from icucoach.workouts.model import Distance, Repeat, Section, Step, Target


def _terse(schema: dict[str, Any]) -> None:
    terse(schema)  # optional step fields as plain types in the schema


class WorkStep(BaseModel):
    """duration_s or distance_m, then targets; ranges are [value] or [low, high]."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_terse)
    duration_s: int | None = Field(None, ge=1, le=86400)
    distance_m: float | None = Field(None, gt=0, le=500000)
    power_pct_ftp: list[float] | None = None
    power_w: list[float] | None = None
    power_zone: int | None = Field(None, ge=1, le=7)
    hr_pct_lthr: list[float] | None = None
    hr_zone: int | None = Field(None, ge=1, le=7)
    pace_pct: list[float] | None = Field(None, description="% threshold pace (higher = faster)")
    pace_zone: int | None = Field(None, ge=1, le=7)
    cadence_rpm: list[float] | None = None
    ramp: bool = Field(False, description="ramp low->high over the step")
    intensity: Literal["warmup", "cooldown", "active", "rest", "recovery", "interval"] | None = None
    cue: str | None = Field(None, max_length=80, description="text shown on the device")


class Block(BaseModel):
    """Titled steps ('Warmup', 'Main set'); reps > 1 repeats them (no nesting)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_terse)
    title: str | None = Field(None, max_length=60)
    reps: int = Field(1, ge=1, le=50)
    steps: list[WorkStep] = Field(min_length=1, max_length=30)


def _t(kind: str, units: str, pair: list[float] | None) -> Target | None:
    if not pair:
        return None
    if len(pair) > 2:
        raise ValueError(f"a {kind} target is [value] or [low, high], got {pair}")
    return Target(kind, units, float(pair[0]), float(pair[1]) if len(pair) > 1 else None)


def _zone(kind: str, units: str, z: int | None) -> Target | None:
    return None if z is None else Target(kind, units, float(z))


def _step(s: WorkStep) -> Step:
    if s.duration_s is None and s.distance_m is None:
        raise ValueError("every step needs duration_s or distance_m")
    dist = None
    if s.distance_m is not None:
        dist = (
            Distance(s.distance_m / 1000, "km")
            if s.distance_m >= 1000 and s.distance_m % 100 == 0
            else Distance(float(s.distance_m), "mtr")
        )
    return Step(
        duration=None if dist is not None else s.duration_s,
        distance=dist,
        power=_t("power", "%ftp", s.power_pct_ftp)
        or _t("power", "w", s.power_w)
        or _zone("power", "power_zone", s.power_zone),
        hr=_t("hr", "%lthr", s.hr_pct_lthr) or _zone("hr", "hr_zone", s.hr_zone),
        pace=_t("pace", "%pace", s.pace_pct) or _zone("pace", "pace_zone", s.pace_zone),
        cadence=_t("cadence", "rpm", s.cadence_rpm),
        ramp=s.ramp,
        intensity=s.intensity,
        text=s.cue,
    )


def blocks_to_workout(blocks: list[Block], sport: str, description: str | None = None) -> Workout:
    from icucoach.workouts.model import Note

    items: list[Any] = [Note(line) for line in (description or "").splitlines() if line.strip()]
    for b in blocks:
        steps = [_step(s) for s in b.steps]
        if b.reps > 1:
            items.append(Repeat(b.reps, tuple(steps), b.title))
        else:
            if b.title:
                items.append(Section(b.title))
            items.extend(steps)
    return Workout(tuple(items), sport=sport)


def workout_text(text: str | None, blocks: list[Block] | None, sport: str, description: str | None) -> str:
    """The canonical text to write: given text as-is (leading description added), or rendered blocks."""
    if bool(text) == bool(blocks):
        raise ValueError("give exactly one of `text` (workout text) or `steps` (structured blocks)")
    if blocks:
        return render(blocks_to_workout(blocks, sport, description))
    body = text.strip("\n") if text else ""
    return f"{description.strip()}\n\n{body}" if description and description.strip() else body


def check(text: str, sport: str, sport_settings: dict[str, Any] | None) -> dict[str, Any]:
    """Validate and preview: issues, one-line summary, totals and the expected workout_doc."""
    issues = validate(text, sport, sport_settings)
    w = parse(text, sport)
    doc = to_workout_doc(w, sport, sport_settings)
    return {
        "valid": not errors(issues),
        "issues": [
            {"line": i.line, "severity": i.severity, "message": i.message, "fix": i.fix} for i in issues
        ],
        "summary": summary(w, sport_settings),
        "totals": totals_line(w, sport_settings),
        "duration_s": doc.get("duration"),
        "distance_m": doc.get("distance") or None,
        "doc": doc,
    }


def external_id(athlete: str, day: str, sport: str, name: str, text: str) -> str:
    digest = hashlib.sha256("\x1f".join((athlete, day, sport, name, text)).encode()).hexdigest()[:20]
    return f"icucoach-{digest}"


def _count_steps(steps: list[dict[str, Any]] | None) -> int:
    n = 0
    for s in steps or []:
        n += _count_steps(s["steps"]) * int(s.get("reps") or 1) if s.get("steps") else 1
    return n


def compare(meant: dict[str, Any], stored: Any) -> list[str]:
    """Differences between the intended preview and the stored event (empty = as meant)."""
    diffs: list[str] = []
    doc = stored.workout_doc.model_dump(mode="json") if stored.workout_doc else {}
    if meant["text"].strip() != (stored.description or "").strip():
        diffs.append("description text differs from what was sent")
    if stored.name != meant["name"]:
        diffs.append(f"name {stored.name!r} instead of {meant['name']!r}")
    if (stored.start_date_local or "")[:10] != meant["date"]:
        diffs.append(f"date {(stored.start_date_local or '')[:10]} instead of {meant['date']}")
    if stored.type != meant["sport"]:
        diffs.append(f"sport {stored.type} instead of {meant['sport']}")
    want_steps = _count_steps(meant["doc"].get("steps"))
    got_steps = _count_steps(doc.get("steps"))
    if want_steps != got_steps:
        diffs.append(f"Intervals.icu parsed {got_steps} steps, expected {want_steps}")
    want_d, got_d = meant["doc"].get("duration") or 0, doc.get("duration") or stored.moving_time or 0
    if want_d and abs(want_d - got_d) > max(30, 0.02 * want_d):
        diffs.append(f"planned duration {got_d} s, expected {want_d} s")
    return diffs


__all__ = ["Block", "WorkStep", "blocks_to_workout", "check", "compare", "external_id", "workout_text"]
