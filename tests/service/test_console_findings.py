"""Console page behaviour from the review's findings, over real HTTP against the 12-athlete squad sandbox
(the local console): the week page's ``?week=`` takes any day of a training week and answers a week it
cannot show with a page naming the weeks it can, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from icucoach.sandbox import RunningSandbox
from service.console_helpers import PERSONA_ID, local_console, squad_sandbox

WEEK = f"/coach/athletes/{PERSONA_ID['compliant']}/week"
OLDEST = "2026-07-20"  # the Monday 4 weeks after the snapshot's first day (today 2026-11-23 - 154 days)


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def http(squad_sb: RunningSandbox) -> Iterator[httpx.Client]:
    with local_console(squad_sb) as console, httpx.Client(base_url=console.url, timeout=120) as client:
        yield client


def test_any_day_shows_its_training_week(http: httpx.Client) -> None:
    page = http.get(f"{WEEK}?week=2026-11-18")  # a Wednesday
    assert page.status_code == 200
    assert "Week of 16 Nov 2026" in page.text
    assert 'href="?week=2026-11-09" rel="prev"' in page.text


def test_the_oldest_week_has_no_previous_link_and_older_ones_a_clear_page(http: httpx.Client) -> None:
    oldest = http.get(f"{WEEK}?week={OLDEST}")
    assert oldest.status_code == 200
    assert "Week of 20 Jul 2026" in oldest.text and 'rel="prev"' not in oldest.text
    for older in ("2026-07-13", "2025-01-06"):
        page = http.get(f"{WEEK}?week={older}")
        assert page.status_code == 404, page.text
        assert "No such week" in page.text and "20 Jul 2026" in page.text and "Traceback" not in page.text
    bad = http.get(f"{WEEK}?week=last-tuesday")
    assert bad.status_code == 400 and "not a date" in bad.text


def test_the_strava_only_season_shows_gaps_not_zero_hours(http: httpx.Client) -> None:
    page = http.get(f"/coach/athletes/{PERSONA_ID['strava_only']}/season")
    assert page.status_code == 200
    assert "0.0 h in all" not in page.text
    assert "no time data, the metrics are withheld (not 0 h)" in page.text


def test_the_review_shows_swim_paces_per_100m(http: httpx.Client) -> None:
    """A swim's target of 0.9711 m/s is 1:43 /100m (it showed 17:10 /km); a run keeps its /km."""
    athlete = PERSONA_ID["compliant"]
    swim = http.get(f"/coach/athletes/{athlete}/activities/i200001081")
    assert swim.status_code == 200
    assert "1:43 /100m" in swim.text and "17:10 /km" not in swim.text
    run = http.get(f"/coach/athletes/{athlete}/activities/i200001079")
    assert run.status_code == 200 and "6:17 /km" in run.text
