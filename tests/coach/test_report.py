"""``coach.report`` pieces that need no squad: the sparkline and the legend."""

from __future__ import annotations

from icucoach.analytics.chips import COLOURS
from icucoach.coach.report import GLYPHS, legend, sparkline_svg


def test_sparkline_leaves_gaps_for_missing_values() -> None:
    svg = sparkline_svg([40.0, 41.0, None, None, 42.0, 43.0, 44.0], label="CTL")
    assert svg.startswith("<svg") and "<title>CTL</title>" in svg
    path = svg.split('d="')[1].split('"')[0]
    assert path.count("M") == 2  # two runs of known values, never a line drawn through the gap as zero


def test_sparkline_needs_two_values() -> None:
    assert sparkline_svg([None, 50.0, None]) == ""
    assert sparkline_svg([]) == ""


def test_sparkline_escapes_its_title() -> None:
    assert "<title>A &lt;b&gt; &amp; C</title>" in sparkline_svg([1.0, 2.0], label="A <b> & C")


def test_legend_has_every_chip_kind_once_with_its_colour() -> None:
    rows = legend()
    assert [r["kind"] for r in rows] == list(GLYPHS) and set(GLYPHS) == set(COLOURS)
    assert all(r["colour"] == COLOURS[r["kind"]] for r in rows)
    assert len({r["glyph"] for r in rows}) == len(rows)
