"""The daily review of a squad (``icucoach coach review``) in its three forms: JSON (stable, versioned by
``SCHEMA``), a Rich table for the terminal, and a standalone HTML file (inline CSS, an inline SVG CTL
sparkline per athlete and the PMC chart of each athlete with an alarm, from ``coach.charts``; nothing fetched
by the browser) for cron and e-mail.

All three are built from one ``SquadView`` (``coach.squad``) and its activity feed; this module only
arranges and prints. The chip glyphs and colours are the one legend shared by the text and HTML forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from icucoach.analytics.chips import COLOURS
from icucoach.coach.squad import FeedItem, SquadRow, SquadView, activity_feed

if TYPE_CHECKING:
    from rich.table import Table

Json = dict[str, Any]
SCHEMA = "icucoach.coach.review/1"
FEED_DAYS = 2
CHART_WEEKS = 12  # the PMC of each athlete with an alarm: the last 12 weeks and the projection ahead

# kind -> (glyph, label); the colour is ``analytics.chips.COLOURS``
GLYPHS: dict[str, tuple[str, str]] = {
    "done": ("●", "done as planned"),
    "done_unverified": ("○", "done, metrics withheld (Strava)"),
    "changed": ("◐", "changed (over target, shortened, under target or longer)"),
    "missed": ("✕", "missed"),
    "unplanned": ("◆", "unplanned"),
    "race": ("★", "race"),
    "sick": ("✚", "sick or injured"),
    "pending": ("·", "planned, not done yet"),
}
RICH_STYLE = {
    "green": "green",
    "amber": "yellow",
    "red": "bold red",
    "blue": "blue",
    "purple": "magenta",
    "grey": "bright_black",
    "none": "dim",
}
HTML_COLOUR = {
    "green": "#1a7f37",
    "amber": "#b7791f",
    "red": "#cf222e",
    "blue": "#0969da",
    "purple": "#8250df",
    "grey": "#6e7781",
    "none": "#8c959f",
}
SEVERITY_STYLE = {"alarm": "bold red", "warning": "yellow", "info": "blue"}


def legend() -> list[Json]:
    """Each chip kind with its glyph, colour and meaning (docs/coach.md has the rule of each)."""
    return [{"kind": k, "glyph": g, "colour": COLOURS[k], "label": label} for k, (g, label) in GLYPHS.items()]


def review_json(view: SquadView, feed_days: int = FEED_DAYS) -> Json:
    """The review as JSON types: the squad view's rows in attention order, the recent feed and the legend."""
    return {
        "schema": SCHEMA,
        **view.to_dict(),
        "feed": [f.to_dict() for f in activity_feed(view, feed_days)],
        "legend": legend(),
    }


def _num(x: float | None, fmt: str = ".0f", signed: bool = False) -> str:
    if x is None:
        return "—"
    if signed and round(x) == 0:
        return "±0"
    return format(x, ("+" if signed else "") + fmt)


def _why(row: SquadRow, limit: int = 2) -> list[tuple[str, str]]:
    """(severity, sentence) of the first reasons, the row's error first."""
    if row.error is not None:
        return [("alarm", f"not loaded: {row.error}")]
    reasons = row.triage.reasons if row.triage else ()
    return [(r.severity, r.sentence) for r in reasons[:limit]]


def _next(row: SquadRow) -> str:
    parts = []
    if row.next_key_session:
        k = row.next_key_session
        parts.append(f"{k['date'][5:]} {k['name'] or k['sport'] or 'session'}")
    if row.next_race:
        r = row.next_race
        parts.append(f"{r['category'].replace('RACE_', '')} race in {r['days_to']} d")
    return "; ".join(parts) or "—"


