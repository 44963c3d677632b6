"""What every file builder reads: the athlete, their today, the records from the store, and the analytics
results computed once per export (training-status digest, summaries), with the export options.

``ExportContext.from_store`` builds ``insights.Snapshot`` objects from store records (no API calls) and uses
their derivation methods, so every number in the files comes from the analytics engine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from icucoach.analytics.inputs import ActivityInput, WellnessInput, dedupe_activities, from_api_wellness
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.status import TrainingStatus
from icucoach.insights import Snapshot
from icucoach.mirror.display import Units
from icucoach.mirror.options import ExportOptions
from icucoach.store.db import Store

Json = dict[str, Any]
STATUS_DAYS = 400  # the same window insights.fetch_snapshot uses for the digest


def analytics_settings(opts: ExportOptions) -> AnalyticsSettings:
    kw: dict[str, Any] = {"week_start": opts.week_start, "fitness_from_wellness": True}
    if opts.zone_preference:
        order = {
            "power": ("power", "hr", "pace"),
            "hr": ("hr", "power", "pace"),
            "pace": ("pace", "hr", "power"),
        }
        kw["basis_preference_by_sport"] = {fam: order[b] for fam, b in opts.zone_preference.items()}
    return dataclasses.replace(DEFAULT_SETTINGS, **kw)


@dataclass
class ExportContext:
    athlete: Json
    today: date
    opts: ExportOptions
    activities: list[Json]  # whole archive, newest first
    wellness: list[Json]  # ascending
    events: list[Json]
    duplicates: dict[str, str] = field(default_factory=dict)
    intervals: dict[str, Json] = field(default_factory=dict)  # activity id -> stored intervals
    streams: dict[str, list[Json]] = field(default_factory=dict)
    curves: dict[str, Json] = field(default_factory=dict)  # athlete curve sets fetched for this build
    failures: list[str] = field(default_factory=list)
    store: Store | None = None

    @classmethod
    def from_store(cls, store: Store, athlete: Json, today: date, opts: ExportOptions) -> ExportContext:
        ctx = cls.from_records(store, athlete, today, opts)
        ctx.load_details(store)
        return ctx

    @classmethod
    def from_records(cls, store: Store, athlete: Json, today: date, opts: ExportOptions) -> ExportContext:
        """The records (activities, wellness, calendar) without the activity details, which ``load_details``
        adds: the exporter builds this part while the details are still being fetched."""
        aid = str(athlete.get("id"))
        oldest = (today - timedelta(days=opts.history_days)).isoformat()
        return cls(
            athlete=athlete,
            today=today,
            opts=opts,
            activities=store.activities(aid, oldest, today.isoformat()),
            wellness=store.wellness(aid, oldest, today.isoformat()),
            events=store.events(aid),
            duplicates=store.duplicates(aid),
            store=store,
        )

    def load_details(self, store: Store) -> None:
        """The stored intervals and streams of the last 28 days' activities."""
        recent = (self.today - timedelta(days=28)).isoformat()
        for a in self.activities:
            if a["start_date_local"][:10] < recent:
                break
            held = store.intervals(str(a["id"]))
            if held is not None:
                self.intervals[str(a["id"])] = held[0]
            st = store.streams(str(a["id"]))
            if st is not None:
                self.streams[str(a["id"])] = st[0]

    def warm(self) -> None:
        """Compute the analytics that do not read activity details (training status, the de-duplicated
        activities), so the exporter can spend the time while the details are still arriving."""
        _ = self.status_dict, self.kept_activities, self.wellness_inputs

    @property
    def settings(self) -> AnalyticsSettings:
        return analytics_settings(self.opts)

    @cached_property
    def units(self) -> Units:
        """The athlete's display units (``display`` blocks)."""
        return Units.of(self.athlete)

    @cached_property
    def dfa_blocks(self) -> dict[str, Json]:
        """Activity id -> intervals.json ``dfa`` block (``mirror.dfa_fields``), computed once per export."""
        from icucoach.mirror.dfa_fields import session_blocks

        return session_blocks(self)

    @property
    def timezone(self) -> str | None:
        return self.athlete.get("timezone")

    def snapshot(self, days: int) -> Snapshot:
        oldest = self.today - timedelta(days=days)
        lo = oldest.isoformat()
        return Snapshot(
            athlete=self.athlete,
            today=self.today,
            oldest=oldest,
            activities=[a for a in self.activities if a["start_date_local"][:10] >= lo],
            wellness=[w for w in self.wellness if str(w.get("id"))[:10] >= lo],
            events=self.events,
        )

    @cached_property
    def recent(self) -> Snapshot:
        return self.snapshot(STATUS_DAYS)

    @cached_property
    def full(self) -> Snapshot:
        return self.snapshot(self.opts.history_days)

    @cached_property
    def status(self) -> TrainingStatus:
        return self.recent.status(self.settings)

    @cached_property
    def status_dict(self) -> Json:
        return self.status.to_dict()

    @cached_property
    def kept_activities(self) -> list[ActivityInput]:
        """Every activity of the archive window once (duplicates linked away), oldest first."""
        return dedupe_activities(self.full.activity_inputs, self.settings).kept

    @cached_property
    def wellness_inputs(self) -> list[WellnessInput]:
        return [from_api_wellness(w) for w in self.wellness if w.get("id")]

    def between(self, start: date, end: date) -> list[Json]:
        lo, hi = start.isoformat(), end.isoformat()
        return [a for a in self.activities if lo <= a["start_date_local"][:10] <= hi]


__all__ = ["ExportContext", "analytics_settings"]
