"""``icucoach setup`` (also ``icucoach export --setup``): the wizard that writes credentials and export
preferences to the config file the client reads (``$ICUCOACH_CONFIG`` or ``~/.config/icucoach/config.toml``),
owner-only (0600).

Existing keys and tables are kept; the credentials go to the top level (or the ``[intervals]`` table if the
file already has one), export preferences to ``[mirror]``. A bad answer is never fatal: the wizard says why
and asks again; nothing is written until every answer is valid.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from icucoach.intervals import ConfigurationError, default_config_path, normalize_athlete_id
from icucoach.mirror.options import (
    PRIVACY_LEVELS,
    WEEKDAYS,
    OptionError,
    parse_week_start,
    parse_zone_preference,
)

Ask = Callable[[str, str | None, bool], str]  # (prompt, default, secret) -> answer ("" = take the default)
Say = Callable[[str], None]
T = TypeVar("T")


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


def ask_until_valid(
    ask: Ask, say: Say, prompt: str, default: str | None, secret: bool, parse: Callable[[str], T]
) -> T:
    """Ask until ``parse`` accepts the answer; each refusal is said (``say``) with its reason."""
    while True:
        answer = ask(prompt, default, secret)
        if answer.strip() == "" and default is not None:
            answer = default
        try:
            return parse(answer)
        except (ValueError, ConfigurationError) as exc:
            reason = exc.message if isinstance(exc, ConfigurationError) else str(exc)
            hint = getattr(exc, "hint", None)
            say(f"{reason}{'. ' + hint if hint else ''} Please answer again.")


def _athlete(text: str) -> str:
    return normalize_athlete_id(text)


def _base_url(text: str) -> str:
    url = text.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) < 10:
        raise ValueError(
            f"the server root must be an http(s) URL such as https://intervals.icu, got {text!r}"
        )
    return url


def _week_start(text: str) -> str:
    try:
        return WEEKDAYS[parse_week_start(text.strip())]
    except OptionError:
        raise ValueError(f"the week start must be one of {', '.join(WEEKDAYS)}, got {text!r}") from None


def _zones(text: str) -> str:
    parse_zone_preference(text)  # its message names the family/basis that is wrong
    return text.strip()


def _privacy(text: str) -> str:
    value = text.strip().lower()
    if value not in PRIVACY_LEVELS:
        raise ValueError(f"the privacy level must be one of {', '.join(PRIVACY_LEVELS)}, got {text!r}")
    return value


def run_setup(ask: Ask, path: Path | None = None, say: Say = print) -> Path:
    """Ask for credentials and preferences (``ask(prompt, default, secret)``), re-asking after a bad answer
    (the reason goes to ``say``), and save them."""
    data = read_config(path)
    creds = data["intervals"] if isinstance(data.get("intervals"), dict) else data
    mirror = data.setdefault("mirror", {})
    had_key = bool(creds.get("api_key"))

    def key(text: str) -> str:
        if not text.strip() and not had_key:
            raise ValueError("an API key is required (Intervals.icu → Settings → Developer Settings)")
        return text.strip()

    creds["athlete_id"] = ask_until_valid(
        ask,
        say,
        "Athlete id (0 = the key's owner, or i12345)",
        str(creds.get("athlete_id") or "0"),
        False,
        _athlete,
    )
    new_key = ask_until_valid(
        ask, say, "Intervals.icu API key (Settings → Developer Settings)", None, True, key
    )
    if new_key:
        creds["api_key"] = new_key
    base = ask_until_valid(
        ask, say, "Server root", str(creds.get("base_url") or "https://intervals.icu"), False, _base_url
    )
    if base != "https://intervals.icu":
        creds["base_url"] = base
    else:
        creds.pop("base_url", None)
    for field, prompt, default, check in (
        ("week_start", "Training week starts on (mon..sun)", "mon", _week_start),
        ("zone_preference", "Zones per sport (e.g. run:hr,cycling:power; empty = automatic)", "", _zones),
        ("privacy", "Privacy level (none, standard, strict)", "standard", _privacy),
    ):
        mirror[field] = ask_until_valid(ask, say, prompt, str(mirror.get(field) or default), False, check)
    return write_config(data, path)


__all__ = ["ask_until_valid", "dump_toml", "mirror_config", "read_config", "run_setup", "write_config"]
