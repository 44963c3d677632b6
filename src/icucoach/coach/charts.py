"""The coach console's charts as self-contained SVG strings (and the PMC as PNG for MCP image content).

matplotlib, drawn on ``matplotlib.figure.Figure`` objects and saved through the figure's own canvas (never
``pyplot``: no global figure registry, so pages render charts from several threads at once). The only global
matplotlib state touched is two rcParams set once at import and never changed: SVG text stays ``<text>``
(small, selectable, screen-reader friendly, readable by tests) and element ids are seeded, so the same data
gives the same bytes (cacheable). Figures have fixed margins: a layout engine would draw each chart twice,
and the PMC chart is on the page path (``bench/bench_coach_charts.py``: well under 100 ms for 120 days).

Every chart: a ``<title>`` and ``aria-label`` for accessibility, labelled axes with units, a transparent
background and a palette for ``theme="light"`` or ``"dark"`` so it reads on either page theme. Missing values
(None) are gaps, never zeros. The SVG has no XML prolog or external reference, so it embeds inline in HTML.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from icucoach.analytics.step_review import StepReview
from icucoach.workouts.model import PACE_UNIT_METRES

matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "icucoach"

THEMES = ("light", "dark")


@dataclass(frozen=True)
class Palette:
    text: str
    grid: str
    ctl: str
    atl: str
    tsb: str
    load: str
    race: str
    phase: str
    hit: str
    over: str
    under: str
    missed: str
    band: str
    series: tuple[str, ...]


# GitHub Primer's light and dark colours: contrast-checked on white and on #0d1117.
PALETTES = {
    "light": Palette(
        "#1f2328",
        "#d0d7de",
        "#0969da",
        "#bf3989",
        "#9a6700",
        "#8c959f",
        "#8250df",
        "#eaeef2",
        "#1a7f37",
        "#cf222e",
        "#bc4c00",
        "#6e7781",
        "#54aeff",
        ("#0969da", "#1a7f37", "#bf3989", "#bc4c00", "#8250df", "#6e7781", "#9a6700"),
    ),
    "dark": Palette(
        "#e6edf3",
        "#30363d",
        "#58a6ff",
        "#f778ba",
        "#d29922",
        "#6e7681",
        "#a371f7",
        "#161b22",
        "#3fb950",
        "#f85149",
        "#db6d28",
        "#8b949e",
        "#388bfd",
        ("#58a6ff", "#3fb950", "#f778ba", "#db6d28", "#a371f7", "#8b949e", "#d29922"),
    ),
}
VERDICT_LABELS = {
    "hit": "On target",
    "over": "Over",
    "under": "Under",
    "missed": "Missed",
    "not_judged": "Not judged",
}


def _palette(theme: str) -> Palette:
    if theme not in PALETTES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    return PALETTES[theme]


def _figure(
    pal: Palette,
    width: float,
    height: float,
    rows: int = 1,
    ratios: Sequence[int] = (),
    margins: tuple[float, float, float, float] = (0.08, 0.92, 0.9, 0.14),
) -> tuple[Figure, list[Any]]:
    """A figure with fixed margins (left, right, top, bottom as fractions): a layout engine would draw the
    figure twice to measure it, and the charts' labels are short and known."""
    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_alpha(0)
    left, right, top, bottom = margins
    grid = fig.add_gridspec(
        rows,
        1,
        height_ratios=list(ratios) or None,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        hspace=0.08,
    )
    axes: list[Any] = []
    for i in range(rows):
        ax = fig.add_subplot(grid[i, 0], sharex=axes[0] if axes else None)
        _style(ax, pal)
        axes.append(ax)
    return fig, axes


def _style(ax: Any, pal: Palette) -> None:
    ax.set_facecolor("none")
    ax.tick_params(colors=pal.text, labelsize=8)
    ax.yaxis.label.set_color(pal.text)
    ax.xaxis.label.set_color(pal.text)
    ax.title.set_color(pal.text)
    for spine in ax.spines.values():
        spine.set_color(pal.grid)
    ax.grid(True, color=pal.grid, linewidth=0.6, alpha=0.8)
    ax.set_axisbelow(True)


def _legend(ax: Any, pal: Palette, **kw: Any) -> None:
    leg = ax.legend(fontsize=8, frameon=False, labelcolor=pal.text, **kw)
    if leg is not None:
        for t in leg.get_texts():
            t.set_color(pal.text)
            t.set_parse_math(False)  # labels may be the athlete's own names


