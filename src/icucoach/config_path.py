"""Where icucoach's config file lives: one rule, importable without the API client (``icucoach export``'s
replay of a run with nothing new reads the file before anything heavy is imported)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the setup wizard writes and ``ClientSettings.from_env`` reads the config file:
    ``$ICUCOACH_CONFIG``, else ``$XDG_CONFIG_HOME/icucoach/config.toml`` (``~/.config`` by default)."""
    env = os.environ if environ is None else environ
    override = env.get("ICUCOACH_CONFIG")
    if override:
        return Path(override).expanduser()
    xdg = env.get("XDG_CONFIG_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return root / "icucoach" / "config.toml"
