"""Coach console findings from review: each test pins down a behaviour a coach saw wrong (a 500 on a page,
a wrong colour, a missing race) and fails without its fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from icucoach.coach.charts import pmc_chart, volume_chart

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def test_names_with_dollar_signs_are_drawn_as_text_not_mathtext() -> None:
    """A race named "A $\\frac$ B" (or a phase or sport label with dollars) is drawn verbatim; mathtext
    raised ValueError on it, a 500 on the season page and an aborted ``coach review --format html``."""
    days = [date(2026, 6, 1) + timedelta(days=i) for i in range(14)]
    v = [50.0] * 14
    names = ["A $\\frac$ B", "Parkrun $5 entry & $10 late", "Crit $5^ $"]
    svg = pmc_chart(
        days,
        v,
        v,
        [0.0] * 14,
        v,
        races=[(days[3 + i], n) for i, n in enumerate(names)],
        phases=[(days[0], days[7], "base $x^$")],
    )
    text = _texts(svg)
    for name in [*names, "base $x^$"]:
        assert name in text
    weekly = volume_chart(days[::7], {"Ride $\\frac$": [1.0, 2.0]})
    assert "Ride $\\frac$" in _texts(weekly)
