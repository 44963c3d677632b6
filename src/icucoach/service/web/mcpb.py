"""The ``.mcpb`` bundle the dashboard offers for Claude Desktop: a zip with ``manifest.json`` (manifest
version 0.4) whose stdio server is ``mcp-remote`` bridging to the athlete's personal MCP URL, plus the same
bridge as ``server/index.js`` (the manifest's entry point) for running it by hand. The URL is the secret:
regenerating it on the dashboard stops an old bundle too.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import urlsplit

from icucoach import __version__

MCP_REMOTE = "mcp-remote@0.15.1"  # the npm stdio↔Streamable-HTTP bridge, pinned

_INDEX_JS = """// Bridges Claude Desktop (stdio) to your icucoach MCP URL through mcp-remote.
const { spawn } = require("node:child_process");
const args = %(args)s;
const child = spawn(process.platform === "win32" ? "npx.cmd" : "npx", args, { stdio: "inherit" });
child.on("exit", (code) => process.exit(code ?? 1));
"""


def bridge_args(url: str) -> list[str]:
    """``npx`` arguments: mcp-remote over Streamable HTTP only (the service has no SSE endpoint); plain
    http is allowed by mcp-remote on loopback only, so a self-hosted http service says so explicitly."""
    args = ["-y", MCP_REMOTE, url, "--transport", "http-only"]
    host = urlsplit(url).hostname or ""
    if url.startswith("http://") and host not in ("localhost", "127.0.0.1", "::1"):
        args.append("--allow-http")
    return args


def manifest(url: str, public_url: str) -> dict[str, Any]:
    return {
        "manifest_version": "0.4",
        "name": "icucoach",
        "display_name": "icucoach (Intervals.icu)",
        "version": __version__,
        "description": "Your Intervals.icu training data and calendar in Claude, through " + public_url,
        "long_description": (
            "Connects Claude Desktop to your personal icucoach URL. The URL inside this bundle is a secret: "
            "anyone with the file can use your account until you regenerate the URL on your dashboard."
        ),
        "author": {"name": "icucoach"},
        "homepage": public_url,
        "server": {
            "type": "node",
            "entry_point": "server/index.js",
            "mcp_config": {
                "command": "npx",
                "args": bridge_args(url),
            },
        },
        "compatibility": {"platforms": ["darwin", "win32", "linux"], "runtimes": {"node": ">=18"}},
        "keywords": ["intervals.icu", "training", "cycling", "running", "coach"],
        "license": "MIT",
    }


def bundle(url: str, public_url: str) -> bytes:
    """The ``.mcpb`` file's bytes for the personal MCP ``url``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest(url, public_url), indent=2) + "\n")
        zf.writestr(
            "server/index.js",
            _INDEX_JS % {"args": json.dumps(bridge_args(url))},
        )
    return buf.getvalue()


__all__ = ["MCP_REMOTE", "bridge_args", "bundle", "manifest"]
