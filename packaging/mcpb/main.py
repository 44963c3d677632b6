"""Entry point of the Claude Desktop extension (``.mcpb``, server type ``uv``): run the icucoach MCP server
over stdio. The bundle's own ``src`` goes first on the path, so the packed code is what runs."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from icucoach.mcp.server import run_stdio

if __name__ == "__main__":
    run_stdio()
