"""Zone hours over a window (Section 11's ``zone_distribution_7d``): time in recovery (Z1), endurance (Z2),
tempo (Z3, the grey zone) and threshold-and-above (Z4+), with the basis the time was measured on.

Each activity's zones are mapped by boundaries relative to threshold (``zones.activity_bands``), so a 5-zone
HR model and a 7-zone power model land in the same four bands; Section 11 sums zone *indices* across models
(``section11.md`` §7 item 8). Z3 and Z4+ are the same bands as ``grey_zone_percentage`` and
``quality_intensity_percentage``, so hours and percentages agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from icucoach.analytics.zones import ActivityBands


@dataclass(frozen=True)
class ZoneHours:
    z1_s: float
    z2_s: float
    z3_s: float
    z4_plus_s: float
    basis: str | None  # power / hr / pace / mixed, None without zone time

    def to_dict(self) -> dict:
        h = lambda s: round(s / 3600.0, 2)  # noqa: E731
        return {
            "z1_hours": h(self.z1_s),
            "z2_hours": h(self.z2_s),
            "z3_hours": h(self.z3_s),
            "z4_plus_hours": h(self.z4_plus_s),
            "total_hours": h(self.z1_s + self.z2_s + self.z3_s + self.z4_plus_s),
            "zone_basis": self.basis,
        }


def zone_basis(counts: Mapping[str, int]) -> str | None:
    """The one basis all activities used, ``"mixed"`` when several, None when none."""
    used = [b for b, n in counts.items() if n]
    if not used:
        return None
    return used[0] if len(used) == 1 else "mixed"


def zone_hours(bands: Iterable[ActivityBands | None]) -> ZoneHours:
    z = [0.0, 0.0, 0.0, 0.0]
    counts: dict[str, int] = {}
    for b in bands:
        if b is None or b.total <= 0:
            continue
        counts[b.basis] = counts.get(b.basis, 0) + 1
        z[0] += b.recovery
        z[1] += b.easy - b.recovery
        z[2] += b.grey
        z[3] += b.quality
    return ZoneHours(z[0], z[1], z[2], z[3], zone_basis(counts))


__all__ = ["ZoneHours", "zone_basis", "zone_hours"]
