"""Section 11 field-path parity: the path notation, the committed list of Section 11's paths, and the
documented exclusions (docs/mirror.md, "Section 11 compatibility").

A path is the chain of keys from the file's root, lists written ``[]`` and data-dependent keys replaced by
a placeholder (``<date>``, ``<week>``, ``<month>``, ``<year>``, ``<id>``, ``<n>``), so one path stands for
the same field in every row.

Regenerate ``section11/paths.json`` and ``section11/values.json`` (Section 11's ``examples/sync.py`` v3.128
run unmodified on the sandbox's first athlete with the golden files' pinned date, 2026-11-23: the launcher
points its base URL at the sandbox and freezes its clock, ``datetime.now()``, at noon of that day, so both
exporters read exactly the data of ``tests/mirror/golden/athlete0``):

    .venv/bin/python -m tests.mirror.section11_paths --sync /path/to/sync.py --python /path/to/python \
        [--compare] [--protocol /path/to/SECTION_11.md]

``--python`` names a Python that has ``requests`` (default: this one). ``values.json`` keeps Section 11's
numbers, booleans and short codes at paths outside lists (no prose), for the value comparisons of
``test_section11_parity.py``. ``--protocol`` rewrites ``section11/protocol_fields.txt``, the field references
of Section 11's AI protocol (its ``SECTION_11.md``: the fields an AI prompted with it reads). ``--compare``
also runs our exporter on the same sandbox and prints, per file, the paths only in Section 11's output that
are neither produced nor excluded, and the paths only in ours.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PATHS_FILE = HERE / "section11" / "paths.json"
VALUES_FILE = HERE / "section11" / "values.json"
DOC = HERE.parents[1] / "docs" / "mirror.md"
FILES = ("latest", "history", "intervals", "routes", "ftp_history")

_PLACEHOLDERS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "<date>"),
    (re.compile(r"^\d{4}-W\d{2}$"), "<week>"),
    (re.compile(r"^\d{4}-\d{2}$"), "<month>"),
    (re.compile(r"^(19|20)\d{2}$"), "<year>"),
    (re.compile(r"^i?\d{5,}$"), "<id>"),
    (re.compile(r"^\d+$"), "<n>"),
)


def _key(k: str) -> str:
    for rx, placeholder in _PLACEHOLDERS:
        if rx.match(k):
            return placeholder
    return k


def field_paths(doc: Any) -> set[str]:
    """Every field path of a JSON document, in the notation above."""
    out: set[str] = set()

    def walk(v: Any, prefix: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                p = f"{prefix}.{_key(k)}" if prefix else _key(k)
                out.add(p)
                walk(x, p)
        elif isinstance(v, list):
            for x in v:
                walk(x, prefix + "[]")

    walk(doc, "")
    return out


# A row of the compatibility table: the first cell is `file.json:path` (a trailing `.*` covers the subtree),
# the second says what we do: "left out" (not produced), "differs" (produced, a documented different value),
# "same" (produced with their meaning; a note).
_ROW = re.compile(r"^\|\s*`(\w+)\.json:([^`]+)`\s*\|\s*(left out|differs|same)\b", re.IGNORECASE)


def table_rows(kind: str, doc_text: str | None = None) -> dict[str, set[str]]:
    """The table's paths of one kind ("left out", "differs", "same"), per file."""
    text = DOC.read_text("utf-8") if doc_text is None else doc_text
    out: dict[str, set[str]] = {f: set() for f in FILES}
    for line in text.splitlines():
        m = _ROW.match(line.strip())
        if m and m.group(3).lower() == kind:
            out.setdefault(m.group(1), set()).add(m.group(2).strip())
    return out


def exclusions(doc_text: str | None = None) -> dict[str, set[str]]:
    return table_rows("left out", doc_text)


def section11_values() -> dict[str, dict[str, Any]]:
    return json.loads(VALUES_FILE.read_text("utf-8"))


