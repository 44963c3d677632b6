"""Run an ASGI app on a local port in a daemon thread: the embedded sandbox, the demo's MCP server and the
tests all serve this way, so start-up waiting, port choice and shutdown live in one place."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_background(
    app: Any,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    name: str = "icucoach-asgi",
    start_timeout: float = 20.0,
    **config: Any,
) -> Iterator[int]:
    """Serve ``app`` until the block ends; yields the port. ``config`` goes to ``uvicorn.Config``."""
    port = port or free_port(host)
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, **{"log_level": "warning", "access_log": False, **config})
    )
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{name} failed to start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=5)


__all__ = ["free_port", "serve_in_background"]
