"""The athlete week on the planted squad: planned vs done hand-checked for one athlete and week against the
API's records, compliance with the skipper's misses and the sick athlete's excused days, zone times on the
plan's basis (HR for the athlete without power), Strava stubs never counted as zero."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from icucoach.analytics.inputs import sport_family
from icucoach.coach.views import athlete_week
from icucoach.insights.snapshot import Snapshot

from .conftest import TODAY

LAST_WEEK = date(2026, 11, 16)  # Monday; TODAY (2026-11-23) is the next Monday


def _in_week(records: list[dict], start: date) -> list[dict]:
    lo, hi = start.isoformat(), (start + timedelta(days=6)).isoformat()
    return [r for r in records if lo <= str(r.get("start_date_local"))[:10] <= hi]


def test_skipper_week_hand_checked(snaps: dict[str, Snapshot]) -> None:
    snap = snaps["skipper"]
    week = athlete_week(snap, LAST_WEEK)
    plans = [e for e in _in_week(snap.events, LAST_WEEK) if e["category"] == "WORKOUT"]
    acts = _in_week(snap.activities, LAST_WEEK)
    # 7 planned sessions (3 rides, 2 runs, 2 swims); the skipper did 4: both runs and both swims
    assert week.planned["all"].sessions == len(plans) == 7
    assert week.planned["all"].duration_s == sum(e["moving_time"] for e in plans) == 23510
    assert week.planned["all"].load == sum(e["icu_training_load"] for e in plans) == 374
    assert week.done["all"].sessions == len(acts) == 4
    assert week.done["all"].duration_s == sum(a["moving_time"] for a in acts) == 9362
    assert week.done["all"].load == sum(a["icu_training_load"] for a in acts) == 167
    assert "cycling" in week.planned and "cycling" not in week.done
    assert week.compliance is not None
    assert (week.compliance.done, week.compliance.missed) == (4, 3)
    assert week.compliance_pct == pytest.approx(100 * 4 / 7)
    assert len(week.missed) == 3 and all(c.colour == "red" for c in week.missed)
    assert sum(d.planned["all"].sessions for d in week.days) == 7
    assert [d.day for d in week.days] == [LAST_WEEK + timedelta(days=i) for i in range(7)]


def test_compliant_week_and_its_comparisons(snaps: dict[str, Snapshot]) -> None:
    snap = snaps["compliant"]
    week = athlete_week(snap, LAST_WEEK)
    assert week.compliance_pct == 100.0 and week.on_plan_pct == 100.0 and week.missed == ()
    loads = []
    for k in range(1, 5):
        acts = _in_week(snap.activities, LAST_WEEK - timedelta(days=7 * k))
        loads.append(sum(a["icu_training_load"] for a in acts))
    assert week.previous_week["all"].load == loads[0]
    assert week.avg_4w["all"].load == pytest.approx(sum(loads) / 4)
    for fam, vol in week.done.items():
        if fam != "all":
            fam_acts = [a for a in _in_week(snap.activities, LAST_WEEK) if sport_family(a["type"]) == fam]
            assert vol.sessions == len(fam_acts)


def test_current_week_plans_ahead_are_pending_not_missed(snaps: dict[str, Snapshot]) -> None:
    week = athlete_week(snaps["compliant"])
    assert week.week_start == TODAY  # a Monday
    ahead = [c for d in week.days if d.day > TODAY for c in d.chips]
    assert ahead and all(c.kind == "pending" for c in ahead)
    assert week.missed == ()


def test_no_power_athlete_zone_times_are_on_heart_rate(snaps: dict[str, Snapshot]) -> None:
    week = athlete_week(snaps["no_power"], LAST_WEEK)
    z = week.zones["cycling"]
    assert z.basis == "hr" and sum(z.planned_s) > 0 and sum(z.done_s) > 0
    planned_s = week.planned["cycling"].duration_s
    assert planned_s is not None and sum(z.planned_s) + z.planned_unassigned_s == pytest.approx(
        planned_s, abs=60
    )
    assert len(z.planned_s) == len(z.done_s)


def test_strava_stubs_are_withheld_never_zero(snaps: dict[str, Snapshot]) -> None:
    week = athlete_week(snaps["strava_only"], LAST_WEEK)
    done = week.done["all"]
    assert done.sessions == done.withheld >= 4
    assert done.duration_s is None and done.load is None
    assert week.compliance is not None and week.compliance.missed == 0
    assert week.compliance_pct == 100.0 and week.on_plan_pct is None


def test_sick_days_are_excused_and_the_comment_is_a_note(snaps: dict[str, Snapshot]) -> None:
    week = athlete_week(snaps["sick"], TODAY - timedelta(days=7))
    assert week.compliance is not None and week.compliance.excused >= 2
    assert week.compliance.missed == 0
    texts = [n for d in week.days for n in d.notes]
    assert any(n["kind"] == "wellness_comment" and n["text"] for n in texts)


def test_week_to_dict_is_json(snaps: dict[str, Snapshot]) -> None:
    data = json.loads(json.dumps(athlete_week(snaps["too_hard"], LAST_WEEK).to_dict()))
    assert data["week_start"] == "2026-11-16" and data["week_end"] == "2026-11-22"
    assert len(data["days"]) == 7 and data["planned"]["all"]["duration_s"] > 0
    assert all(c["kind"] == "changed" for d in data["days"] for c in d["chips"] if c["activity_id"])
    with pytest.raises(ValueError, match="longer window"):
        athlete_week(snaps["too_hard"], snaps["too_hard"].oldest)
