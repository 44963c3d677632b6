"""The plan tools through the hosted service's coach URL (official MCP client, sandbox over HTTP): a coach
granted reads may preview a plan but not apply it (the tool is not even listed, and a call is refused by
the grant); once the athlete grants the plan tool, the preview of this very server process is applied and
lands on the athlete's calendar."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.plan_e2e.helpers import ATHLETE, ours, race_in_12_weeks

from icucoach.sandbox import RunningSandbox
from icucoach.service import grants
from service.service_helpers import (
    RunningService,
    connect_athlete,
    error_text,
    mcp_client,
    running_service,
    structured,
)

READS = grants.names_in({"read"})
ARGS = {"hours": 6, "days": "tue,thu,sat,sun", "athlete_id": ATHLETE}


@pytest.fixture(scope="module")
def svc(sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    with running_service(sb, tmp_path_factory.mktemp("svc") / "service.db") as running:
        yield running


async def test_applying_a_plan_needs_the_plan_grant(svc: RunningService, sb: RunningSandbox) -> None:
    race_in_12_weeks(sb)
    connect_athlete(svc, sb, ATHLETE)
    coach, link = svc.store.invite_coach(ATHLETE, "plans@example.org", READS, 3600)
    token = svc.store.confirm_grant(svc.store.use_link(link))
    url = f"{svc.url}/c/{token}/mcp"
    async with mcp_client(url) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "icu_plan_preview" in names and "icu_plan_apply" not in names
        preview = structured(await client.call_tool("icu_plan_preview", ARGS))
        assert preview["changes"]
        refused = await client.call_tool("icu_plan_apply", {"preview_id": preview["preview_id"]})
        assert "has not granted you icu_plan_apply" in error_text(refused)
        assert ours(sb) == {}
    svc.store.revoke_grant(ATHLETE, coach.id)
    _, link = svc.store.invite_coach(ATHLETE, "plans@example.org", [*READS, "icu_plan_apply"], 3600)
    token = svc.store.confirm_grant(svc.store.use_link(link))
    async with mcp_client(f"{svc.url}/c/{token}/mcp") as client:
        assert "icu_plan_apply" in {t.name for t in (await client.list_tools()).tools}
        preview = structured(await client.call_tool("icu_plan_preview", ARGS))
        applied = structured(await client.call_tool("icu_plan_apply", {"preview_id": preview["preview_id"]}))
        assert applied["applied"]["upserted"] == len(preview["changes"]) == len(ours(sb))
