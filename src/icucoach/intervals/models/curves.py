"""Power, heart-rate and pace curves: per activity (``PowerCurve``, ``HRCurve``, ``PaceCurve``) and per
athlete over date ranges (``DataCurveSetPowerCurve`` etc.: ``{list: [curve…], activities: {id: Activity}}``).

Curves are parallel arrays: ``secs[i]`` (or, for pace, ``distance[i]`` metres) with ``values[i]`` (watts, bpm,
or seconds to cover the distance) and where it came from (``activity_id[i]``, ``start_index[i]``).
"""

from __future__ import annotations

import builtins
from typing import Any

from icucoach.intervals.models.activity import Activity
from icucoach.intervals.models.athlete import PowerModel
from icucoach.intervals.models.base import ApiModel


class PaceModel(ApiModel):
    type: str | None = None
    criticalSpeed: float | None = None
    dPrime: float | None = None
    r2: float | None = None
    inputPointIndexes: list[int] | None = None


class _Curve(ApiModel):
    id: str | None = None
    label: str | None = None
    filter_label: str | None = None
    percentile: float | None = None
    start_date_local: str | None = None
    end_date_local: str | None = None
    days: int | None = None
    moving_time: int | None = None
    training_load: int | None = None
    weight: float | None = None
    values: list[int | float | None] | None = None
    submax_values: list[list[int | None]] | None = None
    start_index: list[int | None] | None = None
    end_index: list[int | None] | None = None
    activity_id: list[str | None] | None = None

    def points(self) -> list[tuple[Any, Any]]:
        """``(x, value)`` pairs: x is seconds (power/HR) or metres (pace)."""
        xs = getattr(self, "secs", None) or getattr(self, "distance", None) or []
        return list(zip(xs, self.values or [], strict=False))


class PowerCurve(_Curve):
    after_kj: int | None = None
    secs: list[int] | None = None
    watts_per_kg: list[float | None] | None = None
    wkg_activity_id: list[str | None] | None = None
    powerModels: list[PowerModel] | None = None
    ranks: dict[str, Any] | None = None
    stream_type: str | None = None
    stream_name: str | None = None
    vo2max_5m: float | None = None


class HRCurve(_Curve):
    secs: list[int] | None = None


class PaceCurve(_Curve):
    distance: list[float] | None = None
    type: str | None = None
    paceModels: list[PaceModel] | None = None


class DataCurve(_Curve):
    """One curve of an athlete-level set; ``secs`` for power/HR, ``distance`` for pace."""

    after_kj: int | None = None
    secs: list[int] | None = None
    distance: list[float] | None = None
    watts_per_kg: list[float | None] | None = None
    powerModels: list[PowerModel] | None = None
    paceModels: list[PaceModel] | None = None


class DataCurveSet(ApiModel):
    """``{list: [curve…], activities: {id: Activity}}`` as the athlete curve endpoints return it."""

    list: builtins.list[DataCurve] | None = None  # the API's field name
    activities: dict[str, Activity] | None = None

    def curves(self) -> builtins.list[DataCurve]:
        return [*(self.list or [])]

    def curve(self, curve_id: str) -> DataCurve | None:
        for c in self.list or []:
            if c.id == curve_id:
                return c
        return None


class DataCurveSetPowerCurve(DataCurveSet):
    pass


class DataCurveSetHRCurve(DataCurveSet):
    pass


class DataCurveSetPaceCurve(DataCurveSet):
    pass


__all__ = [
    "DataCurve",
    "DataCurveSet",
    "DataCurveSetHRCurve",
    "DataCurveSetPaceCurve",
    "DataCurveSetPowerCurve",
    "HRCurve",
    "PaceCurve",
    "PaceModel",
    "PowerCurve",
]
