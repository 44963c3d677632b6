"""Failures to connect: said as what they are (unknown host, refused, no network), naming the base URL the
user chose, and not retried for seconds when that URL is the user's own (a sandbox, a proxy).

A closed port and a ``.invalid`` host (RFC 2606: never resolves) are real; the default intervals.icu host is
reached through an httpx transport that fails like an offline machine does (httpx is not our code).
"""

from __future__ import annotations

import socket

import httpx
import pytest

from icucoach.exitcodes import Exit
from icucoach.intervals import ClientSettings, IntervalsClient, UpstreamUnavailableError
from icucoach.intervals.config import DEFAULT_BASE_URL
from icucoach.intervals.errors import UnreachableError
from icucoach.intervals.transport import connect_failure_reason
from icucoach.serving import free_port

from .conftest import FAST


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


async def read_athlete(base_url: str, **overrides: object) -> tuple[UnreachableError, int]:
    settings = ClientSettings(api_key="k", base_url=base_url, **{**FAST, **overrides})
    async with IntervalsClient(settings) as icu:
        with pytest.raises(UpstreamUnavailableError) as caught:
            await icu.get_athlete()
        assert isinstance(caught.value, UnreachableError), repr(caught.value)
        return caught.value, icu.request_count


async def test_a_closed_port_names_the_url_and_is_not_retried() -> None:
    url = closed_port_url()
    err, requests = await read_athlete(url)
    assert err.reason == "refused" and err.base_url == url
    assert url in err.summary and "refused" in err.summary
    assert "INTERVALS_BASE_URL" in err.hint and "icucoach sandbox" in err.hint
    assert "Intervals.icu" not in err.summary and "try again in a minute" not in str(err)
    assert err.exit_code == Exit.UPSTREAM
    assert requests == 1  # no retries, no seconds of backoff in front of a wrong URL


async def test_an_unknown_host_names_the_url_and_is_not_retried() -> None:
    url = "http://icucoach-test.invalid"
    err, requests = await read_athlete(url)
    assert err.reason == "dns"
    assert url in err.summary and "does not resolve" in err.summary
    assert "INTERVALS_BASE_URL" in err.hint and "host name" in err.hint
    assert requests == 1


class OfflineTransport(httpx.AsyncBaseTransport):
    """Fails every connection the way httpx does on a machine without network (DNS lookup fails)."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        try:
            raise socket.gaierror(-3, "Temporary failure in name resolution")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc


async def test_against_intervals_icu_a_dns_failure_is_retried_and_blamed_on_the_network() -> None:
    offline = OfflineTransport()
    settings = ClientSettings(api_key="k", **{**FAST, "max_retries": 2})
    assert settings.base_url == DEFAULT_BASE_URL
    async with IntervalsClient(settings, transport=offline) as icu:
        with pytest.raises(UnreachableError) as caught:
            await icu.get_athlete()
    err = caught.value
    assert offline.calls == 3  # the first attempt and max_retries retries: the site may be back in a moment
    assert err.reason == "dns" and "no network or DNS failure" in err.summary
    assert "internet connection" in err.hint
    assert "did not answer in time" not in str(err)  # it was never reached: not "Intervals.icu is failing"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (socket.gaierror(-2, "Name or service not known"), "dns"),
        (ConnectionRefusedError(111, "Connection refused"), "refused"),
        (OSError(101, "Network is unreachable"), "unreachable"),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "dns"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "refused"),
        (httpx.ConnectError("SSL handshake failed"), "other"),
    ],
)
def test_connect_failure_reason(error: BaseException, reason: str) -> None:
    assert connect_failure_reason(error) == reason


def test_summary_is_the_message_without_the_hint() -> None:
    err = UnreachableError(
        "Cannot connect to http://x", reason="dns", base_url="http://x", method="GET", path="/athlete/0",
        hint="Check INTERVALS_BASE_URL.",
    )  # fmt: skip
    assert err.summary == "Cannot connect to http://x (GET /athlete/0)"
    assert str(err) == err.summary + ". Check INTERVALS_BASE_URL."  # logs and MCP errors keep the hint
