"""Fault injection for the sandbox: latency, 429/500/503 shares, hangs and truncated JSON, seeded.

Two ways to trigger faults: random shares (``FaultConfig``; a seeded RNG, so a failing test replays exactly)
and a script (``FaultPlan.enqueue``): the next N API requests get exactly these outcomes, in order. Scripts
are what precise client tests use ("two 429s, then success").
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

Fault = Literal["ok", "429", "500", "502", "503", "504", "timeout", "truncate", "malformed"]
FAULTS: tuple[str, ...] = ("ok", "429", "500", "502", "503", "504", "timeout", "truncate", "malformed")


@dataclass(frozen=True)
class FaultConfig:
    """Random fault shares (0..1 each) applied to every ``/api/v1`` request; all zero = no faults."""

    seed: int = 0
    latency_ms: float = 0.0
    p429: float = 0.0
    p500: float = 0.0
    p503: float = 0.0
    p_timeout: float = 0.0
    p_truncate: float = 0.0
    retry_after: str | None = "1"  # seconds or an HTTP date; None sends no Retry-After header
    hang_seconds: float = 30.0  # how long a "timeout" fault stalls before answering


class FaultPlan:
    """The live fault state of a running sandbox (thread-safe: tests change it while the server runs)."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._script: deque[Fault] = deque()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)

    def enqueue(self, *faults: Fault) -> None:
        """The next ``len(faults)`` requests get these outcomes, in order, before random shares apply."""
        for f in faults:
            if f not in FAULTS:
                raise ValueError(f"unknown fault {f!r}; expected one of {', '.join(FAULTS)}")
        with self._lock:
            self._script.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._script.clear()
            self.config = FaultConfig()
            self._rng = random.Random(0)

    def next(self) -> Fault:
        """The outcome for the request now arriving."""
        with self._lock:
            if self._script:
                return self._script.popleft()
            c = self.config
            r = self._rng.random()
            for share, fault in (
                (c.p429, "429"),
                (c.p500, "500"),
                (c.p503, "503"),
                (c.p_timeout, "timeout"),
                (c.p_truncate, "truncate"),
            ):
                if r < share:
                    return fault  # type: ignore[return-value]
                r -= share
            return "ok"
