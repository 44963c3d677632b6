"""Fixtures for the service's page tests, reusable by the end-to-end scenarios: the service (pages and MCP)
on a free port in front of the sandbox, a real SMTP sink as its mail server, an httpx "browser" that signs
in through the sandbox's real consent page, and a real Chromium (Debian's ``chromium``, Playwright).

Without Chromium the browser tests skip locally with the reason, and fail under CI (``CI`` set) — CI
installs the package, so a missing one there is a broken setup, not a reason to pass.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from icucoach.sandbox import RunningSandbox
from icucoach.service.app import create_app
from icucoach.serving import free_port, serve_in_background
from service.service_helpers import RunningService, Sink, settings_for, smtp_sink, text_part

CHROMIUM = os.environ.get("ICUCOACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Mail:
    to: str
    subject: str
    text: str

    def link(self, kind: str = "confirm") -> str:
        """The message's ``/coach/<kind>/<token>`` link."""
        found = re.search(rf"https?://\S+/coach/{kind}/[\w-]+", self.text)
        assert found, f"no /coach/{kind}/ link in {self.text!r}"
        return found.group(0)

    def coach_url(self) -> str:
        found = re.search(r"https?://\S+/c/[\w-]+/mcp", self.text)
        assert found, f"no coach URL in {self.text!r}"
        return found.group(0)


@dataclass
class Inbox:
    """What the real SMTP sink received (the service sends through ``SmtpMailer``, as in production)."""

    sink: Sink

    @property
    def sent(self) -> list[Mail]:
        return [
            Mail(rcpt, str(msg["subject"]), text_part(msg))
            for _, rcpts, msg in self.sink.received
            for rcpt in rcpts
        ]

    def last_to(self, to: str, subject: str | None = None, wait: float = 10.0) -> Mail:
        """The latest message to ``to`` (with ``subject``), waiting: emails go out from a background job."""
        deadline = time.monotonic() + wait

        def matching() -> list[Mail]:
            return [m for m in self.sent if m.to == to and subject in (None, m.subject)]

        while not (mails := matching()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mails, f"no email to {to} ({subject}); sent: {[(m.to, m.subject) for m in self.sent]}"
        return mails[-1]

    def count_to(self, to: str) -> int:
        return sum(1 for m in self.sent if m.to == to)


@dataclass
class WebService(RunningService):
    """The service with its mail going to a real SMTP sink (``inbox``)."""

    inbox: Inbox = field(default_factory=lambda: Inbox(Sink(0)))
    app_port: int = 0


@contextmanager
def web_service(sb: RunningSandbox, db: Path, **env: Any) -> Iterator[WebService]:
    port = free_port()
    with smtp_sink() as sink:
        env.setdefault("ICUCOACH_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
        settings = settings_for(sb, db, port, **env)
        app = create_app(settings)
        with serve_in_background(app, port=port):
            yield WebService(settings.public_url, app, settings, Inbox(sink), port)


def athletes(sb: RunningSandbox) -> list[str]:
    return [a.athlete_id for a in sb.world.accounts if a.role == "athlete"]


@pytest.fixture(scope="module")
def web(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebService]:
    """The service with pages; the first sandbox athlete is its admin."""
    db = tmp_path_factory.mktemp("web") / "service.db"
    with web_service(sb, db, ICUCOACH_ADMIN_ATHLETES=athletes(sb)[0]) as running:
        yield running


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


def consent(sb: RunningSandbox, authorize_url: str, athlete_id: str, decision: str = "approve") -> str:
    """Answer the sandbox's consent page as a person would; returns the callback URL it redirects to."""
    q = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    with httpx.Client(base_url=sb.base_url) as http:
        answer = http.post(
            "/oauth/authorize",
            data={
                **{k: q[k] for k in ("client_id", "redirect_uri", "scope", "state")},
                "athlete_id": athlete_id,
                "decision": decision,
            },
        )
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def start_connect(client: httpx.Client, invite: str | None = None) -> str:
    """Press Connect on /connect; returns the Intervals.icu authorize URL the service redirects to."""
    page = client.get("/connect")
    data = {"csrf": csrf_of(page.text)}
    if invite is not None:
        data["invite"] = invite
    answer = client.post("/connect", data=data)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def sign_in(client: httpx.Client, sb: RunningSandbox, athlete_id: str) -> httpx.Response:
    """The whole sign-in for ``athlete_id``; returns the callback's answer (303 to /dashboard)."""
    callback = consent(sb, start_connect(client), athlete_id)
    return client.get(callback)


def ensure_connected(web: WebService, sb: RunningSandbox, athlete_id: str) -> None:
    """``athlete_id`` has an account on ``web`` (signed up through the pages if not yet)."""
    account = web.store.account(athlete_id)
    if account is None or account.status != "connected":
        with httpx.Client(base_url=web.url, follow_redirects=False, timeout=30) as http:
            assert sign_in(http, sb, athlete_id).status_code == 303


@pytest.fixture
def client(web: WebService) -> Iterator[httpx.Client]:
    """A cookie-keeping HTTP client on the service that does not follow redirects."""
    with httpx.Client(base_url=web.url, follow_redirects=False, timeout=30) as http:
        yield http


# -- real Chromium ----------------------------------------------------------------------------------------
def chromium_or_skip() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
        why = "Playwright for Python is not installed (pip install -c constraints.txt -e '.[dev]')"
    else:
        why = f"Chromium not found at {CHROMIUM} (install it: apt-get install -y chromium)"
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must have it for the browser tests")
        pytest.skip(why)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def new_page(browser: Any, web: WebService, phone: bool = False) -> Any:
    """A page in a fresh browser context (own cookies), desktop or phone-sized, may use the clipboard."""
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone, device_scale_factor=1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.url)
    return context.new_page()


def connect_in_browser(page: Any, web: WebService, sb: RunningSandbox, athlete_id: str) -> None:
    """From the landing page through the sandbox's consent page to the dashboard, as a person clicks."""
    page.goto(web.url + "/")
    page.get_by_role("button", name="Connect with Intervals.icu").first.click()
    page.wait_for_url(f"{sb.base_url}/oauth/authorize*")
    page.select_option("select[name=athlete_id]", athlete_id)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{web.url}/dashboard")


def copy_secret_url(page: Any) -> str:
    """On the dashboard: reveal the secret MCP URL, press its Copy button, return what the clipboard holds."""
    page.get_by_text("Show the secret URL").click()
    page.locator('button.copy[data-copy="secret-url"]').click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    return str(page.evaluate("navigator.clipboard.readText()"))


def shoot(page: Any, name: str) -> Path:
    """A full-page screenshot under tests/service/artifacts/ (kept by CI as an artefact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


UNLABELLED_JS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120))"""


def unlabelled(page: Any) -> list[str]:
    """Form controls a screen reader could not name."""
    return list(page.evaluate(UNLABELLED_JS))
