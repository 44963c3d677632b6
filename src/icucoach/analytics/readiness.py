"""Readiness decision (go / modify / skip) and alerts, from recovery, load and form signals.

The ladder follows Section 11 §4.21 but with one set of thresholds shared by readiness and alerts (Section 11
uses three, ``section11.md`` §7 item 6) and start-of-day ACWR (today's load excluded: readiness is judged
before training). Tier 1 = autonomic/sleep (HRV, RHR, sleep, Recovery Index); tier 2 = load (ACWR, form);
tier 3 = diagnostics (TID, monotony). A lower tier never overrides a higher one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from icucoach.analytics.recovery import Recovery, Signal
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

TIER1 = ("hrv", "rhr", "sleep", "recovery_index")


@dataclass(frozen=True)
class Readiness:
    decision: str  # go / modify / skip
    priority: int  # 0 (hard stop) .. 3 (no concerns)
    rule: str
    signals: dict[str, Signal]
    triggers: tuple[str, ...]
    adjustment: dict[str, str | None]
    confidence: str

    def to_dict(self) -> dict:
        counts: dict[str, int] = {}
        for sig in self.signals.values():
            counts[sig.status] = counts.get(sig.status, 0) + 1
        return {
            "decision": self.decision,
            "priority": self.priority,
            "rule": self.rule,
            "confidence": self.confidence,
            "signals": {k: v.to_dict() for k, v in self.signals.items()},
            "signal_summary": counts,
            "triggers": list(self.triggers),
            "suggested_adjustment": self.adjustment,
        }


def phase_modifier(
    phase: str | None, race_week: bool = False, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> tuple[int, float, str]:
    """``(ambers needed for "modify", form amber threshold, label)`` for the training phase.

    A taper or race week tightens (one amber is enough: the race matters more than one session), a build
    loosens (some fatigue is the point of it). Labels are Section 11's ``modifier_applied`` values.
    """
    s = settings
    if race_week:
        return s.readiness_amber_count_taper, s.readiness_tsb_amber_taper, "race_week_tightened"
    if phase == "taper":
        return s.readiness_amber_count_taper, s.readiness_tsb_amber_taper, "taper_tightened"
    if phase == "build":
        return s.readiness_amber_count_build, s.readiness_tsb_amber, "build_loosened"
    return s.readiness_amber_count, s.readiness_tsb_amber, "default"


def _metric_signal(name: str, m: Metric, red: bool, amber: bool, persistence: int = 0) -> Signal:
    if m.value is None:
        return Signal(name, "unavailable", None, m.unit, {"reason": m.reason})
    return Signal(name, "red" if red else "amber" if amber else "green", m.value, m.unit, None, persistence)


def signals(
    rec: Recovery,
    acwr_sod: Metric,
    form: Metric,
    phase: str | None = None,
    race_week: bool = False,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict[str, Signal]:
    s = settings
    h = rec.hrv
    hrv = Signal(
        "hrv",
        h.status,
        h.delta_pct.value,
        "%",
        {
            "basis": h.basis,
            "trend_vs_normal_range": h.trend,
            "baseline_7d_ms": h.baseline_7d.value,
            "today_ms": h.today.value,
            **({"reason": h.reason} if h.reason else {}),
        },
        h.low_days,
    )
    ri, ri_y = rec.recovery_index, rec.recovery_index_yesterday
    v = ri.value
    ri_persist = (
        2 if v is not None and v < s.ri_amber and ri_y.value is not None and ri_y.value < s.ri_amber else 0
    )
    ri_sig = _metric_signal(
        "recovery_index", ri, v is not None and v < s.ri_red, v is not None and v < s.ri_amber, ri_persist
    )
    a = acwr_sod.value
    acwr_sig = _metric_signal(
        "acwr_start_of_day", acwr_sod, a is not None and a >= s.acwr_red, a is not None and a >= s.acwr_amber
    )
    tsb_amber = phase_modifier(phase, race_week, s)[1]
    t = form.value
    tsb_sig = _metric_signal(
        "form", form, t is not None and t < s.readiness_tsb_red, t is not None and t < tsb_amber
    )
    return {
        "hrv": hrv,
        "rhr": rec.rhr,
        "sleep": rec.sleep,
        "recovery_index": ri_sig,
        "acwr_start_of_day": acwr_sig,
        "form": tsb_sig,
        "subjective": rec.subjective,
    }


def _adjust(decision: str, triggers: Sequence[str]) -> dict[str, str | None]:
    if decision == "go":
        return {"intensity": None, "volume": None, "cap_zone": None, "session": None}
    if decision == "skip":
        return {
            "intensity": "rest",
            "volume": "rest",
            "cap_zone": "Z1",
            "session": "rest day, or at most 30-45 min very easy",
        }
    t = set(triggers)
    load = bool(t & {"acwr_start_of_day", "form"})
    autonomic = bool(t & {"hrv", "rhr", "recovery_index", "subjective"})
    sleep = "sleep" in t
    intensity = "reduce" if load or autonomic or len(t) >= 2 else None
    volume = "reduce" if load or sleep or len(t) >= 2 else None
    cap = "Z2" if intensity else None
    session = (
        "replace intervals with an endurance session"
        if intensity and not volume
        else "shorten the session, keep the planned intensity"
        if volume and not intensity
        else "shorter endurance session, no intervals"
    )
    return {"intensity": intensity, "volume": volume, "cap_zone": cap, "session": session}


def readiness(
    sig: dict[str, Signal],
    phase: str | None = None,
    race_week: bool = False,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> Readiness:
    s = settings
    st = {k: v.status for k, v in sig.items()}
    tier1_red = [k for k in TIER1 if st.get(k) == "red"]
    tier1_flag = [k for k in TIER1 if st.get(k) in ("amber", "red")]
    reds = [k for k, v in st.items() if v == "red"]
    ambers = [k for k, v in st.items() if v == "amber"]
    available_t1 = sum(1 for k in TIER1 if st.get(k, "unavailable") != "unavailable")
    confidence = "high" if available_t1 >= 3 else "medium" if available_t1 >= 1 else "low"
    amber_needed = phase_modifier(phase, race_week, s)[0]

    def out(decision: str, priority: int, rule: str, triggers: Sequence[str]) -> Readiness:
        return Readiness(
            decision, priority, rule, sig, tuple(triggers), _adjust(decision, triggers), confidence
        )

    if st.get("recovery_index") == "red":
        return out("skip", 0, "Recovery Index below the red threshold", ["recovery_index"])
    if len(tier1_red) >= 2:
        return out("skip", 0, "two or more recovery signals red", tier1_red)
    if st.get("acwr_start_of_day") == "red" and tier1_flag:
        return out(
            "skip",
            1,
            "load spike (start-of-day ACWR red) with a recovery signal flagged",
            ["acwr_start_of_day", *tier1_flag],
        )
    if st.get("form") == "red" and st.get("hrv") in ("amber", "red"):
        return out("skip", 1, "deep fatigue (form red) with suppressed HRV", ["form", "hrv"])
    if reds:
        return out("modify", 2, "one red signal", reds)
    if len(ambers) >= amber_needed:
        return out("modify", 2, f"{len(ambers)} amber signal(s) (threshold {amber_needed})", ambers)
    return out("go", 3, "no signal beyond its threshold", [])


def status_counts(r: Readiness) -> dict[str, int]:
    """Signals per status, every status present (0 when none)."""
    out = {"green": 0, "amber": 0, "red": 0, "unavailable": 0}
    for sig in r.signals.values():
        out[sig.status] = out.get(sig.status, 0) + 1
    return out


def readiness_reason(r: Readiness, amber_threshold: int) -> str:
    """One sentence an AI coach can quote: the rung of the ladder that decided, and the signal count."""
    c = status_counts(r)
    flagged = f" ({', '.join(r.triggers)})" if r.triggers else ""
    return (
        f"P{r.priority} {r.decision}: {r.rule}{flagged}. {c['green']} green, {c['amber']} amber "
        f"(threshold {amber_threshold}), {c['red']} red, {c['unavailable']} unavailable."
    )


@dataclass(frozen=True)
class Alert:
    code: str
    severity: str  # info / warning / alarm
    tier: int
    message: str
    metric: str | None = None
    value: float | None = None
    threshold: float | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "tier": self.tier,
            "message": self.message,
            "metric": self.metric,
            "value": None if self.value is None else round(self.value, 3),
            "threshold": self.threshold,
            **self.extra,
        }


SEVERITY_ORDER = {"alarm": 0, "warning": 1, "info": 2}


def sort_alerts(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (a.tier, SEVERITY_ORDER.get(a.severity, 3), a.code))


def load_alerts(
    acwr: Metric,
    monotony: Metric,
    strain: Metric,
    ramp: Metric,
    form_zone: str | None,
    form: Metric,
    deload_context: bool = False,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> list[Alert]:
    """Tier-2 alerts: ACWR, monotony (downgraded to info during a deload), strain, ramp rate, form."""
    s = settings
    out: list[Alert] = []
    a = acwr.value
    if a is not None and a >= s.acwr_red:
        out.append(
            Alert(
                "acwr_high", "alarm", 2, f"ACWR {a:.2f}: load spike (>= {s.acwr_red})", "acwr", a, s.acwr_red
            )
        )
    elif a is not None and a >= s.acwr_amber:
        out.append(
            Alert("acwr_high", "warning", 2, f"ACWR {a:.2f} above {s.acwr_amber}", "acwr", a, s.acwr_amber)
        )
    m = monotony.value
    if m is not None and m >= s.monotony_amber:
        sev = "info" if deload_context else "alarm" if m >= s.monotony_red else "warning"
        out.append(
            Alert(
                "monotony_high",
                sev,
                2,
                f"monotony {m:.2f}: days too alike" + (" (deload week: expected)" if deload_context else ""),
                "monotony",
                m,
                s.monotony_red if sev == "alarm" else s.monotony_amber,
            )
        )
    if strain.value is not None and strain.value >= s.strain_red:
        out.append(
            Alert(
                "strain_high", "alarm", 2, f"strain {strain.value:.0f}", "strain", strain.value, s.strain_red
            )
        )
    r = ramp.value
    if r is not None and r >= s.ramp_warning:
        sev = "alarm" if r >= s.ramp_alarm else "warning"
        out.append(
            Alert(
                "ramp_high",
                sev,
                2,
                f"CTL rising {r:.1f}/week",
                "ramp_rate",
                r,
                s.ramp_alarm if sev == "alarm" else s.ramp_warning,
            )
        )
    if form_zone == "high_risk":
        out.append(
            Alert(
                "form_high_risk",
                "warning",
                2,
                f"form {form.value:.1f}: high-risk zone",
                "form",
                form.value,
                s.form_optimal,
            )
        )
    return out


def recovery_alerts(sig: dict[str, Signal], settings: AnalyticsSettings = DEFAULT_SETTINGS) -> list[Alert]:
    """Tier-1 alerts; persistent flags (2+ consecutive days) escalate to alarm."""
    s = settings
    out: list[Alert] = []
    h = sig["hrv"]
    if h.status in ("amber", "red"):
        persist = h.persistence_days >= 2
        sev = "alarm" if h.status == "red" and persist else "warning"
        out.append(
            Alert(
                "hrv_low",
                sev,
                1,
                f"HRV {h.value if h.value is None else round(h.value, 1)} % vs the "
                "7-day baseline" + (f", {h.persistence_days} days running" if persist else ""),
                "hrv",
                h.value,
                s.hrv_red_pct if h.status == "red" else s.hrv_amber_pct,
                {"persistence_days": h.persistence_days},
            )
        )
    r = sig["rhr"]
    if r.status in ("amber", "red"):
        sev = "alarm" if r.persistence_days >= 2 and r.status == "red" else "warning"
        out.append(
            Alert(
                "rhr_elevated",
                sev,
                1,
                f"resting HR +{r.value:.1f} bpm vs the 7-day baseline",
                "rhr",
                r.value,
                s.rhr_red_bpm if r.status == "red" else s.rhr_amber_bpm,
                {"persistence_days": r.persistence_days},
            )
        )
    ri = sig["recovery_index"]
    if ri.status == "red":
        out.append(
            Alert(
                "recovery_index_low",
                "alarm",
                1,
                f"Recovery Index {ri.value:.2f}",
                "recovery_index",
                ri.value,
                s.ri_red,
            )
        )
    elif ri.status == "amber" and ri.persistence_days >= 2:
        out.append(
            Alert(
                "recovery_index_low",
                "warning",
                1,
                f"Recovery Index {ri.value:.2f} two days running",
                "recovery_index",
                ri.value,
                s.ri_amber,
            )
        )
    sl = sig["sleep"]
    if sl.status == "red" or (sl.status == "amber" and sl.persistence_days >= s.sleep_alert_days):
        out.append(
            Alert(
                "sleep_short",
                "warning",
                1,
                f"sleep {sl.value:.1f} h",
                "sleep",
                sl.value,
                s.sleep_red_h if sl.status == "red" else s.sleep_amber_h,
                {"persistence_days": sl.persistence_days},
            )
        )
    return out
