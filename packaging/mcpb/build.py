"""Build the Claude Desktop extension: stage the bundle, validate it with the official ``mcpb`` tool, pack it.

    .venv/bin/python packaging/mcpb/build.py --mcpb .tools/node_modules/.bin/mcpb   # = make mcpb

Stage (``build/mcpb/``): ``manifest.json`` (version from pyproject, tool list from the server's registry),
``pyproject.toml`` + ``README.md`` (uv installs the dependencies from them on the user's machine),
``src/icucoach/**`` and ``server/main.py``. Output: ``dist/icucoach-<version>.mcpb``. Exit status non-zero
when validation or packing fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def stage(out: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    (out / "server").mkdir(parents=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = project["version"]
    sys.path.insert(0, str(ROOT / "src"))
    from icucoach.mcp import server  # noqa: F401  (imports every tool module)
    from icucoach.mcp.registry import TOOLS

    manifest["tools"] = [{"name": t.name, "description": t.title} for t in TOOLS]
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shutil.copy(ROOT / "pyproject.toml", out / "pyproject.toml")
    shutil.copy(ROOT / "README.md", out / "README.md")
    shutil.copy(HERE / "main.py", out / "server" / "main.py")
    shutil.copytree(
        ROOT / "src" / "icucoach",
        out / "src" / "icucoach",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (out / ".mcpbignore").write_text("__pycache__/\n*.pyc\n.venv/\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mcpb", default=str(ROOT / ".tools" / "node_modules" / ".bin" / "mcpb"))
    parser.add_argument("--stage", default=str(ROOT / "build" / "mcpb"))
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    args = parser.parse_args(argv)
    out = Path(args.stage)
    manifest = stage(out)
    bundle = Path(args.dist) / f"icucoach-{manifest['version']}.mcpb"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    for cmd in (
        [args.mcpb, "validate", str(out / "manifest.json")],
        [args.mcpb, "pack", str(out), str(bundle)],
    ):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        sys.stdout.write(proc.stdout)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            print(f"mcpb {cmd[1]} failed", file=sys.stderr)
            return proc.returncode
    print(f"built {bundle}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
