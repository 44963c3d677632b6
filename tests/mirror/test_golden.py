"""Golden files: every output file for the sandbox athletes (seed 42, today pinned to 2026-11-23), compared
after dropping volatile fields (``mirror.files.normalise``), and validated against the shipped schemas.

Regenerate after an intended change:
    ICUCOACH_UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/mirror/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from icucoach.mirror.files import FILES, normalise, validate
from icucoach.mirror.latest import TOP_LEVEL
from icucoach.store.db import Store

from .sandbox_world import run_export

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ICUCOACH_UPDATE_GOLDENS") == "1"
SECTION11_HISTORY_KEYS = {
    "generated_at", "source", "sync_version", "data_range", "ftp_timeline", "data_gaps", "summaries",
    "daily_90d", "weekly_180d", "monthly_1y", "monthly_2y", "monthly_3y",
}  # fmt: skip


@pytest.fixture(scope="module")
def exported(sb, tmp_path_factory) -> dict[int, tuple[Path, object]]:
    out = {}
    for index in (0, 1):
        d = tmp_path_factory.mktemp(f"athlete{index}")
        store = Store.open(d / "archive.sqlite")
        result = run_export(sb, store, d / "out", index=index, privacy="none")  # routes over real HTTP
        store.close()
        out[index] = (d / "out", result)
    return out


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("kind", FILES)
def test_golden_and_schema(exported, index: int, kind: str) -> None:
    out_dir, result = exported[index]
    assert result.code == 0, (result.message, result.failures)
    doc = json.loads((out_dir / f"{kind}.json").read_text())
    validate(kind, doc)
    got = normalise(kind, doc)
    path = GOLDEN / f"athlete{index}" / f"{kind}.json"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"missing golden {path}; run with ICUCOACH_UPDATE_GOLDENS=1"
    want = json.loads(path.read_text())
    assert got == want, f"{kind}.json for athlete {index} differs from {path}"


def test_section11_keys(exported) -> None:
    out_dir, _ = exported[0]
    latest = json.loads((out_dir / "latest.json").read_text())
    assert tuple(latest) == TOP_LEVEL  # same keys, same order
    history = json.loads((out_dir / "history.json").read_text())
    assert set(history) >= SECTION11_HISTORY_KEYS
    assert len(history["daily_90d"]) == 90
    assert history["monthly_3y"] and history["weekly_180d"][0]["week_start"] <= "2026-05-27"
    intervals = json.loads((out_dir / "intervals.json").read_text())
    assert intervals["schema_version"] == 1 and intervals["activities"]
    assert any(i["type"] == "WORK" for a in intervals["activities"] for i in a["intervals"])
    routes = json.loads((out_dir / "routes.json").read_text())
    assert routes["events"] and all("climbs" in e["terrain_summary"] for e in routes["events"])
    ftp = json.loads((out_dir / "ftp_history.json").read_text())
    assert ftp["outdoor"] or ftp["indoor"]


def test_snapshot_in_archive(exported) -> None:
    out_dir, result = exported[0]
    snaps = list((out_dir / "archive").glob("*/*.json"))
    assert len(snaps) == 1 and result.archive == snaps[0]
    assert json.loads(snaps[0].read_text())["metadata"]["today"] == "2026-11-23"
