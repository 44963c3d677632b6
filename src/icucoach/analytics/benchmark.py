"""Benchmark index per FTP kind (indoor / outdoor) and the seasonal context it is judged against (Section 11
§4.18).

``benchmark_index = FTP now / FTP 8 weeks ago - 1`` (fraction, 3 dp), where "8 weeks ago" is the FTP in force
on day ``today - 56``: the newest entry of the FTP timeline dated on or before that day. Section 11 looks for
an entry dated within 56 +/- 7 days, which almost never exists because a timeline stores change dates only
(``section11.md`` §7 item 3), so its index is nearly always null.

Seasonal context: a cycling calendar by month (race season in summer) with the FTP change expected in each
part of it; the southern hemisphere shifts the calendar by six months (Section 11 assumes the north).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from icucoach.analytics.cp import value_on

BENCHMARK_DAYS = 56
# (label, months, expected FTP change low..high as a fraction over 8 weeks)
SEASONS: tuple[tuple[str, tuple[int, ...], float, float], ...] = (
    ("Off-season / Transition", (11, 12), -0.05, -0.02),
    ("Early Base", (1, 2), -0.02, 0.01),
    ("Late Base / Build", (3, 4), 0.02, 0.05),
    ("Build / Early Race Season", (5, 6), 0.01, 0.04),
    ("Peak Race Season", (7, 8), 0.01, 0.03),
    ("Late Season / Transition", (9, 10), -0.03, 0.00),
)
SOUTHERN_TZ_PREFIXES = (
    "Australia/",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "America/Argentina",
    "America/Santiago",
    "America/Montevideo",
    "America/Asuncion",
    "America/Sao_Paulo",
    "America/La_Paz",
    "America/Lima",
    "Africa/Johannesburg",
    "Africa/Maputo",
    "Africa/Windhoek",
    "Africa/Harare",
    "Indian/Mauritius",
    "Indian/Reunion",
    "Antarctica/",
)


def is_southern(timezone: str | None) -> bool:
    return bool(timezone) and str(timezone).startswith(SOUTHERN_TZ_PREFIXES)


def seasonal_context(d: date, southern: bool = False) -> str:
    month = (d.month + 5) % 12 + 1 if southern else d.month
    return next(label for label, months, _, _ in SEASONS if month in months)


def seasonal_expected(index: float | None, season: str) -> bool | None:
    if index is None:
        return None
    band = next(((lo, hi) for label, _, lo, hi in SEASONS if label == season), None)
    return None if band is None else band[0] <= index <= band[1]


@dataclass(frozen=True)
class Benchmark:
    current_ftp: float | None
    ftp_8_weeks_ago: float | None
    ftp_8_weeks_ago_set_on: date | None
    index: float | None  # fraction
    seasonal_expected: bool | None

    @property
    def percentage(self) -> str | None:
        """Signed percent with one decimal, e.g. ``"+2.3%"`` (Section 11's string format)."""
        return None if self.index is None else f"{self.index:+.1%}"


def benchmark(
    history: Sequence[tuple[date, float]],
    current_ftp: float | None,
    today: date,
    season: str,
    days: int = BENCHMARK_DAYS,
) -> Benchmark:
    """``history``: ``(date set, FTP W)`` change points of one FTP kind; ``current_ftp`` from sport settings
    (falls back to the newest history value)."""
    then = value_on(history, today - timedelta(days=days))
    if current_ftp is None:
        now = value_on(history, today)
        current_ftp = now[1] if now else None
    if then is None or not current_ftp or then[1] <= 0:
        return Benchmark(current_ftp, then[1] if then else None, then[0] if then else None, None, None)
    idx = round(current_ftp / then[1] - 1.0, 3)
    return Benchmark(current_ftp, then[1], then[0], idx, seasonal_expected(idx, season))


def history_span_days(history: Sequence[tuple[date, float]]) -> int:
    """Days between the oldest and the newest entry (0 with fewer than two)."""
    if len(history) < 2:
        return 0
    days = sorted(d for d, _ in history)
    return (days[-1] - days[0]).days


__all__ = [
    "BENCHMARK_DAYS",
    "SEASONS",
    "Benchmark",
    "benchmark",
    "history_span_days",
    "is_southern",
    "seasonal_context",
    "seasonal_expected",
]
