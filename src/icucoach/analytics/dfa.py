"""DFA α1 (detrended fluctuation analysis, short-term scaling exponent α1 of RR intervals) per session, from
the ``dfa_a1`` and ``artifacts`` streams a chest-strap HRV field (AlphaHRV) writes to the FIT file, plus heart
rate and power (docs/metrics.md "DFA α1")

Markers (Gronwald, Rogers & Hoos 2020; Rogers et al. 2021; Mateo-March et al. 2022): α1 ≈ 0.75 is the first
ventilatory / HRV threshold (HRVT1, ``lt1``), α1 ≈ 0.5 the second (HRVT2, ``lt2``); α1 1.0 is an easy-state
guard (``easy_guard``), below the aerobic threshold and never a threshold itself. The 0.75/0.5 mapping is
validated in cycling; other sports get the same rollups with ``validated`` false.

- ``session_block``: the per-session ``dfa`` block of intervals.json (quality, avg and quartiles, four
  time-in-band blocks, first/last-third drift, three marker crossings with dwell and estimate eligibility).
- ``summary``: the compact ``dfa_summary`` of a sufficient session (latest.json ``recent_activities[]``).
- ``profile``: ``derived_metrics.capability.dfa_a1_profile`` (latest session, trailing 7 sessions per sport).

Samples are 1 Hz (Intervals.icu streams), so a sample count is a number of seconds; where a ``time`` stream is
given, contiguity is measured on it, so a recording pause splits a crossing instead of being bridged.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]

EASY_GUARD = 1.0  # easy-state guard, not a threshold
LT1 = 0.75  # HRVT1 ≈ VT1 / LT1 (Rogers et al. 2021; Mateo-March et al. 2022)
LT2 = 0.5  # HRVT2 ≈ LT2 (Mateo-March et al. 2022)
MARKERS = (("easy_guard_crossing", EASY_GUARD), ("lt1_crossing", LT1), ("lt2_crossing", LT2))
CROSSING_HALF_BAND = 0.05  # a marker's crossing band is marker ± 0.05
MIN_VALID_A1 = 0.01  # AlphaHRV writes 0 while it has no estimate
ARTIFACT_MAX_PCT = 5.0  # corrected beats: little bias below 3 %, HRVT stable to 6 % (Rogers & Gronwald 2022)
MIN_VALID_SECS = 1200
MIN_VALID_PCT = 70.0
DRIFT_MIN_THIRD_SECS = 60
DRIFT_MAX_SUPRA_PCT = 15.0  # more time below 0.5 than this: the drift is the session's structure
MIN_DWELL_SECS = 60  # a crossing counts only after 60 s in band without a break
MAX_GAP_SECS = 5  # out-of-band or dropped seconds bridged inside one crossing
LOOKBACK_BEATS = 200  # AlphaHRV's window: α1 describes the previous 200 beats
MAX_POWER_CV_PCT = 12.0  # power over the window + segment must be this steady to pair α1 with watts
MIN_ESTIMATE_SESSIONS = 3
TRAILING_SESSIONS = 7
VALIDATED_FAMILIES = frozenset({"cycling"})
# A fixed order, so mixed failures always give the same reason.
ESTIMATE_REASONS = (
    "lookback_incomplete",
    "lookback_gap",
    "unknown_artifact",
    "excessive_artifact",
    "unknown_hr",
    "unknown_power",
    "non_positive_power_mean",
    "non_stationary_power",
)
DWELL_SEVERITY = ("no_samples_in_band", "insufficient_total_dwell", "no_contiguous_dwell")
BANDS = (("easy", "tiz_easy"), ("endurance", "tiz_endurance"), ("tempo", "tiz_tempo"), ("supra", "tiz_supra"))


NAN = float("nan")  # an unknown sample inside the aligned streams (compares false with everything)


def _finite(v: Any) -> float:
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
        return NAN
    f = float(v)
    return f if math.isfinite(f) else NAN


def _known(values: list[float]) -> list[float]:
    return [v for v in values if v == v]


def _aligned(values: Sequence[Any] | None, n: int) -> list[float]:
    got = [_finite(v) for v in list(values or [])[:n]]
    return got + [NAN] * (n - len(got))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(v: float | None, nd: int | None = None) -> Any:
    if v is None:
        return None
    return round(v) if nd is None else round(v, nd)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (Hyndman & Fan type 7, numpy's default) of an ascending list."""
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def band_of(a1: float) -> str:
    """easy > 1.0 ≥ endurance ≥ 0.75 > tempo ≥ 0.5 > supra."""
    if a1 > EASY_GUARD:
        return "easy"
    if a1 >= LT1:
        return "endurance"
    if a1 >= LT2:
        return "tempo"
    return "supra"


