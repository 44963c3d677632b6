"""Analytics the tools derive from cached reads, computed once per distinct input.

Building the snapshot (every activity and wellness record of ~400 days converted to analytics inputs) and the
training-status digest cost ~100 ms of CPU, far more than answering from the cache. ``analysis()`` keeps
them with ``CachedClient.derive``: the same ``Analysis`` object is served while the athlete, activities,
wellness and events it was built from are the very objects the cache still holds; a refetch, an expiry or a
write's invalidation gives a new one. Within an ``Analysis`` each digest/summary is computed once per
argument set. Everything returned is shared between callers: read it, never change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.status import TrainingStatus
from icucoach.analytics.summary import PeriodSummary
from icucoach.insights import Snapshot, SnapshotWindow, fetch_snapshot
from icucoach.intervals.cache import CachedClient


@dataclass
class Analysis:
    """One snapshot and what has been derived from it so far."""

    snapshot: Snapshot
    # settings hold a mapping (unhashable): a short list compared by equality instead of a dict
    _status: list[tuple[AnalyticsSettings, TrainingStatus, dict[str, Any] | None]] = field(
        default_factory=list
    )
    _summaries: dict[tuple[date, date, str], list[dict[str, Any]]] = field(default_factory=dict)

    def _find(self, settings: AnalyticsSettings) -> int:
        for i, (known, _, _) in enumerate(self._status):
            if known is settings or known == settings:
                return i
        self._status.append((settings, self.snapshot.status(settings), None))
        return len(self._status) - 1

    def status(self, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> TrainingStatus:
        return self._status[self._find(settings)][1]

    def status_dict(self, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
        i = self._find(settings)
        known, status, as_dict = self._status[i]
        if as_dict is None:
            as_dict = status.to_dict()
            self._status[i] = (known, status, as_dict)
        return as_dict

    def summaries(self, start: date, end: date, period: str) -> list[dict[str, Any]]:
        key = (start, end, period)
        if key not in self._summaries:
            found: list[PeriodSummary] = self.snapshot.summaries(start, end, period)
            self._summaries[key] = [p.to_dict() for p in found]
        return self._summaries[key]


async def analysis(
    icu: CachedClient, athlete_id: str, today: date, window: SnapshotWindow = SnapshotWindow()
) -> Analysis:
    """The athlete's ``Analysis`` for ``today`` over ``window`` (see the module docstring)."""

    async def build(source: Any) -> Analysis:
        return Analysis(await fetch_snapshot(source, athlete_id, window, today=today))

    return await icu.derive(("analysis", athlete_id, today, window), build)


__all__ = ["Analysis", "analysis"]
