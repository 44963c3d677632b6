"""Thresholds and zones written as text (command-line values) -> a SportSettings dict, and what was assumed.

Owns the spelling of ``--ftp 250``, ``--threshold-pace 4:30/km``, ``--hr-zones 81,89,93`` (% of LTHR),
``--pace-zones`` (% of threshold pace), ``--power-zones`` / ``--custom-zones`` (% FTP) and ``--mmp 3m=320``
(best watts per duration), and the fallback to Intervals.icu's default zone model when a threshold is given
without zones, with a note saying so. Every bad value is an :class:`InputError` with the fix.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from icucoach.exitcodes import Exit

from .model import Repeat, Step, Workout, sport_family
from .parse import parse_duration
from .render import fmt_num
from .resolve import DEFAULT_HR_ZONES_PCT_LTHR, DEFAULT_POWER_ZONES, default_zones

_PACE_RE = re.compile(r"^(\d+):(\d{2})\s*/\s*(km|mi|100m|100y|500m|400m|250m)$")
_PACE_METRES = {"km": 1000, "mi": 1609.344, "100m": 100, "100y": 91.44, "500m": 500, "400m": 400, "250m": 250}
_PACE_UNITS = {
    "km": "MINS_KM",
    "mi": "MINS_MILE",
    "100m": "SECS_100M",
    "100y": "SECS_100Y",
    "500m": "SECS_500M",
    "400m": "SECS_400M",
    "250m": "SECS_250M",
}
_RANGES = {"ftp": (30, 2000), "lthr": (60, 230), "max_hr": (80, 250)}


class InputError(Exception):
    """A value the user gave is wrong: ``message`` says what, ``fix`` what to write, ``code`` the exit."""

    def __init__(self, message: str, fix: str, code: int = Exit.USAGE) -> None:
        super().__init__(message)
        self.message, self.fix, self.code = message, fix, code


@dataclass
class ThresholdOptions:
    """The threshold and zone values as typed (all optional)."""

    ftp: str | None = None
    lthr: str | None = None
    max_hr: str | None = None
    threshold_pace: str | None = None
    power_zones: str | None = None
    hr_zones: str | None = None
    pace_zones: str | None = None
    custom_zones: str | None = None
    mmp: list[str] = field(default_factory=list)

    @property
    def has_thresholds(self) -> bool:
        return any((self.ftp, self.lthr, self.max_hr, self.threshold_pace))


def parse_threshold_pace(value: str) -> tuple[float, str | None]:
    """``4:30/km`` / ``1:45/100m`` / ``3.7`` (m/s) -> (m/s, SportSettings pace_units or None)."""
    v = value.strip().lower()
    fix = "write e.g. 4:30/km, 1:45/100m or a speed in m/s such as 3.7"
    m = _PACE_RE.match(v)
    if m:
        secs = int(m.group(1)) * 60 + int(m.group(2))
        if secs <= 0:
            raise InputError(f"--threshold-pace {value!r}: the pace must be more than 0:00", fix)
        return _PACE_METRES[m.group(3)] / secs, _PACE_UNITS[m.group(3)]
    try:
        speed = float(v)
    except ValueError:
        raise InputError(f"--threshold-pace {value!r} is not a pace", fix) from None
    if not 0.1 <= speed <= 15:
        raise InputError(f"--threshold-pace {value!r}: {speed} m/s is not a plausible threshold speed", fix)
    return speed, None


def _int(flag: str, value: str, lo: int, hi: int) -> int:
    try:
        n = int(value)
    except ValueError:
        raise InputError(
            f"--{flag} {value!r} is not a whole number", f"write e.g. --{flag} {lo * 4}"
        ) from None
    if not lo <= n <= hi:
        raise InputError(
            f"--{flag} {n} is outside the plausible {lo}-{hi}", f"give --{flag} between {lo} and {hi}"
        )
    return n


def parse_zone_tops(flag: str, value: str) -> list[float]:
    """``55,75,90`` -> ascending zone tops with the open top zone (999) added: 4 zones."""
    fix = f"write the top of each zone but the last, ascending, e.g. --{flag} 55,75,90,105,120,150"
    try:
        tops = [float(x) for x in value.replace(" ", "").split(",") if x]
    except ValueError:
        raise InputError(f"--{flag} {value!r} is not a list of numbers", fix) from None
    if not tops or any(b <= a for a, b in itertools.pairwise(tops)) or tops[0] <= 0:
        raise InputError(f"--{flag} {value!r} is not an ascending list of positive numbers", fix)
    if len(tops) > 19:
        raise InputError(f"--{flag} {value!r} has more than 20 zones", fix)
    return tops if tops[-1] >= 999 else [*tops, 999]


def parse_mmp(values: list[str]) -> dict[int, float]:
    """``["3m=320,20m=270"]`` -> ``{180: 320.0, 1200: 270.0}``."""
    out: dict[int, float] = {}
    fix = "write --mmp DURATION=WATTS, e.g. --mmp 3m=320 (your best 3-minute power), several comma-separated"
    for part in (p for v in values for p in v.split(",") if p.strip()):
        dur, _, watts = part.strip().partition("=")
        secs = parse_duration(dur.strip().lower()) if dur.strip() and not dur.strip().isdigit() else None
        secs = int(dur) if dur.strip().isdigit() else secs
        try:
            w = float(watts)
        except ValueError:
            w = 0.0
        if not secs or not 1 <= w <= 3000:
            raise InputError(f"--mmp {part.strip()!r} is not DURATION=WATTS", fix)
        out[secs] = w
    return out


def has_mmp(w: Workout) -> bool:
    steps = [
        s for it in w.items for s in (it.steps if isinstance(it, Repeat) else (it,)) if isinstance(s, Step)
    ]
    return any(s.power is not None and s.power.units == "%mmp" for s in steps)


def _tops(zones: Sequence[float]) -> str:
    return "/".join(fmt_num(z) for z in zones if z < 999)


def overlay_zones(
    ss: dict | None, opts: ThresholdOptions, sport: str | None
) -> tuple[dict | None, list[str]]:
    """Add the zones and best powers given as options to ``ss``; where a threshold has no zones, use
    Intervals.icu's default model. Returns the settings and one note per assumption or source."""
    if ss is None and not has_zone_options(opts):
        return None, []
    ss = dict(ss or {})
    notes: list[str] = []
    fam = sport_family(sport)
    if opts.power_zones:
        ss["power_zones"] = parse_zone_tops("power-zones", opts.power_zones)
        notes.append(f"power zones from --power-zones ({_tops(ss['power_zones'])} % FTP)")
    if opts.custom_zones:
        ss["custom_zones"] = parse_zone_tops("custom-zones", opts.custom_zones)
        notes.append(f"custom zones from --custom-zones ({_tops(ss['custom_zones'])} % FTP)")
    if opts.hr_zones:
        pct = parse_zone_tops("hr-zones", opts.hr_zones)
        if not ss.get("lthr"):
            raise InputError("--hr-zones are % of LTHR, and no LTHR is known", "give --lthr too")
        top = ss.get("max_hr") or 999
        ss["hr_zones"] = [round(ss["lthr"] * p / 100) if p < 999 else top for p in pct]
        notes.append(f"HR zones from --hr-zones ({_tops(pct)} % LTHR)")
    elif ss.get("lthr") and not ss.get("hr_zones"):
        ss["hr_zones"] = default_zones("hr_zone", fam, ss["lthr"], ss.get("max_hr"))
        notes.append(
            f"HR zones: Intervals.icu's default model ({_tops(DEFAULT_HR_ZONES_PCT_LTHR)} % LTHR) "
            "— pass --hr-zones to use yours"
        )
    if opts.pace_zones:
        if not ss.get("threshold_pace"):
            raise InputError(
                "--pace-zones are % of threshold pace, and none is known", "give --threshold-pace too"
            )
        ss["pace_zones"] = parse_zone_tops("pace-zones", opts.pace_zones)
        notes.append(f"pace zones from --pace-zones ({_tops(ss['pace_zones'])} % threshold pace)")
    elif ss.get("threshold_pace") and not ss.get("pace_zones"):
        ss["pace_zones"] = default_zones("pace_zone", fam)
        notes.append(
            f"pace zones: Intervals.icu's default {fam if fam == 'swim' else 'run'} model "
            f"({_tops(ss['pace_zones'])} % threshold pace) — pass --pace-zones to use yours"
        )
    if ss.get("ftp") and not ss.get("power_zones"):
        notes.append(f"power zones: Intervals.icu's default model ({_tops(DEFAULT_POWER_ZONES)} % FTP)")
    if opts.mmp:
        ss["mmp"] = {**(ss.get("mmp") or {}), **parse_mmp(opts.mmp)}
        notes.append("best power for % MMP steps from --mmp")
    return ss, notes


