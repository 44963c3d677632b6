"""``icucoach coach review`` end to end: the real entry point in a subprocess, the coach's key against a
12-athlete sandbox squad over real HTTP. The order and colours a coach reads, the JSON contract, the HTML
file validated by html5lib with its charts, and every failure with its exit code and fix."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import html5lib
import pytest

from icucoach.exitcodes import Exit
from icucoach.sandbox import RunningSandbox, SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import PERSONAS, squad_ids

from .harness import TODAY, assert_clean_failure, plain, run

SQUAD = 12
SVG = "{http://www.w3.org/2000/svg}"
PERSONA_ID = dict(zip(PERSONAS, squad_ids(SQUAD), strict=False))


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    options = SandboxOptions(seed=42, today=date.fromisoformat(TODAY), rate_limit=False, squad=SQUAD)
    with serve_in_thread(options) as running:
        yield running


def _env(sb: RunningSandbox, role: str = "coach") -> dict[str, str]:
    return {"INTERVALS_API_KEY": sb.account(role).api_key, "INTERVALS_BASE_URL": sb.base_url}


@pytest.fixture(scope="module")
def review_json(squad_sb: RunningSandbox) -> dict:
    result = run("coach", "review", "--date", TODAY, "--format", "json", env=_env(squad_sb))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_text_table_puts_the_overreaching_athlete_first_with_a_legend(squad_sb: RunningSandbox) -> None:
    result = run("coach", "review", "--date", TODAY, env={**_env(squad_sb), "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    text = plain(result.stdout)
    names = {p: squad_sb.world.athletes[aid].athlete["name"] for p, aid in PERSONA_ID.items()}
    rows = [
        line for line in text.splitlines() if line.startswith("│") and line.split("│")[1].strip().isdigit()
    ]
    assert names["overreaching"] in rows[0]
    assert any(names["sick"] in r for r in rows[:3])
    skipper = next(r for r in rows if names["skipper"] in r)
    assert skipper.count("✕") >= 3
    assert "chips:" in text and "✕ missed" in text and "✚ sick or injured" in text


def test_json_is_the_documented_contract(review_json: dict) -> None:
    data = review_json
    assert data["schema"] == "icucoach.coach.review/1" and data["date"] == TODAY
    assert data["athletes"] == SQUAD and data["failed"] == 0 and data["upstream_requests"] == 4 * SQUAD
    assert data["rows"][0]["athlete_id"] == PERSONA_ID["overreaching"]
    row_keys = {
        "athlete_id", "name", "error", "readiness", "readiness_why", "form_zone", "ctl", "atl", "form",
        "ctl_trend_4w", "acwr", "chips", "alarms", "next_key_session", "next_race", "triage", "ctl_series",
    }  # fmt: skip
    assert all(set(r) == row_keys for r in data["rows"])
    sick = next(r for r in data["rows"] if r["athlete_id"] == PERSONA_ID["sick"])
    assert sick["alarms"][0]["code"] == "sick" and any(c["kind"] == "sick" for c in sick["chips"])
    skipper = next(r for r in data["rows"] if r["athlete_id"] == PERSONA_ID["skipper"])
    assert [c["colour"] for c in skipper["chips"] if c["kind"] == "missed"] == ["red"] * 3
    assert {x["kind"] for x in data["legend"]} >= {"done", "changed", "missed", "sick", "race"}
    assert data["feed"] and all(f["date"] >= "2026-11-22" for f in data["feed"])


def test_html_report_is_valid_standalone_and_has_its_charts(squad_sb: RunningSandbox, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "review.html"
    result = run(
        "coach", "review", "--date", TODAY, "--format", "html", "--out", str(out), env=_env(squad_sb)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    html = out.read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse(html)  # strict: raises on any parse error
    assert parser.errors == []
    # standalone: no script, stylesheet, image or font fetched from anywhere
    assert not re.search(r"<script|<link|<img|@import|url\((?!#)|(src|href)=\"(https?:)?//", html)
    assert doc.find(".//style") is not None
    rows = doc.findall(".//table[@id='squad']/tbody/tr")
    assert rows[0].get("data-athlete") == PERSONA_ID["overreaching"]
    assert rows[0].get("class") == "attention-alarm"
    sparks = [s for s in doc.iter(f"{SVG}svg") if "spark" in (s.get("class") or "")]
    assert len(sparks) == SQUAD and all(
        s.find(f"{SVG}title") is not None and s.find(f"{SVG}path") is not None for s in sparks
    )
    # the PMC chart (coach.charts) of each athlete with an alarm, in a light and a dark version
    flagged = doc.findall(".//section[@class='flagged']")
    assert [f.get("data-athlete") for f in flagged][:2] == [PERSONA_ID["overreaching"], PERSONA_ID["sick"]]
    for section in flagged:
        charts = section.findall(f".//{SVG}svg")
        assert len(charts) == 2 and all(c.find(f"{SVG}title") is not None for c in charts)
        labels = " ".join(t.text or "" for c in charts for t in c.iter(f"{SVG}text"))
        assert "CTL" in labels and "Date" in labels
    by_id = {r.get("data-athlete"): r for r in rows}
    missed = [s for s in by_id[PERSONA_ID["skipper"]].iter("span") if "chip-missed" in (s.get("class") or "")]
    assert len(missed) == 3 and all("#cf222e" in (s.get("style") or "") for s in missed)
    assert any("chip-sick" in (s.get("class") or "") for s in by_id[PERSONA_ID["sick"]].iter("span"))


def _in_athlete_listing() -> bool:
    """Whether the sandbox is answering ``GET /athletes`` (its handler's frame is on the stack)."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "list_athletes":
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def test_a_revoked_athlete_gives_a_partial_review(squad_sb: RunningSandbox) -> None:
    world = squad_sb.world
    coach_id = squad_sb.account("coach").athlete_id
    revoked = PERSONA_ID["too_hard"]
    original = world.access

    # A share revoked between the roster and the fetch: still listed, its records refused (HTTP 403).
    def access(caller: str, athlete: str) -> Any:
        if caller == coach_id and athlete == revoked and not _in_athlete_listing():
            return None
        return original(caller, athlete)

    world.access = access  # type: ignore[method-assign]
    try:
        result = run("coach", "review", "--date", TODAY, "--format", "json", env=_env(squad_sb))
    finally:
        world.access = original  # type: ignore[method-assign]
    assert result.returncode == int(Exit.PARTIAL), result.stderr
    data = json.loads(result.stdout)
    failed = [r for r in data["rows"] if r["error"]]
    assert [r["athlete_id"] for r in failed] == [PERSONA_ID["too_hard"]] and data["failed"] == 1
    assert data["rows"][0]["athlete_id"] == PERSONA_ID["overreaching"]
    assert PERSONA_ID["too_hard"] in plain(result.stderr) and "Traceback" not in result.stderr


def test_missing_credentials_are_a_configuration_error() -> None:
    assert_clean_failure(run("coach", "review"), Exit.CONFIG, "INTERVALS_API_KEY")


def test_a_key_without_athletes_is_a_configuration_error(squad_sb: RunningSandbox) -> None:
    result = run("coach", "review", "--date", TODAY, env=_env(squad_sb, "athlete"))
    assert_clean_failure(result, Exit.CONFIG, "share", "coach")


def test_a_rejected_key_is_an_auth_error(squad_sb: RunningSandbox) -> None:
    env = {**_env(squad_sb), "INTERVALS_API_KEY": "not-a-real-key"}
    assert_clean_failure(run("coach", "review", env=env), Exit.AUTH)


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("--date", "23/11/2026"), "--date"),
        (("--format", "pdf"), "--format"),
        (("--out", "x.txt"), "--out"),
    ],
)
def test_bad_options_are_usage_errors(squad_sb: RunningSandbox, args: tuple[str, ...], word: str) -> None:
    assert_clean_failure(run("coach", "review", *args, env=_env(squad_sb)), Exit.USAGE, word)


def test_an_unwritable_out_is_an_output_error_and_leaves_nothing(
    squad_sb: RunningSandbox, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    target = blocker / "review.html"
    result = run(
        "coach", "review", "--date", TODAY, "--format", "html", "--out", str(target), env=_env(squad_sb)
    )
    assert_clean_failure(result, Exit.OUTPUT, "--out")
    assert blocker.read_text() == "not a folder"
