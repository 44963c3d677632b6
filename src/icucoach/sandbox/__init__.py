"""A faithful local Intervals.icu: the API under ``/api/v1`` plus OAuth, serving synthetic athletes.

Tests and the demo talk to it over real HTTP (``serve_in_thread``); ``icucoach sandbox`` runs it standalone.
"""

from icucoach.sandbox.faults import FaultConfig, FaultPlan
from icucoach.sandbox.runner import RunningSandbox, SandboxOptions, serve_forever, serve_in_thread
from icucoach.sandbox.world import Account, World

__all__ = [
    "Account",
    "FaultConfig",
    "FaultPlan",
    "RunningSandbox",
    "SandboxOptions",
    "World",
    "serve_forever",
    "serve_in_thread",
]
