"""The one error hierarchy of the Intervals.icu client, with messages a user can act on.

Every error carries ``status`` (HTTP status or ``None`` for client-side/transport failures), ``method``,
``path`` (the API path, never a secret: credentials travel only in headers) and ``hint`` (what to do about
it). ``str(error)`` is ``"<message> (<METHOD> <path>, HTTP <status>). <hint>"`` (for logs and MCP tool
errors); ``summary`` is the same without the hint, so a CLI can print ``error: <summary>`` and ``fix: <hint>``
without saying anything twice. ``exit_code`` is the CLI's exit code for the cause (``icucoach.exitcodes``).
Secrets never appear: the transport scrubs any known credential out of server-provided text before it
reaches an error.

    IntervalsError
    ├── ConfigurationError        missing/invalid settings (no credentials, bad athlete id, bad config file)
    ├── AuthenticationError       401: bad API key, revoked or expired bearer token
    ├── AccessDeniedError         403: athlete not shared with you, read-only share, missing OAuth scope
    ├── NotFoundError             404: names the resource
    ├── ValidationError           400/422: the server's message and, when it can be told, the field
    ├── StravaRestrictedError     422 "Cannot read Strava activities via the API"
    ├── RateLimitedError          429 after retries (``retry_after`` seconds)
    ├── UpstreamUnavailableError  5xx, timeouts, connection failures after retries
    │   └── UnreachableError      the base URL cannot be connected to: unknown host, refused, no network
    └── MalformedResponseError    truncated or non-JSON body, or a body of the wrong shape
"""

from __future__ import annotations

from icucoach.exitcodes import Exit

API_KEY_HELP = (
    "Find your personal API key on intervals.icu → Settings → Developer Settings "
    "(https://intervals.icu/settings) and set INTERVALS_API_KEY."
)
STRAVA_HINT = (
    "Activities synced from Strava are not available through the Intervals.icu API (Strava's terms). "
    "Connect your device or platform directly to Intervals.icu (e.g. Garmin Connect, Wahoo, Zwift, Coros, "
    "Suunto, Polar) or upload the files there; future activities then arrive with full data."
)
STRAVA_MESSAGE = "Cannot read Strava activities via the API"


class IntervalsError(Exception):
    """Base of every error the client raises."""

    default_hint = ""
    #: The CLI's exit code for this cause (``icucoach.exitcodes``): every command exits with it.
    exit_code = Exit.UPSTREAM

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.hint = hint if hint is not None else self.default_hint
        super().__init__(self._render())

    @property
    def summary(self) -> str:
        """What failed and where (``<message> (<METHOD> <path>, HTTP <status>)``), without the hint."""
        where = " ".join(p for p in (self.method, self.path) if p)
        if self.status is not None:
            where = f"{where}, HTTP {self.status}" if where else f"HTTP {self.status}"
        return f"{self.message} ({where})" if where else self.message

    def _render(self) -> str:
        text = self.summary
        return f"{text}. {self.hint}" if self.hint else text

    def __str__(self) -> str:
        return self._render()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, method={self.method!r}, path={self.path!r})"

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly summary (for MCP tool errors and service responses)."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "status": self.status,
            "method": self.method,
            "path": self.path,
            "hint": self.hint,
        }


class ConfigurationError(IntervalsError):
    exit_code = Exit.CONFIG
    default_hint = API_KEY_HELP


class AuthenticationError(IntervalsError):
    exit_code = Exit.AUTH
    # The message already says the key was rejected: the hint only says what to do (no repeat).
    default_hint = (
        "Copy your personal API key from https://intervals.icu/settings (Developer Settings) into "
        "INTERVALS_API_KEY: the key alone, the client adds the username 'API_KEY' itself."
    )


class AccessDeniedError(IntervalsError):
    exit_code = Exit.AUTH
    default_hint = (
        "Intervals.icu refused access. Use athlete id 0 (yourself), or ask the athlete to share their "
        "account with you (coach/follow) with the access level you need."
    )


class NotFoundError(IntervalsError):
    exit_code = Exit.NOT_FOUND
    default_hint = (
        "Check the id; athlete ids look like 'i12345' (or 0 for yourself), activity ids like 'i678'."
    )


class ValidationError(IntervalsError):
    exit_code = Exit.USAGE
    default_hint = "Fix the request as the server's message says and try again."

    def __init__(
        self, message: str, *, field: str | None = None, server_message: str | None = None, **kwargs: object
    ) -> None:
        self.field = field
        self.server_message = server_message
        super().__init__(message, **kwargs)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "field": self.field, "server_message": self.server_message}


class StravaRestrictedError(IntervalsError):
    exit_code = Exit.UPSTREAM
    default_hint = STRAVA_HINT


class RateLimitedError(IntervalsError):
    default_hint = "Intervals.icu allows about 10 requests per second; wait and try again."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        if retry_after is not None and kwargs.get("hint") is None:
            kwargs["hint"] = f"Intervals.icu is rate limiting; retry in {retry_after:.0f} s or later."
        super().__init__(message, **kwargs)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class UpstreamUnavailableError(IntervalsError):
    default_hint = (
        "Intervals.icu did not answer in time or is having problems; try again in a minute "
        "(status: https://forum.intervals.icu)."
    )


class UnreachableError(UpstreamUnavailableError):
    """No connection could be made at all (unknown host, connection refused, no network).

    ``reason`` is ``"dns"``, ``"refused"`` or ``"unreachable"``; ``base_url`` is the server root tried.
    Against a base URL the user chose (``INTERVALS_BASE_URL``) the cause is almost always that URL, so the
    message names it and the client does not retry; against intervals.icu it is the network or the site.
    """

    def __init__(self, message: str, *, reason: str, base_url: str, **kwargs: object) -> None:
        self.reason = reason
        self.base_url = base_url
        super().__init__(message, **kwargs)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "reason": self.reason, "base_url": self.base_url}


class MalformedResponseError(IntervalsError):
    default_hint = (
        "Intervals.icu sent an incomplete or unreadable answer; nothing partial was used. Try again."
    )


__all__ = [
    "API_KEY_HELP",
    "STRAVA_HINT",
    "STRAVA_MESSAGE",
    "AccessDeniedError",
    "AuthenticationError",
    "ConfigurationError",
    "IntervalsError",
    "MalformedResponseError",
    "NotFoundError",
    "RateLimitedError",
    "StravaRestrictedError",
    "UnreachableError",
    "UpstreamUnavailableError",
    "ValidationError",
]