@dataclass
class _Streams:
    """The session's streams aligned to ``dfa_a1``: finite numbers, NaN where unknown (a negative artifact
    rate is unknown too)."""

    a1: list[float]
    art: list[float]
    hr: list[float]
    watts: list[float]
    t: list[float]  # sample position in seconds: the time stream if it is usable, else the sample index

    @classmethod
    def of(cls, dfa_a1: Sequence[Any], artifacts: Any, heartrate: Any, watts: Any, time: Any) -> _Streams:
        n = len(dfa_a1)
        art = [a if a >= 0 else NAN for a in _aligned(artifacts, n)]
        times = _aligned(time, n)
        usable = n > 0 and all(b > a for a, b in itertools.pairwise(times)) and times[0] == times[0]
        t = times if usable else [float(i) for i in range(n)]
        return cls(_aligned(dfa_a1, n), art, _aligned(heartrate, n), _aligned(watts, n), t)


def _quality(s: _Streams, valid: list[int]) -> Json:
    n = len(s.a1)
    seen = _known(s.art)
    valid_pct = round(100.0 * len(valid) / n, 1) if n else 0.0
    return {
        "valid_secs": len(valid),
        "total_secs": n,
        "valid_pct": valid_pct,
        "artifact_state": "absent" if not seen else ("complete" if len(seen) == n else "partial"),
        "artifact_coverage_pct": round(100.0 * len(seen) / n, 3) if n else 0.0,
        "artifact_rate_avg": _round(_mean(seen), 2),
        "sufficient": len(valid) >= MIN_VALID_SECS and valid_pct >= MIN_VALID_PCT,
    }


def _band(s: _Streams, idx: list[int], total: int) -> Json:
    hr = _known([s.hr[i] for i in idx])
    w = _known([s.watts[i] for i in idx])
    return {
        "secs": len(idx),
        "pct": round(100.0 * len(idx) / total, 1),
        "avg_hr": _round(_mean(hr)),
        "avg_watts": _round(_mean(w)),
    }


def _drift(a1: list[float], supra_pct: float) -> Json | None:
    third = len(a1) // 3
    if third < DRIFT_MIN_THIRD_SECS:
        return None
    first = round(sum(a1[:third]) / third, 3)
    last = round(sum(a1[-third:]) / third, 3)
    return {
        "first_third_avg": first,
        "last_third_avg": last,
        "delta": round(last - first, 3),
        "interpretable": supra_pct <= DRIFT_MAX_SUPRA_PCT,
    }


def _segment_reason(s: _Streams, start: int, end: int) -> str:
    """Whether one dwell-qualified run (samples ``start..end``) can pair its α1 with HR and watts: its α1
    values come from the previous 200 beats, so that lookback is judged with it (artifacts known and ≤ 5 %, HR
    and power known, power steady: CV = 100·pstdev/mean ≤ 12 %, zeros kept: coasting is unsteady load)."""
    beats, i = 0.0, start - 1
    while i >= 0 and beats < LOOKBACK_BEATS:
        hr = s.hr[i]
        if not hr > 0 or s.t[i + 1] - s.t[i] > 1 + MAX_GAP_SECS:
            return "lookback_gap"
        beats += hr / 60.0
        i -= 1
    if beats < LOOKBACK_BEATS:
        return "lookback_incomplete"
    span = range(i + 1, end + 1)
    arts = [s.art[j] for j in span]
    if any(a != a for a in arts):
        return "unknown_artifact"
    if any(a > ARTIFACT_MAX_PCT for a in arts):
        return "excessive_artifact"
    if any(not s.hr[j] > 0 for j in span):
        return "unknown_hr"
    watts = [s.watts[j] for j in span]
    if any(w != w for w in watts):
        return "unknown_power"
    mean = sum(watts) / len(watts)
    if mean <= 0:
        return "non_positive_power_mean"
    if 100.0 * statistics.pstdev(watts) / mean > MAX_POWER_CV_PCT:
        return "non_stationary_power"
    return "ok"


