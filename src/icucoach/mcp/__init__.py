"""icucoach.mcp: the MCP server that lets an AI coach (Claude, ChatGPT, any MCP client) read the athlete's
Intervals.icu account and write workouts safely.

Modules: ``registry`` (the one tool-registration mechanism: permissions -> annotations, answers ->
structured content + text, client errors -> tool errors), ``context`` (client, athlete resolution, coach
selection, write guard), ``format`` (compact unit-labelled rows), the tools (``tools_coach``,
``tools_read``, ``tools_fitness``, ``tools_perf``, ``tools_calendar``, ``tools_events``),
``workout_input`` (structured steps, validation, read-back comparison), ``resources`` (resources +
prompts), ``server`` (build, stdio, Streamable HTTP with a bearer token) and ``demo`` (the ``icucoach demo``
section).
"""

from icucoach.mcp.server import build_server, http_app, run_http, run_stdio

__all__ = ["build_server", "http_app", "run_http", "run_stdio"]
