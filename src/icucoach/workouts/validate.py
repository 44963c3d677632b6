"""Validation: what breaks real workouts, each finding with its line, what is wrong and the fix.

Owns the rules on top of the parser's own findings: thresholds a target needs (pace without threshold
pace, % LTHR without LTHR …), zone targets the sport has no zones for, the minutes-vs-metres trap
(``400m`` is 400 *minutes*), impossible ranges and absurd values, a total duration out of proportion
with the sport, and targets an activity type cannot carry (power on a swim). Errors make
``icucoach workout check`` fail; warnings are shown but pass.
"""

from __future__ import annotations

from .model import Repeat, Step, Target, Workout, sport_family
from .parse import Issue, parse_text
from .render import fmt_duration, fmt_target, render
from .resolve import Thresholds, step_seconds

# Plausible value ranges per target unit: outside them the number is almost surely a typo.
_LIMITS = {
    "%ftp": (1, 300),
    "w": (1, 2500),
    "%hr": (30, 105),
    "%lthr": (40, 125),
    "bpm": (40, 230),
    "%pace": (30, 200),
    "rpm": (10, 200),
    "power_zone": (1, 10),
    "hr_zone": (1, 10),
    "pace_zone": (1, 10),
}
_MAX_HOURS = {"ride": 10, "run": 6, "swim": 4, "row": 5, "ski": 10, "other": 12}
_ZONES_KEY = {"power_zone": "power_zones", "hr_zone": "hr_zones", "pace_zone": "pace_zones"}


def validate(
    source: str | Workout, sport: str | None = None, sport_settings: dict | None = None
) -> list[Issue]:
    """All findings for a workout text (or model) on ``sport`` with the athlete's ``sport_settings``.

    ``sport_settings=None`` means "unknown": threshold checks are skipped; an empty dict means "none set".
    """
    text = render(source) if isinstance(source, Workout) else (source or "")
    sport = sport or (source.sport if isinstance(source, Workout) else None)
    res = parse_text(text, sport)
    issues = list(res.issues)
    w = res.workout
    fam = sport_family(sport)
    th = Thresholds.from_settings(sport_settings, sport)
    steps = w.flat_steps()
    if not any(s.duration is not None or s.distance is not None for s in steps):
        issues.append(
            Issue(
                0,
                "error",
                "no-steps",
                "no step with a duration or distance: Intervals.icu would "
                "store this as a plain note (workout_doc.steps == [])",
                "add lines like '- 10m 65%' or '- 400mtr 80% Pace'",
            )
        )
    for s, line in zip(steps, res.step_lines, strict=False):
        issues.extend(_check_step(s, line, fam, sport, th, sport_settings))
    _check_total(w, th, fam, sport, issues)
    return sorted(issues, key=lambda i: (i.line, i.severity != "error"))


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def _check_step(
    s: Step, line: int, fam: str, sport: str | None, th: Thresholds, ss: dict | None
) -> list[Issue]:
    out: list[Issue] = []

    def add(sev: str, code: str, msg: str, fix: str) -> None:
        out.append(Issue(line, sev, code, msg, fix))

    if s.duration is None and s.distance is None:
        add("error", "no-length", "step has no duration or distance", "add e.g. 5m, 30s, 400mtr or 1km")
    if s.duration == 0 or (s.distance is not None and s.distance.value <= 0):
        add("error", "zero-length", "step length is zero", "give the step a positive duration or distance")
    if s.duration and s.duration % 60 == 0 and s.distance is None:
        mins = s.duration // 60
        if (fam == "swim" and mins >= 25 and mins % 25 == 0) or (
            fam == "run" and mins >= 100 and mins % 100 == 0
        ):
            add(
                "error",
                "minutes-not-metres",
                f"'{mins}m' means {mins} minutes, not {mins} metres "
                f"({fmt_duration(s.duration)} on a {sport})",
                f"write {mins}mtr for metres, or {fmt_duration(s.duration)} if you really mean minutes",
            )
    for t in s.targets:
        _check_target(t, s, add, fam, sport, th, ss)
    return out


