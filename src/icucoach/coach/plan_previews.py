"""Stored plan previews: what ``plan apply <id>`` (or ``icu_plan_apply``, or the console's approve button)
writes is exactly what was previewed under that id.

A preview keeps the diff's writes (each add/change as its POST body, each removal as an event id), the
calendar fingerprint it was computed against (and, to take up a preview applied in parts, the fingerprint
of the events each write goes over and of those none does), and the figures shown with it. The id hashes the
athlete, the window, the fingerprint and the writes, so the same diff of the same calendar always gets the
same id.

``FileStore``: one small JSON file per preview under ``$XDG_DATA_HOME/icucoach/plans/<id>.json`` (written
atomically, mode 0600: a plan is training data). ``MemoryStore``: a bounded per-process store for hosts that
keep no files (the hosted service).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

ID_RE = re.compile(r"^[0-9a-f]{12}$")


@dataclass(frozen=True)
class PreviewItem:
    """One add / change / remove of a preview (``index`` is its number for per-change approval)."""

    index: int
    action: str
    day: str
    name: str
    sport: str | None
    load: float | None
    minutes: int | None
    load_delta: float | None
    reason: str
    hand_edited: bool
    external_id: str | None
    body: dict[str, Any] | None  # the EventEx body to upsert (add / change)
    event_id: int | None  # the event of ours to delete (remove, or the old day of a moved session)
    before: str | None = None  # fingerprint of the events it touches when previewed (None: not known)

    def to_dict(self, brief: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if brief:  # what a reader needs; the body is the workout text again
            d.pop("body")
            d.pop("external_id")
        return d


@dataclass(frozen=True)
class Preview:
    id: str
    athlete_id: str
    athlete_name: str | None
    window: tuple[str, str]
    base: str  # fingerprint of the window's workout events when previewed
    items: tuple[PreviewItem, ...]
    keeps: int
    summary: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    untouched: str | None = None  # fingerprint of the window's events no item writes over (None: unknown)

    def counts(self) -> dict[str, int]:
        out = {"add": 0, "change": 0, "remove": 0, "keep": self.keeps}
        for it in self.items:
            out[it.action] = out.get(it.action, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "athlete_id": self.athlete_id,
            "athlete_name": self.athlete_name,
            "window": list(self.window),
            "base": self.base,
            "items": [it.to_dict() for it in self.items],
            "keeps": self.keeps,
            "summary": self.summary,
            "created": self.created,
            "untouched": self.untouched,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Preview:
        return cls(
            id=str(d["id"]),
            athlete_id=str(d["athlete_id"]),
            athlete_name=d.get("athlete_name"),
            window=(str(d["window"][0]), str(d["window"][1])),
            base=str(d["base"]),
            items=tuple(PreviewItem(**it) for it in d["items"]),
            keeps=int(d.get("keeps") or 0),
            summary=dict(d.get("summary") or {}),
            created=str(d.get("created") or ""),
            untouched=d.get("untouched"),
        )


def preview_id(athlete_id: str, window: tuple[Any, Any], base: str, items: Sequence[PreviewItem]) -> str:
    key = [athlete_id, [str(w) for w in window], base, [it.to_dict() for it in items]]
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:12]


class PreviewStore(Protocol):
    def save(self, pv: Preview) -> None: ...

    def load(self, pid: str) -> Preview | None: ...


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "icucoach" / "plans"


class FileStore:
    """Previews as JSON files (see the module docstring)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or data_dir()

    def save(self, pv: Preview) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.folder / f"{pv.id}.json"
        fd, tmp = tempfile.mkstemp(prefix=f".{pv.id}.", dir=self.folder)  # mkstemp creates it 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(pv.to_dict(), fh, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, pid: str) -> Preview | None:
        if not ID_RE.match(pid):  # an id is never a path
            return None
        try:
            return Preview.from_dict(json.loads((self.folder / f"{pid}.json").read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None


class MemoryStore:
    """The newest ``limit`` previews of this process."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._items: OrderedDict[str, Preview] = OrderedDict()

    def save(self, pv: Preview) -> None:
        self._items[pv.id] = pv
        self._items.move_to_end(pv.id)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def load(self, pid: str) -> Preview | None:
        return self._items.get(pid)


__all__ = ["FileStore", "MemoryStore", "Preview", "PreviewItem", "PreviewStore", "data_dir", "preview_id"]
