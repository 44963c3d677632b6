"""The MCP tools of ``icucoach.mcp``, served to many people: ``ServiceSession`` replaces the single-user
``Session`` (one API key from the environment) with one that asks, on every call, who is calling
(``principal``) and which athlete the call is about, and then uses *that athlete's* Intervals.icu token.

- An athlete (OAuth or personal URL) reaches their own account only, with every tool.
- A coach reaches the athletes who granted them access, each limited to the tools that athlete ticked; a
  refused tool says which grant is missing. Revocation is read from the database on each call.
- Writes by a coach need an explicitly chosen athlete (``athlete_id`` or ``icu_select_athlete``), as in
  the single-user server.
- Every call lands in the audit log (who, tool, read/write, outcome — never arguments or answers).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextvars import ContextVar
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from fastmcp.exceptions import ToolError
from fastmcp.server.dependencies import get_access_token, get_http_request
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.tools import Tool

from icucoach.coach.plan_previews import MemoryStore
from icucoach.intervals import ConfigurationError, normalize_athlete_id
from icucoach.mcp import registry
from icucoach.mcp.context import AthleteRef, Session, selection_scope, session
from icucoach.mcp.registry import Answer
from icucoach.service import grants
from icucoach.service.models import utcnow
from icucoach.service.principal import SCOPE_KEY, Principal
from icucoach.service.store import GrantView

if TYPE_CHECKING:
    from icucoach.intervals.cache import CachedClient
    from icucoach.service.hub import Hub

# The athlete the running tool call resolved to (and that athlete's client), for ``icu()`` and the audit.
_TARGET: ContextVar[tuple[str, Any] | None] = ContextVar("icucoach_service_target", default=None)
# Why the running call was refused, in words the transparency page can show (no data).
_REFUSAL: ContextVar[str | None] = ContextVar("icucoach_service_refusal", default=None)


def current_principal() -> Principal:
    """The caller of the current MCP request (``ToolError`` when there is none: a misrouted request)."""
    try:
        request = get_http_request()
    except RuntimeError:
        request = None
    if request is not None:
        found = request.scope.get(SCOPE_KEY)
        if isinstance(found, Principal):
            return found
    token = get_access_token()
    athlete = (token.claims or {}).get("athlete_id") if token is not None else None
    if athlete:
        return Principal("athlete", athlete_id=str(athlete), via="OAuth")
    raise ToolError("Not signed in: connect this MCP server with its OAuth sign-in or a personal URL.")


class ServiceSession(Session):
    def __init__(self, hub: Hub) -> None:
        super().__init__(settings_factory=_no_env_settings)
        self.hub = hub
        # plan previews stay in this process, never in files on the server (icu_plan_apply still checks
        # the caller may write to the preview's athlete)
        self.plan_store = MemoryStore()

    # -- selection, per principal and MCP session ----------------------------------------------------------
    def _scope_key(self) -> str | None:
        scope = selection_scope()
        if scope is None:
            return None
        return f"{current_principal().key}|{scope}"

    # -- who the call is about -----------------------------------------------------------------------------
    async def _grants(self, principal: Principal) -> list[GrantView]:
        assert principal.coach_id is not None
        return await self.hub.db(self.hub.store.grants_of_coach, principal.coach_id)

    async def _coach_target(self, principal: Principal, athlete_id: str | None, write: bool) -> GrantView:
        roster = await self._grants(principal)
        selected = self.selected
        wanted: str | None = None
        if athlete_id not in (None, "0"):
            wanted = _normalized(athlete_id)
        elif selected is not None:
            wanted = selected.id
        if wanted is not None:
            grant = next((g for g in roster if g.athlete_id == wanted), None)
            if grant is None:
                _REFUSAL.set("no access to this athlete (never granted, or revoked)")
                _TARGET.set((wanted, None))
                raise ToolError(
                    f"Athlete {wanted} has not granted you access (or revoked it). icu_list_athletes shows "
                    "the athletes you can work with."
                )
            return grant
        if not roster:
            raise ToolError(
                "No athlete has granted you access yet (or every grant was revoked). Ask the athlete to "
                "invite you from their icucoach dashboard."
            )
        if len(roster) == 1 and not write:
            return roster[0]
        names = ", ".join(f"{g.athlete_name} ({g.athlete_id})" for g in roster[:8])
        action = "write" if write else "read"
        raise ToolError(
            f"Choose the athlete first: you coach {len(roster)} athlete(s) ({names}) and a {action} needs an "
            "explicit choice. Pass athlete_id, or call icu_select_athlete."
        )

    async def athlete(self, athlete_id: str | None = None, *, write: bool = False) -> AthleteRef:
        principal = current_principal()
        spec = registry.CURRENT_TOOL.get()
        tool = spec.name if spec is not None else None
        if principal.kind == "athlete":
            target = str(principal.athlete_id)
            if athlete_id not in (None, "0") and _normalized(athlete_id) != target:
                raise ToolError(
                    f"This connection belongs to athlete {target} and reaches their account only; "
                    f"{athlete_id} is someone else. Leave athlete_id empty."
                )
            access = "OWNER"
            if tool is not None and grants.group_of(tool) not in (None, "read"):
                await self._require_calendar_write(target)
        else:
            grant = await self._coach_target(principal, athlete_id, write)
            target = grant.athlete_id
            _TARGET.set((target, None))
            if tool is not None and tool not in grants.ALWAYS and tool not in grant.tools:
                group = grants.group_of(tool) or "read"
                _REFUSAL.set(f"tool not granted ({grants.GROUPS[group].lower()})")
                raise ToolError(
                    f"{grant.athlete_name or target} ({target}) has not granted you {tool} "
                    f"({grants.GROUPS[group].lower()}). Ask them to tick it for you on their icucoach "
                    "dashboard; the tools you may use for this athlete are listed by icu_list_athletes."
                )
            access = "WRITE" if any(grants.group_of(t) != "read" for t in grant.tools) else "READ"
            if tool is not None and grants.group_of(tool) not in (None, "read"):
                await self._require_calendar_write(target)
        client = await self.hub.upstream(target)
        if client is None and await self.hub.db(self.hub.store.account, target) is None:
            _REFUSAL.set("no account on this service")
            raise ToolError(
                f"Athlete {target} has no account on this icucoach service (sign-up here may be limited to "
                f"invited athletes). Sign up at {self.hub.settings.public_url}/connect, or ask its operator."
            )
        if client is None:
            raise ToolError(
                f"Athlete {target} has disconnected icucoach from Intervals.icu, so nothing can be read or "
                f"written. They can reconnect at {self.hub.settings.public_url}/connect."
            )
        _TARGET.set((target, client))
        return await self.ref(client, target, access)

    async def squad_sources(self) -> list[Any]:
        """A coach's squad for the running tool: the athletes whose grant includes it, each read with that
        athlete's own client (the same rule as any other tool, applied to every athlete at once)."""
        from icucoach.coach.squad import AthleteSource

        principal = current_principal()
        if principal.kind == "athlete":
            raise ToolError("A squad is a coach's view: this connection is one athlete's own account.")
        spec = registry.CURRENT_TOOL.get()
        tool = spec.name if spec is not None else None
        out = []
        for grant in await self._grants(principal):
            if tool is not None and tool not in grant.tools:
                continue
            client = await self.hub.upstream(grant.athlete_id)
            if client is not None:
                out.append(AthleteSource(grant.athlete_id, grant.athlete_name, client))
        return out

    async def _require_calendar_write(self, athlete_id: str) -> None:
        """Writes need the Intervals.icu scope the athlete may have unticked when connecting: say so
        before anything is sent (Intervals.icu would answer 403)."""
        account = await self.hub.db(self.hub.store.account, athlete_id)
        if account is not None and "CALENDAR:WRITE" not in (account.scope or ""):
            _REFUSAL.set("calendar write not granted in Intervals.icu")
            raise ToolError(
                f"Athlete {athlete_id} connected icucoach without permission to change their Intervals.icu "
                "calendar, so workouts and notes cannot be written. They can connect again at "
                f"{self.hub.settings.public_url}/connect and leave the calendar permission ticked."
            )

    async def icu(self) -> CachedClient:
        current = _TARGET.get()
        if current is None or current[1] is None:
            await self.athlete(None)
            current = _TARGET.get()
        assert current is not None
        client: CachedClient = current[1]
        return client

    async def roster(self) -> list[Any] | None:
        principal = current_principal()
        if principal.kind == "athlete":
            return None
        return [
            SimpleNamespace(id=g.athlete_id, name=g.athlete_name, timezone=None, icu_permission="WRITE")
            for g in await self._grants(principal)
        ]

    async def list_answer(self) -> Answer:
        principal = current_principal()
        if principal.kind == "athlete":
            me = await self.athlete(None)
            row = {"id": me.id, "name": me.name, "access": "OWNER", "tools": "all", "selected": True}
            return Answer(
                f"This connection is {me.label}'s own account",
                {"athlete": me.to_dict(), "athletes": [row], "selected": me.id},
            )
        roster = await self._grants(principal)
        chosen = self.selected
        rows = [
            {
                "id": g.athlete_id,
                "name": g.athlete_name,
                "grant": grants.describe(list(g.tools)),
                "tools": list(g.tools),
                "selected": chosen is not None and chosen.id == g.athlete_id,
            }
            for g in roster
        ]
        names = ", ".join(f"{r['name']} ({r['id']}: {r['grant']})" for r in rows) or "none yet"
        who = {"id": None, "name": f"coach {principal.coach_email}", "today": None}
        return Answer(
            f"Coach {principal.coach_email}; {len(rows)} athlete(s): {names}",
            {"athlete": who, "athletes": rows, "selected": chosen.id if chosen else None},
        )

    async def choose(self, athlete_id: str) -> Answer:
        self.require_scope()
        ref = await self.athlete(athlete_id)
        self.select(ref)
        return Answer(
            f"Selected {ref.label} ({ref.access} access); later calls are about this athlete",
            {"athlete": ref.to_dict(), "selected": {**ref.to_dict(), "access": ref.access}},
        )


