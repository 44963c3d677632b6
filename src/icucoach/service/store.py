"""The service's database access: accounts, URL tokens, coaches and grants, email links, the audit log.

One ``ServiceStore`` per process over a SQLAlchemy engine (SQLite by default, PostgreSQL by URL); every
method is one short transaction, synchronous (callers on the event loop use ``anyio.to_thread``). The schema
is created and upgraded by Alembic (``migrations/``), in its own version table so the service can share a
database with the archive. Tokens are looked up by hash; the Intervals.icu token and the URL tokens the
dashboard shows again are Fernet ciphertext (``crypto.Vault``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from icucoach.service.crypto import Vault, new_token, token_hash
from icucoach.service.models import Account, AuditEntry, Coach, EmailLink, Grant, UrlToken, utcnow
from icucoach.service.settings import default_database_url
from icucoach.store.opening import StoreError, resolve

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "icucoach_service_version"


class LinkError(ValueError):
    """An email link that cannot be used: ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CoachView:
    id: int
    email: str
    confirmed: bool


@dataclass(frozen=True)
class GrantView:
    athlete_id: str
    athlete_name: str | None
    coach_id: int
    coach_email: str
    tools: tuple[str, ...]
    status: str


def _grant(s: Session, athlete_id: str, coach_id: int) -> Grant | None:
    return s.scalars(select(Grant).where(Grant.athlete_id == athlete_id, Grant.coach_id == coach_id)).first()


def _engine(url: str) -> Engine:
    """An engine for the service's database: SQLite or PostgreSQL (``store.opening.resolve`` checks the URL
    as for the archive, ``StoreError`` otherwise). A SQLite file's folder is created only at the default
    location: a named folder that does not exist is a typo, not a request to grow a tree."""
    parsed, _ = resolve(url, url, subject="service", remedy="Set ICUCOACH_DATABASE_URL to")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            if folder == Path(default_database_url().removeprefix("sqlite:///")).parent:
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise StoreError(
                    f"the folder of the service database {folder} does not exist",
                    "Create it, or set ICUCOACH_DATABASE_URL to a file in an existing folder.",
                )
        engine = create_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:  # WAL: readers never wait for the one writer
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)


