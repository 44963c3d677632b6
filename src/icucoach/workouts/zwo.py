"""Zwift ``.zwo`` export and import (XML through the standard library).

Owns the mapping between the model and Zwift's workout elements: ``SteadyState``, ``Ramp``/``Warmup``/
``Cooldown``, ``IntervalsT`` (a two-step repeat), ``FreeRide``, ``MaxEffort`` and ``textevent`` cues.
Zwift speaks power as a fraction of FTP (and, for runs, of threshold pace speed), so other targets are
resolved against the athlete's settings when possible and otherwise exported as free ride.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .doc import _phase
from .model import Note, Repeat, Section, Step, Target, Workout, sport_family
from .resolve import Thresholds, pace_speed, power_pct, step_seconds


class ZwoError(ValueError):
    """The file is not a Zwift workout we can read."""


def _fraction(s: Step, th: Thresholds) -> tuple[float, float] | None:
    p = power_pct(s.power, th)
    if p:
        return p[0] / 100, p[1] / 100
    v = pace_speed(s.pace, th)
    if v and th.threshold_pace:
        return v[0] / th.threshold_pace, v[1] / th.threshold_pace
    return None


def _f(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _step_el(s: Step, th: Thresholds, phase: str | None) -> ET.Element:
    secs = str(step_seconds(s, th))
    frac = _fraction(s, th)
    if s.maxeffort:
        el = ET.Element("MaxEffort", Duration=secs)
    elif s.freeride or frac is None:
        el = ET.Element("FreeRide", Duration=secs, FlatRoad="1")
    elif s.ramp:
        tag = {"warmup": "Warmup", "cooldown": "Cooldown"}.get(phase or "", "Ramp")
        el = ET.Element(tag, Duration=secs, PowerLow=_f(frac[0]), PowerHigh=_f(frac[1]))
    else:
        el = ET.Element("SteadyState", Duration=secs, Power=_f((frac[0] + frac[1]) / 2))
    if s.cadence is not None:
        el.set("Cadence", _f(s.cadence.mid))
    if s.text:
        ET.SubElement(el, "textevent", timeoffset="0", message=s.text)
    return el


def to_zwo(
    w: Workout, name: str = "Workout", sport: str | None = None, sport_settings: dict | None = None
) -> str:
    """The workout as a Zwift ``.zwo`` XML document."""
    sport = sport or w.sport
    th = Thresholds.from_settings(sport_settings, sport)
    root = ET.Element("workout_file")
    ET.SubElement(root, "author").text = "icucoach"
    ET.SubElement(root, "name").text = name
    ET.SubElement(root, "description").text = w.description or ""
    ET.SubElement(root, "sportType").text = "run" if sport_family(sport) == "run" else "bike"
    ET.SubElement(root, "tags")
    body = ET.SubElement(root, "workout")
    section = None
    for it in w.items:
        if isinstance(it, Section):
            section = it.text
        elif isinstance(it, Step):
            body.append(_step_el(it, th, _phase(section)))
        elif isinstance(it, Repeat):
            pair = it.steps
            fr = [_fraction(s, th) for s in pair]
            on_fr, off_fr = (fr[0], fr[1]) if len(fr) == 2 else (None, None)
            if on_fr and off_fr and not any(s.ramp or s.freeride or s.maxeffort for s in pair):
                on, off = pair
                el = ET.SubElement(
                    body,
                    "IntervalsT",
                    Repeat=str(it.reps),
                    OnDuration=str(step_seconds(on, th)),
                    OffDuration=str(step_seconds(off, th)),
                    OnPower=_f(sum(on_fr) / 2),
                    OffPower=_f(sum(off_fr) / 2),
                )
                if on.cadence is not None:
                    el.set("Cadence", _f(on.cadence.mid))
                if off.cadence is not None:
                    el.set("CadenceResting", _f(off.cadence.mid))
                if on.text:
                    ET.SubElement(el, "textevent", timeoffset="0", message=on.text)
            else:  # Zwift has no general repeat element: unroll
                for _ in range(it.reps):
                    body.extend(_step_el(s, th, None) for s in pair)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _pct(x: str | None) -> float:
    v = round(float(x or 0) * 100, 1)
    return int(v) if v.is_integer() else v


def _cad(el: ET.Element, attr: str = "Cadence") -> Target | None:
    c = el.get(attr)
    return Target("cadence", "rpm", _pct(str(float(c) / 100))) if c else None


def _text(el: ET.Element) -> str | None:
    ev = el.find("textevent")
    msg = ev.get("message") if ev is not None else None
    return " ".join(msg.split()) if msg else None


def from_zwo(data: str | bytes, sport: str | None = None) -> Workout:
    """Read a Zwift ``.zwo`` document into the model (power targets as % FTP)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ZwoError(f"not valid XML: {exc}") from None
    body = root.find("workout")
    if root.tag != "workout_file" or body is None:
        raise ZwoError("not a Zwift workout: expected <workout_file> with a <workout> element")
    items: list = []
    desc = (root.findtext("description") or "").strip()
    items.extend(Note(ln.strip()) for ln in desc.splitlines() if ln.strip())
    if sport is None:
        sport = "Run" if (root.findtext("sportType") or "").strip().lower() == "run" else "Ride"
    for el in body:
        try:
            dur = int(float(el.get("Duration") or el.get("OnDuration") or 0))
        except ValueError:
            raise ZwoError(f"<{el.tag}> has a non-numeric Duration") from None
        tag = el.tag
        if tag in ("Warmup", "Cooldown", "Ramp"):
            if tag != "Ramp":
                items.append(Section(tag))
            t = Target("power", "%ftp", _pct(el.get("PowerLow")), _pct(el.get("PowerHigh")))
            items.append(Step(duration=dur, power=t, ramp=True, cadence=_cad(el), text=_text(el)))
        elif tag == "SteadyState":
            items.append(
                Step(
                    duration=dur,
                    power=Target("power", "%ftp", _pct(el.get("Power"))),
                    cadence=_cad(el),
                    text=_text(el),
                )
            )
        elif tag == "IntervalsT":
            on = Step(
                duration=dur,
                power=Target("power", "%ftp", _pct(el.get("OnPower"))),
                cadence=_cad(el),
                text=_text(el),
            )
            off = Step(
                duration=int(float(el.get("OffDuration") or 0)),
                power=Target("power", "%ftp", _pct(el.get("OffPower"))),
                cadence=_cad(el, "CadenceResting"),
            )
            items.append(Repeat(int(el.get("Repeat") or 1), (on, off)))
        elif tag == "FreeRide":
            items.append(Step(duration=dur, freeride=True, text=_text(el)))
        elif tag == "MaxEffort":
            items.append(Step(duration=dur, maxeffort=True, text=_text(el)))
        else:
            raise ZwoError(f"unsupported Zwift element <{tag}>")
    return Workout(tuple(items), sport=sport)
