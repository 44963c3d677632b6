"""Export options (the ``icucoach export`` flags) and the small parsers behind them.

Section 11 flags keep their names and meanings (``--days``, ``--output``, ``--week-start``, zone preference
``run:hr,cycling:power``); the display window (``days``) never changes a metric's window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from icucoach.exitcodes import Exit

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FAMILIES = ("cycling", "run", "ski", "swim", "rowing", "walk", "strength", "other")
PRIVACY_LEVELS = ("none", "standard", "strict")

# Exit codes are the one table of every command (``icucoach.exitcodes.Exit``); the export uses OK, USAGE
# (a bad option), CONFIG (no credentials), AUTH (rejected), UPSTREAM (nothing written), PARTIAL (written,
# details missing), LOCKED, OUTPUT (a target cannot be written), STORE, INTERRUPTED and INTERNAL (e.g. a
# schema mismatch: nothing written).

WATCH_INTERVAL_MINUTES = (1.0, 1440.0)  # Intervals.icu is polled, so not more often than once a minute


class OptionError(ValueError):
    """An invalid option value (``Exit.USAGE``); the message names the flag and what it accepts."""

    exit_code = Exit.USAGE


def check_range(flag: str, value: float, low: float, high: float | None = None) -> None:
    """Raise ``OptionError`` naming ``flag`` and the allowed range when ``value`` is outside it."""
    if value < low or (high is not None and value > high):
        allowed = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise OptionError(f"{flag} must be {allowed}, got {value:g}")


def parse_week_start(value: str | int | None) -> int:
    """``mon``..``sun`` (or 0..6, Monday = 0) -> weekday number; unknown values are an error, not Monday."""
    if value is None or value == "":
        return 0
    if isinstance(value, int) or str(value).isdigit():
        n = int(value)
        if 0 <= n <= 6:
            return n
    text = str(value).strip().lower()[:3]
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    raise OptionError(f"--week-start must be one of {', '.join(WEEKDAYS)}, got {value!r}")


def parse_zone_preference(value: str | None) -> dict[str, str]:
    """``"run:hr,cycling:power"`` -> ``{"run": "hr", "cycling": "power"}`` (bases power, hr, pace)."""
    out: dict[str, str] = {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        fam, _, basis = part.partition(":")
        fam, basis = fam.strip().lower(), basis.strip().lower()
        if fam not in FAMILIES or basis not in ("power", "hr", "pace"):
            raise OptionError(
                f"--zone-preference {part!r}: expected family:basis with family in {', '.join(FAMILIES)} "
                "and basis power, hr or pace"
            )
        out[fam] = basis
    return out


@dataclass
class ExportOptions:
    out_dir: Path = Path(".")
    output: Path | None = None  # latest.json elsewhere (Section 11's --output)
    days: int = 7  # display window of wellness rows and summaries
    week_start: int = 0
    zone_preference: dict[str, str] = field(default_factory=dict)
    privacy: str = "standard"
    dry_run: bool = False
    archive: bool = True
    archive_retention_days: int = 90  # 0 = keep every snapshot
    archive_min_interval_minutes: int = 60
    today: date | None = None  # a date to pin (tests); None = the athlete's today
    history_days: int = 1095
    lookback_days: int = 14
    store_url: str | None = None
    athlete_id: str | None = None
    # Check every file against its shipped schema before writing (``--debug``; the tests validate every
    # golden export). Off by default: the schemas describe what the builders produce, and checking five
    # documents on every run cost more than the rest of a repeat export.
    validate: bool = False

    def __post_init__(self) -> None:
        if self.privacy not in PRIVACY_LEVELS:
            raise OptionError(f"--privacy must be one of {', '.join(PRIVACY_LEVELS)}, got {self.privacy!r}")
        check_range("--days", self.days, 1, 90)
        check_range("--archive-retention-days", self.archive_retention_days, 0)
        check_range("--lookback-days", self.lookback_days, 0, 365)
        check_range("--history-days", self.history_days, 1, 36500)
        self.out_dir = Path(self.out_dir)

    def path_for(self, kind: str) -> Path:
        if kind == "latest" and self.output is not None:
            return Path(self.output)
        return self.out_dir / f"{kind}.json"


__all__ = [
    "FAMILIES",
    "PRIVACY_LEVELS",
    "WATCH_INTERVAL_MINUTES",
    "WEEKDAYS",
    "ExportOptions",
    "OptionError",
    "check_range",
    "parse_week_start",
    "parse_zone_preference",
]