def cli_settings(opts: ThresholdOptions, sport: str | None) -> tuple[dict | None, list[str]]:
    """SportSettings from the options (None when no threshold or zone was given) and the notes to print."""
    ss: dict = {}
    for name in ("ftp", "lthr", "max_hr"):
        raw = getattr(opts, name)
        if raw is not None:
            ss[name] = _int(name.replace("_", "-"), raw, *_RANGES[name])
    if opts.threshold_pace:
        ss["threshold_pace"], units = parse_threshold_pace(opts.threshold_pace)
        if units:
            ss["pace_units"] = units
    if not ss:
        _check_formats(opts)  # bad values are usage errors even before the account is read
        return None, []
    settings, notes = overlay_zones(ss, opts, sport)
    return settings, ["thresholds from the command line", *notes]


def _check_formats(opts: ThresholdOptions) -> None:
    for flag in ("power_zones", "hr_zones", "pace_zones", "custom_zones"):
        raw = getattr(opts, flag)
        if raw:
            parse_zone_tops(flag.replace("_", "-"), raw)
    parse_mmp(opts.mmp)


def has_zone_options(opts: ThresholdOptions) -> bool:
    return any((opts.power_zones, opts.hr_zones, opts.pace_zones, opts.custom_zones, opts.mmp))
