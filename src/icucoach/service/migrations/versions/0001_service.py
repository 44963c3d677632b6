"""Hosted service schema: accounts, URL tokens, coaches, grants, email links, audit log, OAuth proxy storage.

Revision ID: s0001_service
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "s0001_service"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _athlete_fk() -> sa.ForeignKey:
    return sa.ForeignKey("accounts.athlete_id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("athlete_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("email", sa.String(320)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("token_enc", sa.Text),
        sa.Column("scope", sa.String(400)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "url_tokens",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column(
            "athlete_id",
            sa.String(32),
            sa.ForeignKey("accounts.athlete_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_enc", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("athlete_id", "kind"),
    )
    op.create_table(
        "coaches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("token_enc", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "athlete_id",
            sa.String(32),
            sa.ForeignKey("accounts.athlete_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("coach_id", sa.Integer, sa.ForeignKey("coaches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tools", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("athlete_id", "coach_id"),
    )
    op.create_table(
        "email_links",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("purpose", sa.String(24), nullable=False),
        sa.Column("coach_id", sa.Integer, sa.ForeignKey("coaches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("grant_id", sa.Integer, sa.ForeignKey("grants.id", ondelete="CASCADE")),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("athlete_id", sa.String(32)),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("coach_id", sa.Integer),
        sa.Column("tool", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(300)),
    )
    op.create_index("ix_audit_athlete_at", "audit", ["athlete_id", "at"])
    # the OAuth proxy's storage (service.kvstore): keys hashed, values Fernet-encrypted, Unix expiry
    op.create_table(
        "kv",
        sa.Column("collection", sa.String(100), primary_key=True),
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Float),
    )
    op.create_index("ix_kv_expires_at", "kv", ["expires_at"])


def downgrade() -> None:
    for table in ("kv", "audit", "email_links", "grants", "coaches", "url_tokens", "accounts"):
        op.drop_table(table)
