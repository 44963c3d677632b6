"""Printer: :class:`~icucoach.workouts.model.Workout` -> canonical Intervals.icu workout text.

Owns the one spelling icucoach writes, chosen so the real server reads it back to the same structure:
metres as ``mtr`` (never a bare ``m``, which means minutes), the ``Pace`` keyword on every pace target,
the ``ramp`` keyword before ramped targets, a blank line before and after each repeat block, steps
flush-left, section headers directly above their steps and notes followed by a blank line.
"""

from __future__ import annotations

from .model import Distance, Note, Repeat, Section, Step, Target, Workout

_PACE_SUFFIX = {
    v: k
    for k, v in {
        "/km": "secs/km",
        "/mi": "secs/mi",
        "/100m": "secs/100m",
        "/100y": "secs/100y",
        "/500m": "secs/500m",
        "/400m": "secs/400m",
        "/250m": "secs/250m",
    }.items()
}


def fmt_num(v: float) -> str:
    """Shortest text that parses back to the same number (``92.5``, ``100``)."""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def fmt_duration(secs: int) -> str:
    """Seconds -> ``1h2m30s`` style (the parser's canonical form)."""
    secs = int(secs)
    if secs == 0:
        return "0s"
    h, rest = divmod(secs, 3600)
    m, s = divmod(rest, 60)
    return "".join(f"{n}{u}" for n, u in ((h, "h"), (m, "m"), (s, "s")) if n)


def fmt_distance(d: Distance) -> str:
    return f"{fmt_num(d.value)}{d.unit}"


def fmt_pace_secs(secs: float) -> str:
    secs = round(secs)
    return f"{secs // 60}:{secs % 60:02d}"


def _range(t: Target, fmt=fmt_num, sep: str = "-") -> str:
    return fmt(t.start) if t.end is None else f"{fmt(t.start)}{sep}{fmt(t.end)}"


def fmt_target(t: Target) -> str:
    """One target in text form (without the ``ramp`` keyword)."""
    u = t.units
    if u == "%ftp":
        return f"{_range(t)}%"
    if u == "w":
        return f"{_range(t)}w"
    if u == "%mmp":
        return f"{_range(t)}% MMP {fmt_duration(t.secs or 0)}"
    if u == "custom_zone":
        return f"CZ{fmt_num(t.start)}" if t.end is None else f"CZ{fmt_num(t.start)}-CZ{fmt_num(t.end)}"
    if u in ("power_zone", "hr_zone", "pace_zone"):
        z = f"Z{fmt_num(t.start)}" if t.end is None else f"Z{fmt_num(t.start)}-Z{fmt_num(t.end)}"
        return {"power_zone": z, "hr_zone": f"{z} HR", "pace_zone": f"{z} Pace"}[u]
    if u == "%hr":
        return f"{_range(t)}% HR"
    if u == "%lthr":
        return f"{_range(t)}% LTHR"
    if u == "bpm":
        return f"{_range(t)}bpm"
    if u == "%pace":
        return f"{_range(t)}% Pace"
    if u == "rpm":
        return f"{_range(t)}rpm"
    # absolute pace, seconds per unit
    return f"{_range(t, fmt_pace_secs)}{_PACE_SUFFIX[u]} Pace"


def render_step(s: Step) -> str:
    parts: list[str] = []
    if s.text:
        parts.append(s.text)
    if s.duration is not None:
        parts.append(fmt_duration(s.duration))
    elif s.distance is not None:
        parts.append(fmt_distance(s.distance))
    has_length = s.duration is not None or s.distance is not None
    # `ramp` is only a keyword once the line has started (after a length or a target), as on the server.
    if s.ramp and has_length:
        parts.append("ramp")
    parts.extend(fmt_target(t) for t in s.targets)
    if s.ramp and not has_length:
        parts.append("ramp")
    if s.freeride:
        parts.append("freeride")
    if s.maxeffort:
        parts.append("maxeffort")
    if s.hidepower:
        parts.append("hidepower")
    if s.until_lap_press and "press lap" not in (s.text or "").lower():
        parts.append("press lap")
    if s.intensity:
        parts.append(f"intensity={s.intensity}")
    return ("- " + " ".join(parts)) if parts else "-"


def render(w: Workout) -> str:
    """The canonical text of a workout (ends with a newline unless empty)."""
    out: list[str] = []

    def blank() -> None:
        if out and out[-1] != "":
            out.append("")

    prev = None
    for it in w.items:
        if isinstance(it, Note):
            if prev is not None and not isinstance(prev, Note):
                blank()
            out.append(it.text)
        elif isinstance(it, Section):
            blank()
            out.append(it.text)
        elif isinstance(it, Repeat):
            if not isinstance(prev, Section):
                blank()
            out.append(f"{it.text} {it.reps}x" if it.text else f"{it.reps}x")
            out.extend(render_step(s) for s in it.steps)
            out.append("")
        elif isinstance(it, Step):
            if isinstance(prev, Note):
                blank()
            out.append(render_step(it))
        prev = it
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""
