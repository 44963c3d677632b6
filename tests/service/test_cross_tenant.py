"""Cross-tenant property test: generated sequences of grants, revocations, URL regenerations and tool calls
(personal URLs, coach URLs, stale URLs, never-granted coaches) against the real service and sandbox. The
model says, for each call, whether a grant allows it; every call the model forbids must be refused before
anything is read or written (writes are checked in the sandbox afterwards), and every allowed call must not
be refused for want of a grant. 1,000+ calls in all."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from icucoach.sandbox import RunningSandbox
from service.service_helpers import RunningService, connect_athlete, mcp_client, running_service

ATHLETES = ("i100001", "i100002", "i100003")  # i100003 is a coach who also trains
COACHES = ("k1@example.org", "k2@example.org", "k3@example.org")
TOOLS = {
    "icu_get_profile": "read",
    "icu_get_wellness": "read",
    "icu_list_events": "read",
    "icu_add_note": "write",
    "icu_delete_events": "delete",
}
REFUSALS = (
    "has not granted you",
    "No athlete has granted you access",
    "reaches their account only",
    "not valid any more",
    "Choose the athlete",
)
EXAMPLES = int(os.environ.get("XT_EXAMPLES", "60"))
CALLS_PER_EXAMPLE = 50  # programs of 60-90 steps, about 3 in 4 of them calls: 60 programs give 1,000+
_titles = itertools.count()

# ("call", who, athlete, tool) | ("grant", coach, athlete, tools) | ("revoke", coach, athlete) | ("regen", w)
Op = tuple

calls = st.tuples(
    st.just("call"),
    st.sampled_from([*(f"u:{a}" for a in ATHLETES), *(f"c:{c}" for c in COACHES), "stale"]),
    st.sampled_from([*ATHLETES, None]),
    st.sampled_from(sorted(TOOLS)),
)
changes = st.one_of(
    st.tuples(
        st.just("grant"),
        st.sampled_from(COACHES),
        st.sampled_from(ATHLETES),
        st.frozensets(st.sampled_from(sorted(TOOLS)), min_size=1),
    ),
    st.tuples(st.just("revoke"), st.sampled_from(COACHES), st.sampled_from(ATHLETES)),
    st.tuples(
        st.just("regen"), st.sampled_from([*(f"u:{a}" for a in ATHLETES), *(f"c:{c}" for c in COACHES)])
    ),
)
programs = st.lists(st.one_of(calls, calls, calls, changes), min_size=CALLS_PER_EXAMPLE + 10, max_size=90)


@dataclass(repr=False)
class World:
    svc: RunningService
    sb: RunningSandbox
    urls: dict[str, str] = field(default_factory=dict)  # "u:<id>" / "c:<email>" -> current URL
    stale: list[str] = field(default_factory=list)
    grants: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    coach_ids: dict[str, int] = field(default_factory=dict)
    refused_notes: list[tuple[str, str]] = field(default_factory=list)

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return "World(...)"

    def apply(self, op: Op) -> None:
        store = self.svc.store
        if op[0] == "grant":
            _, coach, athlete, tools = op
            view, link = store.invite_coach(athlete, coach, sorted(tools), 3600)
            token = store.confirm_grant(store.use_link(link))
            self.coach_ids[coach] = view.id
            self.urls[f"c:{coach}"] = f"{self.svc.url}/c/{token}/mcp"
            self.grants[(coach, athlete)] = tools
        elif op[0] == "revoke":
            _, coach, athlete = op
            if coach in self.coach_ids:
                store.revoke_grant(athlete, self.coach_ids[coach])
            self.grants.pop((coach, athlete), None)
        elif op[0] == "regen":
            who = op[1]
            if who not in self.urls:
                return
            self.stale.append(self.urls[who])
            if who.startswith("u:"):
                token = store.regenerate_url_token(who[2:], "mcp")
                self.urls[who] = f"{self.svc.url}/u/{token}/mcp"
            else:
                token = store.regenerate_coach_token(self.coach_ids[who[2:]])
                self.urls[who] = f"{self.svc.url}/c/{token}/mcp"

    def allowed(self, who: str, athlete: str | None, tool: str) -> bool:
        if who == "stale" or who not in self.urls:
            return False
        if who.startswith("u:"):
            return athlete in (None, who[2:])
        if athlete is None:  # a coach with exactly one athlete may read without naming them
            mine = [a for (coach, a) in self.grants if coach == who[2:]]
            if len(mine) != 1 or TOOLS[tool] != "read":
                return False
            athlete = mine[0]
        return tool in self.grants.get((who[2:], athlete), frozenset())


def arguments(tool: str, athlete: str | None, title: str) -> dict[str, object]:
    args: dict[str, object] = {"athlete_id": athlete} if athlete else {}
    if tool == "icu_add_note":
        args.update(date="+30", title=title)
    elif tool == "icu_delete_events":
        args.update(event_ids=[987654321])
    return args


async def run_program(world: World, program: list[Op]) -> int:
    async with contextlib.AsyncExitStack() as stack:
        clients: dict[str, Any] = {}

        async def client_for(url: str) -> Any:
            if url not in clients:
                clients[url] = await stack.enter_async_context(_quiet_exit(url))
            return clients[url]

        return await _run(world, program, client_for)


@contextlib.asynccontextmanager
async def _quiet_exit(url: str) -> AsyncIterator[Any]:
    """A client whose closing never raises: a URL that went stale mid-program fails its calls (asserted),
    and its transport then fails again on the way out, which says nothing more."""
    cm = mcp_client(url, "2026-07-28")
    client = await cm.__aenter__()
    try:
        yield client
    finally:
        with contextlib.suppress(BaseException):
            await cm.__aexit__(None, None, None)


async def _run(world: World, program: list[Op], client_for: Any) -> int:
    done = 0
    for op in program:
        if op[0] != "call":
            world.apply(op)
            continue
        _, who, athlete, tool = op
        url = world.stale[-1] if who == "stale" and world.stale else world.urls.get(who)
        expected = world.allowed(who, athlete, tool)
        title = f"xt-{next(_titles)}"
        done += 1
        if url is None:
            continue
        try:
            client = await client_for(url)
            result = await client.call_tool(tool, arguments(tool, athlete, title))
        except Exception:  # a dead URL is refused at the HTTP layer (404)
            assert not expected, f"{who} {athlete} {tool}: refused at HTTP level but allowed"
            if tool == "icu_add_note" and athlete:
                world.refused_notes.append((athlete, title))
            continue
        text = " ".join(getattr(c, "text", "") for c in result.content)
        refused = result.is_error and any(r in text for r in REFUSALS)
        if expected:
            assert not refused, f"{who} {athlete} {tool}: allowed by the model but refused: {text}"
        else:
            assert result.is_error and refused, (
                f"{who} {athlete} {tool}: not granted, yet answered: {text[:300]}"
            )
            target = athlete or (who[2:] if who.startswith("u:") else None)
            if tool == "icu_add_note" and target:
                world.refused_notes.append((target, title))
    return done


@pytest.fixture(scope="module")
def world(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_service(sb, tmp_path_factory.mktemp("xt") / "service.db") as svc:
        w = World(svc, sb)
        for athlete in ATHLETES:
            w.urls[f"u:{athlete}"] = connect_athlete(svc, sb, athlete)
        yield w


TOTAL: list[int] = []


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # a shrink replays hundreds of HTTP calls: report as found
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(program=programs)
def test_no_call_succeeds_without_a_grant(world: World, program: list[Op]) -> None:
    TOTAL.append(anyio.run(run_program, world, program))


def test_refused_writes_left_no_trace_and_enough_attempts_ran(world: World, sb: RunningSandbox) -> None:
    assert sum(TOTAL) >= 1000, f"only {sum(TOTAL)} calls were generated"
    assert world.refused_notes, "the programs never tried a forbidden write"
    for athlete, title in world.refused_notes:
        store = sb.world.store(athlete)
        assert store is not None
        assert not any(e.get("name") == title for e in store.events.values()), (athlete, title)
