"""The HTTP layer under every client method: one pooled ``httpx.AsyncClient``, auth, rate limit, retries,
error mapping and JSON decoding.

``Transport.request`` is the only place a request leaves the process. Per attempt it takes a token from the
client's bucket (then from its shared limiter, when it has one), sends with a per-request timeout, reads the
*whole* body (a body cut short is an error, never partial data), decodes JSON and maps the outcome:
success, a retryable fault (429, 502/503/504, timeout, connection failure, truncated/non-JSON body on an
idempotent request) or a final error from ``icucoach.intervals.errors``. ``request_count`` counts every HTTP
attempt, retries included.

Credentials live only in the client's default headers; logs carry method, path, status, attempt and wait,
and any text taken from a response is scrubbed of known secrets before it reaches an error message.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import logging
import re
import socket
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx
import pydantic

from icucoach.intervals.config import DEFAULT_BASE_URL, ClientSettings
from icucoach.intervals.errors import (
    API_KEY_HELP,
    STRAVA_MESSAGE,
    AccessDeniedError,
    AuthenticationError,
    IntervalsError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    StravaRestrictedError,
    UnreachableError,
    UpstreamUnavailableError,
    ValidationError,
)
from icucoach.intervals.ratelimit import SharedLimiter, TokenBucket
from icucoach.intervals.retry import RETRY_STATUSES, RetryPolicy, parse_retry_after

logger = logging.getLogger("icucoach.intervals")
_ADAPTERS: dict[Any, pydantic.TypeAdapter[Any]] = {}
_ATHLETE_IN_PATH = re.compile(r"^/athlete/([^/]+)")
_QUOTED = re.compile(r"['\"`]([A-Za-z_][A-Za-z0-9_]*)['\"`]")


def segment(value: object) -> str:
    """One URL path segment from an id (quoted, so an id can never change the path)."""
    text = str(value).strip()
    if text in ("", ".", ".."):
        raise ValueError(f"invalid id {text!r}")
    return quote(text, safe="")


def adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    found = _ADAPTERS.get(tp)
    if found is None:
        found = _ADAPTERS[tp] = pydantic.TypeAdapter(tp)
    return found


class _Attempt:
    """The outcome of one HTTP attempt that did not succeed outright."""

    __slots__ = ("error", "retry_after", "retryable")

    def __init__(self, error: IntervalsError, retryable: bool, retry_after: float | None = None) -> None:
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after


class Transport:
    """Auth + pooling + token bucket + retries + error mapping. Shared by all methods of one client."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        shared: SharedLimiter | None = None,
    ) -> None:
        settings.require_credentials()
        self.settings = settings
        self._secrets = [s for s in settings.secrets() if s]
        headers = {"Accept": "application/json", "User-Agent": settings.user_agent}
        if settings.oauth_token is not None:
            headers["Authorization"] = "Bearer " + settings.oauth_token.get_secret_value()
        else:
            assert settings.api_key is not None
            raw = ("API_KEY:" + settings.api_key.get_secret_value()).encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        self._timeout = httpx.Timeout(
            settings.timeout, connect=min(settings.connect_timeout, settings.timeout)
        )
        self.http = httpx.AsyncClient(
            base_url=settings.api_root,
            headers=headers,
            timeout=self._timeout,
            limits=httpx.Limits(
                max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections
            ),
            transport=transport,
            follow_redirects=False,
        )
        self.bucket = TokenBucket(settings.rate_per_second, settings.burst)
        self.shared = shared  # a budget shared with other processes, taken after the bucket (ratelimit.py)
        self.policy = RetryPolicy(
            max_retries=settings.max_retries,
            max_total_wait=settings.max_total_wait,
            backoff_base=settings.backoff_base,
            backoff_cap=settings.backoff_cap,
        )
        self.request_count = 0
        # (URL, SHA-256 of the body) of every successful GET while a list is set: how ``icucoach export``
        # learns which answers a later run may compare instead of rebuilding (``mirror/replay.py``).
        self.journal: list[tuple[str, str]] | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    def __repr__(self) -> str:
        return f"Transport(api_root={self.settings.api_root!r}, auth={self.settings.auth_mode!r})"

    # ----------------------------------------------------------------------------------------------- core
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
        timeout: float | None = None,
        resource: str | None = None,
    ) -> Any:
        """Send one logical request (with retries); return the decoded JSON body (None when empty)."""
        method = method.upper()
        query = _clean_params(params)
        retry_ok = self.policy.is_retryable_method(method, idempotent)
        req_timeout = (
            self._timeout
            if timeout is None
            else httpx.Timeout(timeout, connect=min(timeout, self._timeout.connect or timeout))
        )
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            await self.bucket.acquire()
            if self.shared is not None:
                await self.shared.acquire()
            self.request_count += 1
            started = time.perf_counter()
            outcome = await self._attempt(method, path, query, json_body, req_timeout, resource, retry_ok)
            elapsed_ms = (time.perf_counter() - started) * 1000
            if not isinstance(outcome, _Attempt):
                status, data = outcome
                logger.debug("%s %s -> %s in %.0f ms (attempt %d)", method, path, status, elapsed_ms, attempt)
                return data
            err = outcome.error
            if outcome.retry_after is not None or err.status == 429:
                self.bucket.pause(outcome.retry_after if outcome.retry_after is not None else 1.0)
            if outcome.retryable:
                wait = self.policy.wait_for(attempt, outcome.retry_after)
                if self.policy.may_retry(attempt, waited, wait):
                    logger.info(
                        "%s %s -> %s (attempt %d); retrying in %.2f s",
                        method,
                        path,
                        err.status or type(err).__name__,
                        attempt,
                        wait,
                    )
                    waited += wait
                    await self.bucket.sleep(wait)  # the bucket owns the clock (tests inject one)
                    continue
                logger.warning(
                    "%s %s -> %s (attempt %d); giving up after %.1f s of waiting",
                    method,
                    path,
                    err.status or type(err).__name__,
                    attempt,
                    waited,
                )
            else:
                logger.debug(
                    "%s %s -> %s in %.0f ms (attempt %d)", method, path, err.status, elapsed_ms, attempt
                )
            raise err

    async def _attempt(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        json_body: Any,
        timeout: httpx.Timeout,
        resource: str | None,
        retry_ok: bool,
    ) -> tuple[int, Any] | _Attempt:
        request = self.http.build_request(method, path, params=query, json=json_body, timeout=timeout)
        try:
            response = await self.http.send(request, stream=True)
        except httpx.ConnectError as exc:
            # The request never left: safe to retry even a POST, but only worth it against intervals.icu.
            # A base URL the user set (sandbox, proxy) that refuses or does not resolve is a wrong URL or a
            # stopped server: retrying for seconds only hides that.
            error = self._unreachable(method, path, exc)
            return _Attempt(error, retryable=self.settings.base_url == DEFAULT_BASE_URL)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return _Attempt(self._unavailable(method, path, exc), retryable=True)
        except httpx.TimeoutException as exc:
            return _Attempt(self._unavailable(method, path, exc), retry_ok)
        except httpx.TransportError as exc:
            return _Attempt(self._unavailable(method, path, exc), retry_ok)
        status = response.status_code
        try:
            body = await response.aread()
        except httpx.TimeoutException as exc:
            return _Attempt(self._unavailable(method, path, exc, status), retry_ok)
        except httpx.TransportError as exc:  # body cut short (peer closed, content-length mismatch)
            return _Attempt(
                self._malformed(method, path, status, f"incomplete body ({type(exc).__name__})", retry_ok),
                retry_ok,
            )
        finally:
            await response.aclose()
        if 200 <= status < 300:
            if self.journal is not None and method == "GET":
                self.journal.append((str(request.url), hashlib.sha256(body).hexdigest()))
            if not body.strip():
                return status, None
            try:
                return status, json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return _Attempt(
                    self._malformed(method, path, status, "body is not valid JSON", retry_ok), retry_ok
                )
        if status == 429:  # refused before processing: safe to retry whatever the method
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return _Attempt(
                self._error_for(method, path, status, body, resource, retry_after), True, retry_after
            )
        if status in RETRY_STATUSES:
            return _Attempt(self._error_for(method, path, status, body, resource, None), retry_ok)
        return _Attempt(self._error_for(method, path, status, body, resource, None), retryable=False)

    # ------------------------------------------------------------------------------------- typed helpers
    def parse(self, tp: Any, data: Any, method: str, path: str) -> Any:
        """Validate a decoded body into ``tp``; a body of the wrong shape is a MalformedResponseError."""
        try:
            return adapter(tp).validate_python(data)
        except pydantic.ValidationError as exc:
            errors = exc.errors()
            where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "body"
            raise MalformedResponseError(
                f"Unexpected response shape at {where or 'body'}: "
                f"{errors[0]['msg'] if errors else 'invalid'}",
                status=200,
                method=method,
                path=path,
                hint="The response did not match the Intervals.icu API schema; please report this.",
            ) from None

    # ----------------------------------------------------------------------------------- error mapping
    def scrub(self, text: str, limit: int = 300) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _unavailable(
        self, method: str, path: str, exc: Exception, status: int | None = None
    ) -> IntervalsError:
        kind = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed ({type(exc).__name__})"
        url = self.settings.base_url
        if url == DEFAULT_BASE_URL:
            return UpstreamUnavailableError(
                f"Request to Intervals.icu {kind}", status=status, method=method, path=path
            )
        return UpstreamUnavailableError(
            f"Request to {url} {kind}",
            status=status,
            method=method,
            path=path,
            hint=f"Check that the server at INTERVALS_BASE_URL ({url}) is running and answering, or unset "
            f"INTERVALS_BASE_URL to use {DEFAULT_BASE_URL}.",
        )

    def _unreachable(self, method: str, path: str, exc: Exception) -> IntervalsError:
        """A failure to connect, said as what it is: unknown host, refused, or no network."""
        reason = connect_failure_reason(exc)
        url = self.settings.base_url
        if url != DEFAULT_BASE_URL:
            what, fix = {
                "dns": ("its host name does not resolve", "fix the host name"),
                "refused": (
                    "connection refused, nothing listens there",
                    "start the server it names (e.g. `icucoach sandbox`), fix the port",
                ),
                "unreachable": ("the network cannot reach it", "fix the address"),
            }.get(reason, (f"the connection failed ({type(exc).__name__})", "fix the URL"))
            hint = (
                f"Check INTERVALS_BASE_URL (or base_url in the config file), now {url}: {fix}, "
                f"or unset it to use {DEFAULT_BASE_URL}."
            )
        else:
            what = {
                "dns": "the host name does not resolve (no network or DNS failure)",
                "refused": "the connection was refused",
                "unreachable": "the network is unreachable",
            }.get(reason, f"the connection failed ({type(exc).__name__})")
            hint = (
                "Check your internet connection (and proxy); if other sites load, Intervals.icu may be "
                "down: see https://forum.intervals.icu."
            )
        return UnreachableError(
            f"Cannot connect to {url}: {what}",
            reason=reason,
            base_url=url,
            method=method,
            path=path,
            hint=hint,
        )

    def _malformed(self, method: str, path: str, status: int, what: str, retry_ok: bool) -> IntervalsError:
        hint = (
            None
            if retry_ok
            else (
                "The server answered but the reply was unreadable: the change was probably saved. "
                "Check (e.g. list the items) before trying again."
            )
        )
        return MalformedResponseError(
            f"Malformed response: {what}", status=status, method=method, path=path, hint=hint
        )

    def _server_message(self, body: bytes) -> str:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return self.scrub(body.decode("utf-8", "replace"), 200) if body else ""
        if isinstance(data, Mapping):
            for key in ("error", "message", "detail"):
                if isinstance(data.get(key), str) and data[key].strip():
                    return self.scrub(data[key])
        return ""

    def _error_for(
        self,
        method: str,
        path: str,
        status: int,
        body: bytes,
        resource: str | None,
        retry_after: float | None,
    ) -> IntervalsError:
        msg = self._server_message(body)
        where: dict[str, Any] = {"status": status, "method": method, "path": path}
        m = _ATHLETE_IN_PATH.match(path)
        athlete = m.group(1) if m else None
        bearer = self.settings.auth_mode == "bearer"
        if status == 401:
            if bearer:
                return AuthenticationError(
                    "The OAuth access token was rejected",
                    **where,
                    hint="The token was revoked or has expired: sign in with Intervals.icu again "
                    "(or use a personal API key: " + API_KEY_HELP + ")",
                )
            return AuthenticationError("The Intervals.icu API key was rejected", **where)
        if status == 403:
            message, hint = self._access_denied(method, path, athlete, bearer)
            return AccessDeniedError(message, hint=hint, **where)
        if status == 404:
            what = resource or (f"athlete {athlete}" if athlete and path.count("/") == 2 else path)
            return NotFoundError(f"Not found: {what}", **where)
        if status in (400, 422):
            if STRAVA_MESSAGE.lower() in msg.lower():
                return StravaRestrictedError(
                    f"{resource or 'This activity'} came from Strava and cannot be read via the API", **where
                )
            field = _field_from(msg)
            text = f"Intervals.icu rejected the request: {msg or 'invalid request'}"
            return ValidationError(
                text,
                field=field,
                server_message=msg or None,
                **where,
                hint=f"Check the field '{field}'." if field else None,
            )
        if status == 429:
            return RateLimitedError("Rate limited by Intervals.icu", retry_after=retry_after, **where)
        if status >= 500:
            detail = f": {msg}" if msg and status == 500 else ""
            why: str | None = (
                "An internal error often means a parameter of the wrong type; check the request."
                if status == 500
                else None
            )
            return UpstreamUnavailableError(
                f"Intervals.icu failed with HTTP {status}{detail}", **where, hint=why
            )
        return IntervalsError(
            f"Unexpected answer from Intervals.icu{': ' + msg if msg else ''}",
            **where,
            hint="Check the request; this client may need an update.",
        )

    def _access_denied(self, method: str, path: str, athlete: str | None, bearer: bool) -> tuple[str, str]:
        if path.rstrip("/") == "/athletes" and bearer:
            return (
                "Listing athletes is not allowed with an OAuth token",
                "GET /athletes needs a personal API key; with OAuth use athlete id 0 for the signed-in "
                "athlete.",
            )
        target = f"athlete {athlete}" if athlete and athlete != "0" else "this resource"
        if bearer:
            return (
                f"Access denied to {target}",
                "The signed-in athlete has not granted this app the needed scope (e.g. CALENDAR:WRITE for "
                "calendar changes, WELLNESS:WRITE for wellness) or the data belongs to someone else: "
                "sign in again and grant the scope.",
            )
        if method in ("PUT", "POST", "DELETE") and athlete and athlete != "0":
            return (
                f"Access denied to {target} for changes",
                f"{target.capitalize()} may have shared with you read-only access: ask them to give you "
                "coach (write) access on intervals.icu, or only read their data.",
            )
        if athlete and athlete != "0":
            return (
                f"Access denied to {target}",
                f"{target.capitalize()} has not shared their data with you. Ask them to add you as coach "
                "or follower on intervals.icu, or use athlete id 0 for yourself.",
            )
        return (
            "Access denied",
            "Check that the API key belongs to the account you mean and is sent as "
            "HTTP Basic with username API_KEY (the client does this).",
        )


