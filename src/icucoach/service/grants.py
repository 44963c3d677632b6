"""What a coach may be granted: every MCP tool falls in one group by what it does (the registry's
permission class), and an athlete ticks tools per coach. Reads and writes are chosen separately; the
presets name the usual choices ("read everything", "write workouts", "no deletes").

Pure: depends on the tool registry only.
"""

from __future__ import annotations

from dataclasses import dataclass

from icucoach.mcp import registry

# Tools every coach connection may call: they only list/choose among the athletes who granted access,
# and touch no athlete's data.
ALWAYS = frozenset({"icu_list_athletes", "icu_select_athlete"})

GROUPS: dict[str, str] = {
    "read": "Read (training, wellness, fitness, calendar, analysis)",
    "write": "Create workouts and events",
    "edit": "Change existing workouts, events and activities",
    "delete": "Delete workouts and events",
}


@dataclass(frozen=True)
class ToolChoice:
    name: str
    title: str
    group: str  # read | write | edit | delete


def _group(spec: registry.ToolSpec) -> str:
    if spec.perm.read_only or spec.perm is registry.SESSION:
        return "read"
    return spec.perm.name  # write | edit | delete


def catalogue() -> list[ToolChoice]:
    """Every grantable tool, in registry order (the server module registers them on import)."""
    import icucoach.mcp.server  # noqa: F401  (fills registry.TOOLS)

    return [ToolChoice(s.name, s.title, _group(s)) for s in registry.TOOLS if s.name not in ALWAYS]


def names_in(groups: set[str] | frozenset[str]) -> list[str]:
    return [t.name for t in catalogue() if t.group in groups]


PRESETS: dict[str, frozenset[str]] = {
    "read-only": frozenset({"read"}),
    "plan": frozenset({"read", "write", "edit"}),  # read everything, write workouts, no deletes
    "full": frozenset({"read", "write", "edit", "delete"}),
}


def group_of(tool: str) -> str | None:
    return next((t.group for t in catalogue() if t.name == tool), None)


def clean(tools: list[str] | set[str]) -> list[str]:
    """Known tool names only, in catalogue order (a form cannot grant a tool that does not exist)."""
    wanted = set(tools)
    return [t.name for t in catalogue() if t.name in wanted]


def describe(tools: list[str]) -> str:
    """Plain words for a grant, e.g. 'read everything, create workouts; no changes, no deletes'."""
    have = set(tools)
    parts = []
    for group, label in (("read", "read"), ("write", "create"), ("edit", "change"), ("delete", "delete")):
        members = [t.name for t in catalogue() if t.group == group]
        n = sum(1 for m in members if m in have)
        if n == len(members) and members:
            parts.append(f"{label}: all")
        elif n:
            parts.append(f"{label}: {n} of {len(members)}")
        else:
            parts.append(f"{label}: none")
    return ", ".join(parts)


__all__ = [
    "ALWAYS",
    "GROUPS",
    "PRESETS",
    "ToolChoice",
    "catalogue",
    "clean",
    "describe",
    "group_of",
    "names_in",
]