def same_value(theirs: Any, ours: Any) -> bool:
    """Equal, numbers within rounding (0.011, or 1 % of larger values: Section 11 rounds differently)."""
    if isinstance(theirs, bool) or isinstance(ours, bool):
        return type(theirs) is type(ours) and theirs == ours
    if not isinstance(theirs, (int, float)):
        return theirs == ours
    if not isinstance(ours, (int, float)):
        return False
    return abs(theirs - ours) <= max(0.011, 0.01 * abs(theirs))


def excluded(path: str, rules: set[str]) -> bool:
    return any(path == r or (r.endswith(".*") and (path + ".").startswith(r[:-1])) for r in rules)


def section11_paths() -> dict[str, set[str]]:
    return {k: set(v) for k, v in json.loads(PATHS_FILE.read_text("utf-8")).items()}


Paths = dict[str, set[str]]


def missing(ours: Paths, theirs: Paths, rules: Paths) -> dict[str, list[str]]:
    """Section 11's paths that we neither produce nor exclude, per file."""
    out = {}
    for f in FILES:
        absent = theirs.get(f, set()) - ours.get(f, set())
        out[f] = sorted(p for p in absent if not excluded(p, rules.get(f, set())))
    return out


def scalar_values(doc: Any) -> dict[str, Any]:
    """Numbers, booleans, nulls and short codes at paths that cross no list (one value per path)."""
    out: dict[str, Any] = {}

    def walk(v: Any, prefix: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{prefix}.{k}" if prefix else k)
        elif v is None or isinstance(v, (bool, int, float)) or (isinstance(v, str) and len(v) <= 24):
            out[prefix] = v

    walk(doc, "")
    return out


# Section 11's launcher (bench/bench_mirror.py) plus a frozen clock: sync.py reads the time only through the
# ``datetime`` name it imports, so replacing that name in its globals pins "now".
_FROZEN_LAUNCHER = (
    "import runpy, sys, datetime as _dt\n"
    "base, path, now = sys.argv[1], sys.argv[2], _dt.datetime.fromisoformat(sys.argv[3])\n"
    "sys.argv = [path, *sys.argv[4:]]\n"
    "class Frozen(_dt.datetime):\n"
    "    @classmethod\n"
    "    def now(cls, tz=None):\n"
    "        t = cls.fromisoformat(now.isoformat())\n"
    "        return t if tz is None else t.replace(tzinfo=tz)\n"
    "ns = runpy.run_path(path, run_name='section11')\n"
    "ns['IntervalsSync'].INTERVALS_BASE_URL = base\n"
    "ns['main'].__globals__['datetime'] = Frozen\n"
    "ns['main']()\n"
)


def _run_pair(sync_py: Path, python: str, compare: bool) -> tuple[dict[str, Any], Paths | None]:
    sys.path.insert(0, str(HERE.parents[1]))
    from bench.bench_mirror import _clean_env

    from icucoach.sandbox import SandboxOptions, serve_in_thread
    from icucoach.store.db import Store

    from .sandbox_world import TODAY, run_export

    options = SandboxOptions(seed=42, today=TODAY, rate_limit=False)
    with serve_in_thread(options) as sb, tempfile.TemporaryDirectory() as d:
        acc = sb.account("athlete", 0)
        theirs_dir, ours_dir = Path(d) / "section11", Path(d) / "ours"
        theirs_dir.mkdir()
        ours_dir.mkdir()
        argv = [
            python, "-c", _FROZEN_LAUNCHER, f"{sb.base_url}/api/v1", str(sync_py), f"{TODAY}T12:00:00",
            "--athlete-id", acc.athlete_id, "--intervals-key", acc.api_key, "--output", "latest.json",
        ]  # fmt: skip
        subprocess.run(argv, cwd=theirs_dir, env=_clean_env(), check=True, capture_output=True)
        theirs = {f: json.loads((theirs_dir / f"{f}.json").read_text()) for f in FILES}
        if not compare:
            return theirs, None
        store = Store.open(ours_dir / "archive.sqlite")
        run_export(sb, store, ours_dir / "out", privacy="none")  # the same pinned day
        store.close()
        ours = {f: field_paths(json.loads((ours_dir / "out" / f"{f}.json").read_text())) for f in FILES}
        return theirs, ours


PROTOCOL_FILE = HERE / "section11" / "protocol_fields.txt"
_REF = re.compile(r"`([A-Za-z_][A-Za-z_0-9]*(?:\.|\[)[^`]*)`")


def protocol_refs(markdown: str) -> list[str]:
    """The field references of Section 11's protocol (``SECTION_11.md``): backticked dotted paths, conditions
    (``: true``, ``< 80``, ``== "SICK"``) cut off, ``{a, b}`` expanded, and ``{dur}``, ``[id]``, ``*``
    written ``*`` (any one key). File names and commands are skipped."""
    out: set[str] = set()
    for raw in _REF.findall(markdown):
        ref = re.split(r"\s*(?::|==|=|<|>|≥|≤)\s|\s", raw.strip(), maxsplit=1)[0]
        if re.search(r"\.(md|py|json)$", ref) or ref.startswith(("latest.json.", "history.json")):
            ref = ref.removeprefix("latest.json.")
            if re.search(r"\.(md|py|json)$", ref) or (" " in raw and "json" in raw):
                continue
        ref = re.sub(r"\[(?:\*|id|family|\"\w+\")\]", ".*", ref).rstrip(".*").rstrip(".")
        ref = ref.replace("[]", "[]")
        parts = re.match(r"^(.*?)\{([^}]*,[^}]*)\}(.*)$", raw.strip())
        if parts:
            for name in parts.group(2).split(","):
                out.add(f"{parts.group(1)}{name.strip()}{parts.group(3)}".strip("`"))
            continue
        ref = re.sub(r"\{\w+\}", "*", ref)
        if ref and "(" not in ref:
            out.add(ref)
    return sorted(out)


def ref_matches(ref: str, path: str) -> bool:
    """``ref`` names ``path`` or one of its ancestors, as a suffix of whole keys (``*`` is any one key)."""
    r_parts, p_parts = ref.replace("[]", "").split("."), path.replace("[]", "").split(".")
    for end in range(len(r_parts), len(p_parts) + 1):
        window = p_parts[end - len(r_parts) : end]
        if all(a == "*" or a == b for a, b in zip(r_parts, window, strict=True)):
            return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sync", type=Path, required=True, help="a copy of Section 11's examples/sync.py")
    ap.add_argument("--python", default=sys.executable, help="a Python that has requests")
    ap.add_argument("--compare", action="store_true", help="also run ours and print the differences")
    ap.add_argument("--protocol", type=Path, help="Section 11's SECTION_11.md: rewrite protocol_fields.txt")
    args = ap.parse_args()
    if args.protocol:
        refs = protocol_refs(args.protocol.read_text("utf-8"))
        PROTOCOL_FILE.write_text("\n".join(refs) + "\n", "utf-8")
        print(f"wrote {PROTOCOL_FILE} ({len(refs)} field references)")
    docs, ours = _run_pair(args.sync.resolve(), args.python, args.compare)
    theirs = {f: field_paths(doc) for f, doc in docs.items()}
    PATHS_FILE.parent.mkdir(exist_ok=True)
    PATHS_FILE.write_text(json.dumps({f: sorted(theirs[f]) for f in FILES}, indent=1) + "\n", "utf-8")
    values = {f: scalar_values(docs[f]) for f in ("latest", "history")}
    VALUES_FILE.write_text(json.dumps(values, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {PATHS_FILE} ({sum(len(v) for v in theirs.values())} paths) and {VALUES_FILE}")
    if ours is None:
        return
    rules = exclusions()
    for f, paths in missing(ours, theirs, rules).items():
        extra = sorted(ours[f] - theirs[f])
        print(f"== {f}.json: {len(paths)} of Section 11's paths missing, {len(extra)} only ours")
        for p in paths:
            print(f"  - {p}")
        for p in extra:
            print(f"  + {p}")


if __name__ == "__main__":
    main()