_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "name resolution",
    "getaddrinfo",
    "no address",
)


def connect_failure_reason(exc: BaseException) -> str:
    """``"dns"``, ``"refused"``, ``"unreachable"`` or ``"other"``, from the OS error under a ConnectError."""
    seen: BaseException | None = exc
    texts: list[str] = []
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return "dns"
        if isinstance(seen, ConnectionRefusedError):
            return "refused"
        if isinstance(seen, OSError) and seen.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "unreachable"
        texts.append(str(seen).lower())
        seen = seen.__cause__ or seen.__context__
    text = " ".join(texts)
    if any(word in text for word in _DNS_WORDS):
        return "dns"
    if "refused" in text:
        return "refused"
    if "unreachable" in text:
        return "unreachable"
    return "other"


def _field_from(message: str) -> str | None:
    """The field a validation message names, when it does (quoted identifier or a leading ``field:``)."""
    if not message:
        return None
    q = _QUOTED.search(message)
    if q:
        return q.group(1)
    lead = re.match(r"^([a-z_][A-Za-z0-9_.]*)\s*(?::|is |must |should |cannot |can't )", message)
    return lead.group(1) if lead else None


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Drop None, join sequences with commas, booleans as true/false."""
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list | tuple | set | frozenset):
            items = [str(v) for v in value if v is not None]
            if items:
                out[key] = ",".join(items)
        else:
            out[key] = str(value)
    return out


__all__ = ["Transport", "adapter", "connect_failure_reason", "segment"]
