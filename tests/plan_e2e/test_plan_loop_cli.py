"""The plan loop end to end through the real ``icucoach plan`` command against the sandbox, step by step,
checking the calendar after each: build a 12-week block for the demo athlete's A race (a preview writes
nothing), apply it, re-apply (0 writes), skip two sessions, adjust, approve.

The steps run in file order on one sandbox world (the module's ``sb``); each leaves what the next needs in
``STATE``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.cli.harness import assert_clean_failure

from icucoach.analytics.load import project
from icucoach.exitcodes import Exit
from icucoach.sandbox import RunningSandbox

from .helpers import (
    ATHLETE,
    RACE_DAY,
    TODAY,
    calendar_state,
    cli_env,
    ours,
    plan,
    plan_json,
    race_in_12_weeks,
)

BUILD = ("build", "--hours", "8", "--days", "mon,wed,thu,sat,sun", "--long-day", "sun")
STATE: dict[str, Any] = {}


@pytest.fixture(scope="module")
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg")


@pytest.fixture(scope="module")
def env(sb: RunningSandbox, data_home: Path) -> dict[str, str]:
    race_in_12_weeks(sb)
    return cli_env(sb, data_home)


def test_preview_is_a_12_week_block_to_the_a_race_and_writes_nothing(
    sb: RunningSandbox, env: dict[str, str], data_home: Path
) -> None:
    before = calendar_state(sb)
    data = plan_json(env, *BUILD)
    pv = data["preview"]
    assert data["applied"] is None
    assert calendar_state(sb) == before  # a preview writes nothing
    assert pv["athlete_id"] == ATHLETE
    summary = pv["summary"]
    assert summary["a_race"]["date"] == RACE_DAY.isoformat()
    # calendar weeks: Tuesday to Sunday, eleven Monday-Sunday weeks, and the race's week (a Monday race)
    assert len(summary["weeks"]) == 13
    kinds = [w["kind"] for w in summary["weeks"]]
    assert "recovery" in kinds and "taper" in kinds[-3:]
    adds = [it for it in pv["items"] if it["action"] == "add"]
    assert adds and len(adds) == len(pv["items"])  # nothing of ours on the calendar yet
    assert all(TODAY < date.fromisoformat(it["day"]) <= RACE_DAY for it in adds)
    assert all(it["load"] and it["load"] > 0 for it in adds)
    stored = data_home / "icucoach" / "plans" / f"{pv['id']}.json"
    assert stored.exists() and stored.stat().st_mode & 0o777 == 0o600
    STATE["preview"] = pv


def test_text_preview_shows_the_diff_weeks_and_race_day_form(env: dict[str, str]) -> None:
    result = plan(env, *BUILD)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    pv = STATE["preview"]
    assert f"plan preview {pv['id']}" in out  # the same diff of the same calendar: the same id
    assert "add" in out and "ACWR" in out and "monotony" in out
    form = pv["summary"]["race_day_form"]
    line = next(x for x in out.splitlines() if x.startswith("race day"))
    print(line)  # the projected race-day form, for the record
    assert f"projected CTL {form['ctl']:.1f}" in line
    assert f"icucoach plan apply {pv['id']}" in out


def test_projected_race_day_ctl_is_the_load_models(sb: RunningSandbox) -> None:
    pv = STATE["preview"]
    store = sb.world.store(ATHLETE)
    assert store is not None
    well = store.wellness[TODAY.isoformat()]
    start = TODAY + timedelta(days=1)
    loads = [0.0] * ((RACE_DAY - start).days + 1)
    for it in pv["items"]:
        loads[(date.fromisoformat(it["day"]) - start).days] += it["load"]
    days = project(well["ctl"], well["atl"], start, loads)
    race_day = days[-1]
    assert race_day.day == RACE_DAY
    form = pv["summary"]["race_day_form"]
    print(f"projected race-day CTL {race_day.ctl:.1f} (plan says {form['ctl']})")
    assert form["ctl"] == pytest.approx(race_day.ctl, abs=0.06)
    assert form["tsb"] == pytest.approx(race_day.ctl - race_day.atl, abs=0.11)


def test_apply_writes_the_preview_as_planned_workouts(sb: RunningSandbox, env: dict[str, str]) -> None:
    pv = STATE["preview"]
    data = plan_json(env, "apply", pv["id"])
    applied = data["applied"]
    assert applied["upserted"] == len(pv["items"]) and applied["deleted"] == 0
    events = ours(sb)
    assert len(events) == len(pv["items"])
    for it in pv["items"]:
        e = next(
            e for e in events.values() if e["start_date_local"][:10] == it["day"] and e["name"] == it["name"]
        )
        assert e["category"] == "WORKOUT" and e["type"] == it["sport"]
        assert e.get("workout_doc"), "the server parsed the workout text into steps"
        assert e.get("icu_training_load") is not None
    planned = sum(it["load"] for it in pv["items"])
    written = sum(e["icu_training_load"] for e in events.values())
    assert written == pytest.approx(planned, rel=0.15)  # the server's load of the text vs the plan's estimate


def test_reapply_and_replan_write_nothing(sb: RunningSandbox, env: dict[str, str]) -> None:
    before = calendar_state(sb)
    again = plan_json(env, "apply", STATE["preview"]["id"])
    assert again["applied"]["writes"] == 0 and again["applied"]["already_applied"]
    replanned = plan_json(env, *BUILD)["preview"]
    assert replanned["items"] == [] and replanned["keeps"] == len(STATE["preview"]["items"])
    applied = plan_json(env, "apply", replanned["id"])["applied"]
    assert applied["writes"] == 0
    assert calendar_state(sb) == before


def test_two_skipped_sessions_get_proposals_and_approval_writes_them(
    sb: RunningSandbox, data_home: Path
) -> None:
    sessions = sorted(ours(sb).values(), key=lambda e: e["start_date_local"])
    # skipped: every session up to the first key one (at least two); a missed easy session is only
    # dropped (nothing written), a missed key session is moved, so approving writes
    upto = max(1, next(i for i, e in enumerate(sessions) if "icucoach-key" in (e.get("tags") or ())))
    later = date.fromisoformat(sessions[upto]["start_date_local"][:10]) + timedelta(days=1)
    sb.world.today = later  # those planned sessions are now in the past, with no activity done
    env = cli_env(sb, data_home, today=later)
    proposals = plan_json(env, "adjust")["proposals"]
    assert proposals, "two missed sessions and no proposal"
    assert all(p["reason"] for p in proposals)
    assert any("miss" in p["reason"].lower() for p in proposals)
    STATE["proposals"] = proposals

    before = ours(sb)
    data = plan_json(env, "adjust", "--approve", "all")
    assert data["applied"]["writes"] >= 1
    after = ours(sb)
    for p in proposals:
        on_day = [e for e in after.values() if e["start_date_local"][:10] == p["day"]]
        if p["action"] == "remove":  # by id: the session moved in may have the same name
            assert p["event_id"] is not None and not any(e["id"] == p["event_id"] for e in on_day), p
        else:
            assert any(e["name"] == p["name"] for e in on_day), p
    assert before != after
    STATE["adjusted_env"] = env


def test_the_first_preview_is_refused_once_the_calendar_moved_on(sb: RunningSandbox) -> None:
    before = calendar_state(sb)
    stale = plan(STATE["adjusted_env"], "apply", STATE["preview"]["id"])
    assert_clean_failure(stale, Exit.INVALID, "changed since", "plan build")
    assert calendar_state(sb) == before


def test_bad_flags_name_the_flag_and_its_format(env: dict[str, str]) -> None:
    assert_clean_failure(
        plan(env, "build", "--goal", "12/04/2027", "--hours", "8", "--days", "mon"),
        Exit.USAGE,
        "--goal",
        "DATE:PRIORITY",
    )
    assert_clean_failure(
        plan(env, "build", "--hours", "8", "--days", "monday,funday"), Exit.USAGE, "--days", "mon,wed"
    )
    assert_clean_failure(
        plan(env, "build", "--hours", "8", "--days", "mon", "--sports", "bike:1"), Exit.USAGE, "--sports"
    )
    assert_clean_failure(plan(env, "apply", "0123456789ab"), Exit.NOT_FOUND, "plan build")
    assert_clean_failure(plan(env, "adjust", "--approve", "deadbeef"), Exit.NOT_FOUND, "plan adjust")
    no_key = {k: v for k, v in env.items() if k != "INTERVALS_API_KEY"}
    assert_clean_failure(plan(no_key, "adjust"), Exit.CONFIG, "INTERVALS_API_KEY")
    assert_clean_failure(
        plan(env, "build", "--hours", "8", "--days", "mon", "--format", "xml"), Exit.USAGE, "--format"
    )


def test_weekly_rules_hold_in_every_week_and_a_bad_rule_names_its_flag(env: dict[str, str]) -> None:
    data = plan_json(env, *BUILD, "--rule", "mon:rest", "--rule", "sat:run-long:90")
    items = data["preview"]["items"]
    adds = [it for it in items if it["action"] == "add"]
    days = {date.fromisoformat(it["day"]): it for it in adds}
    mondays = [it for it in items if date.fromisoformat(it["day"]).weekday() == 0]
    assert all(it["action"] == "remove" for it in mondays)  # rest on Mondays: the applied ones go
    # a long rule gives way to the taper in the 48 h before the race (the Saturday before a Monday race)
    saturdays = [it for d, it in days.items() if d.weekday() == 5 and (RACE_DAY - d).days > 2]
    assert saturdays and all(":r-sat" in (it["external_id"] or "") for it in saturdays)
    assert all(it["sport"] == "Run" for it in saturdays)
    eve = days.get(RACE_DAY - timedelta(days=2))
    assert eve is None or ":r-sat" not in (eve["external_id"] or "")
    assert any("within 48 h of a race" in w for w in data["preview"]["summary"]["warnings"])
    bad = plan(env, *BUILD, "--rule", "sat:nap")
    assert_clean_failure(bad, Exit.USAGE, "--rule", "run-long")
    off = plan(env, *BUILD, "--rule", "tue:run-long")  # tue is not one of --days: never silently dropped
    assert_clean_failure(off, Exit.USAGE, "--rule tue:run-long", "add tue to --days or drop the rule")
