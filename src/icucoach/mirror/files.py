"""Writing the mirror's files safely and comparing them meaningfully.

- ``write_atomic``: temp file in the same directory, fsync, ``os.replace``: a reader (or a crash) sees the
  old file or the new one, never half of one.
- ``write_set``: the five output files are one unit. Every new file is staged first (a fsynced temp file next
  to its target); only when all are staged is the set committed (one ``os.replace`` per file, SIGINT held
  back meanwhile so Ctrl-C cannot split it). If a replace fails, the files already replaced are rolled back
  from hard-link backups, so the folder holds the whole old set. What is guaranteed:
  * a failure (unwritable target, full disk, a target that is a folder) leaves every old file byte-identical;
  * each file on its own is always whole (old or new), for readers too;
  * a crash (power loss, SIGKILL) during the few renames of the commit can leave a mixed set on disk, but a
    journal (``.icucoach-write.journal``) written before the first rename lets the next ``write_set`` on that
    folder restore the old set before doing anything else. Readers that look during those milliseconds can see
    a mix; a reader that needs a consistent set takes the export lock (``schedule.ExportLock``).
- ``normalise``: the content without volatile fields (generation timestamps, ages, retry times), so "did
  anything change?" ignores the clock: no timestamp-only git commits, stable golden files.
- ``validate``: the JSON Schema shipped in ``icucoach/mirror/schemas`` for each file (tests, ``--debug``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
FILES = ("latest", "history", "intervals", "routes", "ftp_history")

# Paths (dotted; "*" = every item of a list or value of a dict) that change with the clock, not the data.
VOLATILE: dict[str, tuple[str, ...]] = {
    "latest": (
        "metadata.last_updated",
        "history.last_generated",
        "history.age_days",
        "metadata.generator_version",
        "derived_metrics.calculation_timestamp",
    ),
    "history": ("generated_at", "generator_version"),
    "intervals": (
        "generated_at",
        "version",
        "script_hash",
        "fetch_state.*.*.fetched_at",
        "fetch_state.*.*.first_seen",
        "fetch_state.*.*.last_attempt",
    ),
    "routes": ("generated_at", "sync_version"),
    "ftp_history": (),
}


def dumps(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


IN_THE_WAY = "a folder is in the way"


class OutputError(OSError):
    """A target file or folder cannot be created or written; nothing of the set was replaced."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = Path(path)
        self.reason = reason

    @classmethod
    def replacing(cls, target: Path, exc: OSError) -> OutputError:
        """The rename onto ``target`` failed (a folder of that name in the way is the usual cause)."""
        return cls(target, IN_THE_WAY if target.is_dir() else _reason(exc))

    def describe(self, flag: str) -> tuple[str, str]:
        """(message, fix) for the CLI; ``flag`` is the option that named the target (``--out-dir``...)."""
        if self.reason == IN_THE_WAY:
            return (
                f"cannot write {self.path}: a folder is in the way of that file; no file was replaced",
                f"Remove or rename the folder {self.path}, or pass {flag} with another location.",
            )
        return (
            f"cannot write to {self.path} ({self.reason}); no file was replaced",
            f"Pass {flag} with a location in a folder you can write to.",
        )


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def probe_folder(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be created in it; ``OutputError`` otherwise. Lets a
    run fail before a long sync rather than after it."""
    blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise OutputError(folder, f"{blocker} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".icucoach-probe.", dir=folder)
    except OSError as exc:
        raise OutputError(folder, _reason(exc)) from None
    os.close(fd)
    os.unlink(tmp)


def _stage(path: Path, data: bytes) -> Path:
    """A fsynced temp file next to ``path`` holding ``data`` (same filesystem, so the rename is atomic)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(
            path, f"its folder {path.parent} cannot be created or written: {_reason(exc)}"
        ) from None
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.is_file() else _default_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(path, _reason(exc)) from None
        raise
    return Path(tmp)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` atomically (same-directory temp file + fsync + ``os.replace``)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError.replacing(path, exc) from None


JOURNAL = ".icucoach-write.journal"


def _backup_of(path: Path) -> Path:
    return path.with_name(f".{path.name}.icucoach-old")


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold SIGINT back (delivered right after) so Ctrl-C cannot land between two renames of one set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def recover(journal_dir: Path) -> list[Path]:
    """Finish what a crashed ``write_set`` left: put back the old set listed in the journal, if any.

    Returns the targets restored (or removed, when they had no old version)."""
    journal = Path(journal_dir) / JOURNAL
    entries = read_json(journal)
    if not isinstance(entries, list):
        journal.unlink(missing_ok=True)
        return []
    restored = []
    for item in entries:
        target, backup = Path(item["target"]), item.get("backup")
        if backup and Path(backup).exists():
            os.replace(backup, target)
            Path(backup).unlink(missing_ok=True)  # a rename between two links of one file leaves both
        elif not backup and target.is_file():  # new in the crashed set (a folder in the way is not ours)
            target.unlink()
        _discard(target.parent.glob(f".{target.name}.*.tmp"))  # staged copies a crash left behind
        restored.append(target)
    journal.unlink(missing_ok=True)
    return restored


def _backup(target: Path) -> Path | None:
    """A hard link to the current ``target`` (a copy where links are not supported); None if no old file."""
    if not target.is_file():
        return None
    backup = _backup_of(target)
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:  # a filesystem without hard links
        shutil.copy2(target, backup)
    return backup


def write_set(
    files: Mapping[Path, str | bytes], journal_dir: Path, committed: list[Path] | None = None
) -> list[Path]:
    """Replace every file of ``files`` or none of them (see the module docstring). Raises ``OutputError``
    naming the first target that could not be written; the old set is then intact. The targets are added to
    ``committed`` once the whole set is in place (before a held-back Ctrl-C is delivered)."""
    recover(journal_dir)
    staged: dict[Path, Path] = {}
    try:
        for path, text in files.items():
            staged[Path(path)] = _stage(Path(path), text.encode("utf-8") if isinstance(text, str) else text)
    except BaseException:
        _discard(staged.values())
        raise
    journal = Path(journal_dir) / JOURNAL
    backups: dict[Path, Path | None] = {}
    with _sigint_held():
        try:
            for target in staged:
                backups[target] = _backup(target)
            entries = [{"target": str(t), "backup": str(b) if b else None} for t, b in backups.items()]
            write_atomic(journal, json.dumps(entries))
            for target, tmp in staged.items():
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    raise OutputError.replacing(target, exc) from None
        except BaseException:
            _discard(staged.values())
            if journal.exists():
                recover(journal_dir)
            _discard(b for b in backups.values() if b is not None)
            raise
        for folder in {t.parent for t in staged}:
            _fsync_dir(folder)
        journal.unlink(missing_ok=True)
        _discard(b for b in backups.values() if b is not None)
        if committed is not None:
            committed.extend(staged)
    return list(staged)


def _discard(paths: Iterable[Path]) -> None:
    for p in list(paths):
        p.unlink(missing_ok=True)


def _without(node: Any, parts: list[str]) -> Any:
    """``node`` without the field at ``parts``: a new container on the way down, the rest shared (a deep
    copy of a whole file to drop three timestamps was most of the cost of comparing)."""
    if not parts or node is None:
        return node
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, dict):
            return {k: _without(v, rest) for k, v in node.items()}
        return [_without(v, rest) for v in node] if isinstance(node, list) else node
    if not isinstance(node, dict) or head not in node:
        return node
    out = dict(node)
    if rest:
        out[head] = _without(node[head], rest)
    else:
        del out[head]
    return out


def script_hash() -> str:
    """Section 11's ``script_hash`` (a short hash of the exporter that wrote a file, so a reader can tell
    outputs of different exporter versions apart): ours hashes the package version."""
    from icucoach import __version__

    return hashlib.sha256(f"icucoach {__version__}".encode()).hexdigest()[:12]


def normalise(kind: str, doc: Any) -> Any:
    """``doc`` without the volatile fields of that file kind (``doc`` is left as it is; unchanged parts of
    the result are shared with it)."""
    out = doc
    for path in VOLATILE.get(kind, ()):
        out = _without(out, path.split("."))
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


@cache
def _validator(kind: str) -> Any:
    """A validator of ``kind``'s schema, built once (the schemas themselves are checked by the tests)."""
    import jsonschema  # only the tests and --debug validate: not imported on a production run

    return jsonschema.Draft202012Validator(schema(kind))


def validate(kind: str, doc: Any) -> None:
    """Raise ``jsonschema.ValidationError`` if ``doc`` does not match the shipped schema of ``kind``."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(kind).iter_errors(doc))
    if error is not None:
        raise error


def schema_mismatch(kind: str, doc: Any) -> str | None:
    """None if ``doc`` matches ``kind``'s schema, else where and how it does not (one line)."""
    from jsonschema import ValidationError

    try:
        validate(kind, doc)
    except ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        return f"does not match its schema at {where or '(root)'}: {exc.message}"
    return None


__all__ = [
    "FILES",
    "JOURNAL",
    "SCHEMA_VERSION",
    "VOLATILE",
    "OutputError",
    "dumps",
    "normalise",
    "probe_folder",
    "read_json",
    "recover",
    "same_content",
    "schema",
    "schema_mismatch",
    "validate",
    "write_atomic",
    "write_set",
]
