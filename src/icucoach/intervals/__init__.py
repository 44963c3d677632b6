"""icucoach.intervals: the one client through which every part of icucoach talks to Intervals.icu.

``IntervalsClient`` (async, pooled, rate-limited, retrying idempotent requests), ``ClientSettings``
(environment + config file), one error hierarchy with actionable hints, pydantic models shaped after the
API's OpenAPI schemas, and athlete-local time helpers.
"""

from icucoach.intervals import _no_httpx_cli  # noqa: F401  (first: before anything imports httpx)
from icucoach.intervals.client import IntervalsClient
from icucoach.intervals.config import ClientSettings, default_config_path, normalize_athlete_id
from icucoach.intervals.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConfigurationError,
    IntervalsError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    StravaRestrictedError,
    UpstreamUnavailableError,
    ValidationError,
)
from icucoach.intervals.localtime import (
    athlete_now,
    athlete_today,
    athlete_zone,
    format_local,
    local_date,
    parse_local,
    parse_utc,
)
from icucoach.intervals.models import *  # noqa: F403
from icucoach.intervals.models import __all__ as _models_all

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "ClientSettings",
    "ConfigurationError",
    "IntervalsClient",
    "IntervalsError",
    "MalformedResponseError",
    "NotFoundError",
    "RateLimitedError",
    "StravaRestrictedError",
    "UpstreamUnavailableError",
    "ValidationError",
    "athlete_now",
    "athlete_today",
    "athlete_zone",
    "default_config_path",
    "format_local",
    "local_date",
    "normalize_athlete_id",
    "parse_local",
    "parse_utc",
    *_models_all,
]
