"""Client settings: credentials, athlete id, server root, timeouts, retry and rate-limit knobs.

``ClientSettings.from_env()`` is how every part of the product configures the client:

1. environment: ``INTERVALS_API_KEY``, ``INTERVALS_OAUTH_TOKEN``, ``INTERVALS_ATHLETE_ID`` (default ``0``
   = the key's owner), ``INTERVALS_BASE_URL`` (server root, default ``https://intervals.icu``; the client
   appends ``/api/v1``, so ``http://127.0.0.1:8765`` points everything at the sandbox),
   ``INTERVALS_RATE_LIMIT`` (our requests per second, default 10 as Intervals.icu allows; ``0`` = none of
   ours, for a local sandbox or a proxy that enforces its own);
2. then the config file the setup wizard writes: ``$ICUCOACH_CONFIG`` or ``default_config_path()``
   (``$XDG_CONFIG_HOME/icucoach/config.toml``, normally ``~/.config/icucoach/config.toml``). Keys
   ``api_key``, ``oauth_token``, ``athlete_id``, ``base_url``, ``rate_per_second``, at top level or in an
   ``[intervals]`` table.

Environment values win over the file, key by key. Secrets are ``SecretStr``: they never show in ``repr``,
``str``, logs or error messages.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from icucoach.config_path import default_config_path
from icucoach.intervals.errors import ConfigurationError

DEFAULT_BASE_URL = "https://intervals.icu"
# settings field (the config file's key) -> environment variable
ENV_VARS = {
    "api_key": "INTERVALS_API_KEY",
    "oauth_token": "INTERVALS_OAUTH_TOKEN",
    "athlete_id": "INTERVALS_ATHLETE_ID",
    "base_url": "INTERVALS_BASE_URL",
    "rate_per_second": "INTERVALS_RATE_LIMIT",
}
API_PREFIX = "/api/v1"
_ATHLETE_ID = re.compile(r"^(0|i\d+)$")


def normalize_athlete_id(value: str | int | None) -> str:
    """``0`` (self) or ``i<digits>``; bare digits get the ``i`` prefix the API paths need."""
    text = "0" if value is None else str(value).strip()
    if text == "":
        text = "0"
    if text.isdigit() and text != "0":
        text = "i" + text.lstrip("0") if text.lstrip("0") else "0"
    if text[:1] == "I":
        text = "i" + text[1:]
    if not _ATHLETE_ID.match(text):
        raise ConfigurationError(
            f"Invalid athlete id {text[:40]!r}",
            hint="Use 0 for the owner of the API key, or the athlete's id as shown in the Intervals.icu URL "
            "(e.g. i12345).",
        )
    return text


def _read_config_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"Cannot read the config file {path}: {type(exc).__name__}",
            hint="Fix or delete the file, or write it again with `icucoach setup`.",
        ) from None
    table = data.get("intervals")
    return dict(table) if isinstance(table, Mapping) else data


class ClientSettings(BaseModel):
    """Everything the client needs to reach Intervals.icu (or the sandbox)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr | None = None
    oauth_token: SecretStr | None = None
    athlete_id: str = "0"
    base_url: str = DEFAULT_BASE_URL
    timeout: float = Field(default=30.0, gt=0, description="per-request timeout, seconds")
    connect_timeout: float = Field(default=10.0, gt=0)
    max_retries: int = Field(
        default=4, ge=0, description="retries after the first attempt (idempotent requests)"
    )
    max_total_wait: float = Field(
        default=60.0, ge=0, description="cap on time spent waiting between retries, s"
    )
    backoff_base: float = Field(default=0.5, ge=0, description="first backoff step, s (full jitter)")
    backoff_cap: float = Field(default=8.0, ge=0, description="largest single backoff, s")
    # Intervals.icu allows about 10 requests/s per IP with a short burst (reference intervals-api.md §3).
    # INTERVALS_RATE_LIMIT=0 is for a server that enforces its own limit (a local sandbox, a proxy): its
    # 429 + Retry-After are honoured either way.
    rate_per_second: float | None = Field(
        default=10.0, ge=0, description="token-bucket rate, requests/s; None/0 disables"
    )
    burst: int = Field(default=10, ge=1, description="token-bucket size")
    max_connections: int = Field(default=10, ge=1)
    user_agent: str = "icucoach/0.1 (+https://github.com/icucoach/icucoach)"

    @field_validator("athlete_id", mode="before")
    @classmethod
    def _athlete_id(cls, value: Any) -> str:
        return normalize_athlete_id(value)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if url.endswith(API_PREFIX):  # accept ".../api/v1" too; the client adds it itself
            url = url[: -len(API_PREFIX)]
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValueError("base_url must be an http(s) server root such as https://intervals.icu")
        return url

    @field_validator("api_key", "oauth_token", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @property
    def api_root(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def auth_mode(self) -> str:
        """``"bearer"`` when an OAuth token is set (it wins), ``"api_key"`` otherwise."""
        return "bearer" if self.oauth_token is not None else "api_key"

    def require_credentials(self) -> None:
        if self.api_key is None and self.oauth_token is None:
            raise ConfigurationError(
                "No Intervals.icu credentials configured",
                hint="Set INTERVALS_API_KEY to your personal API key (https://intervals.icu/settings, "
                f"Developer Settings), or save it in {default_config_path()} with `icucoach setup`.",
            )

    def secrets(self) -> list[str]:
        """The raw secret values (for scrubbing text); never log this."""
        return [s.get_secret_value() for s in (self.api_key, self.oauth_token) if s is not None]

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        config_path: Path | str | None = None,
        require_credentials: bool = True,
        **overrides: Any,
    ) -> ClientSettings:
        """Settings from the environment, then the config file; ``overrides`` win over both."""
        env = os.environ if environ is None else environ
        if config_path is not None:
            path = Path(config_path).expanduser()
        elif env.get("ICUCOACH_CONFIG"):
            path = Path(env["ICUCOACH_CONFIG"]).expanduser()
        else:
            path = default_config_path()
        file_values = _read_config_file(path)
        values: dict[str, Any] = {}
        for key, var in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw.strip():
                values[key] = raw.strip()
            elif file_values.get(key) not in (None, ""):
                values[key] = str(file_values[key])
        values.update(overrides)
        try:
            settings = cls(**values)
        except ConfigurationError:
            raise
        except ValueError as exc:  # pydantic.ValidationError; its text holds no secret (SecretStr)
            locs = {".".join(str(p) for p in e["loc"]) for e in getattr(exc, "errors", list)()}
            # named as the user set them: the variable, with the config file's key beside it
            fields = sorted(f"{ENV_VARS[f]} ({f})" if f in ENV_VARS else f for f in locs)
            raise ConfigurationError(
                f"Invalid Intervals.icu settings: {', '.join(fields) or 'see details'}",
                hint="Check INTERVALS_ATHLETE_ID (0 or i12345), INTERVALS_BASE_URL "
                "(a server root such as https://intervals.icu) and INTERVALS_RATE_LIMIT "
                "(requests per second, a number >= 0; 0 = no limit of ours).",
            ) from None
        if require_credentials:
            settings.require_credentials()
        return settings

    def __repr__(self) -> str:
        return (
            f"ClientSettings(base_url={self.base_url!r}, athlete_id={self.athlete_id!r}, "
            f"auth={self.auth_mode if (self.api_key or self.oauth_token) else 'none'!r})"
        )

    __str__ = __repr__


__all__ = ["API_PREFIX", "DEFAULT_BASE_URL", "ClientSettings", "default_config_path", "normalize_athlete_id"]
