"""Parser: Intervals.icu workout text -> :class:`~icucoach.workouts.model.Workout`.

Owns the line grammar (steps, repeat headers, section headers, notes) and the token grammar inside a
step line. It follows what the real server does, including its traps, and records each trap as an
:class:`Issue` instead of guessing: ``400m`` stays 400 *minutes* (with an issue), a pace without the
``Pace`` keyword is dropped (with an issue), a bare number makes the whole text unparseable (the server
then returns ``steps: []``). The parser never raises on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .model import (
    ABS_PACE_UNITS,
    CADENCE,
    HR,
    INTENSITIES,
    PACE,
    POWER,
    Distance,
    Item,
    Note,
    Repeat,
    Section,
    Step,
    Target,
    Workout,
    sport_family,
)


@dataclass(frozen=True)
class Issue:
    """One finding about the text: ``line`` is 1-based (0 = whole workout)."""

    line: int
    severity: str  # "error" | "warning"
    code: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message} — fix: {self.fix}"


_NUM = r"\d+(?:\.\d+)?"
_STEP_RE = re.compile(r"^(\s*)-(?:\s+(.*))?$")
_REPEAT_RE = re.compile(r"^\s*(.*?)\s*(\d+)\s*[xX]\s*$")
_DUR_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!tr))?(?:(\d+(?:\.\d+)?)s)?$")
_MIN_SEC_RE = re.compile(r"^(\d+)m(\d{1,2})$")  # `1m30` = 1:30
_APOS_RE = re.compile(r"^(?:(\d+)')?(?:(\d+)\")?$")
_DIST_RE = re.compile(rf"^({_NUM})(mtr|km|mi|yd|y)$", re.I)
_PCT_RE = re.compile(rf"^({_NUM})(?:-({_NUM}))?%$")
_WATTS_RE = re.compile(rf"^({_NUM})(?:-({_NUM}))?w$", re.I)
_ZONE_RE = re.compile(r"^z(\d)(?:-z(\d))?$", re.I)
_CUSTOM_ZONE_RE = re.compile(r"^cz(\d{1,2})(?:-cz(\d{1,2}))?$", re.I)
_BPM_RE = re.compile(rf"^({_NUM})(?:-({_NUM}))?bpm$", re.I)
_RPM_RE = re.compile(rf"^({_NUM})(?:-({_NUM}))?rpm$", re.I)
_PACE_RE = re.compile(r"^(\d+):(\d{2})(/\w+)?(?:-(\d+):(\d{2})(/\w+)?)?$", re.I)
_BARE_NUM_RE = re.compile(rf"^{_NUM}$")
# Ranges written with spaces or repeated units: `315w - 330w`, `65%-40%`, `200w-240w`.
_SPACED_RANGE_RE = re.compile(r"(\d[%wW]?)\s+-\s+(\d)")
_REPEATED_UNIT_RE = re.compile(rf"({_NUM})(%|w|W|bpm|rpm)-({_NUM})\2(?![\w%])")
_FLAGS = {"ramp", "freeride", "maxeffort", "hidepower"}


def _num(s: str) -> float:
    v = float(s)
    return int(v) if v.is_integer() else v


def parse_duration(tok: str) -> int | None:
    """``30s``, ``10m``, ``1h2m30s``, ``1m30``, ``5'``, ``30"``, ``1'30"`` -> seconds (None if not one)."""
    if not tok:
        return None
    m = _MIN_SEC_RE.match(tok)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    m = _DUR_RE.match(tok)
    if m and any(m.groups()):
        h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return round(h * 3600 + mi * 60 + s)
    m = _APOS_RE.match(tok)
    if m and any(m.groups()):
        return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    return None


def _rng(a: str, b: str | None) -> tuple[float, float | None]:
    return _num(a), (_num(b) if b is not None else None)


