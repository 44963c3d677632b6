"""Validation: what breaks real workouts, each finding with its line, what is wrong and the fix.

Owns the rules on top of the parser's own findings: thresholds a target needs (pace without threshold
pace, % LTHR without LTHR …), zone targets the sport has no zones for, the minutes-vs-metres trap
(``400m`` is 400 *minutes*), impossible ranges and absurd values, a total duration out of proportion
with the sport, targets an activity type cannot carry (power on a swim), zones the athlete does not have,
``% MMP`` targets without the power-curve point they need and, for an export (``export="zwo"|"fit"``),
targets the file format cannot carry without numbers that are missing. Errors make ``icucoach workout
check`` fail and ``icucoach workout convert`` refuse to write; warnings are shown but pass.
"""

from __future__ import annotations

from .model import Repeat, Step, Target, Workout, sport_family
from .parse import Issue, parse_text
from .render import fmt_duration, fmt_num, fmt_target, render
from .resolve import Thresholds, hr_bpm, pace_speed, power_pct, step_seconds, zone_bounds

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
    "%mmp": (1, 300),
    "custom_zone": (1, 20),
}
_MAX_HOURS = {"ride": 10, "run": 6, "swim": 4, "row": 5, "ski": 10, "other": 12}
_ZONE_KIND = {"power_zone": "power", "hr_zone": "HR", "pace_zone": "pace", "custom_zone": "custom"}
_ZONE_PREFIX = {"custom_zone": "CZ"}
_ZONE_UNIT = {"power_zone": "%", "hr_zone": " bpm", "pace_zone": "%", "custom_zone": "%"}
EXPORTS = ("zwo", "fit")


def validate(
    source: str | Workout,
    sport: str | None = None,
    sport_settings: dict | None = None,
    export: str | None = None,
) -> list[Issue]:
    """All findings for a workout text (or model) on ``sport`` with the athlete's ``sport_settings``.

    ``sport_settings=None`` means "unknown": threshold checks are skipped; an empty dict means "none set".
    ``export`` ("zwo" or "fit") adds the errors of targets that file cannot carry with what is known.
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
        if export in EXPORTS:
            issues.extend(_check_export(s, line, export, th))
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
        # No order warning: a fixed pace range is a band (devices get its slow and fast end, time in zone
        # and load its middle), so `3:00/100m-4:00/100m` and `4:00/100m-3:00/100m` run the same; for a
        # ramp the order is the direction and is meant as written.
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
    if t.units == "%mmp" and th.mmp_watts(t.secs or 0) is None:
        add(
            "error",
            "mmp-needs-curve",
            f"{shown} needs your best power for {fmt_duration(t.secs or 0)} (your power curve), "
            "which is not known here",
            f"set INTERVALS_API_KEY to read the power curve, or pass --mmp {fmt_duration(t.secs or 0)}=WATTS "
            "(your best power for that duration)",
        )
    if t.units in _ZONE_KIND:
        _check_zone(t, add, what, th)


def _zone_list(units: str, zones: list[float]) -> str:
    prefix, unit = _ZONE_PREFIX.get(units, "Z"), _ZONE_UNIT[units]
    parts, lo = [], 0.0
    for i, hi in enumerate(zones, 1):
        top = f"{fmt_num(lo)}+" if hi >= 999 else f"{fmt_num(lo)}-{fmt_num(hi)}"
        parts.append(f"{prefix}{i} {top}{unit}")
        lo = hi
    return ", ".join(parts)


def _check_zone(t: Target, add, what: str, th: Thresholds) -> None:
    """A zone target against the zones that exist: the athlete's, or the sport's default power zones."""
    shown, kind = fmt_target(t), _ZONE_KIND[t.units]
    zones = th.zones_for(t.units)
    if not zones:
        if t.units == "custom_zone":
            add(
                "warning",
                "custom-zones-unknown",
                f"{shown}: the custom zones of {what} are not known here, so its watts, time in zone and "
                "load are not computed (Intervals.icu resolves it)",
                "pass --custom-zones (upper bounds in % FTP, e.g. 60,80,95,110) to check and export it",
            )
        else:
            flag = "--hr-zones" if t.units == "hr_zone" else "--pace-zones"
            add(
                "error",
                "no-zones",
                f"{shown}: {what} has no {kind} zones defined",
                f"define the zones in Intervals.icu or pass {flag}, or use a % target instead",
            )
        return
    if zone_bounds(zones, t.low, 0) is None or zone_bounds(zones, t.high, 0) is None:
        prefix = _ZONE_PREFIX.get(t.units, "Z")
        add(
            "error",
            "zone-out-of-range",
            f"{shown}: {what} has only {len(zones)} {kind} zones ({_zone_list(t.units, zones)})",
            f"use a zone between {prefix}1 and {prefix}{len(zones)}",
        )


def _needs(t: Target, th: Thresholds, fmt: str) -> str:
    """What is missing to turn ``t`` into the numbers a .zwo / .fit file carries."""
    if t.units == "%mmp":
        if th.mmp_watts(t.secs or 0) is None:
            return (
                f"your best power for {fmt_duration(t.secs or 0)} (--mmp {fmt_duration(t.secs or 0)}=WATTS)"
            )
        return "an FTP (--ftp)"
    if t.units == "custom_zone":
        return "your custom zones (--custom-zones)" if not th.custom_zones else "a custom zone that exists"
    if t.units in ("power_zone", "hr_zone", "pace_zone"):
        return f"a {_ZONE_KIND[t.units]} zone that exists"
    if t.units == "%lthr":
        return "an LTHR (--lthr)"
    if t.kind == "pace":
        return "a threshold pace (--threshold-pace)" if not th.threshold_pace else "pace zones (--pace-zones)"
    return "an FTP (--ftp)"


def _check_export(s: Step, line: int, fmt: str, th: Thresholds) -> list[Issue]:
    """Targets the file would silently drop (free ride / open target) because a number is missing."""
    if s.freeride or s.maxeffort:
        return []
    if fmt == "zwo":
        # Zwift speaks fractions of FTP (and of threshold speed for runs): power first, else pace.
        main = s.power or s.pace
        ok = main is None or (power_pct(main, th) if main is s.power else pace_speed(main, th)) is not None
        ok = ok and (main is s.power or main is None or th.threshold_pace is not None)
    else:
        # FIT carries % FTP, watts, power/HR zone numbers, % max HR and bpm as written; the rest must resolve.
        main = next((t for t in (s.power, s.hr, s.pace) if t is not None), None)
        if main is None or main.units in ("%ftp", "w", "power_zone", "hr_zone", "%hr", "bpm"):
            ok = True
        elif main.kind == "power":
            ok = power_pct(main, th) is not None or (
                main.units == "%mmp" and th.mmp_watts(main.secs or 0) is not None
            )
        elif main.kind == "hr":
            ok = hr_bpm(main, th) is not None
        else:
            ok = pace_speed(main, th) is not None
    if ok or main is None:
        return []
    shown = fmt_target(main)
    return [
        Issue(
            line,
            "error",
            "cannot-export",
            f"{shown} cannot be written to a .{fmt} file without {_needs(main, th, fmt)}; "
            "it would silently become a free ride",
            "pass the missing value on the command line (or set INTERVALS_API_KEY to read it from "
            "Intervals.icu), or write the target in % FTP or watts",
        )
    ]


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
