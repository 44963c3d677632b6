"""docs/coach.md states the thresholds the code uses: the documented numbers are ``AnalyticsSettings``'s."""

from __future__ import annotations

from pathlib import Path

from icucoach.analytics.chips import COLOURS
from icucoach.analytics.settings import DEFAULT_SETTINGS as S
from icucoach.analytics.triage import CODES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "coach.md").read_text()


def _pct(x: float) -> str:
    return f"{round(100 * x):g} %"


def test_documented_thresholds_are_the_settings() -> None:
    expected = [
        f"**±{_pct(S.chip_tolerance)}**",
        f"**±{_pct(S.chip_intensity_tolerance)}**",
        f"**±{_pct(S.chip_target_margin)}**",
        f"**{_pct(S.chip_reps_hit_frac)}**",
        f"**{S.triage_days} days before today**",
        f"under **{S.triage_poor_sleep_h:g} h**",
        f"**{S.triage_sore_score:g}/4**",
        f"ACWR ≥ **{S.acwr_amber:g}**",
        f"alarm ≥ **{S.acwr_red:g}**",
        f"monotony ≥ **{S.monotony_amber:.1f}**",
        f"alarm ≥ **{S.monotony_red:.1f}**",
        f"≤ **{S.hrv_amber_pct:g} %**",
        f"≤ **{S.hrv_red_pct:g} %**",
        f"≥ **+{S.rhr_amber_bpm:g} bpm**",
        f"≥ **+{S.rhr_red_bpm:g} bpm**",
        f"within **{S.health_recent_days} days**",
        f"warning ≥ **{S.triage_missed_warning}**",
    ]
    missing = [text for text in expected if text.replace("-", "−") not in DOC and text not in DOC]
    assert not missing, f"docs/coach.md does not state: {missing}"


def test_every_chip_kind_and_reason_code_is_documented() -> None:
    for kind in COLOURS:
        assert kind in DOC or kind.replace("_", " ") in DOC, kind
    for code in CODES:
        assert f"`{code}`" in DOC, code
