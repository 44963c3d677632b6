"""Run an ASGI app on a local port: in a daemon thread (the embedded sandbox, the demo's MCP server and the
tests) or in the foreground (``icucoach sandbox``, ``icucoach mcp --http``), so start-up waiting, port choice,
bind failures and shutdown live in one place.

A foreground server binds its port *before* anything else happens (``listen_socket``): a busy port is one
clear ``PortUnavailableError`` naming the port and the fix, not a URL printed as if the server had started
followed by uvicorn's errno text; the URL is announced (``on_ready``) only once the server accepts
connections.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


class PortUnavailableError(Exception):
    """The port cannot be listened on (in use, or not allowed); ``hint`` says what to do."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        self.host, self.port = host, port
        if cause.errno == errno.EADDRINUSE:
            why = "the port is already in use (another icucoach or program is listening there)"
            self.hint = f"Choose another port with --port N, or stop the program that uses port {port}."
        elif cause.errno in (errno.EACCES, errno.EPERM):
            why = "permission denied (ports below 1024 need administrator rights)"
            self.hint = "Choose a port from 1024 to 65535 with --port N."
        else:
            why = cause.strerror or type(cause).__name__
            self.hint = "Choose another port with --port N, or check the host address."
        self.message = f"Cannot listen on {host}:{port}: {why}"
        super().__init__(self.message)


def listen_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` for ``serve_foreground``; raises ``PortUnavailableError``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":  # as uvicorn does: a port in TIME_WAIT is free, one with a listener is not
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortUnavailableError(host, port, exc) from None
    return sock


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that calls ``on_ready`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self._on_ready()


def serve_foreground(
    app: Any, sock: socket.socket, *, on_ready: Callable[[], None] = lambda: None, **config: Any
) -> None:
    """Serve ``app`` on the bound ``sock`` until Ctrl-C (then ``KeyboardInterrupt`` is raised, as usual)."""
    host, port = sock.getsockname()[:2]
    settings = {"log_level": "warning", "access_log": False, **config}
    server = _AnnouncingServer(uvicorn.Config(app, host=host, port=port, **settings), on_ready)
    server.run(sockets=[sock])


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


__all__ = ["PortUnavailableError", "free_port", "listen_socket", "serve_foreground", "serve_in_background"]
