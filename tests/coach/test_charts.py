"""Coach console charts: valid, self-contained SVG with a title, labelled axes and both themes, drawn from a
planted squad athlete's real records (wellness CTL/ATL from the sandbox over HTTP, a reviewed workout)."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest

from icucoach.coach.charts import pmc_chart, pmc_png, review_chart, volume_chart, zones_chart
from icucoach.coach.review import WorkoutReview, workout_review
from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.generate.squad import PERSONAS, squad_ids

TODAY = date(2026, 11, 23)
SVG = "{http://www.w3.org/2000/svg}"
PERSONA_ID = dict(zip(PERSONAS, squad_ids(12), strict=False))


@pytest.fixture(scope="module")
def data() -> Iterator[dict[str, Any]]:
    """84 days of one squad athlete's wellness (the API's CTL/ATL) and the reviews of two structured rides."""

    async def fetch(sb: Any) -> dict[str, Any]:
        coach = sb.account("coach")
        async with IntervalsClient(ClientSettings(api_key=coach.api_key, base_url=sb.base_url)) as client:
            aid = PERSONA_ID["compliant"]
            wellness = await client.list_wellness(TODAY - timedelta(days=83), TODAY, athlete_id=aid)
            reviews: dict[str, WorkoutReview] = {}
            for persona in ("compliant", "too_hard"):
                pid = PERSONA_ID[persona]
                acts = await client.list_activities(TODAY - timedelta(days=10), TODAY, athlete_id=pid)
                for a in acts:
                    rv = await workout_review(client, pid, str(a.id))
                    if rv.steps.reps_total >= 2 and rv.steps.basis == "power":
                        reviews[persona] = rv
                        break
        rows = [w.model_dump(mode="json", by_alias=True) for w in wellness]
        return {"wellness": rows, "reviews": reviews}

    with serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False, squad=12)) as sb:
        yield asyncio.run(fetch(sb))


def _pmc_args(data: dict[str, Any]) -> tuple[list[date], list[Any], list[Any], list[Any], list[Any]]:
    rows = data["wellness"]
    days = [date.fromisoformat(w["id"]) for w in rows]
    ctl = [w.get("ctl") for w in rows]
    atl = [w.get("atl") for w in rows]
    tsb = [None if c is None or a is None else c - a for c, a in zip(ctl, atl, strict=True)]
    load = [w.get("ctlLoad") for w in rows]
    return days, ctl, atl, tsb, load


def _parse(svg: str) -> ET.Element:
    assert not svg.startswith("<?xml") and svg.startswith("<svg")  # embeddable inline
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text and root[0] is title  # first child: what screen readers announce
    assert root.get("role") == "img" and root.get("aria-label") == title.text
    for el in root.iter():
        for key, value in el.attrib.items():
            if key.endswith("href"):
                assert value.startswith("#"), f"external reference {value}"  # no fetches from the page
    return root


def _texts(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def test_pmc_chart_is_labelled_svg_from_the_api_values(data: dict[str, Any]) -> None:
    days, ctl, atl, tsb, load = _pmc_args(data)
    assert len(days) == 84 and all(c is not None for c in ctl)
    svg = pmc_chart(
        days,
        ctl,
        atl,
        tsb,
        load,
        races=[(TODAY - timedelta(days=20), "Autumn classic")],
        phases=[(days[0], days[41], "base"), (days[42], TODAY + timedelta(days=1), "build")],
    )
    root = _parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert f"{days[0].isoformat()} to {TODAY.isoformat()}" in title.text
    assert f"fitness (CTL) {ctl[-1]:.0f} on the last day" in title.text
    text = _texts(root)
    for label in (
        "CTL / ATL (load/day)",
        "Form TSB (load/day)",
        "Daily load (load points)",
        "Date",
        "Fitness (CTL)",
        "Fatigue (ATL)",
        "Autumn classic",
        "base",
        "build",
    ):
        assert label in text, label


def test_pmc_chart_themes_and_gaps(data: dict[str, Any]) -> None:
    days, ctl, atl, tsb, load = _pmc_args(data)
    light = pmc_chart(days, ctl, atl, tsb, load)
    dark = pmc_chart(days, ctl, atl, tsb, load, theme="dark")
    assert "#1f2328" in light and "#e6edf3" not in light  # dark text on a light page
    assert "#e6edf3" in dark and "#1f2328" not in dark  # light text on a dark page
    gappy = [None if i % 10 == 0 else v for i, v in enumerate(ctl)]  # missing days are gaps, not zeros
    _parse(pmc_chart(days, gappy, atl, tsb, [None] * len(days), theme="dark"))
    _parse(pmc_chart([], [], [], [], []))
    assert pmc_chart(days, ctl, atl, tsb, load) == light  # same data, same bytes: cacheable
    with pytest.raises(ValueError, match="theme"):
        pmc_chart(days, ctl, atl, tsb, load, theme="sepia")
    with pytest.raises(ValueError, match="ctl has 83 values for 84 days"):
        pmc_chart(days, ctl[1:], atl, tsb, load)


def test_pmc_png_is_a_png(data: dict[str, Any]) -> None:
    png = pmc_png(*_pmc_args(data), theme="dark")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_charts_render_the_same_from_several_threads(data: dict[str, Any]) -> None:
    args = _pmc_args(data)
    serial = [pmc_chart(*args, theme=t) for t in ("light", "dark")] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda t: pmc_chart(*args, theme=t), ["light", "dark"] * 3))
    assert threaded == serial


def test_volume_chart_stacks_sports() -> None:
    weeks = [TODAY - timedelta(days=7 * k) for k in range(4, 0, -1)]
    root = _parse(volume_chart(weeks, {"Ride": [6.0, 7.5, None, 8.0], "Run": [2.0, 2.5, 3.0, 1.0]}))
    text = _texts(root)
    assert "Hours per week (h)" in text and "Week starting" in text
    assert "Ride" in text and "Run" in text
    assert weeks[0].strftime("%d %b") in text
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None and "30.0 h in all" in title.text


def test_zones_chart_planned_vs_done() -> None:
    labels = [f"Z{i}" for i in range(1, 8)]
    root = _parse(
        zones_chart([600, 1800, 900, 1440, 0, 0, 0], [720, 1500, None, 1380, 120, 0, 0], labels, theme="dark")
    )
    text = _texts(root)
    assert "Time in zone (min)" in text and "Zone" in text and "Planned" in text and "Done" in text
    assert all(z in text for z in labels)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Time in zones: 79 min planned, 62 min done"
    with pytest.raises(ValueError):
        zones_chart([1, 2], [1], ["Z1", "Z2"])


def test_review_chart_colours_reps_by_verdict(data: dict[str, Any]) -> None:
    good, hard = data["reviews"]["compliant"], data["reviews"]["too_hard"]
    root = _parse(review_chart(good.steps))
    title = root.find(f"{SVG}title")
    n = good.steps.reps_total
    assert title is not None and title.text == f"Workout review: {n} of {n} work reps on target"
    text = _texts(root)
    assert "Power (W, NP per step)" in text and "Time (min)" in text and "Target" in text
    assert "On target" in text and "Over" not in text
    hard_root = _parse(review_chart(hard.steps, theme="dark"))
    assert "Over" in _texts(hard_root)
    hard_title = hard_root.find(f"{SVG}title")
    assert (
        hard_title is not None
        and hard_title.text is not None
        and hard_title.text.startswith("Workout review: 0 of ")
    )
