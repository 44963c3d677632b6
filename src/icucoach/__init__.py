"""icucoach: Intervals.icu for AI coaches and human coaches.

Parts (each a subpackage, depending downward only):
``workouts`` and ``analytics`` are pure; ``intervals`` is the one API client; ``sandbox`` is a faithful local
Intervals.icu; ``mcp``, ``mirror``, ``service`` and ``coach`` are thin adapters over the client and analytics.
"""

__version__ = "0.1.0"
