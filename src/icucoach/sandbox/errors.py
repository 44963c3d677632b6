"""Error answers in the shapes Intervals.icu (a Spring Boot service) sends, and the exception routes raise.

Observed shapes (reference §3): 401/403/422/429 carry ``{"status", "error"}`` with the server's message
(``{"status":403,"error":"Access denied"}``, ``{"status":422,"error":"Cannot read Strava activities via the
API"}``); framework errors (400 bad request / malformed JSON, 404 unknown path or id, 405, 500) carry the
Spring default ``{"timestamp", "status", "error", "path"}`` with the reason phrase in ``error``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

ACCESS_DENIED = "Access denied"
STRAVA_MESSAGE = "Cannot read Strava activities via the API"

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Statuses answered in the framework (Spring default) shape, with timestamp and path.
_SPRING_SHAPE = {400, 404, 405, 415, 500, 503}


def audit_now() -> str:
    """An audit timestamp as the API writes them: ISO-8601 UTC with millis and ``+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ApiError(Exception):
    """Raised by routes and helpers; turned into the matching error body by ``error_response``."""

    def __init__(
        self,
        status: int,
        error: str | None = None,
        headers: dict[str, str] | None = None,
        spring: bool | None = None,
    ) -> None:
        super().__init__(error or REASONS.get(status, "Error"))
        self.status = status
        self.error = error or REASONS.get(status, "Error")
        self.headers = headers or {}
        # framework shape (timestamp/path) for 400/404/405 unless told; the service's own {status,error} else
        self.spring = status in (400, 404, 405) if spring is None else spring


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def access_denied() -> ApiError:
    return ApiError(403, ACCESS_DENIED)


def unprocessable(message: str) -> ApiError:
    return ApiError(422, message)


def strava_restricted() -> ApiError:
    return ApiError(422, STRAVA_MESSAGE)


def missing_param(name: str) -> ApiError:
    """Spring's answer to a missing required query parameter (400, framework shape)."""
    return ApiError(400, "Bad Request")


def bad_param(name: str, value: str, java_type: str) -> ApiError:
    """Spring's answer to a query parameter of the wrong type: 500 MethodArgumentTypeMismatchException."""
    return ApiError(
        500,
        "org.springframework.web.method.annotation.MethodArgumentTypeMismatchException: Failed to convert"
        f" value of type 'java.lang.String' to required type '{java_type}'; For input string: \"{value}\"",
        spring=False,
    )


def error_body(status: int, error: str, path: str, spring: bool | None = None) -> dict[str, Any]:
    if (status in _SPRING_SHAPE) if spring is None else spring:
        return {"timestamp": audit_now(), "status": status, "error": error, "path": path}
    return {"status": status, "error": error}


def error_response(
    path: str,
    status: int,
    error: str | None = None,
    headers: dict[str, str] | None = None,
    spring: bool | None = None,
) -> Response:
    body = error_body(status, error or REASONS.get(status, "Error"), path, spring)
    return JSONResponse(body, status, headers=headers)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request.url.path, exc.status, exc.error, exc.headers, exc.spring)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    return error_response(request.url.path, exc.status_code, REASONS.get(exc.status_code), headers)


async def handle_server_error(request: Request, exc: Exception) -> Response:
    return error_response(request.url.path, 500, f"{type(exc).__name__}: {exc}")


EXCEPTION_HANDLERS = {
    ApiError: handle_api_error,
    HTTPException: handle_http_exception,
    Exception: handle_server_error,
}
