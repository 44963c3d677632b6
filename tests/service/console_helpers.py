"""What the coach console's tests share: the 12-athlete squad sandbox (planted personas, today pinned), the
local console (``icucoach console``'s app with the coach's key) on a free port, and the hosted service with a
coach who was granted some of the squad through the real confirm-link flow."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import PERSONAS, squad_ids
from icucoach.service import grants
from icucoach.service.web.console_hosts import LocalProvider, local_app
from icucoach.serving import serve_in_background
from service.conftest import WebService, csrf_of, web_service
from service.service_helpers import connect_athlete

TODAY = date(2026, 11, 23)
SQUAD = 12
PERSONA_ID = dict(zip(PERSONAS, squad_ids(SQUAD), strict=False))
COACH_EMAIL = "squad-coach@example.org"
ROW = re.compile(r'<tr class="sev-row-(\w+)" data-athlete="(i\d+)">')


@contextmanager
def squad_sandbox() -> Iterator[RunningSandbox]:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False, squad=SQUAD)) as running:
        yield running


@dataclass
class LocalConsole:
    url: str
    provider: LocalProvider


@contextmanager
def local_console(sb: RunningSandbox) -> Iterator[LocalConsole]:
    """The app ``icucoach console`` serves, with the squad coach's key, on a free port."""
    coach = sb.account("coach")
    client = IntervalsClient(ClientSettings(api_key=coach.api_key, base_url=sb.base_url))
    provider = LocalProvider(client, today=TODAY)
    with serve_in_background(local_app(provider)) as port:
        yield LocalConsole(f"http://127.0.0.1:{port}", provider)


@contextmanager
def pinned_today() -> Iterator[None]:
    """The service reads ``ICUCOACH_TODAY`` when it builds its hub (the sandbox's today is pinned too)."""
    before = os.environ.get("ICUCOACH_TODAY")
    os.environ["ICUCOACH_TODAY"] = TODAY.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ICUCOACH_TODAY", None)
        else:
            os.environ["ICUCOACH_TODAY"] = before


@contextmanager
def hosted(sb: RunningSandbox, db: Path) -> Iterator[WebService]:
    with pinned_today(), web_service(sb, db) as running:
        yield running


def grant(web: WebService, sb: RunningSandbox, athlete_id: str, preset: str, email: str = COACH_EMAIL) -> str:
    """``athlete_id`` (connected through OAuth) invites the coach with ``preset``; returns the confirm link's
    path (the coach opens it to sign in to the pages)."""
    if web.store.account(athlete_id) is None:
        connect_athlete(web, sb, athlete_id)
    _, token = web.store.invite_coach(athlete_id, email, grants.names_in(grants.PRESETS[preset]), 3600)
    return f"/coach/confirm/{token}"


def open_link(client: httpx.Client, path: str) -> None:
    """Open an emailed confirm link as a coach does: the page, then its button (signs the browser in)."""
    shown = client.get(path)
    assert shown.status_code == 200, shown.text
    used = client.post(path, data={"csrf": csrf_of(shown.text)})
    assert used.status_code == 303 and used.headers["location"] == "/coach/me", used.text


def rows(html: str) -> list[tuple[str, str]]:
    """The squad table's (severity, athlete id) rows, in page order."""
    return [(sev, aid) for sev, aid in ROW.findall(html)]


__all__ = [
    "COACH_EMAIL",
    "PERSONA_ID",
    "SQUAD",
    "TODAY",
    "LocalConsole",
    "grant",
    "hosted",
    "local_console",
    "open_link",
    "rows",
    "squad_sandbox",
]
