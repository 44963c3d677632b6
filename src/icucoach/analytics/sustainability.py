"""Sustainability table for race estimation: what power and heart rate an athlete has held for each anchor
duration in a recent window, next to two model predictions (cycling).

- Observed: the best mean-maximal power (and maximal sustained heart rate) at the anchor in the window.
- Coggan: ``FTP x factor(t)``, the midpoints of the duration ranges in Allen & Coggan, *Training and Racing
  with a Power Meter* (3rd ed.): 5 min 100-112 % FTP -> 1.06, 10 min 94-100 % -> 0.97, 20 min 91-95 % ->
  0.93, 30 min 88-93 % -> 0.90, 60 min 83-90 % -> 0.86, 90 min 78-85 % -> 0.82, 2 h 75-82 % -> 0.78
  (the values Section 11 §4.14 uses).
- CP/W': the 2-parameter model ``P(t) = CP + W'/t`` (Monod & Scherrer 1965; Skiba et al. 2012), with the
  athlete's FTP standing in for CP as in Section 11 (so the prediction is FTP + W'/t).
- ``model_divergence_pct = 100 (observed - CP model) / CP model``.

Body mass for W/kg is the most recent weight of the last 7 days of wellness, else the most recent older one,
else the athlete profile's (``weight_source`` says which).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WINDOW_DAYS = 42
ANCHORS: dict[str, tuple[int, ...]] = {
    "cycling": (300, 600, 1200, 1800, 3600, 5400, 7200),
    "ski": (60, 120, 300, 600, 1200, 1800),
    "rowing": (60, 120, 300, 600, 1200, 1800),
}
COGGAN_FACTORS: dict[int, float] = {
    300: 1.06,
    600: 0.97,
    1200: 0.93,
    1800: 0.90,
    3600: 0.86,
    5400: 0.82,
    7200: 0.78,
}
MIN_OBSERVED = 2  # anchors with an observed power for a sport's table to be given


def _r(v: float | None, nd: int) -> float | None:
    return None if v is None else round(v, nd)


def pick_weight(
    recent: Sequence[float | None], older: Sequence[float | None], profile: float | None
) -> tuple[float | None, str | None]:
    """Body mass (kg, 0.1) and its source: the last positive value of ``recent`` (``wellness_recent``), else
    of ``older`` (``wellness_extended``), else ``profile`` (``athlete_profile``). Both lists oldest first."""
    for values, source in ((recent, "wellness_recent"), (older, "wellness_extended")):
        for v in reversed(values):
            if v is not None and v > 0:
                return round(float(v), 1), source
    if profile is not None and profile > 0:
        return round(float(profile), 1), "athlete_profile"
    return None, None


@dataclass(frozen=True)
class Anchor:
    secs: int
    watts: float | None
    hr: float | None
    source: str | None
    wpkg: float | None
    pct_lthr: float | None
    coggan_watts: int | None
    coggan_wpkg: float | None
    cp_model_watts: int | None
    cp_model_wpkg: float | None
    divergence_pct: float | None


def anchor(
    secs: int,
    watts: float | None,
    hr: float | None,
    source: str | None = None,
    weight_kg: float | None = None,
    lthr: float | None = None,
    ftp: float | None = None,
    w_prime_j: float | None = None,
    with_models: bool = True,
) -> Anchor:
    """One row of the table; every derived number is None when an input it needs is missing."""
    kg = weight_kg if weight_kg and weight_kg > 0 else None
    wpkg = _r(watts / kg, 2) if watts is not None and kg else None
    pct = _r(100.0 * hr / lthr, 1) if hr is not None and lthr and lthr > 0 else None
    cog = cp = None
    if with_models and ftp and ftp > 0:
        if secs in COGGAN_FACTORS:
            cog = round(ftp * COGGAN_FACTORS[secs])
        if w_prime_j and secs > 0:
            cp = round(ftp + w_prime_j / secs)
    div = _r(100.0 * (watts - cp) / cp, 1) if watts is not None and cp else None
    return Anchor(
        secs,
        watts,
        hr,
        source,
        wpkg,
        pct,
        cog,
        _r(cog / kg, 2) if cog is not None and kg else None,
        cp,
        _r(cp / kg, 2) if cp is not None and kg else None,
        div,
    )


def coverage_ratio(rows: Sequence[Anchor]) -> float:
    """Share of anchors with an observed power (0.01)."""
    return round(sum(a.watts is not None for a in rows) / len(rows), 2) if rows else 0.0


def table(
    durations: Sequence[int],
    watts: Mapping[int, float | None],
    hr: Mapping[int, float | None],
    sources: Mapping[int, str | None],
    **kw: Any,
) -> list[Anchor]:
    return [anchor(d, watts.get(d), hr.get(d), sources.get(d), **kw) for d in durations]


__all__ = [
    "ANCHORS",
    "COGGAN_FACTORS",
    "MIN_OBSERVED",
    "WINDOW_DAYS",
    "Anchor",
    "anchor",
    "coverage_ratio",
    "pick_weight",
    "table",
]
