"""The one registration mechanism for MCP tools: a permission class decides every annotation.

    @tool(READ, "Athlete profile", {"profile": OBJ})
    async def icu_get_profile(athlete_id: AthleteArg = None) -> Answer: ...

``tool`` records a ``ToolSpec``; ``install(server)`` registers them all on a FastMCP server with

- ``title``, the four annotations from the ``Permission`` (read-only / destructive / idempotent / open-world,
  all set explicitly: the spec's defaults are the worst case);
- an ``outputSchema`` that always has ``athlete`` (who the answer is about) plus the tool's own properties;
- a body wrapper that turns the tool's ``Answer`` into ``structuredContent`` (an object) plus one compact text
  block (a headline and the minified JSON, for hosts that ignore structured output), and every failure the
  Intervals.icu client can raise into a ``ToolError`` (``isError: true``) that says what to do.
"""

from __future__ import annotations

import base64
import functools
import inspect
import json
import time
import typing
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.tools import FunctionTool, ToolResult
from mcp.types import ImageContent, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool

from icucoach.intervals.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConfigurationError,
    IntervalsError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    StravaRestrictedError,
    UpstreamUnavailableError,
    ValidationError,
)
from icucoach.mcp import logs


@dataclass(frozen=True)
class Permission:
    """What a class of tools may do; the MCP annotations follow from it."""

    name: str
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool

    def annotations(self, title: str) -> dict[str, Any]:
        return {
            "title": title,
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": self.open_world,
        }


READ = Permission("read", read_only=True, destructive=False, idempotent=True, open_world=True)
# Local computation over the athlete's settings (preview/validate a workout): reads only.
SESSION = Permission("session", read_only=False, destructive=False, idempotent=True, open_world=False)
# Creates that upsert by external_id: repeating them changes nothing more.
WRITE = Permission("write", read_only=False, destructive=False, idempotent=True, open_world=True)
# Edits overwrite fields (the old value is gone): destructive, but repeating is harmless.
EDIT = Permission("edit", read_only=False, destructive=True, idempotent=True, open_world=True)
DELETE = Permission("delete", read_only=False, destructive=True, idempotent=True, open_world=True)


@dataclass
class Answer:
    """What a tool body returns: a one-line headline and the structured data (an object), and images
    (bytes, MIME type) sent as image content after the text (a chart)."""

    headline: str
    data: dict[str, Any]
    images: list[tuple[bytes, str]] = field(default_factory=list)


@dataclass
class ToolSpec:
    fn: Callable[..., Awaitable[Answer]]
    name: str
    title: str
    perm: Permission
    output: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()


TOOLS: list[ToolSpec] = []

# The tool being run (set around each call), so an adapter deciding access (the hosted service's coach
# grants) knows which tool is asking without every tool passing its name.
CURRENT_TOOL: ContextVar[ToolSpec | None] = ContextVar("icucoach_current_tool", default=None)

# Called after every tool call with (tool name, athlete id or None, status, duration ms); status is "ok",
# "refused", "bad arguments" or "upstream <ErrorClass>". The hosted service records its audit log here.
# Observers get no arguments and no answer: only what a transparency page may show.
CallObserver = Callable[[str, str | None, str, float], None]
OBSERVERS: list[CallObserver] = []

# Who the answer is about (id, name, local today); undescribed like every output property (see ``obj``).
ATHLETE_SCHEMA: dict[str, Any] = {"type": "object"}


def obj(description: str) -> dict[str, Any]:
    """An object property of an output schema; ``description`` documents the code only (every schema
    character is sent to the model on every turn, and the answer itself shows the shape)."""
    return {"type": "object"}


def arr(description: str) -> dict[str, Any]:
    return {"type": "array"}


def tool(
    perm: Permission, title: str, output: dict[str, Any], required: tuple[str, ...] = ()
) -> Callable[[Callable[..., Awaitable[Answer]]], Callable[..., Awaitable[Answer]]]:
    """Record a tool: its name is the function's, its description the docstring."""

    def deco(fn: Callable[..., Awaitable[Answer]]) -> Callable[..., Awaitable[Answer]]:
        TOOLS.append(ToolSpec(fn, fn.__name__, title, perm, output, required))
        return fn

    return deco


def output_schema(spec: ToolSpec) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"athlete": ATHLETE_SCHEMA, **spec.output},
        "required": ["athlete", *spec.required],
    }


_LABELS: list[tuple[type[IntervalsError], str]] = [
    (ConfigurationError, "icucoach is not configured"),
    (AuthenticationError, "Intervals.icu rejected the API key"),
    (AccessDeniedError, "No access to this athlete's data"),
    (StravaRestrictedError, "Strava-restricted activity"),
    (RateLimitedError, "Rate limited by Intervals.icu"),
    (ValidationError, "Intervals.icu rejected the request"),
    (NotFoundError, "Not found"),
    (UpstreamUnavailableError, "Intervals.icu is unavailable"),
    (MalformedResponseError, "Intervals.icu sent an unreadable answer"),
]


