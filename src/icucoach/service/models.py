"""The service's database tables. What is stored is exactly what docs/service.md lists: accounts (athlete
id, name, email, status, the encrypted Intervals.icu token and its scope), hashes of URL tokens, coaches,
grants, single-use email links, the audit log of tool calls (who, when, which tool, the outcome — never the
data) and the OAuth proxy's key-value rows. No training data: activities, wellness, workouts and the like
live only in memory, in short-lived caches.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    athlete_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(16), default="connected")  # connected | disconnected
    token_enc: Mapped[str | None] = mapped_column(Text)  # Fernet ciphertext; None once disconnected
    scope: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UrlToken(Base):
    """A secret URL's token, looked up by hash: ``mcp`` = personal MCP URL, ``ical`` = the feed."""

    __tablename__ = "url_tokens"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    athlete_id: Mapped[str] = mapped_column(ForeignKey("accounts.athlete_id", ondelete="CASCADE"))
    token_enc: Mapped[str] = mapped_column(Text)  # encrypted too: the dashboard shows the URL again
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("athlete_id", "kind"),)


class Coach(Base):
    """A coach is known by email; they need no Intervals.icu account. ``token_hash`` is their roster URL's
    token (None until they confirm their first invitation)."""

    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_enc: Mapped[str | None] = mapped_column(Text)  # "resend my URL" sends the same URL again
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Grant(Base):
    """What one athlete lets one coach do: the tool names allowed (reads and writes chosen separately)."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("accounts.athlete_id", ondelete="CASCADE"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"))
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | active
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("athlete_id", "coach_id"),)


class EmailLink(Base):
    """A single-use, expiring link sent by email (hash only)."""

    __tablename__ = "email_links"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(24))  # confirm | resend | regenerate
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"))
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One tool call or account event: who, when, what kind, the outcome. Never arguments or answers."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    athlete_id: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))  # "athlete's AI (personal URL)", "coach a@b.c", ...
    coach_id: Mapped[int | None] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(8))  # read | write | account
    result: Mapped[str] = mapped_column(String(16))  # ok | refused | error
    detail: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_audit_athlete_at", "athlete_id", "at"),)


def as_dict(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


__all__ = ["Account", "AuditEntry", "Base", "Coach", "EmailLink", "Grant", "UrlToken", "as_dict", "utcnow"]