def _first_reason(reasons: list[str]) -> str:
    order = {r: k for k, r in enumerate(ESTIMATE_REASONS)}
    return min(reasons, key=lambda r: (order.get(r, len(order)), r))


def _crossing(s: _Streams, valid: list[int], marker: float) -> Json:
    lo, hi = marker - CROSSING_HALF_BAND, marker + CROSSING_HALF_BAND
    runs: list[list[int]] = []
    last_t: float | None = None
    for i in valid:
        if not lo <= s.a1[i] <= hi:
            continue
        if last_t is None or s.t[i] - last_t - 1 > MAX_GAP_SECS:
            runs.append([])
        runs[-1].append(i)
        last_t = s.t[i]
    in_band = sum(len(r) for r in runs)
    qualifying = [r for r in runs if len(r) >= MIN_DWELL_SECS]
    if in_band == 0:
        reason = "no_samples_in_band"
    elif in_band < MIN_DWELL_SECS:
        reason = "insufficient_total_dwell"
    elif not qualifying:
        reason = "no_contiguous_dwell"
    else:
        reason = "ok"
    pooled = [i for r in qualifying for i in r]
    hr = _known([s.hr[i] for i in pooled])
    w = _known([s.watts[i] for i in pooled])
    seg = [_segment_reason(s, r[0], r[-1]) for r in qualifying]
    failing = [x for x in seg if x != "ok"]
    est_reason = reason if reason != "ok" else (_first_reason(failing) if failing else "ok")
    return {
        "marker_dfa_a1": marker,
        "secs_in_band": in_band,
        "contiguous_secs": max((len(r) for r in runs), default=0),
        "n_qualifying_segments": len(qualifying),
        "n_eligible_segments": seg.count("ok"),
        "reason": reason,
        "estimate_eligible": est_reason == "ok",
        "estimate_reason": est_reason,
        "avg_hr": _round(_mean(hr)),
        "avg_watts": _round(_mean(w)),
    }


def session_block(
    dfa_a1: Sequence[Any] | None,
    artifacts: Sequence[Any] | None = None,
    heartrate: Sequence[Any] | None = None,
    watts: Sequence[Any] | None = None,
    time: Sequence[Any] | None = None,
) -> Json | None:
    """The session's ``dfa`` block, or None when there is no ``dfa_a1`` stream (no HRV field recorded).

    A sample is valid when α1 ≥ 0.01 and its artifact rate is unknown or ≤ 5 %. ``quality.sufficient`` needs
    ≥ 1200 valid seconds and ≥ 70 % of the recording valid; an insufficient session keeps its quality block
    and nulls everything else. Bands, drift and crossings use valid samples only."""
    if not dfa_a1:
        return None
    s = _Streams.of(dfa_a1, artifacts, heartrate, watts, time)
    # an unknown artifact rate keeps the sample (NaN > 5 is false); a known rate above 5 % drops it
    valid = [i for i, a1 in enumerate(s.a1) if a1 >= MIN_VALID_A1 and not s.art[i] > ARTIFACT_MAX_PCT]
    quality = _quality(s, valid)
    block: Json = {
        "avg": None,
        "p25": None,
        "p50": None,
        "p75": None,
        **{key: None for _, key in BANDS},
        "drift": None,
        **{key: None for key, _ in MARKERS},
        "quality": quality,
    }
    if not quality["sufficient"]:
        return block
    a1 = [s.a1[i] for i in valid]
    ordered = sorted(a1)
    by_band: dict[str, list[int]] = {name: [] for name, _ in BANDS}
    for i in valid:
        by_band[band_of(s.a1[i])].append(i)
    block.update(
        avg=round(sum(a1) / len(a1), 3),
        p25=round(percentile(ordered, 0.25), 3),
        p50=round(percentile(ordered, 0.50), 3),
        p75=round(percentile(ordered, 0.75), 3),
    )
    for name, key in BANDS:
        block[key] = _band(s, by_band[name], len(valid))
    block["drift"] = _drift(a1, block["tiz_supra"]["pct"])
    for key, marker in MARKERS:
        block[key] = _crossing(s, valid, marker)
    return block