class _StepParser:
    """Scans the tokens of one step line; collects the fields and the issues."""

    def __init__(self, body: str, lineno: int, issues: list[Issue]) -> None:
        body = _SPACED_RANGE_RE.sub(r"\1-\2", body)
        body = _REPEATED_UNIT_RE.sub(r"\1-\3\2", body)
        self.toks = body.split()
        self.lineno = lineno
        self.issues = issues
        self.fields: dict = {}
        self.default_pace_unit = False
        self.text: list[str] = []
        self.started = False
        self.fatal = False

    def issue(self, severity: str, code: str, message: str, fix: str) -> None:
        self.issues.append(Issue(self.lineno, severity, code, message, fix))

    def set_target(
        self, kind: str, units: str, start: float, end: float | None, tok: str, secs: int | None = None
    ) -> None:
        if kind in self.fields:
            self.issue(
                "warning",
                "duplicate-target",
                f"second {kind} target {tok!r} ignored",
                f"keep one {kind} target per step",
            )
            return
        self.fields[kind] = Target(kind, units, start, end, secs)
        self.started = True

    def run(self) -> Step:
        toks, i = self.toks, 0
        while i < len(toks):
            tok = toks[i]
            low = tok.lower()
            nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
            after = toks[i + 2].lower() if i + 2 < len(toks) else ""
            i += 1
            if low == "press" and nxt == "lap":
                self.fields["until_lap_press"] = True
                i += 1
                if not self.started:
                    self.text.extend(
                        toks[i - 2 : i]
                    )  # the real server keeps a leading "Press lap" in the cue
                continue
            if self.started and low in _FLAGS:
                self.fields[low] = True
                continue
            if self.started and low.startswith("intensity="):
                value = low.split("=", 1)[1]
                if value in INTENSITIES:
                    self.fields["intensity"] = value
                else:
                    self.issue(
                        "error",
                        "unknown-intensity",
                        f"unknown intensity {value!r}",
                        f"use one of {', '.join(INTENSITIES)}",
                    )
                continue
            if _BARE_NUM_RE.match(tok):
                self.fatal = True
                self.issue(
                    "error",
                    "bare-number",
                    f"number {tok!r} has no unit; Intervals.icu then fails to parse the whole workout",
                    f"write {tok}mtr for metres, {tok}s for seconds or {tok}m for minutes; "
                    "keep digits out of cue text",
                )
                continue
            if self._duration_or_distance(tok, low):
                continue
            used = self._target(tok, low, nxt, after)
            if used:
                i += used - 1
                continue
            if not self.started:
                self.text.append(tok)
            elif any(c.isdigit() for c in tok):
                self.issue(
                    "error",
                    "unknown-target",
                    f"{tok!r} is not a duration, distance or target",
                    "use e.g. 10m, 400mtr, 95%, 250w, Z2, 75% LTHR, Z2 HR, 80% Pace, 4:30/km Pace, 90rpm",
                )
            else:
                self.text.append(tok)
                self.issue(
                    "warning",
                    "unknown-keyword",
                    f"{tok!r} is not a target keyword; Intervals.icu shows it as cue text",
                    "put cue words before the duration, or use a real target keyword "
                    "(HR, LTHR, Pace, rpm, ramp, freeride, press lap, intensity=…)",
                )
        text = " ".join(self.text) or None
        self.default_pace_unit = self.fields.pop("_pace_default_unit", False)
        return Step(text=text, **self.fields)

    def _duration_or_distance(self, tok: str, low: str) -> bool:
        m = _DIST_RE.match(tok)
        if m:
            unit = m.group(2).lower()
            unit = "yd" if unit == "y" else unit
            if "duration" in self.fields or "distance" in self.fields:
                self.issue(
                    "error",
                    "two-lengths",
                    f"second duration/distance {tok!r} ignored",
                    "give one duration or one distance per step",
                )
            else:
                self.fields["distance"] = Distance(_num(m.group(1)), unit)
            self.started = True
            return True
        secs = parse_duration(tok) if any(c.isdigit() for c in tok) else None
        if secs is None:
            return False
        if "duration" in self.fields or "distance" in self.fields:
            self.issue(
                "error",
                "two-lengths",
                f"second duration/distance {tok!r} ignored",
                "give one duration or one distance per step",
            )
        else:
            self.fields["duration"] = secs
        self.started = True
        return True

    def _target(self, tok: str, low: str, nxt: str, after: str) -> int:
        """Try to read a target at ``tok``; return how many tokens it used (0 = not a target)."""
        m = _PCT_RE.match(tok)
        if m:
            a, b = _rng(m.group(1), m.group(2))
            units = {
                "hr": (HR, "%hr"),
                "lthr": (HR, "%lthr"),
                "pace": (PACE, "%pace"),
                "ftp": (POWER, "%ftp"),
            }
            if nxt in units:
                kind, unit = units[nxt]
                self.set_target(kind, unit, a, b, tok)
                return 2
            if nxt == "mmp":
                return self._mmp(tok, a, b, after)
            self.set_target(POWER, "%ftp", a, b, tok)
            return 1
        m = _WATTS_RE.match(tok)
        if m:
            a, b = _rng(m.group(1), m.group(2))
            self.set_target(POWER, "w", a, b, tok)
            return 1
        m = _ZONE_RE.match(tok)
        if m:
            a, b = _rng(m.group(1), m.group(2))
            kinds = {"hr": (HR, "hr_zone"), "pace": (PACE, "pace_zone"), "power": (POWER, "power_zone")}
            if nxt in kinds:
                kind, unit = kinds[nxt]
                self.set_target(kind, unit, a, b, tok)
                return 2
            self.set_target(POWER, "power_zone", a, b, tok)
            return 1
        m = _CUSTOM_ZONE_RE.match(tok)
        if m:
            self.set_target(POWER, "custom_zone", *_rng(m.group(1), m.group(2)), tok)
            return 1
        m = _BPM_RE.match(tok)
        if m:
            self.set_target(HR, "bpm", *_rng(m.group(1), m.group(2)), tok)
            return 1
        m = _RPM_RE.match(tok)
        if m:
            self.set_target(CADENCE, "rpm", *_rng(m.group(1), m.group(2)), tok)
            return 1
        m = _PACE_RE.match(tok)
        if m:
            return self._pace(tok, m, nxt)
        return 0

    def _mmp(self, tok: str, a: float, b: float | None, after: str) -> int:
        """``50-60% MMP 3m``: a share of the best power for a duration; the duration is part of the target."""
        secs = parse_duration(after) if any(c.isdigit() for c in after) else None
        if not secs:
            self.started = True
            self.issue(
                "error",
                "mmp-without-duration",
                f"'{tok} MMP' needs the duration of the best power it refers to",
                f"write e.g. '{tok} MMP 3m' (a share of your best 3-minute power)",
            )
            return 2
        self.set_target(POWER, "%mmp", a, b, f"{tok} MMP {after}", secs)
        return 3

    def _pace(self, tok: str, m: re.Match, nxt: str) -> int:
        if nxt != "pace":
            self.started = True
            self.issue(
                "error",
                "pace-without-keyword",
                f"absolute pace {tok!r} has no 'Pace' keyword; Intervals.icu ignores it",
                f"write '{tok} Pace'",
            )
            return 1
        unit_a, unit_b = m.group(3), m.group(6)
        unit_txt = (unit_a or unit_b or "").lower()
        if unit_a and unit_b and unit_a.lower() != unit_b.lower():
            self.issue(
                "error",
                "pace-units-differ",
                f"pace range {tok!r} mixes two units",
                "use the same unit on both ends, e.g. 4:15-3:55/km Pace",
            )
        if unit_txt and unit_txt not in ABS_PACE_UNITS:
            self.issue(
                "error",
                "unknown-pace-unit",
                f"unknown pace unit {unit_txt!r} in {tok!r}",
                f"use one of {' '.join(ABS_PACE_UNITS)}",
            )
            self.started = True
            return 2
        # No unit: the sport's default pace unit applies; it is resolved later against settings.
        units = ABS_PACE_UNITS.get(unit_txt, "secs/km")
        a = int(m.group(1)) * 60 + int(m.group(2))
        b = int(m.group(4)) * 60 + int(m.group(5)) if m.group(4) else None
        self.set_target(PACE, units, a, b, tok)
        if not unit_txt:
            self.fields["_pace_default_unit"] = True
        return 2


