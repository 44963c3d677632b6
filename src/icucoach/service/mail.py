"""Outgoing email of the hosted service: the coach invitation, the coach's MCP URL, and the notice that a
coach URL was regenerated.

Owns the ``Mailer`` interface and its two implementations, and the wording of every message:

- :class:`SmtpMailer` sends through any SMTP server (``aiosmtplib``). ``ICUCOACH_SMTP_URL`` picks the
  transport security by scheme:

  ====================================  =============================================================
  ``smtps://user:pass@host[:465]``      implicit TLS from the first byte (port 465 style)
  ``smtp+starttls://user:pass@host``    plain connect, then STARTTLS is **required** (port 587 style)
  ``smtp://[user:pass@]host[:25]``      STARTTLS when the server offers it, else plain; a password is
                                        then only sent to a loopback host (a local relay or a test
                                        sink), never in clear text over the network
  ====================================  =============================================================

  User and password are percent-decoded (``%40`` for ``@``). Every failure (DNS, refused connection,
  timeout, TLS, login, rejected recipient) becomes one :class:`MailError` naming host and port and the
  fix; the password never appears in it, nor in ``repr``.
- :class:`ConsoleMailer` (``icucoach serve --dev/--demo``) sends nothing: it prints recipient, subject and
  the message's links as one block on stdout, so a developer can click the confirmation link.

The messages are Jinja2 templates (``templates/mail/<kind>.txt.j2`` and ``.html.j2``); the builders
(:func:`coach_invite`, :func:`coach_url`, :func:`coach_url_regenerated`) return a :class:`Message`.
"""

from __future__ import annotations

import ipaddress
import re
import ssl
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TIMEOUT_SECONDS = 15.0
_TEMPLATES = Path(__file__).parent / "templates" / "mail"
_LINK = re.compile(r"https?://[^\s<>\"')]+")


class MailError(Exception):
    """An email could not be sent; the message says where and what to fix (never a secret)."""


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None

    @property
    def links(self) -> list[str]:
        """The http(s) links of the plain-text body, in order, without duplicates."""
        return list(dict.fromkeys(_LINK.findall(self.text)))


class Mailer(Protocol):
    async def send(self, to: str, subject: str, text: str, html: str | None = None) -> None: ...


async def send_message(mailer: Mailer, message: Message) -> None:
    await mailer.send(message.to, message.subject, message.text, message.html)


