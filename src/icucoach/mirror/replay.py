"""A repeat export with nothing new, done with the standard library alone (the *replay*).

Why: cron runs ``icucoach export`` every few minutes and nearly every run finds nothing new. The full path
(``exporter.export_async``) then reuses the previous files, but only after importing the client, the store
and their libraries (httpx, pydantic, SQLAlchemy), which costs several times what the work does.

How: after a complete run the exporter leaves a *ticket* in the output folder (``TICKET``, mode 0600). It
holds the four requests a repeat's sync makes (their URLs and a SHA-256 of each answer), the files it
wrote (paths and hashes, and where the generation time stands in them), the archive settings, the store
file's identity after the run's last write, and a digest of every input of the run (the command line, the
``INTERVALS_*``/``ICUCOACH_*`` environment, the working folder, the config file). The next run with the same
inputs asks the same four questions; when every answer, every file and the store are exactly as the ticket
says and the athlete's today is the same day, the full path would reuse the files, so the replay does what
that reuse does (the time set anew, the set replaced as a whole, the archive snapshot when due) and updates
the ticket. Anything else (an answer that differs, a failed request, another day, an edited file, a store
written by another command, other flags) returns None and the full path runs as ever, so a replay can
never be wrong, only not taken. ``tests/mirror/test_replay.py`` checks that both paths write the same bytes.

The ticket holds no secret: the credentials are read again each run (the same precedence as
``ClientSettings.from_env``) and compared with the ticket through a hash. A replay leaves the store as it
was (the sync bookkeeping time in it is the last run that went through the full path).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import threading
from base64 import b64encode
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icucoach import __version__
from icucoach.config_path import default_config_path

TICKET = ".icucoach-replay.json"
FORMAT = 2  # 2: the store identity holds SQLite's change counter
API_PREFIX = "/api/v1"
ENV_PREFIXES = ("INTERVALS_", "ICUCOACH_")
ENV_NAMES = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TZ")
TIMEOUT_S = 15.0
OUTPUT_ONLY = ("quiet",)  # flags that change what is printed, not what is written

Json = dict[str, Any]


# ----------------------------------------------------------------------------- shared with the full path
# Where the generation time stands in each file (file, path to the object, field).
STAMPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("latest", ("metadata",), "last_updated"),
    ("latest", ("history",), "last_generated"),
    ("latest", ("derived_metrics",), "calculation_timestamp"),
    ("history", (), "generated_at"),
    ("intervals", (), "generated_at"),
    ("routes", (), "generated_at"),
)


def _field(name: str, stamp: str) -> str:
    """A generation-time field as ``files.dumps`` writes it: the key keeps other times that read the same
    (a detail fetched within the same second) from being taken for it."""
    return f"{json.dumps(name)}: {json.dumps(stamp)}"


def _names(kind: str) -> list[str]:
    return sorted({name for k, _, name in STAMPS if k == kind})


def count_stamps(kind: str, text: str, stamp: str) -> int:
    """How often ``text`` (a ``kind`` file) holds a generation-time field set to ``stamp``."""
    return sum(text.count(_field(name, stamp)) for name in _names(kind))


def restamp(kind: str, text: str, old: str, new: str) -> str:
    """``text`` with every generation-time field set to ``old`` set to ``new``."""
    for name in _names(kind):
        text = text.replace(_field(name, old), _field(name, new))
    return text


def generated_at(tz: str | None, now: datetime) -> str:
    """The files' generation time: ``now`` in the athlete's zone, to the second (UTC when unknown)."""
    try:
        zone: Any = ZoneInfo(tz) if tz else UTC
    except Exception:
        zone = UTC
    return now.astimezone(zone).replace(microsecond=0).isoformat()


def run_message(verb: str, files: int, out_dir: Path | str, requests: int, changed: list[str]) -> str:
    """The one line a successful export prints."""
    what = ", ".join(changed) or "nothing (content unchanged)"
    return f"{verb} {files} files to {out_dir} ({requests} requests); changed: {what}"


def archive_failure(path: Path, reason: str, out_dir: Path) -> tuple[str, str]:
    """Message and fix when the set was written but the archive snapshot could not be."""
    return (
        f"the export files were written, but {path} could not be ({reason})",
        f"Make {out_dir / 'archive'} a folder you can write to, or pass --no-archive.",
    )


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


# ------------------------------------------------------------------------------------------------ inputs
class Inputs:
    """Everything a run of ``icucoach export`` reads before it asks Intervals.icu anything."""

    def __init__(self, values: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> None:
        self.values = dict(values)
        self.environ = dict(os.environ if environ is None else environ)
        self.cwd = os.getcwd()
        path = default_config_path(self.environ)
        try:
            self.config_bytes = path.read_bytes() if path.is_file() else b""
        except OSError:
            self.config_bytes = b"\0unreadable"
        self.config: Json = {}
        if self.config_bytes:
            import tomllib

            with contextlib.suppress(UnicodeDecodeError, tomllib.TOMLDecodeError):
                self.config = tomllib.loads(self.config_bytes.decode("utf-8"))

    def digest(self) -> str:
        env = sorted((k, v) for k, v in self.environ.items() if k.startswith(ENV_PREFIXES) or k in ENV_NAMES)
        shown = sorted((k, repr(v)) for k, v in self.values.items() if k not in OUTPUT_ONLY)
        return sha(repr((__version__, shown, env, self.cwd)).encode() + b"\0" + self.config_bytes)

    def out_dir(self) -> Path:
        mirror = self.config.get("mirror")
        configured = mirror.get("out_dir") if isinstance(mirror, dict) else None
        return Path(self.values.get("out_dir") or configured or ".")

    def auth(self) -> tuple[str, str] | None:
        """(API root, Authorization header) by ``ClientSettings.from_env``'s precedence: the flags, then
        the environment, then the config file's ``[intervals]`` table; None without credentials."""
        table = self.config.get("intervals")
        file_values = table if isinstance(table, dict) else self.config
        got: dict[str, str] = {}
        for key, var in (
            ("api_key", "INTERVALS_API_KEY"),
            ("oauth_token", "INTERVALS_OAUTH_TOKEN"),
            ("base_url", "INTERVALS_BASE_URL"),
        ):
            raw = self.environ.get(var)
            if raw is not None and raw.strip():
                got[key] = raw.strip()
            elif file_values.get(key) not in (None, ""):
                got[key] = str(file_values[key]).strip()
        if self.values.get("intervals_key"):
            got["api_key"] = str(self.values["intervals_key"]).strip()
        base = (got.get("base_url") or "https://intervals.icu").rstrip("/")
        base = base[: -len(API_PREFIX)] if base.endswith(API_PREFIX) else base
        if got.get("oauth_token"):
            return base + API_PREFIX, "Bearer " + got["oauth_token"]
        if got.get("api_key"):
            return base + API_PREFIX, "Basic " + b64encode(b"API_KEY:" + got["api_key"].encode()).decode()
        return None


