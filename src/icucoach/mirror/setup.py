"""``icucoach export --setup``: the wizard that writes credentials and export preferences to the config file
the client reads (``$ICUCOACH_CONFIG`` or ``~/.config/icucoach/config.toml``), owner-only (0600).

Existing keys and tables are kept; the credentials go to the top level (or the ``[intervals]`` table if the
file already has one), export preferences to ``[mirror]``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from icucoach.intervals import default_config_path, normalize_athlete_id
from icucoach.mirror.options import parse_week_start, parse_zone_preference

Ask = Callable[[str, str | None, bool], str]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    text = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def dump_toml(data: dict[str, Any]) -> str:
    """A TOML document from scalars, lists and one level of tables (enough for the config file)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for name, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{name}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if not isinstance(v, dict)]
    return "\n".join(lines) + "\n"


def read_config(path: Path | None = None) -> dict[str, Any]:
    p = path or default_config_path()
    if not p.is_file():
        return {}
    with p.open("rb") as fh:
        return tomllib.load(fh)


def mirror_config(path: Path | None = None) -> dict[str, Any]:
    """The ``[mirror]`` table (export defaults); empty when absent or unreadable."""
    try:
        table = read_config(path).get("mirror")
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return dict(table) if isinstance(table, dict) else {}


def write_config(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write the config atomically with mode 0600 (the directory 0700 when created)."""
    p = path or default_config_path()
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = p.with_name(p.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(dump_toml(data))
    os.chmod(tmp, 0o600)
    os.replace(tmp, p)
    return p


def run_setup(ask: Ask, path: Path | None = None) -> Path:
    """Ask for credentials and preferences (``ask(prompt, default, secret)``) and save them."""
    data = read_config(path)
    creds = data["intervals"] if isinstance(data.get("intervals"), dict) else data
    mirror = data.setdefault("mirror", {})
    athlete = ask("Athlete id (0 = the key's owner, or i12345)", str(creds.get("athlete_id") or "0"), False)
    creds["athlete_id"] = normalize_athlete_id(athlete)
    key = ask("Intervals.icu API key (Settings → Developer Settings)", None, True).strip()
    if key:
        creds["api_key"] = key
    elif not creds.get("api_key"):
        raise ValueError("an API key is required")
    base = ask("Server root", str(creds.get("base_url") or "https://intervals.icu"), False).strip()
    if base and base != "https://intervals.icu":
        creds["base_url"] = base
    ws = ask("Training week starts on (mon..sun)", str(mirror.get("week_start") or "mon"), False)
    parse_week_start(ws)
    mirror["week_start"] = ws.strip().lower()[:3]
    zp = ask(
        "Zone preference per sport (e.g. run:hr,cycling:power; empty = automatic)",
        str(mirror.get("zone_preference") or ""),
        False,
    )
    parse_zone_preference(zp)
    mirror["zone_preference"] = zp.strip()
    privacy = ask(
        "Privacy level (none, standard, strict)", str(mirror.get("privacy") or "standard"), False
    ).strip()
    if privacy not in ("none", "standard", "strict"):
        raise ValueError(f"privacy must be none, standard or strict, got {privacy!r}")
    mirror["privacy"] = privacy
    return write_config(data, path)


__all__ = ["dump_toml", "mirror_config", "read_config", "run_setup", "write_config"]
