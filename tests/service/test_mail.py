"""Outgoing email against a real local SMTP server (``aiosmtpd`` on a free port): what arrives, what the
coach can click, and the one clear error for every way SMTP can fail."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from icucoach.service.mail import (
    ConsoleMailer,
    MailError,
    SmtpMailer,
    coach_invite,
    coach_url,
    coach_url_regenerated,
    send_message,
)
from service.service_helpers import Sink, text_part

USER, PASSWORD = "relay-user", "s3cret p@ss"
CONFIRM = "http://127.0.0.1:8800/coach/confirm/Zx8_token-abc"
EXPIRES = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.fixture
def sink() -> Iterator[Sink]:
    port = _free_port()
    box = Sink(port)
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


async def test_invite_arrives_with_its_link(sink: Sink) -> None:
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{sink.port}", "icucoach <noreply@coach.example>")
    invite = coach_invite(
        to="coach@example.org",
        athlete_name="Maya Lindqvist",
        tools=["icu_get_fitness", "icu_list_activities", "icu_list_events"],
        confirm_url=CONFIRM,
        expires_at=EXPIRES,
    )
    await send_message(mailer, invite)
    assert len(sink.received) == 1
    mail_from, rcpt, msg = sink.received[0]
    assert (mail_from, rcpt) == ("noreply@coach.example", ["coach@example.org"])
    assert msg["Subject"] == "Maya Lindqvist invited you to coach them on icucoach"
    text = text_part(msg)
    links = [w for w in text.split() if w.startswith("http")]
    assert links == [CONFIRM]  # the one link in the body is exactly the confirmation link
    assert "read their fitness, fatigue and form" in text
    assert "read-only access" in text
    assert "Tuesday 1 December 2026, 18:00 UTC" in text
    html = msg.get_body(preferencelist=("html",))
    assert html is not None and f'href="{CONFIRM}"' in str(html.get_content())


async def test_login_and_refused_login(sink: Sink) -> None:
    quoted = PASSWORD.replace("@", "%40").replace(" ", "%20")
    good = SmtpMailer.from_url(f"smtp://{USER}:{quoted}@127.0.0.1:{sink.port}", "noreply@coach.example")
    assert PASSWORD not in repr(good) and quoted not in repr(good)
    await good.send("coach@example.org", "hi", "text")
    assert len(sink.received) == 1

    bad = SmtpMailer.from_url(f"smtp://{USER}:wrong-pw@127.0.0.1:{sink.port}", "noreply@coach.example")
    with pytest.raises(MailError) as err:
        await bad.send("coach@example.org", "hi", "text")
    message = str(err.value)
    assert f"127.0.0.1:{sink.port}" in message and "refused the login" in message and USER in message
    assert "wrong-pw" not in message


async def test_dead_port_gives_clear_error() -> None:
    port = _free_port()  # bound and released: nothing listens there
    mailer = SmtpMailer.from_url(f"smtps://u:hunter2@127.0.0.1:{port}", "noreply@coach.example", timeout=3)
    with pytest.raises(MailError) as err:
        await mailer.send("coach@example.org", "hi", "text")
    message = str(err.value)
    assert message.startswith(f"cannot connect to SMTP server 127.0.0.1:{port}")
    assert "ICUCOACH_SMTP_URL" in message and "hunter2" not in message and "mail server is running" in message
    assert err.value.__cause__ is None and err.value.__suppress_context__  # no chained traceback to log


async def test_starttls_required_but_not_offered(sink: Sink) -> None:
    mailer = SmtpMailer.from_url(f"smtp+starttls://127.0.0.1:{sink.port}", "noreply@coach.example")
    with pytest.raises(MailError, match=r"does not offer STARTTLS.*smtps://"):
        await mailer.send("coach@example.org", "hi", "text")
    assert sink.received == []


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://mail.example", "must start with smtp://"),
        ("smtp://", "names no host"),
        ("smtps://mail.example:notaport", "invalid port"),
    ],
)
def test_bad_urls(url: str, fragment: str) -> None:
    with pytest.raises(MailError, match=fragment):
        SmtpMailer.from_url(url, "noreply@coach.example")


def test_default_ports_and_security() -> None:
    assert (
        SmtpMailer.from_url("smtps://h", "a@b.c").port,
        SmtpMailer.from_url("smtps://h", "a@b.c").security,
    ) == (
        465,
        "tls",
    )
    starttls = SmtpMailer.from_url("smtp+starttls://h", "a@b.c")
    assert (starttls.port, starttls.security) == (587, "starttls")
    assert SmtpMailer.from_url("smtp://h:2525", "a@b.c").port == 2525


async def test_console_mailer_prints_one_block(capsys: pytest.CaptureFixture[str]) -> None:
    mailer = ConsoleMailer()
    msg = coach_url(
        to="coach@example.org",
        mcp_url="http://127.0.0.1:8800/c/SECRET-coach-token/mcp",
        coach_page_url="http://127.0.0.1:8800/coach",
        athletes=["Maya Lindqvist"],
    )
    await send_message(mailer, msg)
    out = capsys.readouterr().out
    assert "To:      coach@example.org" in out and "Subject: Your icucoach coach URL" in out
    assert "    http://127.0.0.1:8800/c/SECRET-coach-token/mcp\n" in out
    assert "    http://127.0.0.1:8800/coach\n" in out
    assert "Keep it secret" not in out  # links only, not the body
    assert out.count("─" * 72) == 2
    assert mailer.outbox[-1] == msg


def test_coach_url_and_regenerated_wording() -> None:
    msg = coach_url(
        to="c@x.org", mcp_url="https://svc.example/c/t/mcp", coach_page_url="https://svc.example/coach"
    )
    assert msg.links == ["https://svc.example/c/t/mcp", "https://svc.example/coach"]
    assert "Claude" in msg.text and "ChatGPT" in msg.text and "Add custom connector" in msg.text
    notice = coach_url_regenerated(
        to="c@x.org", coach_page_url="https://svc.example/coach", at=EXPIRES - timedelta(days=1)
    )
    assert notice.links == ["https://svc.example/coach"]  # the notice never carries the new secret URL
    assert "Monday 30 November 2026, 18:00 UTC" in notice.text


def test_invite_with_write_tools_is_not_called_read_only() -> None:
    msg = coach_invite(
        to="c@x.org",
        athlete_name="A <script>",
        tools=["icu_list_events", "icu_create_workout"],
        confirm_url=CONFIRM,
        expires_at=EXPIRES,
    )
    assert "add workouts to their calendar" in msg.text and "read-only" not in msg.text
    assert msg.html is not None and "A &lt;script&gt;" in msg.html and "<script>" not in msg.html


# ------------------------------------------------------------------------------------------ TLS
@dataclass
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext  # trusts the test certificate (and nothing else)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A throwaway certificate for 127.0.0.1, so the TLS paths run against a real handshake."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    d: Path = tmp_path_factory.mktemp("tls")
    (d / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(d / "cert.pem", d / "key.pem")
    client = ssl.create_default_context(cafile=str(d / "cert.pem"))
    return Tls(server, client)


def _serve(box: Sink, **kwargs: Any) -> Controller:
    controller = Controller(box, hostname="127.0.0.1", port=box.port, authenticator=_authenticate, **kwargs)
    controller.start()
    return controller


async def test_starttls_then_login(tls: Tls) -> None:
    box = Sink(_free_port())
    controller = _serve(box, tls_context=tls.server, require_starttls=True)  # AUTH only after STARTTLS
    try:
        url = (
            f"smtp+starttls://{USER}:{PASSWORD.replace('@', '%40').replace(' ', '%20')}@127.0.0.1:{box.port}"
        )
        mailer = SmtpMailer.from_url(url, "noreply@coach.example", tls_context=tls.client)
        await mailer.send("coach@example.org", "over STARTTLS", "text")
        # plain smtp:// upgrades too when the server offers STARTTLS
        opportunistic = SmtpMailer.from_url(
            url.replace("smtp+starttls", "smtp"), "noreply@coach.example", tls_context=tls.client
        )
        await opportunistic.send("coach@example.org", "opportunistic", "text")
    finally:
        controller.stop()
    assert [m["Subject"] for _, _, m in box.received] == ["over STARTTLS", "opportunistic"]


async def test_implicit_tls_and_untrusted_certificate(tls: Tls) -> None:
    box = Sink(_free_port())
    controller = _serve(box, ssl_context=tls.server, auth_require_tls=False)
    try:
        url = f"smtps://127.0.0.1:{box.port}"
        await SmtpMailer.from_url(url, "noreply@coach.example", tls_context=tls.client).send(
            "coach@example.org", "over TLS", "text"
        )
        untrusting = SmtpMailer.from_url(url, "noreply@coach.example", timeout=5)  # system CAs only
        with pytest.raises(MailError) as err:
            await untrusting.send("coach@example.org", "x", "text")
    finally:
        controller.stop()
    assert [m["Subject"] for _, _, m in box.received] == ["over TLS"]
    assert f"127.0.0.1:{box.port}" in str(err.value)
    assert "TLS certificate is not trusted" in str(err.value) and "SSL_CERT_FILE" in str(err.value)