def _svg(fig: Figure, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    text = buf.getvalue()
    text = text[text.index("<svg") :]  # no XML prolog or DOCTYPE: embeddable inline
    t = escape(title)
    # scales down with its container (viewBox keeps the aspect ratio); never up beyond its drawn size
    style = "max-width:100%;height:auto"
    text = re.sub(r"<svg ", f'<svg role="img" aria-label="{t}" style="{style}" ', text, count=1)
    head_end = text.index(">") + 1
    return f"{text[:head_end]}\n<title>{t}</title>{text[head_end:]}"


def _arr(values: Sequence[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def _check_lengths(n: int, **series: Sequence[Any]) -> None:
    for name, s in series.items():
        if len(s) != n:
            raise ValueError(f"{name} has {len(s)} values for {n} days")


def _pmc_figure(
    days: Sequence[date],
    ctl: Sequence[float | None],
    atl: Sequence[float | None],
    tsb: Sequence[float | None],
    load: Sequence[float | None],
    races: Sequence[tuple[date, str]],
    phases: Sequence[tuple[date, date, str]],
    pal: Palette,
) -> Figure:
    _check_lengths(len(days), ctl=ctl, atl=atl, tsb=tsb, load=load)
    fig, (top, bottom) = _figure(pal, 8.0, 4.0, rows=2, ratios=(3, 2), margins=(0.08, 0.92, 0.93, 0.1))
    first = days[0] if days else date.today()
    x = np.arange(len(days), dtype=float)  # day index: cheaper than date axes, ticks placed below

    def pos(d: date) -> float:
        return float((d - first).days)

    loads = _arr(load)
    twin = top.twinx()
    _style(twin, pal)
    twin.grid(False)
    twin.vlines(
        x, 0, np.nan_to_num(loads, nan=0.0), colors=pal.load, linewidth=2.2, alpha=0.7, label="Daily load"
    )
    for start, end, name in phases:
        lo, hi = pos(start) - 0.5, pos(end) - 0.5
        # on the load axis, which is drawn first: the phase shading stays behind the bars and lines
        for ax in (twin, bottom):
            ax.axvspan(lo, hi, color=pal.phase, lw=0, zorder=0)
        top.text(
            (lo + hi) / 2,
            1.0,
            name,
            transform=top.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
            color=pal.text,
            parse_math=False,  # a user's name with "$...$" is text, not mathtext (which may not parse)
        )
    twin.set_ylabel("Daily load (load points)", fontsize=8)
    twin.set_ylim(0, max(1.0, float(np.nanmax(loads)) if np.isfinite(loads).any() else 1.0) * 2.2)
    top.set_zorder(twin.get_zorder() + 1)
    top.patch.set_visible(False)
    top.plot(x, _arr(ctl), color=pal.ctl, linewidth=2, label="Fitness (CTL)")
    top.plot(x, _arr(atl), color=pal.atl, linewidth=1.2, label="Fatigue (ATL)")
    top.set_ylabel("CTL / ATL (load/day)", fontsize=8)
    form = _arr(tsb)
    bottom.axhline(0, color=pal.grid, linewidth=1)
    bottom.fill_between(
        x, form, 0, where=np.nan_to_num(form) >= 0, color=pal.tsb, alpha=0.25, lw=0, interpolate=True
    )
    bottom.fill_between(
        x, form, 0, where=np.nan_to_num(form) < 0, color=pal.atl, alpha=0.2, lw=0, interpolate=True
    )
    bottom.plot(x, form, color=pal.tsb, linewidth=1.4, label="Form (TSB)")
    bottom.set_ylabel("Form TSB (load/day)", fontsize=8)
    bottom.set_xlabel("Date", fontsize=8)
    for day, name in races:
        rx = pos(day)
        for ax in (top, bottom):
            ax.axvline(rx, color=pal.race, linewidth=1.2, linestyle="--")
        top.annotate(
            name,
            (rx, 0.97),
            xycoords=top.get_xaxis_transform(),
            rotation=90,
            ha="right",
            va="top",
            fontsize=7,
            color=pal.race,
            parse_math=False,  # a race named "A $\\frac$ B" is text: mathtext raised ValueError on it
        )
    if days:
        bottom.set_xlim(-0.5, len(days) - 0.5)
        step = 7 * max(1, math.ceil(len(days) / 7 / 9))  # whole weeks, at most ~9 labels
        ticks = list(range(0, len(days), step))
        bottom.set_xticks(ticks, [days[i].strftime("%d %b") for i in ticks])
    top.tick_params(labelbottom=False)
    handles = [*top.get_legend_handles_labels()[0], Patch(color=pal.load, label="Daily load")]
    top.legend(handles=handles, fontsize=7, frameon=False, loc="upper left", ncols=3, labelcolor=pal.text)
    return fig


def _pmc_title(days: Sequence[date], ctl: Sequence[float | None]) -> str:
    if not days:
        return "Fitness chart: no days"
    last = next((v for v in reversed(ctl) if v is not None), None)
    tail = f"; fitness (CTL) {last:.0f} on the last day" if last is not None else ""
    return (
        f"Fitness chart (CTL, ATL, TSB and daily load), {days[0].isoformat()} to {days[-1].isoformat()}{tail}"
    )


def pmc_chart(
    days: Sequence[date],
    ctl: Sequence[float | None],
    atl: Sequence[float | None],
    tsb: Sequence[float | None],
    load: Sequence[float | None],
    *,
    races: Sequence[tuple[date, str]] = (),
    phases: Sequence[tuple[date, date, str]] = (),
    theme: str = "light",
) -> str:
    """Fitness (CTL) and fatigue (ATL) over daily load bars, form (TSB) below; races dashed, phases shaded
    (``phases`` are (first day, end day, name))."""
    fig = _pmc_figure(days, ctl, atl, tsb, load, races, phases, _palette(theme))
    return _svg(fig, _pmc_title(days, ctl))


def pmc_png(
    days: Sequence[date],
    ctl: Sequence[float | None],
    atl: Sequence[float | None],
    tsb: Sequence[float | None],
    load: Sequence[float | None],
    *,
    races: Sequence[tuple[date, str]] = (),
    phases: Sequence[tuple[date, date, str]] = (),
    theme: str = "light",
) -> bytes:
    """The PMC chart as PNG bytes (MCP image content), on an opaque background of the theme."""
    pal = _palette(theme)
    fig = _pmc_figure(days, ctl, atl, tsb, load, races, phases, pal)
    fig.patch.set_alpha(1)
    fig.patch.set_facecolor("#ffffff" if theme == "light" else "#0d1117")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None}, facecolor=fig.get_facecolor())
    return buf.getvalue()


def volume_chart(
    weeks: Sequence[date], hours_by_sport: Mapping[str, Sequence[float | None]], *, theme: str = "light"
) -> str:
    """Weekly hours stacked by sport (``weeks`` are the weeks' first days); ``None`` is a gap (the metrics
    were withheld), drawn as no bar and named in the title, never as 0."""
    pal = _palette(theme)
    for sport, hours in hours_by_sport.items():
        _check_lengths(len(weeks), **{sport: hours})
    fig, (ax,) = _figure(pal, 8.0, 3.0)
    x = np.arange(len(weeks))
    bottom = np.zeros(len(weeks))
    for i, (sport, hours) in enumerate(hours_by_sport.items()):
        h = np.nan_to_num(_arr(hours), nan=0.0)  # a sport with no data that week stacks nothing
        ax.bar(x, h, bottom=bottom, width=0.7, color=pal.series[i % len(pal.series)], label=sport)
        bottom += h
    step = max(1, -(-len(weeks) // 8))  # at most eight labels: 16 weeks' dates overlap at this width
    ax.set_xticks(x[::step], [w.strftime("%d %b") for w in weeks][::step], fontsize=8)
    ax.set_xlabel("Week starting", fontsize=8)
    ax.set_ylabel("Hours per week (h)", fontsize=8)
    if hours_by_sport:
        top = float(bottom.max()) if len(bottom) else 0.0
        ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)  # headroom: the legend sits above the bars
        _legend(ax, pal, loc="upper left", ncols=min(4, len(hours_by_sport)))
    span = f", {weeks[0].isoformat()} to {weeks[-1].isoformat()}" if weeks else ""
    total = float(bottom.sum())
    gaps = sum(1 for i in range(len(weeks)) if any(h[i] is None for h in hours_by_sport.values()))
    # a week whose metrics are withheld draws no bar: the title says so, so it is not read as rest
    if gaps and all(v is None or v == 0 for h in hours_by_sport.values() for v in h):
        return _svg(fig, f"Weekly volume by sport{span}: no time data, the metrics are withheld (not 0 h)")
    note = f"; {gaps} week(s) without time data (metrics withheld), not counted" if gaps else ""
    return _svg(fig, f"Weekly volume by sport{span}: {total:.1f} h in all{note}")


def zones_chart(
    planned_s: Sequence[int | None],
    done_s: Sequence[int | None],
    labels: Sequence[str],
    *,
    theme: str = "light",
) -> str:
    """Time in zones, planned vs done, side by side per zone, in minutes (a None is a missing bar)."""
    pal = _palette(theme)
    _check_lengths(len(labels), planned_s=planned_s, done_s=done_s)
    fig, (ax,) = _figure(pal, 6.0, 3.0)
    x = np.arange(len(labels))
    planned, done = _arr(planned_s) / 60, _arr(done_s) / 60
    ax.bar(x - 0.2, planned, width=0.4, color=pal.band, alpha=0.55, edgecolor=pal.ctl, label="Planned")
    ax.bar(x + 0.2, done, width=0.4, color=pal.ctl, label="Done")
    ax.set_xticks(x, list(labels))
    ax.set_xlabel("Zone", fontsize=8)
    ax.set_ylabel("Time in zone (min)", fontsize=8)
    _legend(ax, pal, loc="upper right")
    p_tot, d_tot = np.nansum(planned), np.nansum(done)
    return _svg(fig, f"Time in zones: {p_tot:.0f} min planned, {d_tot:.0f} min done")


def _pace_formatter(metres: float) -> FuncFormatter:
    def fmt(v: float, _pos: int) -> str:
        if v <= 0 or not math.isfinite(v):
            return ""
        secs = round(metres / v)
        return f"{secs // 60}:{secs % 60:02d}"

    return FuncFormatter(fmt)


def review_chart(review: StepReview, *, theme: str = "light") -> str:
    """Target band per step vs the actual value, coloured by verdict; x is elapsed time (min), each step as
    wide as it lasted (a missed step as planned, hatched)."""
    pal = _palette(theme)
    fig, (ax,) = _figure(pal, 8.0, 3.0, margins=(0.08, 0.97, 0.86, 0.15))
    colour = {
        "hit": pal.hit,
        "over": pal.over,
        "under": pal.under,
        "missed": pal.missed,
        "not_judged": pal.missed,
    }
    at = 0.0
    seen: set[str] = set()
    for s in review.steps:
        width = (s.actual_duration_s or s.planned_duration_s or 60) / 60
        if s.target_lo is not None and s.target_hi is not None:
            lo, hi = s.target_lo, s.target_hi
            h = max(hi - lo, (hi or 1) * 0.01)  # a single-value target still shows a thin band
            ax.add_patch(
                Rectangle(
                    (at, lo - (h - (hi - lo)) / 2),
                    width,
                    h,
                    facecolor=pal.band,
                    alpha=0.35,
                    edgecolor="none",
                    hatch="//" if s.verdict == "missed" else None,
                )
            )
        if s.actual is not None:
            ax.hlines(
                s.actual,
                at,
                at + width,
                colors=colour[s.verdict],
                linewidth=3,
                label=None if s.verdict in seen else VERDICT_LABELS[s.verdict],
            )
            seen.add(s.verdict)
        at += width
    ax.set_xlim(0, max(at, 1))
    ax.margins(y=0.12)
    ax.autoscale_view(scalex=False)
    basis = review.basis
    if basis == "pace":
        units = review.pace_units or "secs/km"
        unit = units.removeprefix("secs/")
        ax.yaxis.set_major_formatter(_pace_formatter(PACE_UNIT_METRES.get(units, 1000.0)))
        ax.set_ylabel(f"Pace (min:s /{unit}; faster up)", fontsize=8)
    else:
        ax.set_ylabel(
            {"power": "Power (W, NP per step)", "hr": "Heart rate (bpm)"}.get(basis or "", "Value"),
            fontsize=8,
        )
    ax.set_xlabel("Time (min)", fontsize=8)
    handles = [Patch(facecolor=pal.band, alpha=0.35, label="Target")]
    handles += [Patch(color=colour[v], label=VERDICT_LABELS[v]) for v in VERDICT_LABELS if v in seen]
    ax.legend(
        handles=handles,
        fontsize=7,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=len(handles),
        labelcolor=pal.text,
    )
    title = f"Workout review: {review.reps_hit} of {review.reps_total} work reps on target"
    if review.reps_total == 0:
        hits = sum(1 for s in review.steps if s.verdict == "hit")
        title = f"Workout review: {hits} of {len(review.steps)} steps on target"
    return _svg(fig, title)
