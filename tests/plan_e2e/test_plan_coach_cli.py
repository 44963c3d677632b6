"""A coach plans for an athlete from the terminal with their own key (``--athlete``): ``plan build
--apply`` previews and writes in one go, a second run writes nothing; an athlete who shared READ access
only is refused by Intervals.icu with nothing written, said once with its fix."""

from __future__ import annotations

from pathlib import Path

from tests.cli.harness import assert_clean_failure

from icucoach.exitcodes import Exit
from icucoach.sandbox import RunningSandbox

from .helpers import ATHLETE, TODAY, calendar_state, ours, plan, plan_json, race_in_12_weeks

BUILD = ("build", "--hours", "6", "--days", "tue,thu,sat,sun", "--apply")


def coach_env(sb: RunningSandbox, data_home: Path) -> dict[str, str]:
    return {
        "INTERVALS_API_KEY": sb.account("coach").api_key,
        "INTERVALS_BASE_URL": sb.base_url,
        "ICUCOACH_TODAY": TODAY.isoformat(),
        "XDG_DATA_HOME": str(data_home),
    }


def test_a_coach_builds_and_applies_in_one_go_and_a_rerun_writes_nothing(
    sb: RunningSandbox, tmp_path: Path
) -> None:
    race_in_12_weeks(sb)
    env = coach_env(sb, tmp_path)
    first = plan_json(env, *BUILD, "--athlete", ATHLETE)
    adds = len(first["preview"]["items"])
    assert adds > 0 and first["applied"]["upserted"] == adds
    assert len(ours(sb)) == adds
    before = calendar_state(sb)
    second = plan_json(env, *BUILD, "--athlete", ATHLETE)
    assert second["preview"]["items"] == [] and second["applied"]["writes"] == 0
    assert calendar_state(sb) == before


def test_a_read_only_share_is_refused_with_nothing_written(sb: RunningSandbox, tmp_path: Path) -> None:
    reader = "i100002"  # shares READ only with the coach
    store = sb.world.store(reader)
    assert store is not None
    before = sorted(store.events)
    result = plan(coach_env(sb, tmp_path), *BUILD, "--athlete", reader, "--weeks", "4")
    assert_clean_failure(result, Exit.AUTH)
    assert sorted(store.events) == before
