"""The local archive's tables (SQLAlchemy 2 declarative), portable across SQLite and PostgreSQL.

Every record keeps the full API payload (``raw``, JSON) next to the columns queries and exports need, so
nothing the API sent is lost and new fields need no migration. Dates are the API's local strings
(``YYYY-MM-DD`` / ``YYYY-MM-DDTHH:MM:SS``), never converted: the athlete's day is the day the API says.
The schema is created by the Alembic migrations in ``icucoach.store.migrations`` (``Store.open`` runs them).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {dict[str, Any]: JSON, list[Any]: JSON}


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_athlete_day", "athlete_id", "day"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    athlete_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[str] = mapped_column(String(10))  # local date of the start
    start_date_local: Mapped[str] = mapped_column(String(32))
    type: Mapped[str | None] = mapped_column(String(48))
    name: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(48))
    is_stub: Mapped[bool] = mapped_column(Boolean, default=False)  # Strava stub: no metrics via the API
    moving_time: Mapped[float | None] = mapped_column(Float)
    elapsed_time: Mapped[float | None] = mapped_column(Float)
    distance: Mapped[float | None] = mapped_column(Float)
    calories: Mapped[float | None] = mapped_column(Float)
    avg_hr: Mapped[float | None] = mapped_column(Float)
    max_hr: Mapped[float | None] = mapped_column(Float)
    avg_power: Mapped[float | None] = mapped_column(Float)
    np_power: Mapped[float | None] = mapped_column(Float)
    avg_cadence: Mapped[float | None] = mapped_column(Float)
    training_load: Mapped[float | None] = mapped_column(Float)
    has_gps: Mapped[bool] = mapped_column(Boolean, default=False)
    icu_sync_date: Mapped[str | None] = mapped_column(String(40))
    analyzed: Mapped[str | None] = mapped_column(String(40))
    duplicate_of: Mapped[str | None] = mapped_column(String(64))  # the kept recording of the same session
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[str] = mapped_column(String(40))


class WellnessRow(Base):
    __tablename__ = "wellness"

    athlete_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[str] = mapped_column(String(40))


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_athlete_day", "athlete_id", "day"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    athlete_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(32))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[str] = mapped_column(String(40))


class StreamsRow(Base):
    __tablename__ = "activity_streams"

    activity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    types: Mapped[str] = mapped_column(Text)  # comma-joined stream types held
    data: Mapped[list[Any]] = mapped_column(JSON)  # the API's stream list
    source_sync_date: Mapped[str | None] = mapped_column(String(40))
    fetched_at: Mapped[str] = mapped_column(String(40))


class IntervalsRow(Base):
    __tablename__ = "activity_intervals"

    activity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"icu_intervals": [...], "icu_groups": [...]}
    source_sync_date: Mapped[str | None] = mapped_column(String(40))
    fetched_at: Mapped[str] = mapped_column(String(40))


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)  # last failure; retried after a day, never cached forever
    fetched_at: Mapped[str] = mapped_column(String(40))


class StateRow(Base):
    __tablename__ = "sync_state"

    athlete_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


class MetaRow(Base):
    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


__all__ = [
    "ActivityRow",
    "AttachmentRow",
    "Base",
    "EventRow",
    "IntervalsRow",
    "MetaRow",
    "StateRow",
    "StreamsRow",
    "WellnessRow",
]