def _parse_step(body: str, lineno: int, issues: list[Issue], sport: str | None) -> tuple[Step, bool]:
    sp = _StepParser(body or "", lineno, issues)
    try:
        step = sp.run()
    except Exception:  # pragma: no cover - belt and braces: the parser must never raise
        return Step(text=body or None), True
    if sp.default_pace_unit and step.pace is not None:
        # No unit written: the sport's default applies (per 100 m for swims, per km otherwise).
        units = "secs/100m" if sport_family(sport) == "swim" else "secs/km"
        step = replace(step, pace=replace(step.pace, units=units))
        issues.append(
            Issue(
                lineno,
                "warning",
                "pace-default-unit",
                "pace has no unit; the sport's default applies",
                "write the unit, e.g. 4:30/km Pace or 1:45/100m Pace",
            )
        )
    return step, sp.fatal


@dataclass
class ParseResult:
    workout: Workout
    issues: list[Issue]
    fatal: bool  # the real server would return steps: [] for this text
    item_lines: list[int]  # 1-based line of each item in ``workout.items``
    step_lines: list[int]  # 1-based line of each step in ``workout.flat_steps()`` order


def parse_text(text: str | None, sport: str | None = None) -> ParseResult:
    """Parse workout text into a model plus the issues found. Never raises."""
    issues: list[Issue] = []
    items: list[Item] = []
    item_lines: list[int] = []
    step_lines: list[int] = []
    fatal = False
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kinds = _kinds(lines)
    i = 0
    while i < len(lines):
        line, kind = lines[i], kinds[i]
        lineno = i + 1
        if kind == "blank":
            i += 1
            continue
        if kind == "step":
            m = _STEP_RE.match(line)
            if m and m.group(1):
                issues.append(
                    Issue(
                        lineno,
                        "warning",
                        "indented-step",
                        "indented step: indentation means nothing to Intervals.icu (no nested repeats)",
                        "write steps flush-left; put each repeat block between blank lines",
                    )
                )
            step, bad = _parse_step(m.group(2) if m else "", lineno, issues, sport)
            fatal |= bad
            items.append(step)
            item_lines.append(lineno)
            step_lines.append(lineno)
            i += 1
            continue
        if kind == "repeat":
            m = _REPEAT_RE.match(line)
            assert m is not None
            reps = int(m.group(2))
            header = m.group(1).strip() or None
            if i > 0 and kinds[i - 1] not in ("blank", "section") and items:
                issues.append(
                    Issue(
                        lineno,
                        "warning",
                        "repeat-no-blank-before",
                        "no blank line before the repeat block; Intervals.icu may merge it",
                        "leave an empty line before the repeat header",
                    )
                )
            j, body = i + 1, []
            while j < len(lines) and kinds[j] == "step":
                m2 = _STEP_RE.match(lines[j])
                step, bad = _parse_step(m2.group(2) if m2 else "", j + 1, issues, sport)
                fatal |= bad
                body.append(step)
                step_lines.append(j + 1)
                j += 1
            if j < len(lines) and kinds[j] == "repeat":
                issues.append(
                    Issue(
                        j + 1,
                        "error",
                        "nested-repeat",
                        "repeat header inside a repeat block: Intervals.icu has no nested repeats",
                        "flatten it: write the inner block out, or split it into separate blocks "
                        "with blank lines between",
                    )
                )
            if reps < 1:
                issues.append(
                    Issue(
                        lineno,
                        "error",
                        "zero-reps",
                        f"repeat count {reps} is not at least 1",
                        "use 1x or more",
                    )
                )
            if not body:
                issues.append(
                    Issue(
                        lineno,
                        "error",
                        "empty-repeat",
                        f"repeat '{line.strip()}' has no steps",
                        "put the '- ' step lines directly under the header, no blank line between",
                    )
                )
            items.append(Repeat(reps=max(reps, 0), steps=tuple(body), text=header))
            item_lines.append(lineno)
            i = j
            continue
        items.append(Section(line.strip()) if kind == "section" else Note(line.strip()))
        item_lines.append(lineno)
        i += 1
    return ParseResult(Workout(tuple(items), sport=sport), issues, fatal, item_lines, step_lines)


def _line_kind(line: str) -> str:
    if not line.strip():
        return "blank"
    if _STEP_RE.match(line):
        return "step"
    if _REPEAT_RE.match(line):
        return "repeat"
    return "text"


def parse(text: str | None, sport: str | None = None) -> Workout:
    """Parse workout text; issues are dropped (see :func:`parse_text` / ``validate``)."""
    return parse_text(text, sport).workout


def _post(kinds: list[str]) -> list[str]:
    """A text line directly followed by a step or repeat header is a section header, else a note."""
    out = list(kinds)
    for i, k in enumerate(kinds):
        if k == "text":
            nxt = kinds[i + 1] if i + 1 < len(kinds) else "blank"
            out[i] = "section" if nxt in ("step", "repeat") else "note"
    return out


def _kinds(lines: list[str]) -> list[str]:
    return _post([_line_kind(ln) for ln in lines])
