"""No training data at rest: after a session of reads and writes through the service (athlete URL and a
coach URL), every table of the service's database and everything the service logged hold none of the
values the tools returned — only accounts, hashes, grants and the audit trail of who called what."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from icucoach.mcp import logs
from icucoach.sandbox import RunningSandbox
from service.service_helpers import audit_when, connect_athlete, mcp_client, running_service, structured

ATHLETE = "i100001"
# Values that legitimately live in the database: who the account is.
ACCOUNT_FIELDS = {"id", "name", "firstname", "lastname", "email", "timezone", "today"}


def leaves(value: Any, key: str = "") -> list[str]:
    """Distinctive values in an answer (long strings, numbers with decimals), skipping account fields."""
    if key in ACCOUNT_FIELDS:
        return []
    if isinstance(value, dict):
        return [v for k, item in value.items() for v in leaves(item, k)]
    if isinstance(value, list):
        return [v for item in value for v in leaves(item, key)]
    if isinstance(value, str) and len(value) >= 8 and not value[:4].isdigit():
        return [value]
    if isinstance(value, float) and len(repr(value).partition(".")[2]) >= 2 and abs(value) >= 10:
        return [repr(value)]  # two decimals at least: "40.4" could be a timing in a log line
    return []


async def test_a_session_of_reads_and_writes_leaves_no_training_data(
    sb: RunningSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the service's own logging set-up (as `icucoach serve` does), with our loggers at their most verbose
    monkeypatch.setenv("ICUCOACH_LOG_LEVEL", "DEBUG")
    logs.configure()
    caplog.set_level(logging.DEBUG, logger="icucoach")
    seen: list[str] = []
    with running_service(sb, tmp_path / "service.db") as svc:
        url = connect_athlete(svc, sb, ATHLETE)
        _, link = svc.store.invite_coach(ATHLETE, "coach@example.org", ["icu_get_wellness"], 3600)
        coach_url = f"{svc.url}/c/{svc.store.confirm_grant(svc.store.use_link(link))}/mcp"
        async with mcp_client(url) as client:
            note = {"date": "+40", "title": "Secret-note-title-7731", "text": "body-4471-private"}
            for tool, args in (
                ("icu_list_activities", {"oldest": "-21"}),
                ("icu_get_wellness", {"oldest": "-14"}),
                ("icu_list_events", {"oldest": "-7", "newest": "+14"}),
                ("icu_get_fitness", {}),
                ("icu_add_note", note),
            ):
                seen += leaves(structured(await client.call_tool(tool, args)))
        async with mcp_client(coach_url) as client:
            seen += leaves(structured(await client.call_tool("icu_get_wellness", {"athlete_id": ATHLETE})))
        audit_when(svc.store, ATHLETE, lambda es: sum(e.tool == "icu_get_wellness" for e in es) >= 2)
        meta = MetaData()
        meta.reflect(svc.store.engine)
        dump = []
        with svc.store.engine.connect() as conn:
            for table in meta.sorted_tables:
                dump += [json.dumps([str(v) for v in row]) for row in conn.execute(select(table))]
        assert any("icu_add_note" in row for row in dump), "the audit log should name the tools called"
    seen = sorted(set(seen) | {"Secret-note-title-7731", "body-4471-private"})
    assert len(seen) > 50, f"the session read too little to prove anything ({len(seen)} values)"
    stored = "\n".join(dump)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert [v for v in seen if v in stored] == [], "training data in the database"
    assert [v for v in seen if v in logged] == [], "training data in the logs"
    assert "icu_add_note" in logged, "the log should still say which tools ran"
