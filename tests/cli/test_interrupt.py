"""Ctrl-C in a command that has no interrupt report of its own: one line saying so, exit 130, no traceback.

(Commands that write files report what was and was not written: tests/mirror/test_interrupt.py.)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess

from icucoach.exitcodes import Exit

from .harness import ICUCOACH, plain


def test_ctrl_c_during_a_read_says_nothing_was_written() -> None:
    # A server that accepts the connection and never answers: the command is certainly mid-request when
    # the signal arrives (we wait for the accept), whatever the machine's load.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(120)
        port = server.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
        env.update(
            INTERVALS_API_KEY="k" * 24,
            INTERVALS_BASE_URL=f"http://127.0.0.1:{port}",
            ICUCOACH_CONFIG="/nonexistent/icucoach.toml",
            NO_COLOR="1",
        )
        proc = subprocess.Popen(
            [ICUCOACH, "doctor"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        conn, _ = server.accept()
        with conn:
            proc.send_signal(signal.SIGINT)
            _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == int(Exit.INTERRUPTED), stderr
    text = plain(stderr)
    assert "Traceback" not in text and "Aborted" not in text
    assert "interrupted: `icucoach doctor` stopped before finishing; nothing was written." in text