class ServiceStore:
    def __init__(self, url: str, vault: Vault) -> None:
        self.url = url
        self.engine = _engine(url)
        self.vault = vault
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    # -- accounts ---------------------------------------------------------------------------------------
    def upsert_account(
        self, athlete_id: str, name: str | None, email: str | None, token: str, scope: str | None
    ) -> tuple[Account, bool]:
        """Create or reconnect the athlete's account with a fresh token; (account, created)."""
        with self.session() as s:
            acc = s.get(Account, athlete_id)
            created = acc is None
            if acc is None:
                acc = Account(athlete_id=athlete_id)
                s.add(acc)
            acc.name = name or acc.name
            acc.email = email or acc.email
            acc.token_enc = self.vault.seal(token)
            acc.scope = scope
            acc.status = "connected"
            return acc, created

    def account(self, athlete_id: str) -> Account | None:
        with self.session() as s:
            return s.get(Account, athlete_id)

    def accounts(self) -> list[Account]:
        with self.session() as s:
            return list(s.scalars(select(Account).order_by(Account.created_at)))

    def upstream_token(self, athlete_id: str) -> str | None:
        """The athlete's Intervals.icu token, decrypted; None when disconnected. (On every tool call: one
        Core query, no ORM session.)"""
        with self.engine.connect() as conn:
            sealed = conn.execute(
                select(Account.token_enc).where(
                    Account.athlete_id == athlete_id, Account.status == "connected"
                )
            ).scalar()
        return self.vault.open(sealed) if sealed else None

    def disconnect(self, athlete_id: str) -> bool:
        """Forget the token at once (status ``disconnected``); grants and URLs stay for a reconnect."""
        with self.session() as s:
            acc = s.get(Account, athlete_id)
            if acc is None:
                return False
            acc.token_enc = None
            acc.status = "disconnected"
            return True

    def set_scope(self, athlete_id: str, scope: str) -> None:
        with self.session() as s:
            acc = s.get(Account, athlete_id)
            if acc is not None:
                acc.scope = scope

    def delete_account(self, athlete_id: str) -> None:
        """Everything about the athlete: account, URL tokens, grants, their audit entries."""
        with self.session() as s:
            s.execute(delete(AuditEntry).where(AuditEntry.athlete_id == athlete_id))
            s.execute(delete(UrlToken).where(UrlToken.athlete_id == athlete_id))
            grant_ids = list(s.scalars(select(Grant.id).where(Grant.athlete_id == athlete_id)))
            if grant_ids:
                s.execute(delete(EmailLink).where(EmailLink.grant_id.in_(grant_ids)))
            s.execute(delete(Grant).where(Grant.athlete_id == athlete_id))
            s.execute(delete(Account).where(Account.athlete_id == athlete_id))

    # -- URL tokens (personal MCP URL, iCal feed) ------------------------------------------------------------
    def url_token(self, athlete_id: str, kind: str) -> str:
        """The athlete's current token of ``kind``, issued on first use."""
        with self.session() as s:
            row = s.scalars(
                select(UrlToken).where(UrlToken.athlete_id == athlete_id, UrlToken.kind == kind)
            ).first()
            if row is not None:
                plain = self.vault.open(row.token_enc)
                if plain is not None:
                    return plain
        return self.regenerate_url_token(athlete_id, kind)

    def regenerate_url_token(self, athlete_id: str, kind: str) -> str:
        """A new token; the old one stops working at once (its hash is gone)."""
        token = new_token()
        with self.session() as s:
            s.execute(delete(UrlToken).where(UrlToken.athlete_id == athlete_id, UrlToken.kind == kind))
            s.add(
                UrlToken(
                    hash=token_hash(token), kind=kind, athlete_id=athlete_id, token_enc=self.vault.seal(token)
                )
            )
        return token

    def athlete_for_token(self, token: str, kind: str) -> Account | None:
        """The connected-or-not account a URL token belongs to (None: unknown or regenerated). One joined
        query: this runs on every request to a secret URL."""
        with self.session() as s:
            return s.scalars(
                select(Account)
                .join(UrlToken, UrlToken.athlete_id == Account.athlete_id)
                .where(UrlToken.hash == token_hash(token), UrlToken.kind == kind)
            ).first()

    # -- coaches and grants --------------------------------------------------------------------------------
    def invite_coach(self, athlete_id: str, email: str, tools: list[str], ttl: int) -> tuple[CoachView, str]:
        """Create (or update) the grant for the coach at ``email``; returns the coach and a confirm-link
        token. A coach already confirmed keeps their URL; the grant is active at once for them."""
        email = email.strip().lower()
        with self.session() as s:
            coach = s.scalars(select(Coach).where(Coach.email == email)).first()
            if coach is None:
                coach = Coach(email=email)
                s.add(coach)
                s.flush()
            grant = s.scalars(
                select(Grant).where(Grant.athlete_id == athlete_id, Grant.coach_id == coach.id)
            ).first()
            if grant is None:
                grant = Grant(athlete_id=athlete_id, coach_id=coach.id, tools=list(tools), status="pending")
                s.add(grant)
                s.flush()
            else:
                grant.tools = list(tools)
            link = self._new_link(s, coach.id, "confirm", grant.id, ttl)
            return CoachView(coach.id, coach.email, coach.confirmed_at is not None), link

    def grant_link(
        self, athlete_id: str, coach_id: int, ttl: int
    ) -> tuple[str, str | None, list[str], str] | None:
        """A fresh confirm link for an existing grant: (coach email, athlete name, tools, link token)."""
        with self.session() as s:
            grant = _grant(s, athlete_id, coach_id)
            coach = s.get(Coach, coach_id)
            account = s.get(Account, athlete_id)
            if grant is None or coach is None or account is None:
                return None
            link = self._new_link(s, coach_id, "confirm", grant.id, ttl)
            return coach.email, account.name, list(grant.tools or ()), link

    def _new_link(self, s: Session, coach_id: int, purpose: str, grant_id: int | None, ttl: int) -> str:
        token = new_token()
        s.add(
            EmailLink(
                hash=token_hash(token),
                purpose=purpose,
                coach_id=coach_id,
                grant_id=grant_id,
                expires_at=utcnow() + timedelta(seconds=ttl),
            )
        )
        return token

    def coach_link(self, email: str, purpose: str, ttl: int) -> tuple[CoachView, str] | None:
        """A link for a known coach (``resend`` / ``regenerate``); None for an unknown address."""
        with self.session() as s:
            coach = s.scalars(select(Coach).where(Coach.email == email.strip().lower())).first()
            if coach is None:
                return None
            return CoachView(coach.id, coach.email, coach.confirmed_at is not None), self._new_link(
                s, coach.id, purpose, None, ttl
            )

    def coach_link_by_id(self, coach_id: int, purpose: str, ttl: int) -> tuple[str, str] | None:
        """(email, link token) for a known coach."""
        with self.session() as s:
            coach = s.get(Coach, coach_id)
            return None if coach is None else (coach.email, self._new_link(s, coach_id, purpose, None, ttl))

    def use_link(self, token: str, purpose: str | None = None) -> EmailLink:
        """Consume a link once; ``LinkError`` when unknown, used, expired or for another purpose."""
        with self.session() as s:
            link = s.get(EmailLink, token_hash(token), with_for_update=True)
            if link is None or (purpose is not None and link.purpose != purpose):
                raise LinkError("unknown")
            if link.used_at is not None:
                raise LinkError("used")
            expires = link.expires_at
            if expires.tzinfo is None:  # SQLite gives naive datetimes back (stored as UTC)
                expires = expires.replace(tzinfo=UTC)
            if expires < utcnow():
                raise LinkError("expired")
            link.used_at = utcnow()
            s.flush()
            return link

    def cull_links(self) -> int:
        """Delete email links that were used or have expired (housekeeping)."""
        with self.session() as s:
            gone = s.execute(
                delete(EmailLink).where((EmailLink.used_at.is_not(None)) | (EmailLink.expires_at < utcnow()))
            )
            return int(getattr(gone, "rowcount", 0) or 0)

    def confirm_grant(self, link: EmailLink) -> str:
        """After a confirm link: the grant becomes active and the coach has a URL; returns the URL token."""
        with self.session() as s:
            if link.grant_id is not None:
                grant = s.get(Grant, link.grant_id)
                if grant is not None:
                    grant.status = "active"
            coach = s.get(Coach, link.coach_id)
            assert coach is not None
            if coach.confirmed_at is None:
                coach.confirmed_at = utcnow()
        return self.coach_token(link.coach_id)

    def coach_token(self, coach_id: int) -> str:
        """The coach's URL token (issued on first use; kept by "resend")."""
        with self.session() as s:
            coach = s.get(Coach, coach_id)
            assert coach is not None
            if coach.token_enc:
                plain = self.vault.open(coach.token_enc)
                if plain is not None:
                    return plain
        return self.regenerate_coach_token(coach_id)

    def regenerate_coach_token(self, coach_id: int) -> str:
        token = new_token()
        with self.session() as s:
            coach = s.get(Coach, coach_id)
            assert coach is not None
            coach.token_hash = token_hash(token)
            coach.token_enc = self.vault.seal(token)
        return token

    def coach_for_token(self, token: str) -> CoachView | None:
        with self.session() as s:
            coach = s.scalars(select(Coach).where(Coach.token_hash == token_hash(token))).first()
            return None if coach is None else CoachView(coach.id, coach.email, coach.confirmed_at is not None)

    def coach(self, coach_id: int) -> CoachView | None:
        with self.session() as s:
            c = s.get(Coach, coach_id)
            return None if c is None else CoachView(c.id, c.email, c.confirmed_at is not None)

    def _grant_views(self, s: Session, where: Any) -> list[GrantView]:
        rows = s.execute(
            select(Grant, Account, Coach)
            .join(Account, Account.athlete_id == Grant.athlete_id)
            .join(Coach, Coach.id == Grant.coach_id)
            .where(where)
            .order_by(Account.name, Coach.email)
        )
        return [
            GrantView(a.athlete_id, a.name, c.id, c.email, tuple(g.tools or ()), g.status) for g, a, c in rows
        ]

    def grants_of_athlete(self, athlete_id: str) -> list[GrantView]:
        with self.session() as s:
            return self._grant_views(s, Grant.athlete_id == athlete_id)

    def grants_of_coach(self, coach_id: int) -> list[GrantView]:
        """Active grants from athletes who are still connected: the coach's roster."""
        with self.session() as s:
            return self._grant_views(
                s, (Grant.coach_id == coach_id) & (Grant.status == "active") & (Account.status == "connected")
            )

    def set_grant_tools(self, athlete_id: str, coach_id: int, tools: list[str]) -> bool:
        with self.session() as s:
            grant = _grant(s, athlete_id, coach_id)
            if grant is None:
                return False
            grant.tools = list(tools)
            return True

    def revoke_grant(self, athlete_id: str, coach_id: int) -> bool:
        with self.session() as s:
            grant = _grant(s, athlete_id, coach_id)
            if grant is None:
                return False
            s.delete(grant)
            return True

    # -- audit -----------------------------------------------------------------------------------------------
    def record_many(self, entries: list[dict[str, Any]]) -> None:
        """Several audit rows in one transaction (the MCP adapter batches them)."""
        if entries:
            with self.engine.begin() as conn:
                conn.execute(AuditEntry.__table__.insert(), entries)  # type: ignore[attr-defined]

    def record(
        self,
        *,
        athlete_id: str | None,
        actor: str,
        tool: str,
        kind: str,
        result: str,
        detail: str | None = None,
        coach_id: int | None = None,
    ) -> None:
        with self.session() as s:
            s.add(
                AuditEntry(
                    athlete_id=athlete_id,
                    actor=actor[:120],
                    coach_id=coach_id,
                    tool=tool[:80],
                    kind=kind,
                    result=result,
                    detail=(detail or None) and detail[:300],
                )
            )

    def activity(self, athlete_id: str, limit: int = 100) -> list[AuditEntry]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.athlete_id == athlete_id)
                    .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                    .limit(limit)
                )
            )

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                "accounts": s.scalar(select(func.count()).select_from(Account)) or 0,
                "coaches": s.scalar(select(func.count()).select_from(Coach)) or 0,
                "grants": s.scalar(select(func.count()).select_from(Grant)) or 0,
            }

    # -- key rotation ----------------------------------------------------------------------------------------
    def rotate_keys(self) -> int:
        """Re-encrypt every secret under the current key; returns how many values were rewritten."""
        n = 0
        with self.session() as s:
            for acc in s.scalars(select(Account).where(Account.token_enc.is_not(None))):
                acc.token_enc = self.vault.rotate(acc.token_enc or "")
                n += 1
            for row in s.scalars(select(UrlToken)):
                row.token_enc = self.vault.rotate(row.token_enc)
                n += 1
            for coach in s.scalars(select(Coach).where(Coach.token_enc.is_not(None))):
                coach.token_enc = self.vault.rotate(coach.token_enc or "")
                n += 1
        return n


def now() -> datetime:
    return utcnow()


__all__ = ["CoachView", "GrantView", "LinkError", "ServiceStore"]
