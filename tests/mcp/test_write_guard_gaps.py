"""The MCP write guard (``Session.athlete(write=True)``) driven in-process against the sandbox.

Why in-process as well: every other MCP test runs the server as a subprocess, so a mutation tool that
changes the guard in the test process cannot reach it (the mutation run found no test able to kill a
mutant of ``mcp/context.py``). These tests pin the behaviour that must stay whatever the session/selection
code becomes: a key reaching several athletes never writes without an explicitly chosen one, a READ share
is refused before anything is sent, an explicit or configured athlete is accepted with its access level.
The sandbox (real HTTP) is the only double.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from fastmcp.exceptions import ToolError

from icucoach.intervals import ClientSettings
from icucoach.mcp.context import Session
from icucoach.sandbox import Account, RunningSandbox


def _session(sandbox: RunningSandbox, account: Account, athlete_id: str = "0") -> Session:
    settings = ClientSettings(api_key=account.api_key, base_url=sandbox.base_url, athlete_id=athlete_id)
    return Session(settings_factory=lambda: settings)


@pytest.fixture
def people(sandbox: RunningSandbox) -> tuple[Account, Account, Account]:
    """The coach, the athlete who shared WRITE access and the one who shared READ access."""
    return sandbox.account("coach"), sandbox.account("athlete", 0), sandbox.account("athlete", 1)


async def test_coach_write_without_a_chosen_athlete_is_refused(sandbox, people):
    coach, maya, tomas = people
    s = _session(sandbox, coach)
    try:
        with pytest.raises(ToolError) as refused:
            await s.athlete(write=True)
    finally:
        await s.aclose()
    text = str(refused.value)
    assert "explicitly chosen athlete" in text and "3 athletes" in text
    for who in (coach, maya, tomas):
        assert who.athlete_id in text
    assert "icu_select_athlete" in text and "athlete_id" in text


async def test_coach_read_without_a_choice_is_about_the_key_owner(sandbox, people):
    coach, _, _ = people
    s = _session(sandbox, coach)
    try:
        ref = await s.athlete()
    finally:
        await s.aclose()
    assert ref.id == coach.athlete_id and ref.access is None  # reads never fetch the roster


async def test_coach_write_for_an_explicit_write_athlete_is_allowed(sandbox, people):
    coach, maya, _ = people
    s = _session(sandbox, coach)
    try:
        ref = await s.athlete(maya.athlete_id, write=True)
        own = await s.athlete("0", write=True)  # "0" = the key owner, chosen explicitly
    finally:
        await s.aclose()
    assert (ref.id, ref.name, ref.access) == (maya.athlete_id, maya.name, "WRITE")
    assert (own.id, own.access) == (coach.athlete_id, "OWNER")


async def test_configured_athlete_counts_as_chosen(sandbox, people):
    coach, maya, _ = people
    s = _session(sandbox, coach, athlete_id=maya.athlete_id)  # INTERVALS_ATHLETE_ID
    try:
        ref = await s.athlete(write=True)
    finally:
        await s.aclose()
    assert (ref.id, ref.access) == (maya.athlete_id, "WRITE")


async def test_read_share_is_refused_for_writes_naming_the_athlete_and_the_fix(sandbox, people):
    coach, _, tomas = people
    s = _session(sandbox, coach)
    try:
        with pytest.raises(ToolError) as refused:
            await s.athlete(tomas.athlete_id, write=True)
        read = await s.athlete(tomas.athlete_id)  # reading a READ share stays allowed
    finally:
        await s.aclose()
    text = str(refused.value)
    assert f"{tomas.name} ({tomas.athlete_id}) shared READ access only" in text
    assert "WRITE access" in text
    assert read.id == tomas.athlete_id


async def test_an_athlete_key_writes_to_its_own_calendar_without_choosing(sandbox, people):
    _, maya, _ = people
    s = _session(sandbox, maya)
    try:
        ref = await s.athlete(write=True)
    finally:
        await s.aclose()
    assert (ref.id, ref.access) == (maya.athlete_id, "OWNER")


async def test_malformed_athlete_id_is_a_clear_error(sandbox, people):
    coach, _, _ = people
    s = _session(sandbox, coach)
    try:
        with pytest.raises(ValueError, match="is not an athlete id: use 'i12345' or '0'"):
            await s.athlete("maya", write=True)
    finally:
        await s.aclose()


async def test_coach_with_exactly_one_shared_athlete_still_chooses_before_writing(sb):
    # This module's own world (``sb``): the READ athlete stops sharing, so the coach's key reaches two
    # calendars, their own and one athlete's. Guessing either would silently write to the wrong one.
    coach, maya, tomas = sb.account("coach"), sb.account("athlete", 0), sb.account("athlete", 1)
    del sb.world.athletes[tomas.athlete_id].shared_with[coach.athlete_id]
    s = _session(sb, coach)
    try:
        with pytest.raises(ToolError) as refused:
            await s.athlete(write=True)
        chosen = await s.athlete(maya.athlete_id, write=True)
    finally:
        await s.aclose()
    text = str(refused.value)
    assert "explicitly chosen athlete" in text and "2 athletes" in text and maya.athlete_id in text
    assert tomas.athlete_id not in text
    assert (chosen.id, chosen.access) == (maya.athlete_id, "WRITE")


async def test_resolved_athlete_carries_their_timezone_and_local_today(sandbox, people, monkeypatch):
    _, maya, _ = people
    monkeypatch.delenv("ICUCOACH_TODAY", raising=False)
    sydney = ZoneInfo("Australia/Sydney")  # the multi-sport demo athlete's timezone
    s = _session(sandbox, maya)
    try:
        before = datetime.now(sydney).date()
        ref = await s.athlete()
        after = datetime.now(sydney).date()
    finally:
        await s.aclose()
    assert ref.timezone == "Australia/Sydney"
    assert ref.today in {before, after}  # their calendar day, not the server's
    monkeypatch.setenv("ICUCOACH_TODAY", "2026-11-23")  # the pinned day of demos and sandbox tests
    pinned = _session(sandbox, maya)
    try:
        assert (await pinned.athlete()).today == date(2026, 11, 23)
    finally:
        await pinned.aclose()
