"""Initial archive schema: activities, wellness, events, streams, intervals, attachments, sync state.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("athlete_id", sa.String(32), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("start_date_local", sa.String(32), nullable=False),
        sa.Column("type", sa.String(48)),
        sa.Column("name", sa.Text),
        sa.Column("source", sa.String(48)),
        sa.Column("is_stub", sa.Boolean, nullable=False),
        sa.Column("moving_time", sa.Float),
        sa.Column("elapsed_time", sa.Float),
        sa.Column("distance", sa.Float),
        sa.Column("calories", sa.Float),
        sa.Column("avg_hr", sa.Float),
        sa.Column("max_hr", sa.Float),
        sa.Column("avg_power", sa.Float),
        sa.Column("np_power", sa.Float),
        sa.Column("avg_cadence", sa.Float),
        sa.Column("training_load", sa.Float),
        sa.Column("has_gps", sa.Boolean, nullable=False),
        sa.Column("icu_sync_date", sa.String(40)),
        sa.Column("analyzed", sa.String(40)),
        sa.Column("duplicate_of", sa.String(64)),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_activities_athlete_day", "activities", ["athlete_id", "day"])
    op.create_table(
        "wellness",
        sa.Column("athlete_id", sa.String(32), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("athlete_id", sa.String(32), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("category", sa.String(32)),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_events_athlete_day", "events", ["athlete_id", "day"])
    op.create_table(
        "activity_streams",
        sa.Column("activity_id", sa.String(64), primary_key=True),
        sa.Column("types", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("source_sync_date", sa.String(40)),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "activity_intervals",
        sa.Column("activity_id", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("source_sync_date", sa.String(40)),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("content", sa.LargeBinary),
        sa.Column("error", sa.Text),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "sync_state",
        sa.Column("athlete_id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
    )
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "store_meta",
        "sync_state",
        "attachments",
        "activity_intervals",
        "activity_streams",
        "events",
        "wellness",
        "activities",
    ):
        op.drop_table(table)