def error_text(exc: IntervalsError) -> str:
    """One actionable paragraph for the model: what happened, then what to do."""
    label = next((text for cls, text in _LABELS if isinstance(exc, cls)), "Intervals.icu error")
    status = f" (HTTP {exc.status})" if exc.status else ""
    return f"{label}{status}: {exc.message}. {exc.hint}".strip()


def _body(answer: Answer) -> str:
    return json.dumps(answer.data, separators=(",", ":"), ensure_ascii=False, default=str)


def render_text(answer: Answer) -> str:
    return f"{answer.headline}\n{_body(answer)}"


def _wrap(spec: ToolSpec) -> Callable[..., Awaitable[ToolResult]]:
    fn = spec.fn

    @functools.wraps(fn)
    async def run(*args: Any, **kwargs: Any) -> ToolResult:
        started = time.perf_counter()
        CURRENT_TOOL.set(spec)
        try:
            answer = await fn(*args, **kwargs)
        except ToolError as exc:
            _logged(spec.name, kwargs.get("athlete_id"), "refused", str(exc), started)
            raise
        except IntervalsError as exc:
            _logged(spec.name, kwargs.get("athlete_id"), f"upstream {type(exc).__name__}", "", started)
            raise ToolError(error_text(exc)) from None
        except ValueError as exc:  # argument problems raised by our own parsing helpers
            _logged(spec.name, kwargs.get("athlete_id"), "bad arguments", str(exc), started)
            raise ToolError(str(exc)) from None
        body = _body(answer)  # serialised once: the text block and, parsed back, plain-JSON structured data
        athlete = answer.data.get("athlete")
        _logged(spec.name, athlete.get("id") if isinstance(athlete, dict) else None, "ok", body, started)
        images = [
            ImageContent(type="image", data=base64.b64encode(raw).decode("ascii"), mimeType=mime)
            for raw, mime in answer.images
        ]
        return ToolResult(
            content=[TextContent(type="text", text=f"{answer.headline}\n{body}"), *images],
            structured_content=json.loads(body),
        )

    # resolved here, in the tool module's namespace (FastMCP reads the wrapper's annotations)
    run.__annotations__ = {**typing.get_type_hints(fn, include_extras=True), "return": ToolResult}
    return run


def _logged(name: str, athlete: Any, status: str, answer: str, started: float) -> None:
    elapsed = (time.perf_counter() - started) * 1e3
    who = str(athlete) if athlete else None
    logs.tool_call(name, who, status, len(answer), elapsed)
    for observe in OBSERVERS:
        try:
            observe(name, who, status, elapsed)
        except Exception:  # an observer's failure must not turn a served call into an error
            logs.log.exception("call observer failed for %s", name)


def _open(node: Any) -> None:
    """Drop ``additionalProperties: false`` everywhere: the server rejects an unknown argument itself
    (pydantic, before the tool runs), so saying it in the schema only costs characters on every turn."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _open(value)
    elif isinstance(node, list):
        for value in node:
            _open(value)


def terse(schema: dict[str, Any]) -> dict[str, Any]:
    """Optional arguments as their plain type (``anyOf [X, null]`` and ``default: null`` dropped: absent
    means not given), no ``additionalProperties: false``. The schema goes to the model on every turn, so
    every character counts."""
    _open(schema)
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf")
        if options and any(o.get("type") == "null" for o in options):
            kept = [o for o in options if o.get("type") != "null"]
            del prop["anyOf"]
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
        if "default" in prop and prop["default"] is None:
            del prop["default"]
    return schema


class LeanTool(FunctionTool):
    """A tool listed without FastMCP's ``_meta: {"fastmcp": {"tags": []}}``: we use no tags, and the catalogue
    goes to the model on every turn (30 characters a tool)."""

    def to_mcp_tool(self, **overrides: Any) -> MCPTool:
        listed = super().to_mcp_tool(**overrides)
        if listed.meta == {"fastmcp": {"tags": []}}:
            listed.meta = None
        return listed


def install(server: FastMCP, module_order: tuple[str, ...] = ()) -> None:
    """Register every recorded tool on ``server`` in a stable order: by module (``module_order``), then as
    declared (a deterministic tools/list keeps hosts' prompt caches warm)."""

    def rank(spec: ToolSpec) -> int:
        mod = spec.fn.__module__.rsplit(".", 1)[-1]
        return module_order.index(mod) if mod in module_order else len(module_order)

    for spec in sorted(TOOLS, key=rank):
        registered = LeanTool.from_function(
            _wrap(spec),
            name=spec.name,
            title=spec.title,
            description=" ".join(inspect.cleandoc(spec.fn.__doc__ or "").split()),
            annotations=ToolAnnotations(**spec.perm.annotations(spec.title)),
            output_schema=output_schema(spec),
        )
        terse(registered.parameters)
        server.add_tool(registered)


__all__ = [
    "CURRENT_TOOL",
    "DELETE",
    "EDIT",
    "OBSERVERS",
    "READ",
    "SESSION",
    "TOOLS",
    "WRITE",
    "Answer",
    "Permission",
    "ToolSpec",
    "arr",
    "error_text",
    "install",
    "obj",
    "output_schema",
    "render_text",
    "tool",
]
