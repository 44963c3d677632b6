"""State the tools share: the cached Intervals.icu client (per server process), the coach's athlete selection
(per MCP session), and resolving which athlete an answer is about (athlete-local "today", names, the write
guard).

Credentials come only from the environment/config file (``ClientSettings.from_env()``), read on first use,
so the server starts and lists its tools even before a key is configured; every tool then answers with an
actionable error. One ``Session`` per server process holds the client; the athlete a coach selected belongs
to the MCP session that selected it (``selection_scope``): over Streamable HTTP that is the
``Mcp-Session-Id`` the SDK negotiated, so two clients of one server never see or use each other's choice;
stdio (and the in-memory transport) serve one client, so the process is the session. A stateless
(2026-07-28) HTTP connection has no session: it cannot select, and passes ``athlete_id`` per call.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastmcp.exceptions import ToolError
from fastmcp.server.dependencies import get_http_request
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import Field

from icucoach.intervals import (
    AccessDeniedError,
    ClientSettings,
    ConfigurationError,
    IntervalsClient,
    IntervalsError,
    athlete_today,
    normalize_athlete_id,
)
from icucoach.intervals.cache import CachedClient, CacheTtl
from icucoach.mcp.registry import Answer

if TYPE_CHECKING:
    from icucoach.coach.squad import AthleteSource, SquadCache

AthleteArg = Annotated[
    str | None,
    Field(
        description="default: selected",
        pattern=r"^(0|[iI]?\d+)$",
    ),
]
DetailArg = Annotated[
    Literal["compact", "full"],
    Field(description="full = all fields"),
]
DateArg = Annotated[
    str | None,
    Field(
        description="YYYY-MM-DD, today, yesterday, ±N",
        max_length=10,
    ),
]


@dataclass(frozen=True)
class AthleteRef:
    """Who an answer is about, with their local today."""

    id: str
    name: str | None
    timezone: str | None
    today: date
    access: str | None = None  # OWNER | WRITE | READ | None (unknown)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "today": self.today.isoformat()}

    @property
    def label(self) -> str:
        return f"{self.name or 'athlete'} ({self.id})"


def parse_day(value: str | None, today: date, name: str, default: date | None = None) -> date:
    """An athlete-local date argument; ``ValueError`` (shown to the model) says the accepted forms."""
    if value is None or str(value).strip() == "":
        if default is None:
            raise ValueError(f"`{name}` is required: a date like {today.isoformat()}")
        return default
    text = str(value).strip().lower()
    words = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if text in words:
        return today + timedelta(days=words[text])
    if text[:1] in "+-" and text[1:].isdigit():
        return today + timedelta(days=int(text))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"`{name}` must be an athlete-local date YYYY-MM-DD (or today/yesterday/tomorrow/+N/-N), "
            f"got {value!r}"
        ) from None


def day_range(
    oldest: str | None, newest: str | None, today: date, default_days: int, max_days: int = 3660
) -> tuple[date, date]:
    """[oldest, newest] from arguments, defaulting to the ``default_days`` ending today."""
    end = parse_day(newest, today, "newest", today)
    start = parse_day(oldest, today, "oldest", end - timedelta(days=default_days - 1))
    if start > end:
        raise ValueError(f"`oldest` {start} is after `newest` {end}; swap them")
    if (end - start).days >= max_days:
        raise ValueError(f"range {start}..{end} is longer than {max_days} days; narrow it")
    return start, end


LOCAL_SCOPE = "local"  # stdio / in-memory: one client per server process
MAX_SELECTIONS = 10_000  # sessions remembered; the oldest choice is forgotten first (writes then refuse)


def selection_scope() -> str | None:
    """The MCP session the current request belongs to: the ``Mcp-Session-Id`` over HTTP, ``LOCAL_SCOPE``
    when there is no HTTP request (stdio serves one client), None on a stateless connection.

    The header is trusted only on a handshake-era request (no ``MCP-Protocol-Version`` or one of the
    handshake versions): the SDK serves those on the stateful path, which answers 404 unless the id names a
    live session opened by the same requestor. A 2026-07-28 request bypasses that check, so an id it carries
    (perhaps another client's) means nothing here."""
    try:
        request = get_http_request()
    except RuntimeError:
        return LOCAL_SCOPE
    version = request.headers.get("mcp-protocol-version")
    if version is not None and version not in HANDSHAKE_PROTOCOL_VERSIONS:
        return None
    return request.headers.get("mcp-session-id") or None


class Session:
    """The server's shared state (see the module docstring)."""

    def __init__(
        self,
        settings_factory: Callable[[], ClientSettings] = ClientSettings.from_env,
        ttl: CacheTtl | None = None,
    ) -> None:
        self._settings_factory = settings_factory
        self._ttl = ttl
        self._icu: CachedClient | None = None
        self._selections: OrderedDict[str, AthleteRef] = OrderedDict()
        self._squad_cache: SquadCache | None = None
        # ICUCOACH_TODAY pins "today" (reproducible demos and tests against a sandbox with a pinned date)
        pinned = os.environ.get("ICUCOACH_TODAY", "").strip()
        self.fixed_today: date | None = date.fromisoformat(pinned) if pinned else None

    def _scope_key(self) -> str | None:
        """What selections are keyed by: the MCP session (an adapter may add who is calling)."""
        return selection_scope()

    @property
    def selected(self) -> AthleteRef | None:
        """The athlete the current MCP session selected (None: not selected, or no session)."""
        scope = self._scope_key()
        if scope is None:
            return None
        ref = self._selections.get(scope)
        if ref is not None:
            self._selections.move_to_end(scope)
        return ref

    def require_scope(self) -> str:
        """The current session's key, or a ``ToolError`` for a connection without an MCP session."""
        scope = self._scope_key()
        if scope is None:
            raise ToolError(
                "This connection has no MCP session (stateless HTTP), so a selection could not be kept "
                "between calls: pass athlete_id on each call instead."
            )
        return scope

    def select(self, ref: AthleteRef) -> None:
        """Make ``ref`` the current session's athlete (and only this session's)."""
        scope = self.require_scope()
        self._selections[scope] = ref
        self._selections.move_to_end(scope)
        while len(self._selections) > MAX_SELECTIONS:
            self._selections.popitem(last=False)

    async def icu(self) -> CachedClient:
        if self._icu is None:
            settings = self._settings_factory()
            self._icu = CachedClient(IntervalsClient(settings), self._ttl)
        return self._icu

    async def aclose(self) -> None:
        if self._icu is not None:
            await self._icu.client.aclose()
            self._icu = None

    async def roster(self) -> list[Any] | None:
        """Athletes the key may reach (itself first) or None when the API refuses the list (OAuth)."""
        icu = await self.icu()
        try:
            return list(await icu.list_athletes())
        except (AccessDeniedError, ConfigurationError):
            raise
        except IntervalsError:
            return None

    @property
    def squad_cache(self) -> SquadCache:
        """Coach views' snapshots, kept between calls (a reload asks Intervals.icu only what changed)."""
        if self._squad_cache is None:
            from icucoach.coach.squad import SquadCache

            self._squad_cache = SquadCache()
        return self._squad_cache

    async def squad_sources(self) -> list[AthleteSource]:
        """The athletes who share with the key's owner (the owner excluded), read with this client; an
        adapter with its own idea of who may be read (the hosted service's grants) overrides this."""
        from icucoach.coach.squad import AthleteSource

        roster = await self.roster()
        if roster is None:
            raise ToolError("This connection cannot list athletes (an OAuth token reaches one athlete only).")
        icu = await self.icu()
        owner = str(roster[0].id) if roster else None
        return [
            AthleteSource(str(a.id), a.name, icu, (a.icu_permission or "READ").upper())
            for a in roster
            if str(a.id) != owner
        ]

    async def athlete(self, athlete_id: str | None = None, *, write: bool = False) -> AthleteRef:
        """Resolve the athlete: the argument, else the selection, else the configured id.

        For writes, an athlete must have been chosen explicitly when the key reaches more than one athlete
        (a coach): the argument, ``icu_select_athlete`` or ``INTERVALS_ATHLETE_ID``. A READ-only share is
        refused before anything is sent."""
        icu = await self.icu()
        selected = self.selected
        explicit = athlete_id is not None or selected is not None or icu.settings.athlete_id != "0"
        if athlete_id is not None:
            try:
                aid = normalize_athlete_id(athlete_id)
            except ConfigurationError as exc:
                raise ValueError(
                    f"`athlete_id` {athlete_id!r} is not an athlete id: use 'i12345' or '0'"
                ) from exc
        elif selected is not None:
            aid = selected.id
        else:
            aid = icu.settings.athlete_id
        access: str | None = None
        roster = await self.roster() if write else None
        if write and roster is not None:
            if not explicit and len(roster) > 1:
                names = ", ".join(f"{a.name} ({a.id})" for a in roster[:8])
                raise ToolError(
                    f"Refusing to write without an explicitly chosen athlete: this key reaches {len(roster)} "
                    f"athletes ({names}). Pass athlete_id, or call icu_select_athlete first."
                )
            owner = str(roster[0].id) if roster else None
            target = owner if aid == "0" else aid
            for a in roster:
                if str(a.id) == target:
                    access = "OWNER" if str(a.id) == owner else (a.icu_permission or None)
            if access == "READ":
                who = next((a.name for a in roster if str(a.id) == target), target)
                raise ToolError(
                    f"{who} ({target}) shared READ access only with this key, so their calendar cannot be "
                    "changed. Ask the athlete to give WRITE access (Intervals.icu → Settings → Coach), or "
                    "choose another athlete."
                )
        return await self.ref(icu, aid, access)

    async def ref(self, icu: CachedClient, athlete_id: str, access: str | None) -> AthleteRef:
        """The ``AthleteRef`` of ``athlete_id`` read through ``icu`` (name, timezone, local today)."""
        athlete = await icu.get_athlete(athlete_id)
        return AthleteRef(
            id=str(athlete.id or athlete_id),
            name=athlete.name,
            timezone=athlete.timezone,
            today=self.fixed_today or athlete_today(athlete.timezone),
            access=access,
        )

    async def list_answer(self) -> Answer:
        """What ``icu_list_athletes`` answers (an adapter with its own idea of a roster overrides this)."""
        roster = await self.roster()
        me = await self.athlete("0")
        roster_rows: list[dict[str, Any]]
        if roster is None:  # OAuth tokens cannot list athletes: the token's own athlete only
            roster_rows = [{"id": me.id, "name": me.name, "access": "OWNER", "timezone": None}]
        else:
            owner = str(roster[0].id) if roster else me.id
            roster_rows = [
                {
                    "id": str(a.id),
                    "name": a.name,
                    "timezone": a.timezone,
                    "access": "OWNER" if str(a.id) == owner else (a.icu_permission or "READ"),
                }
                for a in roster
            ]
        chosen = self.selected
        selected = chosen.id if chosen else None
        for r in roster_rows:
            r["selected"] = r["id"] == selected
        names = ", ".join(f"{r['name']} ({r['id']}, {r['access']})" for r in roster_rows)
        return Answer(
            f"Key owner {me.label}; {len(roster_rows)} athlete(s): {names}",
            {"athlete": me.to_dict(), "athletes": roster_rows, "selected": selected},
        )

    async def choose(self, athlete_id: str) -> Answer:
        """What ``icu_select_athlete`` does and answers."""
        self.require_scope()
        roster = await self.roster()
        ref: AthleteRef = await self.athlete(athlete_id)
        access = "OWNER" if athlete_id == "0" else None
        if roster is not None:
            owner = str(roster[0].id) if roster else None
            match = next((a for a in roster if str(a.id) == ref.id), None)
            if match is None:
                raise ToolError(
                    f"{ref.id} has not shared their account with this key; icu_list_athletes shows who has"
                )
            access = "OWNER" if ref.id == owner else (match.icu_permission or "READ")
        self.select(ref)
        return Answer(
            f"Selected {ref.label} ({access} access); later calls are about this athlete",
            {"athlete": ref.to_dict(), "selected": {**ref.to_dict(), "access": access}},
        )


SESSION_HOLDER: dict[str, Session] = {}


# An ASGI host serving several servers in one process (the hosted service; its tests) puts the Session that
# owns a request in the request's scope under this key; otherwise the process-wide one is used.
SCOPE_SESSION_KEY = "icucoach.session"


def session() -> Session:
    """The session of the server handling this request: the one its ASGI host attached to the request, else
    the process-wide one (``server.build_server`` installs it)."""
    try:
        attached = get_http_request().scope.get(SCOPE_SESSION_KEY)
    except RuntimeError:
        attached = None
    if isinstance(attached, Session):
        return attached
    if "s" not in SESSION_HOLDER:
        SESSION_HOLDER["s"] = Session()
    return SESSION_HOLDER["s"]


__all__ = [
    "SCOPE_SESSION_KEY",
    "AthleteArg",
    "AthleteRef",
    "DateArg",
    "DetailArg",
    "Session",
    "day_range",
    "parse_day",
    "selection_scope",
    "session",
]