def _band_secs(block: Json, key: str) -> int:
    return int((block.get(key) or {}).get("secs") or 0)


def summary(block: Json) -> Json:
    """``dfa_summary`` of a sufficient session: the dominant band is the one with the most seconds (an exact
    tie goes to the more intense band); lt1/lt2 HR and watts only from an estimate-eligible crossing."""
    order = ["supra", "tempo", "endurance", "easy"]
    keys = dict(BANDS)
    dominant = min(order, key=lambda b: (-_band_secs(block, keys[b]), order.index(b)))
    drift = block.get("drift") or {}
    out: Json = {
        "avg": block.get("avg"),
        "dominant_band": dominant,
        "tiz_pct": {name: (block.get(key) or {}).get("pct") for name, key in BANDS},
        "valid_pct": block["quality"]["valid_pct"],
        "sufficient": block["quality"]["sufficient"],
        "drift_delta": drift.get("delta"),
        "drift_interpretable": drift.get("interpretable"),
    }
    for key, prefix in (("lt1_crossing", "lt1"), ("lt2_crossing", "lt2")):
        c = block.get(key) or {}
        ok = bool(c.get("estimate_eligible"))
        out[f"{prefix}_hr"] = c.get("avg_hr") if ok else None
        out[f"{prefix}_watts"] = c.get("avg_watts") if ok else None
    return out


@dataclass(frozen=True)
class DfaSession:
    """One session with a ``dfa`` block, as ``profile`` needs it."""

    activity_id: str
    date: str  # local date
    start: str  # local start date-time (orders two sessions of one day)
    name: str | None
    sport: str | None
    family: str
    indoor: bool
    block: Json

    @property
    def sufficient(self) -> bool:
        return bool(self.block["quality"]["sufficient"])


def _latest(sessions: list[DfaSession]) -> Json:
    best = next((x for x in sessions if x.sufficient), None)
    x = best or sessions[0]
    b = x.block
    drift = b.get("drift") or {}
    return {
        "activity_id": x.activity_id,
        "date": x.date,
        "name": x.name,
        "sport": x.sport,
        "validated": x.family in VALIDATED_FAMILIES,
        "avg": b.get("avg"),
        "tiz_split_pct": {name: (b.get(key) or {}).get("pct", 0.0) for name, key in BANDS} if best else None,
        "drift_delta": drift.get("delta"),
        "drift_interpretable": drift.get("interpretable"),
        "quality_pct": b["quality"]["valid_pct"],
        "sufficient": best is not None,
    }


def _eligible(x: DfaSession, key: str) -> bool:
    c = x.block.get(key) or {}
    return c.get("reason") == "ok" and bool(c.get("estimate_eligible"))


def _avg_over(window: list[DfaSession], key: str, field: str) -> tuple[int | None, int]:
    vals = [x.block[key][field] for x in window if _eligible(x, key) and x.block[key].get(field) is not None]
    return (round(sum(vals) / len(vals)) if vals else None), len(vals)


def _marker_reason(window: list[DfaSession], key: str, eligible: int) -> str:
    """``ok`` at ≥ 3 eligible sessions, ``insufficient_sessions`` at 1–2; with none, the commonest reason the
    dwell-qualified crossings were rejected, else the commonest dwell failure (ties to the more blocking)."""
    if eligible >= MIN_ESTIMATE_SESSIONS:
        return "ok"
    if eligible:
        return "insufficient_sessions"
    blocks = [x.block.get(key) or {} for x in window]
    rejected = [str(b.get("estimate_reason")) for b in blocks if b.get("reason") == "ok"]
    rejected = [r for r in rejected if r not in ("ok", "None")]
    if rejected:
        order = {r: k for k, r in enumerate(ESTIMATE_REASONS)}
        return min(set(rejected), key=lambda r: (-rejected.count(r), order.get(r, len(order)), r))
    dwell = [str(b["reason"]) for b in blocks if b.get("reason") not in (None, "ok")]
    if not dwell:
        return "no_samples_in_band"
    sev = {r: k for k, r in enumerate(DWELL_SEVERITY)}
    return min(set(dwell), key=lambda r: (-dwell.count(r), sev.get(r, len(sev)), r))


