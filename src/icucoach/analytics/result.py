"""The result type every metric returns: a value with its unit, or ``None`` with the reason, plus provenance.

Why: an AI coach must be able to quote a number *and* say where it came from (sport, basis, window, dates,
how many samples) or why there is no number. ``to_jsonable`` turns any analytics result (dataclasses, dates,
numpy scalars, nan) into plain JSON types, with ``null`` for missing values.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Metric:
    """One number an answer can quote.

    ``value`` is ``None`` exactly when the inputs cannot support the metric; ``reason`` then says why.
    ``inputs`` is provenance: window, dates, sport, basis, sample counts, the constants used.
    ``status`` is an optional interpretation band (e.g. ``"optimal"``, ``"amber"``).
    """

    name: str
    value: float | None
    unit: str = ""
    reason: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    status: str | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None

    @classmethod
    def of(
        cls,
        name: str,
        value: float | None,
        unit: str = "",
        *,
        reason: str | None = None,
        status: str | None = None,
        **inputs: Any,
    ) -> Metric:
        """Build a metric; a non-finite value becomes ``None`` (never inf/nan in an answer)."""
        if value is not None:
            value = float(value)
            if not math.isfinite(value):
                return cls(name, None, unit, reason or "not finite", inputs, None)
        elif reason is None:
            reason = "insufficient data"
        return cls(name, value, unit, reason, inputs, status)

    @classmethod
    def none(cls, name: str, reason: str, unit: str = "", **inputs: Any) -> Metric:
        return cls(name, None, unit, reason, inputs, None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": _round(self.value), "unit": self.unit}
        if self.status is not None:
            out["status"] = self.status
        if self.reason is not None:
            out["reason"] = self.reason
        if self.inputs:
            out["inputs"] = to_jsonable(self.inputs)
        return out


def _round(v: float | None, digits: int = 4) -> float | None:
    # Full precision internally (metrics.md §0); 4 decimals is plenty for JSON and keeps payloads short.
    if v is None or not math.isfinite(v):
        return None
    return round(float(v), digits)


def without_keys(obj: Any, keys: frozenset[str] = frozenset({"inputs"})) -> Any:
    """A JSON tree with the given keys removed at every level (compact answers drop provenance)."""
    if isinstance(obj, dict):
        return {k: without_keys(v, keys) for k, v in obj.items() if k not in keys}
    if isinstance(obj, list):
        return [without_keys(v, keys) for v in obj]
    return obj


def to_jsonable(obj: Any) -> Any:
    """Plain JSON types: dataclasses -> dicts (``to_dict`` if defined), dates -> ISO, nan/inf -> None."""
    if obj is None or isinstance(obj, bool | str | int):
        return obj
    if isinstance(obj, float | np.floating):
        return _round(float(obj))
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    return str(obj)