def _check_target(
    t: Target, s: Step, add, fam: str, sport: str | None, th: Thresholds, ss: dict | None
) -> None:
    shown = fmt_target(t)
    lo, hi = _LIMITS.get(t.units, (1, 100_000))
    if t.units.startswith("secs/"):
        if t.end is not None and not s.ramp and t.start < t.end:
            add(
                "warning",
                "pace-range-order",
                f"pace range {shown} starts with the faster pace",
                "write the slower pace first, e.g. 4:15-3:55/km Pace",
            )
        if t.low < 30 or t.high > 3600:
            add(
                "error",
                "absurd-value",
                f"pace {shown} is outside any plausible pace",
                "check the minutes:seconds value and the unit",
            )
    else:
        for v in (t.start, t.end):
            if v is not None and not lo <= v <= hi:
                add(
                    "error",
                    "absurd-value",
                    f"{shown}: {v:g} is outside the plausible {lo}-{hi} for {t.units}",
                    "check for a typo or a wrong unit keyword",
                )
        if t.end is not None and t.start > t.end and not s.ramp:
            add(
                "error",
                "range-reversed",
                f"range {shown} has its start above its end",
                "write the lower value first, or add 'ramp' for a descending ramp",
            )
    if t.kind == "power" and fam == "swim":
        add(
            "error",
            "target-not-for-sport",
            f"power target {shown} on a swim: swims carry no power",
            "use a pace target (e.g. 80-90% Pace) or an HR target",
        )
    if t.kind == "power" and t.units == "power_zone" and fam in ("run", "swim"):
        add(
            "warning",
            "unqualified-zone",
            f"'{shown}' is a *power* zone even on a {sport} (renders as 0-0 W)",
            f"write '{shown} HR' or '{shown} Pace'",
        )
    if t.kind == "cadence" and fam == "swim":
        add(
            "warning",
            "target-not-for-sport",
            "cadence target on a swim is not shown by devices",
            "drop the rpm target",
        )
    if t.kind == "pace" and fam == "ride":
        add(
            "warning",
            "target-not-for-sport",
            f"pace target {shown} on a ride: bike devices follow power or HR",
            "use % FTP, watts or an HR target",
        )
    if ss is None:
        return
    what = sport or "this sport"
    if t.units in ("%pace", "pace_zone") and not th.threshold_pace:
        add(
            "error",
            "pace-needs-threshold",
            f"{shown} needs a threshold pace, and {what} has none set",
            "set the threshold pace in Intervals.icu (Settings > sport) or pass --threshold-pace, "
            "or write an absolute pace like 4:30/km Pace",
        )
    elif t.units.startswith("secs/") and not th.threshold_pace:
        add(
            "warning",
            "pace-export-needs-threshold",
            f"{shown}: Intervals.icu drops pace targets from device exports when no threshold pace is set",
            "set a threshold pace for this sport in Intervals.icu",
        )
    if t.units in ("%ftp", "power_zone") and not th.ftp and fam != "swim":
        add(
            "error",
            "power-needs-ftp",
            f"{shown} needs an FTP, and {what} has none set",
            "set FTP in Intervals.icu or pass --ftp, or use absolute watts",
        )
    if t.units == "%lthr" and not th.lthr:
        add(
            "error",
            "hr-needs-lthr",
            f"{shown} needs an LTHR, and {what} has none set",
            "set LTHR in Intervals.icu or pass --lthr",
        )
    if t.units == "%hr" and not th.max_hr:
        add(
            "error",
            "hr-needs-max",
            f"{shown} needs a max HR, and {what} has none set",
            "set max HR in Intervals.icu or pass --max-hr",
        )
    if t.units in _ZONES_KEY:
        zones = getattr(th, _ZONES_KEY[t.units])
        if t.units != "power_zone" and not zones:
            add(
                "error",
                "no-zones",
                f"{shown}: {what} has no {_ZONES_KEY[t.units].replace('_', ' ')} defined",
                "define the zones in Intervals.icu, or use a % target instead",
            )
        elif zones and t.high > len(zones):
            add(
                "error",
                "zone-out-of-range",
                f"{shown}: {what} has only {len(zones)} zones",
                f"use a zone between Z1 and Z{len(zones)}",
            )


def _check_total(w: Workout, th: Thresholds, fam: str, sport: str | None, issues: list[Issue]) -> None:
    total = 0
    for it in w.items:
        if isinstance(it, Step):
            total += step_seconds(it, th)
        elif isinstance(it, Repeat):
            total += max(0, it.reps) * sum(step_seconds(s, th) for s in it.steps)
    limit = _MAX_HOURS.get(fam, 12) * 3600
    if total > limit:
        issues.append(
            Issue(
                0,
                "error",
                "total-too-long",
                f"total duration {fmt_duration(total)} is out of proportion for a {sport or 'workout'} "
                f"(more than {limit // 3600}h)",
                "check for 'm' written where 'mtr' (metres) was meant, and the repeat counts",
            )
        )
    elif total > limit / 2:
        issues.append(
            Issue(
                0,
                "warning",
                "total-long",
                f"total duration {fmt_duration(total)} is unusually long",
                "check durations and repeat counts",
            )
        )
