"""What the adapters share: fetch an athlete's records once (``fetch_snapshot``) and derive from them with the
pure analytics (``Snapshot.status``, ``Snapshot.summaries``).

The MCP server, the data mirror and the coach console all go through here, so a number means the same thing
whichever face shows it, and no adapter re-implements fetching or metric assembly.
"""

from icucoach.insights.snapshot import Snapshot, SnapshotWindow, fetch_snapshot

__all__ = ["Snapshot", "SnapshotWindow", "fetch_snapshot"]
