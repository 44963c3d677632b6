"""``icu_fitness_chart`` over stdio against the squad sandbox: a ``weeks`` the schema allows but the squad
snapshot does not hold (more than 23) draws the weeks held and says so, instead of failing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp_helpers import server_env, stdio_client, structured

from icucoach.sandbox import RunningSandbox
from service.console_helpers import PERSONA_ID, squad_sandbox


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


async def test_fitness_chart_clamps_weeks_to_the_history_held(squad_sb: RunningSandbox) -> None:
    async with stdio_client(server_env(squad_sb, squad_sb.account("coach"))) as c:
        chart = await c.call_tool("icu_fitness_chart", {"athlete_id": PERSONA_ID["compliant"], "weeks": 52})
        assert not chart.is_error, chart.content
        fitness = structured(chart)["fitness"]
        assert fitness["weeks"] == 23 and fitness["chart"] == "image/png"
        assert "23 weeks: the 52 asked go beyond the history held" in chart.content[0].text
        eight = structured(
            await c.call_tool("icu_fitness_chart", {"athlete_id": PERSONA_ID["compliant"], "weeks": 8})
        )
        assert eight["fitness"]["weeks"] == 8