def _normalized(athlete_id: str | None) -> str:
    try:
        return normalize_athlete_id(athlete_id)
    except ConfigurationError:
        raise ValueError(f"`athlete_id` {athlete_id!r} is not an athlete id: use 'i12345'") from None


def _no_env_settings() -> Any:
    raise ToolError("internal: the hosted service has no server-wide Intervals.icu key")


class CoachToolFilter(Middleware):
    """``tools/list`` shows what the caller may use, so their AI does not plan with the rest: for a coach,
    what some athlete granted them (plus listing and choosing athletes; ``tools/call`` still checks the grant
    of the athlete each call is about); for an athlete who unticked calendar writing when connecting, the
    read tools only. Everyone else sees every tool."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def on_list_tools(
        self, context: MiddlewareContext[Any], call_next: CallNext[Any, Sequence[Tool]]
    ) -> Sequence[Tool]:
        tools = await call_next(context)
        try:
            principal = current_principal()
        except ToolError:
            return tools
        if principal.kind == "athlete" and principal.athlete_id is not None:
            account = await self.hub.db(self.hub.store.account, principal.athlete_id)
            if account is None or "CALENDAR:WRITE" in (account.scope or ""):
                return tools
            return [t for t in tools if grants.group_of(t.name) in (None, "read")]
        if principal.kind != "coach" or principal.coach_id is None:
            return tools
        roster = await self.hub.db(self.hub.store.grants_of_coach, principal.coach_id)
        allowed = set(grants.ALWAYS).union(*(g.tools for g in roster))
        return [t for t in tools if t.name in allowed]


class AuditObserver:
    """Collects one audit row per tool call and writes them in batches, off the event loop: a call's answer
    never waits for the audit log, and a busy worker makes one transaction per batch, not per call. Rows
    reach the database within ``FLUSH_SECONDS`` (``drain`` writes what is left at shutdown)."""

    FLUSH_SECONDS = 0.25
    MAX_BATCH = 200

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._rows: list[dict[str, Any]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._side: set[asyncio.Task[None]] = set()

    def __call__(self, tool: str, athlete: str | None, status: str, _ms: float) -> None:
        owner = session()
        if not isinstance(owner, ServiceSession) or owner.hub is not self.hub:
            return  # a call served by another app in this process (tests run several)
        try:
            principal = current_principal()
        except ToolError:
            return
        target = _TARGET.get()
        group = grants.group_of(tool) or "read"
        self._rows.append(
            {
                "at": utcnow(),
                "athlete_id": (target[0] if target else None) or athlete or principal.athlete_id,
                "actor": principal.actor[:120],
                "coach_id": principal.coach_id,
                "tool": tool[:80],
                "kind": "read" if group == "read" else "write",
                "result": "ok" if status == "ok" else "refused" if status == "refused" else "error",
                "detail": _REFUSAL.get() if status == "refused" else (None if status == "ok" else status),
            }
        )
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())
        if status == "upstream AuthenticationError" and target:
            # Intervals.icu refused the athlete's token (revoked there, and no webhook reached us): the
            # account is disconnected now, so the next call says "reconnect" instead of failing upstream.
            task = asyncio.get_running_loop().create_task(self._token_refused(target[0]))
            self._side.add(task)
            task.add_done_callback(self._side.discard)

    async def _token_refused(self, athlete_id: str) -> None:
        if await self.hub.db(self.hub.store.disconnect, athlete_id):
            await self.hub.db(
                self.hub.store.record,
                athlete_id=athlete_id,
                actor="Intervals.icu",
                tool="access token refused by Intervals.icu",
                kind="account",
                result="ok",
            )
        self.hub.clients.forget(athlete_id)

    async def _flush_soon(self) -> None:
        if len(self._rows) < self.MAX_BATCH:
            await asyncio.sleep(self.FLUSH_SECONDS)
        await self.drain()

    async def drain(self) -> None:
        while self._rows:
            batch, self._rows = self._rows[: self.MAX_BATCH], self._rows[self.MAX_BATCH :]
            await self.hub.db(self.hub.store.record_many, batch)


__all__ = ["AuditObserver", "CoachToolFilter", "ServiceSession", "current_principal"]