def text_table(view: SquadView) -> Table:
    """The squad as a Rich table: one row per athlete, in attention order, chips as coloured glyphs."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Squad review {view.today.isoformat()}", title_justify="left", show_lines=False)
    for name, kw in (
        ("#", {"justify": "right"}),
        ("athlete", {}),
        ("ready", {}),
        ("form", {}),
        ("CTL Δ4w", {"justify": "right"}),
        ("ACWR", {"justify": "right"}),
        ("last 7 days", {"no_wrap": True}),
        ("needs attention", {}),
        ("next", {}),
    ):
        table.add_column(name, **kw)  # type: ignore[arg-type]
    for i, row in enumerate(view.rows, 1):
        chips = Text()
        for c in row.chips:
            chips.append(GLYPHS[c.kind][0], style=RICH_STYLE[c.colour])
        why = Text()
        for n, (sev, sentence) in enumerate(_why(row)):
            if n:
                why.append("\n")
            why.append(sentence, style=SEVERITY_STYLE.get(sev, ""))
        table.add_row(
            str(i),
            row.name or row.athlete_id,
            row.readiness or "—",
            row.form_zone or "—",
            f"{_num(row.ctl)} {_num(row.ctl_trend_4w, signed=True)}" if row.error is None else "—",
            _num(row.acwr, ".2f"),
            chips,
            why,
            _next(row),
        )
    return table


def legend_text() -> Any:
    """The chip legend as one Rich line."""
    from rich.text import Text

    line = Text("chips: ")
    for n, (kind, (glyph, label)) in enumerate(GLYPHS.items()):
        if n:
            line.append("  ")
        line.append(glyph, style=RICH_STYLE[COLOURS[kind]])
        line.append(f" {label.split(' (')[0]}")
    return line


def sparkline_svg(values: Sequence[float | None], width: int = 120, height: int = 28, label: str = "") -> str:
    """A small inline SVG line of ``values`` (gaps where a value is missing), with a ``<title>``."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    lo, hi = min(known), max(known)
    # At least 10 CTL points of height, so day-to-day noise of a steady athlete stays flat.
    span = max(hi - lo, 10.0)
    step = width / max(1, len(values) - 1)
    paths: list[str] = []
    cur: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            if len(cur) > 1:
                paths.append(" ".join(cur))
            cur = []
            continue
        x, y = i * step, height - 2 - (v - lo) / span * (height - 4)
        cur.append(f"{'M' if not cur else 'L'}{x:.1f},{y:.1f}")
    if len(cur) > 1:
        paths.append(" ".join(cur))
    title = label or f"CTL {lo:.0f} to {hi:.0f}"
    d = " ".join(paths)
    return (
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{_esc(title)}</title>'
        f'<path d="{d}" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>'
    )


def pmc_charts(view: SquadView, weeks: int = CHART_WEEKS) -> list[Json]:
    """For each athlete whose worst reason is an alarm: the PMC chart (``coach.charts``), light and dark."""
    from icucoach.coach import charts
    from icucoach.coach.season import athlete_season

    out = []
    for row in view.rows:
        snap = view.snapshots.get(row.athlete_id)
        if snap is None or row.triage is None or row.triage.worst != "alarm":
            continue
        season = athlete_season(snap, weeks)
        chart = season.chart_series(with_projection=True)
        if chart is None:
            continue
        series, races = chart
        out.append(
            {
                "row": row,
                "phase": season.phase,
                "transition": season.suggested_transition,
                "transition_why": season.transition_why,
                "light": charts.pmc_chart(*series, races=races, theme="light"),
                "dark": charts.pmc_chart(*series, races=races, theme="dark"),
            }
        )
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def render_html(view: SquadView, feed_days: int = FEED_DAYS, generated_at: datetime | None = None) -> str:
    """The review as one standalone HTML document (``templates/report.html``)."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=PackageLoader("icucoach.coach", "templates"), autoescape=select_autoescape(["html"])
    )
    rows = []
    for i, row in enumerate(view.rows, 1):
        first = row.ctl_series[0][0].isoformat() if row.ctl_series else ""
        spark = sparkline_svg(
            [v for _, v in row.ctl_series],
            label=f"{row.name or row.athlete_id}: CTL over 42 days from {first}",
        )
        rows.append(
            {
                "n": i,
                "row": row,
                "worst": row.triage.worst if row.triage else ("alarm" if row.error else None),
                "why": _why(row, 3),
                "next": _next(row),
                "spark": Markup(spark),
                "chips": [
                    {
                        "glyph": GLYPHS[c.kind][0],
                        "colour": HTML_COLOUR[c.colour],
                        "kind": c.kind,
                        "title": f"{c.day.isoformat()} {c.sentence}",
                    }
                    for c in row.chips
                ],
            }
        )
    feed: list[FeedItem] = activity_feed(view, feed_days)
    flagged = [
        {**c, "light": Markup(c["light"]), "dark": Markup(c["dark"])} for c in pmc_charts(view, CHART_WEEKS)
    ]
    return env.get_template("report.html").render(
        view=view,
        rows=rows,
        flagged=flagged,
        chart_weeks=CHART_WEEKS,
        feed=[
            {"item": f, "glyph": GLYPHS[f.chip.kind][0], "colour": HTML_COLOUR[f.chip.colour]} for f in feed
        ],
        feed_days=feed_days,
        legend=[{**x, "hex": HTML_COLOUR[x["colour"]]} for x in legend()],
        generated_at=(generated_at or view.fetched_at).strftime("%Y-%m-%d %H:%M UTC"),
        num=_num,
    )
