"""Body weight and power-to-weight trend (Section 11's ``current_status.weight``, ``section11.md`` §4.22).

Inputs are dated weigh-ins (the wellness ``weight`` of each local day, kg) and the cycling FTP in use. Every
number has its own gate, and a number whose gate fails is ``None`` (Section 11 drops the key instead):

- latest weigh-in: the newest one, when at most ``LATEST_MAX_AGE_DAYS`` old;
- W/kg now: FTP / latest weigh-in (needs both);
- block W/kg: FTP / the weigh-in closest to the start of the trailing 28-day block (within its first 4 days)
  and FTP / the one closest to today (within the last 4 days); the delta is end - start, so with one FTP
  for both ends it shows the effect of the weight change alone;
- 7-day mean weight: at least 4 weigh-ins in the last 7 days;
- 28-day slope (kg/week): ordinary least squares over at least 14 weigh-ins of the last 28 days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta

LATEST_MAX_AGE_DAYS = 14
BLOCK_DAYS = 28
EDGE_DAYS = 4
AVG_7D_MIN = 4
SLOPE_MIN = 14


@dataclass(frozen=True)
class WeightTrend:
    weight_latest_kg: float | None
    weight_latest_date: str | None
    wkg_current: float | None
    wkg_ftp_source: str | None  # "tested" (sport-settings FTP) | "eftp" (Intervals.icu's estimate)
    wkg_block_start: float | None
    wkg_block_end: float | None
    wkg_block_delta: float | None
    weight_7d_avg_kg: float | None
    weight_28d_slope_kg_per_week: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def _closest(entries: list[tuple[date, float]], lo: date, hi: date, anchor: date) -> float | None:
    inside = [(abs((d - anchor).days), kg) for d, kg in entries if lo <= d <= hi]
    return min(inside)[1] if inside else None


def ols_slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of y on x; ``None`` when x does not vary."""
    n = len(points)
    if n < 2:
        return None
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    if den == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / den


def weight_trend(
    weigh_ins: Iterable[tuple[date, float | None]],
    today: date,
    ftp_tested: float | None = None,
    eftp: float | None = None,
) -> WeightTrend:
    """The gated weight and W/kg numbers of ``today``. Zero or missing weights are not weigh-ins; a tested
    FTP is preferred over eFTP (``wkg_ftp_source`` says which)."""
    entries = sorted(((d, float(kg)) for d, kg in weigh_ins if kg and d <= today), reverse=True)
    ftp, source = (ftp_tested, "tested") if ftp_tested else (eftp, "eftp") if eftp else (None, None)
    latest_kg = latest_date = None
    if entries and (today - entries[0][0]).days <= LATEST_MAX_AGE_DAYS:
        latest_date, latest_kg = entries[0][0].isoformat(), round(entries[0][1], 1)
    wkg_now = round(ftp / latest_kg, 2) if ftp and latest_kg else None

    block_lo = today - timedelta(days=BLOCK_DAYS - 1)
    w_start = _closest(entries, block_lo, block_lo + timedelta(days=EDGE_DAYS - 1), block_lo)
    w_end = _closest(entries, today - timedelta(days=EDGE_DAYS - 1), today, today)
    b_start = b_end = delta = None
    if ftp and w_start and w_end:
        b_start, b_end = round(ftp / w_start, 2), round(ftp / w_end, 2)
        delta = round(b_end - b_start, 2)  # of the shown (rounded) ends, so the three numbers agree

    week = [kg for d, kg in entries if d >= today - timedelta(days=6)]
    avg7 = round(sum(week) / len(week), 1) if len(week) >= AVG_7D_MIN else None
    block = [((d - block_lo).days, kg) for d, kg in entries if d >= block_lo]
    per_day = ols_slope(block) if len(block) >= SLOPE_MIN else None
    return WeightTrend(
        weight_latest_kg=latest_kg,
        weight_latest_date=latest_date,
        wkg_current=wkg_now,
        wkg_ftp_source=source if wkg_now is not None else None,
        wkg_block_start=b_start,
        wkg_block_end=b_end,
        wkg_block_delta=delta,
        weight_7d_avg_kg=avg7,
        weight_28d_slope_kg_per_week=None if per_day is None else round(per_day * 7, 3),
    )


__all__ = ["WeightTrend", "ols_slope", "weight_trend"]