def _marker(window: list[DfaSession], key: str, marker: float, cycling: bool) -> Json:
    crossing = sum(1 for x in window if (x.block.get(key) or {}).get("reason") == "ok")
    eligible = sum(1 for x in window if _eligible(x, key))
    out: Json = {
        "crossing_sessions": crossing,
        "eligible_sessions": eligible,
        "reason": _marker_reason(window, key, eligible),
        "estimate": None,
    }
    if eligible < MIN_ESTIMATE_SESSIONS:
        return out
    hr, _ = _avg_over(window, key, "avg_hr")
    est: Json = {"marker_dfa_a1": marker, "hr": hr}
    if cycling:
        w_out, n_out = _avg_over([x for x in window if not x.indoor], key, "avg_watts")
        w_in, n_in = _avg_over([x for x in window if x.indoor], key, "avg_watts")
        est.update(
            watts_outdoor=w_out,
            watts_indoor=w_in,
            n_sessions=eligible,
            n_sessions_outdoor=n_out,
            n_sessions_indoor=n_in,
        )
    else:
        est.update(watts=_avg_over(window, key, "avg_watts")[0], n_sessions=eligible)
    out["estimate"] = est
    return out


def _confidence(eligible: int) -> str | None:
    if eligible >= 6:
        return "high"
    if eligible >= 4:
        return "moderate"
    return "low" if eligible >= MIN_ESTIMATE_SESSIONS else None


def _trailing(family: str, window: list[DfaSession]) -> Json:
    avgs = [x.block["avg"] for x in window if x.block.get("avg") is not None]
    drifts = [
        x.block["drift"]["delta"]
        for x in window
        if x.block.get("drift")
        and x.block["drift"].get("interpretable")
        and x.block["drift"].get("delta") is not None
    ]
    cycling = family == "cycling"
    marks = {key.split("_crossing")[0]: _marker(window, key, m, cycling) for key, m in MARKERS}
    out: Json = {
        "n_sessions": len(window),
        "date_range": [window[-1].date, window[0].date],
        "avg_dfa_a1": _round(_mean(avgs), 3),
        "drift_delta_mean": _round(_mean(drifts), 3),
    }
    for name in marks:
        out[f"{name}_crossing_sessions"] = marks[name]["crossing_sessions"]
    for name in marks:
        out[f"{name}_eligible_sessions"] = marks[name]["eligible_sessions"]
    for name in marks:
        out[f"{name}_estimate"] = marks[name]["estimate"]
        out[f"{name}_reason"] = marks[name]["reason"]
    validated = family in VALIDATED_FAMILIES
    out.update(
        quality_avg_pct=round(sum(x.block["quality"]["valid_pct"] for x in window) / len(window), 1),
        validated=validated,
        # easy_guard is a compliance guard: it never raises threshold confidence
        confidence=_confidence(max(marks["lt1"]["eligible_sessions"], marks["lt2"]["eligible_sessions"])),
    )
    out["note"] = (
        None
        if validated
        else f"The DFA a1 threshold markers (LT1 0.75, LT2 0.5) were validated against lactate thresholds in "
        f"cycling; {family} estimates are informational."
    )
    return out


def profile(sessions: Sequence[DfaSession]) -> Json | None:
    """``dfa_a1_profile``: the latest sufficient session (else the latest one, marked insufficient) and, per
    sport family, rollups over its latest 7 sufficient sessions. None when no session has a ``dfa`` block."""
    ordered = sorted(sessions, key=lambda x: (x.start or x.date, x.activity_id), reverse=True)
    if not ordered:
        return None
    by_family: dict[str, list[DfaSession]] = {}
    for x in ordered:
        if x.sufficient:
            by_family.setdefault(x.family, []).append(x)
    return {
        "latest_session": _latest(ordered),
        "trailing_by_sport": {
            fam: _trailing(fam, acts[:TRAILING_SESSIONS]) for fam, acts in by_family.items()
        },
    }


__all__ = [
    "EASY_GUARD",
    "LT1",
    "LT2",
    "DfaSession",
    "band_of",
    "percentile",
    "profile",
    "session_block",
    "summary",
]