def auth_digest(api_root: str, authorization: str) -> str:
    return sha(api_root + "\n" + authorization)


def store_identity(path: Path) -> list[int] | None:
    """The SQLite file's size, modification time, inode and file change counter; None while another
    writer's journal exists.

    The change counter (header bytes 24-27, raised by every write transaction in rollback-journal mode, the
    store's mode) is what makes this exact: a modification time alone misses a write that lands within the
    file system's timestamp granularity (a second on some), with the size unchanged."""
    for suffix in ("-journal", "-wal"):
        if Path(str(path) + suffix).exists():
            return None
    try:
        with path.open("rb") as f:
            header = f.read(28)
            st = os.fstat(f.fileno())
    except OSError:
        return None
    if len(header) < 28:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, int.from_bytes(header[24:28], "big")]


def load_ticket(out_dir: Path) -> Json | None:
    try:
        ticket = json.loads((out_dir / TICKET).read_bytes())
    except (OSError, ValueError):
        return None
    return ticket if isinstance(ticket, dict) and ticket.get("format") == FORMAT else None


def save_ticket(out_dir: Path, ticket: Json) -> None:
    from icucoach.mirror.files import write_atomic

    path = out_dir / TICKET
    write_atomic(path, json.dumps(ticket, sort_keys=True))
    os.chmod(path, 0o600)


def drop_ticket(out_dir: Path) -> None:
    (out_dir / TICKET).unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------ replay
def _unchunk(body: bytes) -> bytes | None:
    """A chunked transfer-coded body decoded; None when it is not well formed."""
    out: list[bytes] = []
    pos = 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            return None
        try:
            size = int(body[pos:end].split(b";")[0], 16)
        except ValueError:
            return None
        if size == 0:
            return b"".join(out)
        start = end + 2
        out.append(body[start : start + size])
        if body[start + size : start + size + 2] != b"\r\n":
            return None
        pos = start + size + 2


