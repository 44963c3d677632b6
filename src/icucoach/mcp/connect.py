"""How to reach a running MCP server: the lines ``icucoach mcp --http`` and ``icucoach demo`` print.

Every command printed must work when pasted into another shell: the launcher is the absolute path of the
``icucoach`` beside the running interpreter (a venv's bin folder is rarely on the PATH), arguments are
shell-quoted, and the bearer token is referred to as ``$ICUCOACH_MCP_TOKEN`` unless the caller passes a
demo token it generated itself. The lines are plain text, one per command, never wrapped.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

TOKEN_REF = "$ICUCOACH_MCP_TOKEN"


def launcher() -> list[str]:
    """The command that starts icucoach from any shell: the venv's launcher, else ``python -m icucoach``."""
    here = Path(sys.executable).absolute().parent
    for name in ("icucoach", "icucoach.exe"):
        if (here / name).exists():
            return [str(here / name)]
    return [str(Path(sys.executable).absolute()), "-m", "icucoach"]


def shell(words: list[str]) -> str:
    return " ".join(w if w == TOKEN_REF else shlex.quote(w) for w in words)


def http_lines(url: str, token: str = TOKEN_REF) -> list[str]:
    """Connecting an HTTP client to ``url`` (Claude Code, then any client)."""
    auth = f"Authorization: Bearer {token}"
    claude = ["claude", "mcp", "add", "--transport", "http", "icucoach", url, "--header"]
    quoted = f'"{auth}"' if token == TOKEN_REF else shlex.quote(auth)
    return [
        f"  Claude Code:  {shell(claude)} {quoted}",
        f"  any MCP client: URL {url}, header {auth}",
    ]


def stdio_lines(env: dict[str, str]) -> list[str]:
    """Starting the server over stdio with ``env`` (Claude Code's command and Claude Desktop's JSON)."""
    import json

    cmd = launcher()
    claude = ["claude", "mcp", "add", "icucoach"]
    for k, v in env.items():
        claude += ["--env", f"{k}={v}"]
    desktop = {"mcpServers": {"icucoach": {"command": cmd[0], "args": [*cmd[1:], "mcp"], "env": env}}}
    return [
        f"  Claude Code (stdio):  {shell([*claude, '--', *cmd, 'mcp'])}",
        f"  Claude Desktop (claude_desktop_config.json):  {json.dumps(desktop)}",
    ]


__all__ = ["TOKEN_REF", "http_lines", "launcher", "shell", "stdio_lines"]
