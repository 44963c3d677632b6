"""What the hosted service is configured with: ``ServiceSettings.from_env()`` reads every ``ICUCOACH_*`` /
``INTERVALS_*`` variable the service uses (docs/service.md lists them), checks them, and says which one to
fix. Secrets are held as ``SecretStr`` so a ``repr`` or a log line never shows them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import SecretStr

DEFAULT_INTERVALS = "https://intervals.icu"


class SettingsError(ValueError):
    """A setting is missing or malformed; ``hint`` names the variable and the fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class SignupPolicy:
    """Who may create an account: everyone (``open``) or only those on an allowlist."""

    mode: str = "open"  # open | allowlist
    athletes: frozenset[str] = frozenset()
    email_domains: frozenset[str] = frozenset()
    invite_codes: frozenset[str] = frozenset()

    def admits(self, athlete_id: str, email: str | None, invite_code: str | None = None) -> bool:
        if self.mode == "open":
            return True
        if athlete_id in self.athletes:
            return True
        domain = (email or "").rpartition("@")[2].lower()
        if domain and domain in self.email_domains:
            return True
        return bool(invite_code) and invite_code in self.invite_codes


def default_database_url() -> str:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'icucoach' / 'service.db'}"


def _csv(value: str | None) -> frozenset[str]:
    return frozenset(p.strip() for p in (value or "").split(",") if p.strip())


@dataclass(frozen=True)
class ServiceSettings:
    public_url: str
    database_url: str
    secret_keys: tuple[SecretStr, ...]
    oauth_client_id: str
    oauth_client_secret: SecretStr
    intervals_base_url: str = DEFAULT_INTERVALS
    redis_url: str | None = None
    webhook_secret: SecretStr | None = None
    smtp_url: SecretStr | None = None
    mail_from: str = "icucoach <no-reply@localhost>"
    dev: bool = False
    signup: SignupPolicy = field(default_factory=SignupPolicy)
    admins: frozenset[str] = frozenset()
    session_ttl_seconds: int = 14 * 24 * 3600
    link_ttl_seconds: int = 48 * 3600
    rate_per_minute: int = 120  # per MCP token, on the service
    anonymous_per_minute: int = 30  # per client address: client registration, sign-in, coach emails
    upstream_per_second: float = 10.0  # per athlete toward Intervals.icu, across workers

    @property
    def host(self) -> str:
        return urlsplit(self.public_url).netloc

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def mcp_url(self) -> str:
        return f"{self.public_url}/mcp"

    def key(self) -> bytes:
        """The current key (first of ``ICUCOACH_SECRET_KEYS``), raw."""
        return self.secret_keys[0].get_secret_value().encode()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceSettings:
        e = dict(os.environ if env is None else env)

        def need(name: str, what: str) -> str:
            value = (e.get(name) or "").strip()
            if not value:
                raise SettingsError(f"{name} is not set", f"set {name} to {what} (docs/service.md)")
            return value

        public = need("ICUCOACH_PUBLIC_URL", "the service's public URL, e.g. https://coach.example.org")
        public = public.rstrip("/")
        if urlsplit(public).scheme not in ("http", "https") or not urlsplit(public).netloc:
            raise SettingsError(
                f"ICUCOACH_PUBLIC_URL {public!r} is not an http(s) URL",
                "set it to the address people open, e.g. https://coach.example.org",
            )
        raw_keys = [k.strip() for k in need("ICUCOACH_SECRET_KEYS", "a Fernet key").split(",") if k.strip()]
        for i, k in enumerate(raw_keys):
            try:
                Fernet(k.encode())
            except (ValueError, TypeError):
                raise SettingsError(
                    f"ICUCOACH_SECRET_KEYS entry {i + 1} is not a Fernet key",
                    "make one with `icucoach serve keygen` (32 url-safe base64 bytes)",
                ) from None
        signup_mode = (e.get("ICUCOACH_SIGNUP") or "open").strip().lower()
        if signup_mode not in ("open", "allowlist"):
            raise SettingsError(
                f"ICUCOACH_SIGNUP is {signup_mode!r}", "set ICUCOACH_SIGNUP to open or allowlist"
            )

        def positive(name: str, default: float) -> float:
            raw = (e.get(name) or "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if value <= 0:
                raise SettingsError(
                    f"{name} is {raw!r}", f"set {name} to a positive number (default {default:g})"
                )
            return value

        hook = (e.get("INTERVALS_WEBHOOK_SECRET") or "").strip()
        smtp = (e.get("ICUCOACH_SMTP_URL") or "").strip()
        return cls(
            public_url=public,
            database_url=(e.get("ICUCOACH_DATABASE_URL") or "").strip() or default_database_url(),
            secret_keys=tuple(SecretStr(k) for k in raw_keys),
            oauth_client_id=need("INTERVALS_OAUTH_CLIENT_ID", "your Intervals.icu OAuth app's client id"),
            oauth_client_secret=SecretStr(
                need("INTERVALS_OAUTH_CLIENT_SECRET", "your Intervals.icu OAuth app's client secret")
            ),
            intervals_base_url=((e.get("INTERVALS_BASE_URL") or "").strip() or DEFAULT_INTERVALS).rstrip("/"),
            redis_url=(e.get("ICUCOACH_REDIS_URL") or "").strip() or None,
            webhook_secret=SecretStr(hook) if hook else None,
            smtp_url=SecretStr(smtp) if smtp else None,
            mail_from=(e.get("ICUCOACH_MAIL_FROM") or "").strip() or "icucoach <no-reply@localhost>",
            dev=(e.get("ICUCOACH_DEV") or "").strip().lower() in ("1", "true", "yes"),
            signup=SignupPolicy(
                mode=signup_mode,
                athletes=_csv(e.get("ICUCOACH_ALLOW_ATHLETES")),
                email_domains=frozenset(d.lower() for d in _csv(e.get("ICUCOACH_ALLOW_EMAIL_DOMAINS"))),
                invite_codes=_csv(e.get("ICUCOACH_INVITE_CODES")),
            ),
            admins=_csv(e.get("ICUCOACH_ADMIN_ATHLETES")),
            rate_per_minute=int(positive("ICUCOACH_RATE_PER_MINUTE", 120)),
            anonymous_per_minute=int(positive("ICUCOACH_ANONYMOUS_PER_MINUTE", 30)),
            upstream_per_second=positive("ICUCOACH_UPSTREAM_PER_SECOND", 10.0),
        )


__all__ = ["ServiceSettings", "SettingsError", "SignupPolicy", "default_database_url"]