def _get(url: str, headers: Mapping[str, str]) -> bytes | None:
    """One GET over its own connection; the body when the answer is 200, else None.

    On ``socket``, not ``http.client``: that imports the email package, about a sixth of a replay. The
    reply is read whole (``Connection: close``); anything it cannot read (an encoding, a cut body) is None,
    and a misread body could only differ from the recorded digest, so the full path would take over."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    host = parts.hostname or ""
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    request += [f"{k}: {v}" for k, v in headers.items()]
    sock = socket.create_connection((host, parts.port or (443 if https else 80)), timeout=TIMEOUT_S)
    if https:
        import ssl

        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    with sock:
        sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode("latin-1"))
        received = []
        while data := sock.recv(1 << 16):
            received.append(data)
    head, sep, body = b"".join(received).partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    if not sep or status.split(b" ")[1:2] != [b"200"]:
        return None
    fields = {k.strip().lower(): v.strip().lower() for k, _, v in (line.partition(b":") for line in lines)}
    if fields.get(b"content-encoding", b"identity") != b"identity":
        return None
    if b"chunked" in fields.get(b"transfer-encoding", b""):
        return _unchunk(body)
    length = fields.get(b"content-length")
    return body if length is None or (length.isdigit() and int(length) == len(body)) else None


def _ask(url: str, headers: Mapping[str, str], expected: str, ok: list[bool], i: int) -> None:
    try:
        body = _get(url, headers)
    except (OSError, ValueError):
        body = None
    ok[i] = body is not None and sha(body) == expected


def _same_answers(ticket: Json, authorization: str) -> bool:
    """Ask the ticket's questions at once (as the full path's sync does); True when every answer is the
    recorded one, byte for byte."""
    asked = ticket["requests"]
    headers = {
        "Accept": "application/json",
        "User-Agent": ticket["user_agent"],
        "Authorization": authorization,
    }
    if not asked:
        return False  # a ticket without questions could not tell that nothing changed
    ok = [False] * len(asked)
    threads = [
        threading.Thread(target=_ask, args=(url, headers, expected, ok, i), daemon=True)
        for i, (url, expected) in enumerate(asked)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT_S + 1)
    return all(ok)


def _today(ticket: Json, pinned: str | None) -> str:
    return pinned or datetime.now(ZoneInfo(ticket["tz"])).date().isoformat()


def try_replay(values: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> int | None:
    """Replay the last run if nothing changed (see the module docstring): the exit code, or None when the
    full path must run."""
    if any(values.get(k) for k in ("setup", "watch_", "dry_run", "debug", "git_repo")):
        return None
    inputs = Inputs(values, environ)
    out_dir = inputs.out_dir()
    ticket = load_ticket(out_dir)
    if ticket is None or ticket.get("inputs") != inputs.digest():
        return None
    store = ticket["store"]
    auth = inputs.auth()
    if (
        auth is None
        or auth_digest(*auth) != ticket["auth"]
        or store_identity(Path(store["path"])) != store["identity"]
        or _today(ticket, values.get("today")) != ticket["today"]
    ):
        return None
    from icucoach.mirror.schedule import ExportLock, LockHeld

    try:
        lock = ExportLock(out_dir).acquire()
    except (LockHeld, OSError):
        return None
    try:
        return _replay_locked(ticket, inputs, out_dir, auth[1])
    finally:
        lock.release()


def _replay_locked(ticket: Json, inputs: Inputs, out_dir: Path, authorization: str) -> int | None:
    from icucoach.mirror.files import OutputError, write_set

    old = ticket["stamp"]
    texts: dict[str, str] = {}
    for kind, (path, digest) in ticket["files"].items():
        try:
            texts[kind] = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if sha(texts[kind]) != digest or count_stamps(kind, texts[kind], old) != ticket["stamps"][kind]:
            return None
    if not _same_answers(ticket, authorization):
        return None
    now = datetime.now(UTC)
    stamp = generated_at(ticket["tz"], now)
    new = {kind: restamp(kind, text, old, stamp) for kind, text in texts.items()}
    try:
        write_set({Path(ticket["files"][k][0]): t for k, t in new.items()}, out_dir)
    except OutputError:
        return None  # nothing was replaced; the full path says what is wrong
    ticket.update(stamp=stamp, files={k: [ticket["files"][k][0], sha(t)] for k, t in new.items()})
    code = _archive(ticket, new["latest"], now, out_dir)
    save_ticket(out_dir, ticket)
    if code == 0 and not inputs.values.get("quiet"):
        print(run_message("wrote", len(new), ticket["out_dir"], len(ticket["requests"]), []))
    return code


def _archive(ticket: Json, latest_text: str, now: datetime, out_dir: Path) -> int:
    archive = ticket.get("archive")
    if not archive:
        return 0
    from icucoach.mirror.archive import write_snapshot
    from icucoach.mirror.files import OutputError

    try:
        write_snapshot(
            Path(archive["root"]),
            json.loads(latest_text),
            now,
            retention_days=archive["retention_days"],
            min_interval_minutes=archive["min_interval_minutes"],
        )
    except OutputError as exc:
        from icucoach.commands._console import print_error
        from icucoach.exitcodes import Exit

        print_error(*archive_failure(exc.path, exc.reason, out_dir))
        return int(Exit.OUTPUT)
    return 0


__all__ = [
    "STAMPS",
    "TICKET",
    "Inputs",
    "archive_failure",
    "count_stamps",
    "generated_at",
    "restamp",
    "run_message",
    "try_replay",
]
