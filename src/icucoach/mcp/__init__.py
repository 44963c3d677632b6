"""icucoach.mcp."""
