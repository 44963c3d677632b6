"""Writing the mirror's files safely and comparing them meaningfully.

- ``write_atomic``: temp file in the same directory, fsync, ``os.replace``: a reader (or a crash) sees the
  old file or the new one, never half of one.
- ``normalise``: the content without volatile fields (generation timestamps, ages, retry times), so "did
  anything change?" ignores the clock: no timestamp-only git commits, stable golden files.
- ``validate``: the JSON Schema shipped in ``icucoach/mirror/schemas`` for each file.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_VERSION = 1
FILES = ("latest", "history", "intervals", "routes", "ftp_history")

# Paths (dotted; "*" = every item of a list or value of a dict) that change with the clock, not the data.
VOLATILE: dict[str, tuple[str, ...]] = {
    "latest": (
        "metadata.last_updated",
        "history.last_generated",
        "history.age_days",
        "metadata.generator_version",
    ),
    "history": ("generated_at", "generator_version"),
    "intervals": ("generated_at", "version", "fetch_state.*.*.fetched_at"),
    "routes": ("generated_at", "sync_version"),
    "ftp_history": (),
}


def dumps(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` atomically (same-directory temp file + fsync + ``os.replace``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _default_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _drop(node: Any, parts: list[str]) -> None:
    if not parts or node is None:
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        for child in items:
            _drop(child, rest)
        return
    if isinstance(node, dict) and head in node:
        if rest:
            _drop(node[head], rest)
        else:
            del node[head]


def normalise(kind: str, doc: Any) -> Any:
    """A copy of ``doc`` without the volatile fields of that file kind."""
    out = copy.deepcopy(doc)
    for path in VOLATILE.get(kind, ()):
        _drop(out, path.split("."))
    return out


def same_content(kind: str, a: Any, b: Any) -> bool:
    return json.dumps(normalise(kind, a), sort_keys=True) == json.dumps(normalise(kind, b), sort_keys=True)


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


@cache
def schema(kind: str) -> dict:
    text = resources.files("icucoach.mirror").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)


def validate(kind: str, doc: Any) -> None:
    """Raise ``jsonschema.ValidationError`` if ``doc`` does not match the shipped schema of ``kind``."""
    jsonschema.validate(doc, schema(kind), cls=jsonschema.Draft202012Validator)


__all__ = [
    "FILES",
    "SCHEMA_VERSION",
    "VOLATILE",
    "dumps",
    "normalise",
    "read_json",
    "same_content",
    "schema",
    "validate",
    "write_atomic",
]