# ------------------------------------------------------------------------------------------ SMTP
_SCHEMES = {"smtp": (25, "opportunistic"), "smtp+starttls": (587, "starttls"), "smtps": (465, "tls")}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpMailer:
    """Sends through an SMTP server; one short connection per message (mail volume is tiny)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        mail_from: str,
        security: str = "opportunistic",
        username: str | None = None,
        password: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in ("opportunistic", "starttls", "tls"):
            raise ValueError(f"unknown SMTP security {security!r}")
        self.host, self.port, self.security = host, port, security
        self.mail_from = mail_from
        self.username = username
        self._password = password
        self.timeout = timeout
        self._tls_context = tls_context

    @classmethod
    def from_url(
        cls,
        smtp_url: str,
        mail_from: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        tls_context: ssl.SSLContext | None = None,
    ) -> SmtpMailer:
        """``smtp://``, ``smtp+starttls://`` or ``smtps://`` (see the module docstring). ``tls_context``
        defaults to the system's trusted CAs with hostname checks."""
        parts = urlsplit(smtp_url.strip())
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES:
            raise MailError(
                f"ICUCOACH_SMTP_URL must start with smtp://, smtp+starttls:// or smtps:// "
                f"(got {scheme + '://' if scheme else 'no scheme'}); e.g. smtps://user:password@mail.example:465"
            )
        try:
            host, port = parts.hostname, parts.port
        except ValueError:  # a non-numeric or out-of-range port
            raise MailError(
                "ICUCOACH_SMTP_URL has an invalid port; e.g. smtp+starttls://user:pw@host:587"
            ) from None
        if not host:
            raise MailError(
                "ICUCOACH_SMTP_URL names no host; e.g. smtp+starttls://user:password@mail.example:587"
            )
        if not parseaddr(mail_from)[1] or "@" not in parseaddr(mail_from)[1]:
            raise MailError(
                f"the sender address {mail_from!r} is not an email address: set ICUCOACH_MAIL_FROM"
            )
        default_port, security = _SCHEMES[scheme]
        return cls(
            host,
            port or default_port,
            mail_from=mail_from,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            timeout=timeout,
            tls_context=tls_context,
        )

    def __repr__(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"SmtpMailer({self.security} {user}{self.host}:{self.port}, from={self.mail_from!r})"

    def _where(self) -> str:
        return f"SMTP server {self.host}:{self.port}"

    def build(self, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.mail_from
        msg["To"] = to
        msg["Subject"] = " ".join(subject.split())  # a header is one line (names come from users)
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        domain = parseaddr(self.mail_from)[1].rpartition("@")[2] or None
        msg["Message-ID"] = make_msgid(domain=domain)
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        return msg

    async def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        if not parseaddr(to)[1] or "@" not in to or any(c in to for c in "\r\n"):
            raise MailError(f"cannot send email to {to!r}: not an email address")
        message = self.build(to, subject, text, html)
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.security == "tls",
            start_tls=False,  # decided below, after EHLO, so the opportunistic rule can be applied
            timeout=self.timeout,
            tls_context=self._tls_context,
        )
        try:
            await client.connect()
            await client.ehlo()  # the extensions (STARTTLS, AUTH) are only known after EHLO
            if self.security == "starttls" or (
                self.security == "opportunistic" and client.supports_extension("starttls")
            ):
                if not client.supports_extension("starttls"):
                    raise MailError(
                        f"{self._where()} does not offer STARTTLS, which smtp+starttls:// requires; "
                        "use smtps:// if it speaks TLS on connect (usually port 465)"
                    )
                await client.starttls()
            if self.username is not None:
                if client.get_transport_info("sslcontext") is None and not _is_loopback(self.host):
                    raise MailError(
                        f"{self._where()} offers no TLS, so the SMTP password would cross the network in "
                        "clear text; use smtps:// or smtp+starttls:// in ICUCOACH_SMTP_URL"
                    )
                await client.login(self.username, self._password or "")
            await client.send_message(message)
        except MailError:
            raise
        except aiosmtplib.SMTPAuthenticationError:
            raise MailError(
                f"{self._where()} refused the login of user {self.username!r}: check the user and password "
                "in ICUCOACH_SMTP_URL (percent-encode special characters, e.g. %40 for @)"
            ) from None
        except aiosmtplib.SMTPRecipientsRefused:
            raise MailError(f"{self._where()} refused the recipient {to!r}") from None
        except aiosmtplib.SMTPSenderRefused:
            raise MailError(
                f"{self._where()} refused the sender {self.mail_from!r}: set ICUCOACH_MAIL_FROM to an "
                "address this server may send as"
            ) from None
        except (aiosmtplib.SMTPTimeoutError, TimeoutError):
            raise MailError(
                f"{self._where()} did not answer within {self.timeout:g} s: check the host and port in "
                "ICUCOACH_SMTP_URL and that a firewall lets the service reach it"
            ) from None
        except (ssl.SSLError, aiosmtplib.SMTPException, OSError) as exc:
            verb = (
                "cannot connect to" if isinstance(exc, aiosmtplib.SMTPConnectError) else "sending email via"
            )
            reason = _reason(exc)
            if self._password:  # belt and braces: a server could echo what it was sent
                reason = reason.replace(self._password, "***")
            raise MailError(f"{verb} {self._where()} ({reason}): {_hint(exc)}") from None
        finally:
            if client.is_connected:
                try:
                    await client.quit()
                except (TimeoutError, aiosmtplib.SMTPException, OSError):
                    client.close()


def _hint(exc: BaseException) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return (
            "the mail server's TLS certificate is not trusted; give it a certificate from a public CA, "
            "or point SSL_CERT_FILE at your private CA"
        )
    if "WRONG_VERSION_NUMBER" in text or "record layer" in text:
        return "the server does not speak TLS on connect: use smtp+starttls:// (usually port 587)"
    if isinstance(exc, ssl.SSLError) or "tls" in text.lower():
        return (
            "check the scheme in ICUCOACH_SMTP_URL: smtps:// for TLS on connect (465), smtp+starttls:// (587)"
        )
    if isinstance(exc, aiosmtplib.SMTPConnectError):
        return "check the host and port in ICUCOACH_SMTP_URL and that the mail server is running"
    return "check ICUCOACH_SMTP_URL and the mail server's log"


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


# ------------------------------------------------------------------------------------------ console
class ConsoleMailer:
    """Dev/demo mailer: prints who would get what, and the message's links, as one block on stdout.

    The body is not printed (it adds nothing a developer needs); the links are, since following them is
    the point in dev. ``outbox`` keeps the last messages for a dev page or a demo script."""

    def __init__(self, stream: TextIO | None = None, keep: int = 50) -> None:
        self._stream = stream
        self.outbox: deque[Message] = deque(maxlen=keep)

    async def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        message = Message(to=to, subject=subject, text=text, html=html)
        self.outbox.append(message)
        rule = "─" * 72
        lines = [
            rule,
            "icucoach email (dev mode: printed, not sent)",
            f"  To:      {to}",
            f"  Subject: {subject}",
        ]
        links = message.links
        lines.append("  Links:" if links else "  Links:   (none)")
        lines += [f"    {link}" for link in links]
        lines.append(rule)
        stream = self._stream or sys.stdout
        stream.write("\n".join(lines) + "\n")  # one write: the block is not interleaved with log lines
        stream.flush()


# ------------------------------------------------------------------------------------------ messages
_env = Environment(
    loader=FileSystemLoader(str(_TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

# What a granted MCP tool lets the coach do, said to the coach ("their" = the athlete's). Unknown tools
# fall back to their name.
TOOL_WORDS: dict[str, str] = {
    "icu_list_athletes": "see which athletes you coach",
    "icu_select_athlete": "switch between your athletes",
    "icu_get_profile": "read their profile and thresholds (FTP, threshold pace, heart-rate zones)",
    "icu_list_activities": "list their completed activities",
    "icu_get_activity": "read a completed activity in detail",
    "icu_get_streams": "read the recorded data of an activity (power, heart rate, pace over time)",
    "icu_get_wellness": "read their wellness records (HRV, sleep, resting heart rate, weight)",
    "icu_get_fitness": "read their fitness, fatigue and form",
    "icu_get_curves": "read their power, pace and heart-rate curves",
    "icu_get_best_efforts": "read their personal bests",
    "icu_get_training_summary": "read their training totals and intensity distribution",
    "icu_get_training_status": "read their daily training status digest",
    "icu_list_events": "read their calendar (planned workouts, races, notes)",
    "icu_preview_workout": "check a workout against their zones (nothing is written)",
    "icu_create_workout": "add workouts to their calendar",
    "icu_update_workout": "change planned workouts on their calendar",
    "icu_delete_events": "delete items from their calendar",
    "icu_add_note": "put notes on their calendar",
}
WRITE_TOOLS = frozenset({"icu_create_workout", "icu_update_workout", "icu_delete_events", "icu_add_note"})


def tool_words(tools: Sequence[str]) -> list[str]:
    return [TOOL_WORDS.get(t, t.removeprefix("icu_").replace("_", " ")) for t in dict.fromkeys(tools)]


def _render(kind: str, to: str, subject: str, **context: object) -> Message:
    context = {"subject": subject, **context}
    text = _env.get_template(f"{kind}.txt.j2").render(**context)
    html = _env.get_template(f"{kind}.html.j2").render(**context)
    return Message(to=to, subject=subject, text=text, html=html)


def _when(at: datetime) -> str:
    """``Tuesday 1 December 2026, 18:00 UTC`` (aware datetimes are shown in UTC, the one zone all share)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
        return f"{at:%A} {at.day} {at:%B %Y, %H:%M} UTC"
    return f"{at:%A} {at.day} {at:%B %Y, %H:%M}"


def coach_invite(
    *,
    to: str,
    athlete_name: str,
    tools: Sequence[str],
    confirm_url: str,
    expires_at: datetime,
) -> Message:
    """Sent to a coach the athlete invited: who, what they may do, and the confirmation link."""
    return _render(
        "coach_invite",
        to,
        f"{athlete_name} invited you to coach them on icucoach",
        athlete_name=athlete_name,
        granted=tool_words(tools),
        can_write=any(t in WRITE_TOOLS for t in tools),
        confirm_url=confirm_url,
        expires=_when(expires_at),
    )


def coach_url(*, to: str, mcp_url: str, coach_page_url: str, athletes: Sequence[str] = ()) -> Message:
    """The coach's personal MCP URL (a secret) with how to add it to Claude or ChatGPT."""
    return _render(
        "coach_url",
        to,
        "Your icucoach coach URL",
        mcp_url=mcp_url,
        coach_page_url=coach_page_url,
        athletes=list(athletes),
    )


def coach_url_regenerated(*, to: str, coach_page_url: str, at: datetime) -> Message:
    """Security notice: the old coach URL stopped working (no new URL in it: that is on the coach page)."""
    return _render(
        "coach_url_regenerated",
        to,
        "Your icucoach coach URL was changed",
        coach_page_url=coach_page_url,
        when=_when(at),
    )


__all__ = [
    "ConsoleMailer",
    "MailError",
    "Mailer",
    "Message",
    "SmtpMailer",
    "coach_invite",
    "coach_url",
    "coach_url_regenerated",
    "send_message",
    "tool_words",
]
