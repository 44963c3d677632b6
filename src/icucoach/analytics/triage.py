"""Squad triage: who needs the coach's attention first, and why, as short codes with one sentence each.

Per athlete, ``reasons`` come from the readiness decision (``readiness.py``), load (ACWR, monotony), wellness
alarms (HRV below its normal range, resting HR up, sick or injured, poor sleep, soreness/fatigue 4 of 4) and
the last days' session chips (missed, over target, shortened; Strava sessions noted, never counted as zero).
Each reason has a severity: ``alarm`` (act today), ``warning`` (look this week) or ``info``.

Order (``order_squad``): the worst single reason first (any alarm before any warning before info only), then
the weighted sum of reasons (alarm 100, warning 10, info 1), then readiness (skip, modify, go, unknown), then
name. Thresholds live in ``AnalyticsSettings`` (``acwr_*``, ``monotony_*``, ``triage_*``, ``health_*``);
docs/coach.md lists them with their sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.chips import Chip, count
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings

SEVERITY_RANK = {"alarm": 0, "warning": 1, "info": 2}
SEVERITY_WEIGHT = {"alarm": 100, "warning": 10, "info": 1}
READINESS_RANK = {"skip": 0, "modify": 1, "go": 2}
# codes in the order they are listed within one athlete (same severity)
CODES = (
    "sick",
    "injured",
    "overreaching",
    "readiness_skip",
    "acwr_high",
    "monotony_high",
    "hrv_low",
    "rhr_up",
    "health_recent",
    "readiness_modify",
    "sleep_poor",
    "sore",
    "missed",
    "over_target",
    "shortened",
    "metrics_withheld",
)


@dataclass(frozen=True)
class Reason:
    code: str
    severity: str  # alarm / warning / info
    sentence: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "sentence": self.sentence}


@dataclass(frozen=True)
class TriageInput:
    """The numbers triage reads for one athlete (``from_status`` fills it from a ``TrainingStatus``)."""

    athlete_id: str
    name: str = ""
    readiness: str | None = None  # go / modify / skip
    readiness_rule: str = ""
    acwr: float | None = None  # coupled 7:28
    monotony: float | None = None
    hrv_status: str | None = None  # green / amber / red / unavailable (today vs 7-day baseline)
    hrv_trend: str | None = None  # below / within / above the 60-day normal range
    hrv_delta_pct: float | None = None
    rhr_status: str | None = None
    rhr_delta_bpm: float | None = None
    sleep_h: float | None = None  # last night
    soreness: float | None = None  # 1-4, 1 = good
    fatigue: float | None = None
    health_current: tuple[dict, ...] = ()  # {"category", "start", "end"}
    health_recent: tuple[dict, ...] = ()  # + "days_since_end"
    chips: tuple[Chip, ...] = field(default=())


@dataclass(frozen=True)
class AthleteTriage:
    athlete_id: str
    name: str
    readiness: str | None
    reasons: tuple[Reason, ...]

    @property
    def worst(self) -> str | None:
        return min((r.severity for r in self.reasons), key=SEVERITY_RANK.__getitem__, default=None)

    @property
    def score(self) -> int:
        return sum(SEVERITY_WEIGHT[r.severity] for r in self.reasons)

    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        return {
            "athlete_id": self.athlete_id,
            "name": self.name,
            "readiness": self.readiness,
            "worst": self.worst,
            "score": self.score,
            "reasons": [r.to_dict() for r in self.reasons],
        }


def _flagged(status: str | None) -> bool:
    return status in ("amber", "red")


def triage(t: TriageInput, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> AthleteTriage:
    """The reasons one athlete needs attention (empty when none), most severe first."""
    s = settings
    out: list[Reason] = []
    for h in t.health_current:
        cat = str(h.get("category", "SICK")).lower()
        out.append(Reason(cat, "alarm", f"{cat} since {h.get('start')} (calendar entry covers today)"))
    for h in t.health_recent:
        cat = str(h.get("category", "SICK")).lower()
        out.append(
            Reason(
                "health_recent",
                "warning",
                f"{cat} entry ended {h.get('days_since_end')} day(s) ago: return gradually",
            )
        )
    hrv_low = t.hrv_trend == "below" or _flagged(t.hrv_status)
    rhr_up = _flagged(t.rhr_status)
    a, m = t.acwr, t.monotony
    load_high = a is not None and a >= s.acwr_amber
    mono_high = m is not None and m >= s.monotony_amber
    if load_high and (mono_high or hrv_low or rhr_up):
        parts = [f"ACWR {a:.2f}"]
        if mono_high:
            parts.append(f"monotony {m:.1f}")
        if hrv_low:
            parts.append("HRV below normal" if t.hrv_trend == "below" else f"HRV {t.hrv_delta_pct:+.0f} %")
        if rhr_up and t.rhr_delta_bpm is not None:
            parts.append(f"resting HR {t.rhr_delta_bpm:+.0f} bpm")
        out.append(
            Reason("overreaching", "alarm", ", ".join(parts) + ": load spike the body is not absorbing")
        )
    else:
        if load_high:
            sev = "alarm" if a >= s.acwr_red else "warning"  # type: ignore[operator]
            out.append(
                Reason("acwr_high", sev, f"ACWR {a:.2f}: this week's load is well above the last 4 weeks")
            )
        if mono_high:
            sev = "alarm" if m >= s.monotony_red else "warning"  # type: ignore[operator]
            out.append(Reason("monotony_high", sev, f"monotony {m:.1f}: every day alike, no easy days"))
    if hrv_low:
        sev = "alarm" if t.hrv_status == "red" else "warning"
        what = "below its 60-day normal range" if t.hrv_trend == "below" else "down"
        delta = f" ({t.hrv_delta_pct:+.0f} % vs 7-day baseline)" if t.hrv_delta_pct is not None else ""
        out.append(Reason("hrv_low", sev, f"HRV {what}{delta}"))
    if rhr_up:
        sev = "alarm" if t.rhr_status == "red" else "warning"
        delta = f" {t.rhr_delta_bpm:+.0f} bpm" if t.rhr_delta_bpm is not None else ""
        out.append(Reason("rhr_up", sev, f"resting HR up{delta} vs 7-day baseline"))
    if t.readiness == "skip":
        out.append(Reason("readiness_skip", "alarm", f"readiness: skip ({t.readiness_rule})"))
    elif t.readiness == "modify":
        out.append(Reason("readiness_modify", "warning", f"readiness: modify ({t.readiness_rule})"))
    if t.sleep_h is not None and t.sleep_h < s.triage_poor_sleep_h:
        out.append(Reason("sleep_poor", "warning", f"slept {t.sleep_h:.1f} h last night"))
    sore = [
        (k, v)
        for k, v in (("soreness", t.soreness), ("fatigue", t.fatigue))
        if v is not None and v >= s.triage_sore_score
    ]
    if sore:
        out.append(Reason("sore", "warning", " and ".join(f"{k} {v:g}/4" for k, v in sore) + " today"))
    chips = t.chips
    missed = count(chips, "missed")
    if missed:
        sev = "warning" if missed >= s.triage_missed_warning else "info"
        out.append(
            Reason("missed", sev, f"{missed} planned session(s) missed in the last {s.triage_days} days")
        )
    over = count(chips, "changed", "over_target")
    judged = sum(1 for c in chips if c.kind in ("done", "changed"))
    if over:
        sev = "warning" if over >= s.triage_off_plan_warning else "info"
        out.append(
            Reason("over_target", sev, f"{over} of {judged} sessions done above the planned load/intensity")
        )
    short = count(chips, "changed", "shortened")
    if short:
        sev = "warning" if short >= s.triage_off_plan_warning else "info"
        out.append(Reason("shortened", sev, f"{short} of {judged} sessions cut short"))
    stubs = count(chips, "done_unverified")
    if stubs:
        out.append(
            Reason(
                "metrics_withheld",
                "info",
                f"{stubs} session(s) came through Strava: done, metrics withheld (not counted as zero)",
            )
        )
    out.sort(key=lambda r: (SEVERITY_RANK[r.severity], CODES.index(r.code)))
    return AthleteTriage(t.athlete_id, t.name, t.readiness, tuple(out))


def order_squad(rows: Sequence[AthleteTriage]) -> list[AthleteTriage]:
    """Who needs attention first: worst reason, then score, then readiness, then name (see module doc)."""

    def key(r: AthleteTriage) -> tuple:
        worst = SEVERITY_RANK[r.worst] if r.worst is not None else len(SEVERITY_RANK)
        return (worst, -r.score, READINESS_RANK.get(r.readiness or "", 3), r.name, r.athlete_id)

    return sorted(rows, key=key)


def recent_chips(
    chips: Sequence[Chip], today: date, settings: AnalyticsSettings = DEFAULT_SETTINGS
) -> tuple[Chip, ...]:
    """The chips triage counts: the ``triage_days`` days before today (today's sessions may still come)."""
    first = today - timedelta(days=settings.triage_days)
    return tuple(c for c in chips if first <= c.day < today)


def from_status(
    athlete_id: str,
    name: str,
    status: Any,
    chips: Sequence[Chip],
    wellness_today: Mapping[str, Any] | None = None,
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> TriageInput:
    """A ``TriageInput`` from a ``TrainingStatus`` (``analytics.status``), the athlete's chips and today's
    wellness record (API dict: ``sleepSecs``, ``soreness``, ``fatigue``)."""
    rec = status.recovery
    w = wellness_today or {}
    sleep = w.get("sleepSecs")
    return TriageInput(
        athlete_id=athlete_id,
        name=name,
        readiness=status.readiness.decision,
        readiness_rule=status.readiness.rule,
        acwr=status.acwr.coupled.value,
        monotony=status.monotony.monotony.value,
        hrv_status=rec.hrv.status,
        hrv_trend=rec.hrv.trend,
        hrv_delta_pct=rec.hrv.delta_pct.value,
        rhr_status=rec.rhr.status,
        rhr_delta_bpm=rec.rhr.value,
        sleep_h=sleep / 3600.0 if sleep else None,
        soreness=w.get("soreness"),
        fatigue=w.get("fatigue"),
        health_current=tuple(status.health.current),
        health_recent=tuple(status.health.recent),
        chips=recent_chips(chips, status.today, settings),
    )
