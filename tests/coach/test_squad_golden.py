"""Golden test of the coach triage on the planted squad.

A 12-athlete sandbox squad over real HTTP, each athlete's recent records fetched through
``IntervalsClient`` with the coach's key, chips and triage computed by the pure analytics, and every
planted case found where it was planted (sandbox/generate/squad.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from icucoach.analytics.chips import Chip, count
from icucoach.analytics.triage import AthleteTriage, order_squad
from icucoach.insights.snapshot import SnapshotWindow, fetch_snapshot
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import PERSONAS, squad_ids

TODAY = date(2026, 11, 23)
SQUAD = 12
WINDOW = SnapshotWindow(history_days=84, events_back_days=14, ahead_days=14)
PERSONA_ID = dict(zip(PERSONAS, squad_ids(SQUAD), strict=False))


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False, squad=SQUAD)) as running:
        yield running


async def _fetch(sb: RunningSandbox) -> dict[str, dict[str, Any]]:
    coach = sb.account("coach")
    out: dict[str, dict[str, Any]] = {}
    async with IntervalsClient(ClientSettings(api_key=coach.api_key, base_url=sb.base_url)) as client:
        roster = [a for a in await client.list_athletes() if str(a.id) != coach.athlete_id]
        assert len(roster) == SQUAD

        async def one(aid: str) -> None:
            snap = await fetch_snapshot(client, aid, WINDOW, today=TODAY)
            chips = snap.chips(14)
            status = snap.status()
            out[aid] = {"snap": snap, "chips": chips, "status": status, "triage": snap.triage(status, chips)}

        await asyncio.gather(*(one(str(a.id)) for a in roster))
    return out


@pytest.fixture(scope="module")
def squad(squad_sb: RunningSandbox) -> dict[str, dict[str, Any]]:
    return asyncio.run(_fetch(squad_sb))


def _chips(squad: dict[str, dict[str, Any]], persona: str) -> list[Chip]:
    return [c for c in squad[PERSONA_ID[persona]]["chips"] if c.day < TODAY]


def _tri(squad: dict[str, dict[str, Any]], persona: str) -> AthleteTriage:
    return squad[PERSONA_ID[persona]]["triage"]


def test_overreaching_athlete_is_flagged(squad: dict[str, dict[str, Any]]) -> None:
    tri = _tri(squad, "overreaching")
    assert tri.reasons[0].code == "overreaching" and tri.reasons[0].severity == "alarm"
    st = squad[PERSONA_ID["overreaching"]]["status"]
    assert st.acwr.coupled.value >= 1.5
    assert st.monotony.monotony.value >= 2.0
    assert {"hrv_low", "rhr_up"} <= set(tri.codes())


def test_sick_athlete_is_marked_sick(squad: dict[str, dict[str, Any]]) -> None:
    tri = _tri(squad, "sick")
    assert tri.reasons[0].code == "sick" and tri.reasons[0].severity == "alarm"
    chips = squad[PERSONA_ID["sick"]]["chips"]
    sick_days = {c.day for c in chips if c.kind == "sick"}
    assert sick_days >= {TODAY - timedelta(days=k) for k in range(1, 4)}
    assert not any(c.kind == "missed" and c.day in sick_days for c in chips)


def test_skipper_misses_are_red(squad: dict[str, dict[str, Any]]) -> None:
    chips = _chips(squad, "skipper")
    missed = [c for c in chips if c.kind == "missed"]
    assert len(missed) >= 4 and all(c.colour == "red" for c in missed)
    assert any(r.code == "missed" and r.severity == "warning" for r in _tri(squad, "skipper").reasons)


def test_too_hard_athlete_sessions_are_changed_over_target(squad: dict[str, dict[str, Any]]) -> None:
    chips = [c for c in _chips(squad, "too_hard") if c.planned_id and c.activity_id]
    assert chips and all(c.kind == "changed" and c.reason == "over_target" for c in chips)
    assert all(c.load_ratio is not None and c.load_ratio > 1.15 for c in chips)
    assert any(r.code == "over_target" and r.severity == "warning" for r in _tri(squad, "too_hard").reasons)


def test_no_power_athlete_is_judged_on_heart_rate(squad: dict[str, dict[str, Any]]) -> None:
    data = squad[PERSONA_ID["no_power"]]
    assert all(a.get("icu_average_watts") is None for a in data["snap"].activities)
    judged = [c for c in _chips(squad, "no_power") if c.kind in ("done", "changed")]
    assert judged and all(c.basis == "hr" and c.load_ratio is None for c in judged)
    assert count(judged, "done") >= 0.8 * len(judged)
    assert data["triage"].worst != "alarm"


def test_strava_only_athlete_is_not_zero_effort(squad: dict[str, dict[str, Any]]) -> None:
    data = squad[PERSONA_ID["strava_only"]]
    assert all(a.get("source") == "STRAVA" and a.get("type") is None for a in data["snap"].activities)
    chips = _chips(squad, "strava_only")
    assert count(chips, "done_unverified") >= 5
    assert count(chips, "missed") == 0 and count(chips, "unplanned") == 0
    codes = data["triage"].codes()
    assert "metrics_withheld" in codes and "missed" not in codes
    assert data["status"].fitness.ctl.value > 20  # wellness CTL still counts the hidden loads


def test_compliant_athlete_is_green_and_last(squad: dict[str, dict[str, Any]]) -> None:
    chips = [c for c in _chips(squad, "compliant") if c.planned_id]
    assert chips and all(c.kind == "done" and c.colour == "green" for c in chips)
    order = [t.athlete_id for t in order_squad([d["triage"] for d in squad.values()])]
    first = order[:3]
    assert PERSONA_ID["overreaching"] in first and PERSONA_ID["sick"] in first
    assert order.index(PERSONA_ID["compliant"]) > order.index(PERSONA_ID["skipper"])
    assert _tri(squad, "compliant").worst != "alarm"


async def _with_intervals(sb: RunningSandbox, persona: str) -> list[Chip]:
    """The persona's last 7 days of chips with each paired activity's intervals fetched (main-set rule)."""
    coach = sb.account("coach")
    aid = PERSONA_ID[persona]
    async with IntervalsClient(ClientSettings(api_key=coach.api_key, base_url=sb.base_url)) as client:
        snap = await fetch_snapshot(client, aid, WINDOW, today=TODAY)
        start = (TODAY - timedelta(days=6)).isoformat()
        recent = [a for a in snap.activities if a["start_date_local"][:10] >= start]
        dtos = await asyncio.gather(*(client.get_intervals(a["id"]) for a in recent))
        intervals = {
            a["id"]: d.model_dump(mode="json", by_alias=True) for a, d in zip(recent, dtos, strict=True)
        }
    return snap.chips(7, intervals)


@pytest.mark.parametrize(
    ("persona", "kind", "met"),
    [("compliant", "done", True), ("too_hard", "changed", False), ("no_power", "done", True)],
)
def test_main_set_from_the_intervals_endpoint(
    squad_sb: RunningSandbox, persona: str, kind: str, met: bool
) -> None:
    chips = [c for c in asyncio.run(_with_intervals(squad_sb, persona)) if c.planned_id and c.activity_id]
    judged = [c for c in chips if c.main_set is not None]
    assert judged, "structured sessions in the last week have their repeats compared"
    assert all(c.kind == kind and c.main_set.met is met for c in judged)  # type: ignore[union-attr]
    if persona == "no_power":
        assert all(c.basis == "hr" for c in judged)
    if persona == "too_hard":
        assert all(c.reason == "over_target" and c.main_set.over > 0 for c in judged)  # type: ignore[union-attr]


def test_snapshot_chips_stay_inside_the_fetched_window(squad: dict[str, dict[str, Any]]) -> None:
    snap = squad[PERSONA_ID["compliant"]]["snap"]
    with pytest.raises(ValueError, match="before the snapshot's first day"):
        snap.chips(WINDOW.history_days + 2)
