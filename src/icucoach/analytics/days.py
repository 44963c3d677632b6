"""Day bucketing: activities -> consecutive local days of summed load (rest days 0), per sport or total.

Activities carry ``start_date_local``, already the athlete's wall time, so a day is simply its date: no
machine-clock or UTC boundary (Section 11 buckets on the machine's date, ``section11.md`` §7 item 2). A
``DailyLoads`` always spans a fixed calendar range chosen by the caller from ``today``, never by how many
days a report displays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from icucoach.analytics.inputs import ActivityInput


def date_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class DailyLoads:
    """Summed load per local day from ``start`` to ``end`` inclusive (index 0 = ``start``)."""

    start: date
    end: date
    loads: np.ndarray
    family: str | None = None  # None = all sports
    stubs: tuple[str, ...] = ()  # Strava stubs in range: excluded from load (unknown, not zero)
    missing_load: tuple[str, ...] = ()  # activities without icu_training_load
    first_activity: date | None = None
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.loads)

    def index(self, d: date) -> int:
        return (d - self.start).days

    def upto(self, d: date) -> np.ndarray:
        """Loads from ``start`` through ``d`` inclusive."""
        return self.loads[: self.index(d) + 1]

    def window(self, end: date, days: int) -> np.ndarray:
        i = self.index(end)
        return self.loads[max(0, i - days + 1) : i + 1]

    @property
    def history_days(self) -> int:
        """Days since the first activity (inclusive): how much history the windows really have."""
        if self.first_activity is None:
            return 0
        return max(0, (self.end - max(self.first_activity, self.start)).days + 1)


def daily_loads(
    activities: Iterable[ActivityInput],
    start: date,
    end: date,
    family: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> DailyLoads:
    """Sum ``icu_training_load`` per local day. Stubs and activities without load add nothing and are listed.

    ``weights`` scales each activity's load by sport type or family (missing = 1), for the fitness model's
    per-sport contribution.

    ``family`` restricts to one sport family (``"cycling"``, ``"run"`` ...); None sums every sport.
    """
    n = (end - start).days + 1
    loads = np.zeros(max(n, 0))
    stubs: list[str] = []
    missing: list[str] = []
    first: date | None = None
    for a in activities:
        if family is not None and a.family != family:
            continue
        d = a.day
        if d > end:
            continue
        first = d if first is None or d < first else first
        if d < start:
            continue
        if a.is_stub:
            stubs.append(a.id)
            continue
        if a.load is None:
            missing.append(a.id)
            continue
        w = 1.0 if not weights else weights.get(a.sport, weights.get(a.family, 1.0))
        loads[(d - start).days] += a.load * w
    notes = []
    if stubs:
        notes.append(f"{len(stubs)} Strava stub(s) excluded from load: metrics unknown, not zero")
    if missing:
        notes.append(f"{len(missing)} activity(ies) without training load")
    return DailyLoads(start, end, loads, family, tuple(stubs), tuple(missing), first, tuple(notes))


def week_start(d: date, week_start_dow: int = 0) -> date:
    """First day of ``d``'s training week (0 = Monday ... 6 = Sunday)."""
    return d - timedelta(days=(d.weekday() - week_start_dow) % 7)
