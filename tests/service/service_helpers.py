"""Helpers for the hosted-service tests: a service on a free port in front of the sandbox, an Intervals.icu
OAuth token obtained through the sandbox's real consent + token endpoints, and the official MCP client on a
service URL."""

from __future__ import annotations

import email
import email.policy
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from mcp.client.streamable_http import streamable_http_client

from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from icucoach.service.app import create_app
from icucoach.service.settings import ServiceSettings
from icucoach.serving import free_port, serve_in_background
from mcp import Client

# The MCP suite's result helpers (tests/mcp is a rootdir, not a package): one copy for both suites.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mcp"))
from mcp_helpers import error_text, structured

__all__ = ["error_text", "structured"]

SCOPE = "ACTIVITY:READ,WELLNESS:READ,CALENDAR:WRITE,SETTINGS:READ"


def sandbox_token(sb: RunningSandbox, athlete_id: str, scope: str = SCOPE) -> tuple[str, str]:
    """(access token, granted scope) for ``athlete_id`` through the sandbox's OAuth endpoints."""
    redirect = "http://127.0.0.1/cb"
    with httpx.Client(base_url=sb.base_url, follow_redirects=False) as http:
        answer = http.post(
            "/oauth/authorize",
            data={
                "client_id": SANDBOX_OAUTH_CLIENT.client_id,
                "redirect_uri": redirect,
                "scope": scope,
                "state": "s",
                "athlete_id": athlete_id,
                "decision": "approve",
            },
        )
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        token = http.post(
            "/api/oauth/token",
            data={
                "client_id": SANDBOX_OAUTH_CLIENT.client_id,
                "client_secret": SANDBOX_OAUTH_CLIENT.client_secret,
                "code": code,
            },
        ).json()
    return token["access_token"], token["scope"]


def settings_for(sb: RunningSandbox, db: Path | str, port: int, **extra: Any) -> ServiceSettings:
    env = {
        "ICUCOACH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ICUCOACH_DATABASE_URL": str(db) if "://" in str(db) else f"sqlite:///{db}",
        "ICUCOACH_SECRET_KEYS": Fernet.generate_key().decode(),
        "INTERVALS_OAUTH_CLIENT_ID": SANDBOX_OAUTH_CLIENT.client_id,
        "INTERVALS_OAUTH_CLIENT_SECRET": SANDBOX_OAUTH_CLIENT.client_secret,
        "INTERVALS_BASE_URL": sb.base_url,
        "INTERVALS_WEBHOOK_SECRET": "hook-secret-for-tests",
        "ICUCOACH_DEV": "1",
        # every test client comes from 127.0.0.1: the per-address limit is tested on its own
        "ICUCOACH_ANONYMOUS_PER_MINUTE": "100000",
        **{k: str(v) for k, v in extra.items()},
    }
    return ServiceSettings.from_env(env)


@dataclass
class Sink:
    """What the SMTP server received: one parsed message per DATA."""

    port: int
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


def text_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@contextmanager
def smtp_sink() -> Iterator[Sink]:
    """A real SMTP server (aiosmtpd) on a free port that keeps what it receives."""
    box = Sink(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class RunningService:
    url: str
    app: Any
    settings: ServiceSettings

    @property
    def hub(self) -> Any:
        return self.app.hub

    @property
    def store(self) -> Any:
        return self.app.hub.store


@contextmanager
def running_service(sb: RunningSandbox, db: Path | str, **extra: Any) -> Iterator[RunningService]:
    port = free_port()
    settings = settings_for(sb, db, port, **extra)
    app = create_app(settings)
    with serve_in_background(app, port=port):
        yield RunningService(settings.public_url, app, settings)


def connect_athlete(svc: RunningService, sb: RunningSandbox, athlete_id: str, scope: str = SCOPE) -> str:
    """Sign ``athlete_id`` up as the OAuth flow would (token from the sandbox) and return their personal
    MCP URL."""
    token, granted = sandbox_token(sb, athlete_id, scope)
    svc.store.upsert_account(athlete_id, None, None, token, granted)
    return f"{svc.url}/u/{svc.store.url_token(athlete_id, 'mcp')}/mcp"


def audit_when(store: Any, athlete_id: str, ready: Any, timeout: float = 5.0) -> list[Any]:
    """The athlete's audit entries once ``ready(entries)`` holds (the service writes them in batches, a
    fraction of a second after the calls)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        entries = store.activity(athlete_id)
        if ready(entries) or time.monotonic() > deadline:
            return list(entries)
        time.sleep(0.05)


@asynccontextmanager
async def mcp_client(
    url: str, mode: str = "legacy", headers: dict[str, str] | None = None
) -> AsyncIterator[Client]:
    async with (
        httpx2.AsyncClient(timeout=120, headers=headers or {}) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
    ):
        yield client
