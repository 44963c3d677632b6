"""``latest.json`` ``derived_metrics.capability`` and the capability columns of ``history.json``'s weekly rows
(Section 11 §4.9-4.14): how the athlete expresses fitness, next to the load metrics.

Owns the arrangement only; the numbers come from ``analytics.capability`` (durability, efficiency factor),
``analytics.hrrc``, ``analytics.curve_delta``, ``analytics.sustainability`` and the training-status digest
(TID drift). Data sources:

- power curves: one Intervals.icu request per rebuilt export (``fetch_curves``, ``/athlete/{id}/power-curves``
  for the cycling sport with three date-range curves: the current and previous 28 days and the 42-day
  sustainability window), kept on ``ExportContext.curves``;
- heart-rate curves (and ski/rowing power): the mean-maximal values of the activity streams the store holds,
  so they cover the activities whose streams were fetched (the last ``streams_days`` at each sync);
- everything else: the activity records already in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from icucoach.analytics import sustainability as sus
from icucoach.analytics.capability import Trend, decoupling_values, ef_values
from icucoach.analytics.cp import ftp_history_from_activities
from icucoach.analytics.curve_delta import (
    HR_ANCHORS,
    HR_LONG,
    HR_SHORT,
    MIN_VALID_ANCHORS,
    POWER_ANCHORS,
    POWER_LONG,
    POWER_SHORT,
    AnchorShift,
    anchor_shift,
    value_at,
)
from icucoach.analytics.curves import stream_anchors
from icucoach.analytics.hrrc import hrr_value, hrrc_trend
from icucoach.analytics.inputs import ActivityInput, sport_family
from icucoach.mirror.activity_fields import r
from icucoach.mirror.derived_block import TID_LABELS

if TYPE_CHECKING:
    from icucoach.intervals import IntervalsClient
    from icucoach.mirror.context import ExportContext

Json = dict[str, Any]
WINDOW_DAYS = 28
CYCLING_SPORT = "Ride"  # Intervals.icu's cycling sport: its curves include every type of the Ride settings
INDOOR_TYPES = ("VirtualRide",)

DURABILITY_NOTE = (
    "Mean aerobic decoupling (Pa:HR, %) of steady sessions: variability index above 0 and at most 1.05, at "
    "least 90 min moving, with power. A mean needs 3 such sessions in 7 days / 5 in 28 days (null below); "
    "negative decoupling means heart rate fell relative to power. trend: 7-day vs 28-day mean, within 1 "
    "percentage point = stable. reliability_limited is true below those counts (alerts are then withheld)."
)
EF_NOTE = (
    "Mean efficiency factor (normalized power / average HR, W/bpm) of steady rides: cycling, variability "
    "index above 0 and at most 1.05, at least 20 min. A mean needs 3 rides in 7 days / 5 in 28 days. "
    "Rising EF at the same intensity = better aerobic efficiency; compare like with like. trend: 7-day vs "
    "28-day mean, within 0.03 = stable."
)
HRRC_NOTE = (
    "HRRc (Intervals.icu icu_hrr): the largest 60 s heart-rate drop in bpm after holding above threshold "
    "heart rate for over a minute; absent when threshold was not reached or the cooldown not recorded. "
    "Higher = faster parasympathetic recovery. 7-day mean from 1 session, 28-day mean from 3; trend: 7-day "
    "vs 28-day mean, beyond 10 % = improving/declining. Informational; not a readiness signal."
)
TID_NOTE = "7-day vs 28-day Seiler intensity distribution; pi_delta > 0 = more polarized in the last 7 days."
TID_NOTE_MISSING = TID_NOTE + " Not enough zone time in one or both windows to compare."
POWER_NOTE = (
    "Best power at 5 s (neuromuscular), 60 s (anaerobic), 300 s (MAP), 1200 s (threshold) and 3600 s "
    "(endurance) of the cycling sport, current 28 days vs the 28 days before. rotation_index = mean "
    "pct_change of 5 s and 60 s minus that of 1200 s and 3600 s (300 s left out as transitional): positive = "
    "gains lean to sprint, negative = to endurance. Null when a window has under 3 anchors with data."
)
HR_NOTE = (
    "Maximal sustained heart rate at 60 s, 300 s, 1200 s and 3600 s over all sports, current 28 days vs the "
    "28 days before (Intervals.icu's HR curves; the held streams only when that request fails). "
    "rotation_index = mean pct_change of 60 s and 300 s minus that of 1200 s and 3600 s. A rise is "
    "ambiguous (fitness, or fatigue/heat/dehydration): read it with resting HR/HRV and RPE. Null when a "
    "window has under 3 anchors with data."
)
MODEL_NOTE = (
    "cp_model_watts = FTP + W'/t (2-parameter critical power with FTP standing in for CP) is the better "
    "estimate up to 20 min; coggan_watts = FTP x the Allen & Coggan duration factor is the reference from "
    "60 min; both apply around 30 min. model_divergence_pct = (actual - cp_model) / cp_model x 100. source: "
    "observed_outdoor / observed_indoor, the environment of the activity that set the best power (indoor "
    "power is often a few % lower)."
)

# For READ_THIS_FIRST.capability_metrics_note (whoever builds READ_THIS_FIRST places it).
METRICS_NOTE = (
    "derived_metrics.capability describes how the athlete expresses fitness, next to load: durability "
    "(mean decoupling of steady long sessions, 7 vs 28 days), efficiency_factor (NP/HR of steady rides, 7 vs "
    "28 days), hrrc (heart-rate recovery, display only; higher = better), tid_comparison (7- vs 28-day "
    "intensity distribution drift), power_curve_delta (best power at 5 s-60 min, this 28 days vs the 28 "
    "before; rotation_index > 0 = gains lean to sprint, < 0 = to endurance), hr_curve_delta (max sustained "
    "HR, same windows; a rise is ambiguous - fitness or fatigue/heat - so read it with resting HR/HRV and "
    "RPE) and sustainability_profile (42-day best power/HR per duration for race estimates, with Coggan and "
    "CP/W' predictions for cycling; model_divergence_pct is the signal; CP/W' is the better model up to 20 "
    "min, Coggan from 60 min; source tells indoor from outdoor). Trend direction matters more than absolute "
    "values; a null mean has too few qualifying sessions (see each block's note and counts)."
)


def windows(today: date) -> tuple[tuple[date, date], tuple[date, date], tuple[date, date]]:
    """(current 28 days, previous 28 days, sustainability window), each ``(start, end)`` inclusive."""
    cur = (today - timedelta(days=WINDOW_DAYS - 1), today)
    prev = (today - timedelta(days=2 * WINDOW_DAYS - 1), today - timedelta(days=WINDOW_DAYS))
    sw = (today - timedelta(days=sus.WINDOW_DAYS - 1), today)
    return cur, prev, sw


def curve_id(window: tuple[date, date]) -> str:
    return f"r.{window[0].isoformat()}.{window[1].isoformat()}"


async def fetch_curves(ctx: ExportContext, client: IntervalsClient) -> list[str]:
    """The export's two curve requests onto ``ctx.curves`` (cycling power over the three windows; heart rate
    of every sport over the current and previous windows, as Section 11 asks); failures as text."""
    import asyncio

    from icucoach.intervals import IntervalsError

    aid = ctx.athlete.get("id")
    cur, prev, sw = windows(ctx.today)
    calls = {
        "power": client.get_power_curves(
            CYCLING_SPORT, [curve_id(w) for w in (cur, prev, sw)], athlete_id=aid
        ),
        "hr": client.get_hr_curves(None, [curve_id(w) for w in (cur, prev)], athlete_id=aid),
    }
    got = await asyncio.gather(*calls.values(), return_exceptions=True)
    failures = []
    for kind, result in zip(calls, got, strict=True):
        if isinstance(result, IntervalsError):
            failures.append(f"{kind} curves: {result.message} (HTTP {result.status})")
        elif isinstance(result, BaseException):
            raise result
        else:
            ctx.curves[kind] = result.model_dump(mode="json", by_alias=True)
    return failures


# --- curves ---------------------------------------------------------------------------------------------


def _api_curve(ctx: ExportContext, window: tuple[date, date], kind: str = "power") -> Json | None:
    """The fetched ``kind`` curve of ``window``, matched by id (the API omits curves it has no data for)."""
    want = curve_id(window)
    data = ctx.curves.get(kind) or {}
    return next((c for c in data.get("list") or [] if c.get("id") == want), None)


def _api_values(curve: Json | None, durations: Iterable[int]) -> dict[int, float | None]:
    if curve is None:
        return dict.fromkeys(durations)
    secs = curve.get("secs") or []
    vals = curve.get("values") or curve.get("watts") or []
    return {d: value_at(secs, vals, d) for d in durations}


def _streams_of(ctx: ExportContext, aid: str) -> list[Json] | None:
    held = ctx.streams.get(aid)
    if held is None and ctx.store is not None:
        got = ctx.store.streams(aid)
        held = None if got is None else got[0]
    return held


STREAM_DURATIONS = tuple(sorted(set(HR_ANCHORS).union(*sus.ANCHORS.values())))


class StreamAnchors:
    """Per-activity mean-maximal heart rate and power at every anchor duration, from the held streams; each
    activity's streams are read and decoded once per build."""

    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        self._cache: dict[str, dict[str, dict[int, float | None]]] = {}

    def of(self, aid: str) -> dict[str, dict[int, float | None]]:
        if aid not in self._cache:
            by = {s.get("type"): s.get("data") for s in _streams_of(self.ctx, aid) or []}
            self._cache[aid] = {
                kind: dict(
                    zip(
                        STREAM_DURATIONS,
                        stream_anchors(
                            by.get("time"), by[kind], STREAM_DURATIONS, zero_is_missing=kind != "watts"
                        ),
                        strict=True,
                    )
                )
                for kind in ("heartrate", "watts")
                if by.get(kind)
            }
        return self._cache[aid]

    def best(
        self, acts: Sequence[ActivityInput], stream: str, durations: Sequence[int]
    ) -> tuple[dict[int, float | None], dict[int, str | None], int]:
        """Pointwise best over the activities' ``stream``, the id that set each, and how many of the
        activities had that stream held."""
        best: dict[int, float | None] = dict.fromkeys(durations)
        who: dict[int, str | None] = dict.fromkeys(durations)
        held = 0
        for a in acts:
            vals = self.of(a.id).get(stream)
            if vals is None:
                continue
            held += 1
            for d in durations:
                v = vals.get(d)
                if v is not None and (best[d] is None or v > best[d]):  # type: ignore[operator]
                    best[d], who[d] = v, a.id
        return best, who, held


def _acts(
    ctx: ExportContext, window: tuple[date, date], families: set[str] | None = None
) -> list[ActivityInput]:
    return [
        a
        for a in ctx.kept_activities
        if window[0] <= a.day <= window[1] and not a.is_stub and (families is None or a.family in families)
    ]


def _shift_block(
    shift: AnchorShift | None,
    cur: tuple[date, date],
    prev: tuple[date, date],
    keys: tuple[str, str],
    note: str,
    missing: str | None,
) -> Json:
    head: Json = {
        "window_days": WINDOW_DAYS,
        "current_window": {"start": cur[0].isoformat(), "end": cur[1].isoformat()},
        "previous_window": {"start": prev[0].isoformat(), "end": prev[1].isoformat()},
    }
    if shift is None or not shift.comparable:
        if missing is None and shift is not None:
            missing = (
                f"Too few anchors with data (current {shift.valid_current}, previous {shift.valid_previous}, "
                f"need {MIN_VALID_ANCHORS} in each)."
            )
        return {**head, "anchors": None, "rotation_index": None, "note": missing}
    anchors = {
        f"{d}s": {
            keys[0]: _num(shift.current[d]),
            keys[1]: _num(shift.previous[d]),
            "pct_change": r(shift.pct_change[d], 1),
        }
        for d in shift.current
    }
    return {**head, "anchors": anchors, "rotation_index": r(shift.rotation_index, 1), "note": note}


def _num(v: float | None) -> float | int | None:
    """Whole numbers as int (curve points are whole watts / bpm), others to 0.1."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 1)


def power_curve_delta(ctx: ExportContext) -> Json:
    cur, prev, _ = windows(ctx.today)
    if "power" not in ctx.curves:
        return _shift_block(
            None, cur, prev, ("current_watts", "previous_watts"), POWER_NOTE, "Power curves not fetched."
        )
    c = _api_values(_api_curve(ctx, cur), POWER_ANCHORS)
    p = _api_values(_api_curve(ctx, prev), POWER_ANCHORS)
    shift = anchor_shift(c, p, POWER_ANCHORS, POWER_SHORT, POWER_LONG)
    return _shift_block(shift, cur, prev, ("current_watts", "previous_watts"), POWER_NOTE, None)


def hr_curve_delta(ctx: ExportContext, held: StreamAnchors | None = None) -> Json:
    cur, prev, _ = windows(ctx.today)
    if "hr" in ctx.curves:  # Intervals.icu's own HR curves, every sport, as the athlete sees them
        c = _api_values(_api_curve(ctx, cur, "hr"), HR_ANCHORS)
        p = _api_values(_api_curve(ctx, prev, "hr"), HR_ANCHORS)
        source = " Source: Intervals.icu HR curves."
    else:  # the request failed: the streams held locally, said so
        ca, pa = _acts(ctx, cur), _acts(ctx, prev)
        held = held or StreamAnchors(ctx)
        c, _, nc = held.best(ca, "heartrate", HR_ANCHORS)
        p, _, np_ = held.best(pa, "heartrate", HR_ANCHORS)
        held_counts = f"current window {nc} of {len(ca)} activities, previous {np_} of {len(pa)}"
        source = f" Source: heart-rate streams held ({held_counts})."
    c = {d: None if v is None else float(round(v)) for d, v in c.items()}
    p = {d: None if v is None else float(round(v)) for d, v in p.items()}
    shift = anchor_shift(c, p, HR_ANCHORS, HR_SHORT, HR_LONG)
    block = _shift_block(shift, cur, prev, ("current_bpm", "previous_bpm"), HR_NOTE, None)
    block["note"] += source
    return block


# --- sustainability ---------------------------------------------------------------------------------------


def _sport_setting(ctx: ExportContext, family: str, key: str) -> Any:
    for ss in ctx.athlete.get("sportSettings") or []:
        if any(sport_family(t) == family for t in ss.get("types") or []) and ss.get(key):
            return ss.get(key)
    return None


def _weight(ctx: ExportContext) -> tuple[float | None, str | None]:
    lo7 = (ctx.today - timedelta(days=6)).isoformat()
    lo28 = (ctx.today - timedelta(days=27)).isoformat()
    recent = [w.get("weight") for w in ctx.wellness if str(w.get("id"))[:10] >= lo7]
    older = [w.get("weight") for w in ctx.wellness if lo28 <= str(w.get("id"))[:10] < lo7]
    profile = ctx.athlete.get("icu_weight") or ctx.athlete.get("weight")
    return sus.pick_weight(recent, older, profile)


def _w_prime(ctx: ExportContext) -> float | None:
    last = next((w for w in reversed(ctx.wellness) if w.get("sportInfo")), {})
    ride: Json = next((x for x in last.get("sportInfo") or [] if x.get("type") == CYCLING_SPORT), {})
    return ride.get("wPrime")


def _ftp_staleness(ctx: ExportContext) -> int | None:
    hist = ftp_history_from_activities(ctx.kept_activities)
    return (ctx.today - hist[-1][0]).days if hist else None


def _source(ctx: ExportContext, aid: str | None, cycling: bool) -> str | None:
    if aid is None:
        return None
    if not cycling:
        return "observed"
    a = next((x for x in ctx.activities if str(x.get("id")) == aid), None)
    indoor = a is not None and (a.get("type") in INDOOR_TYPES or bool(a.get("trainer")))
    return "observed_indoor" if indoor else "observed_outdoor"


def _anchor_json(a: sus.Anchor, cycling: bool) -> Json:
    row: Json = {
        "actual_watts": _num(a.watts),
        "actual_wpkg": a.wpkg,
        "actual_hr": None if a.hr is None else int(round(a.hr)),
        "pct_lthr": a.pct_lthr,
        "source": a.source if a.watts is not None else None,
    }
    if cycling:
        row.update(
            coggan_watts=a.coggan_watts,
            coggan_wpkg=a.coggan_wpkg,
            cp_model_watts=a.cp_model_watts,
            cp_model_wpkg=a.cp_model_wpkg,
            model_divergence_pct=a.divergence_pct,
        )
    return row


def _sport_table(
    ctx: ExportContext, family: str, sw: tuple[date, date], weight: float | None, held: StreamAnchors
) -> Json:
    durs = sus.ANCHORS[family]
    cycling = family == "cycling"
    acts = _acts(ctx, sw, {family})
    hr, _, _ = held.best(acts, "heartrate", durs)
    if cycling:
        curve = _api_curve(ctx, sw)
        watts = _api_values(curve, durs)
        ids = (curve or {}).get("activity_id") or []
        secs = (curve or {}).get("secs") or []
        who = {d: (str(ids[secs.index(d)]) if d in secs and secs.index(d) < len(ids) else None) for d in durs}
    else:
        watts, who, _ = held.best(acts, "watts", durs)
    ftp = (
        (_sport_setting(ctx, family, "ftp") or _sport_setting(ctx, family, "indoor_ftp")) if cycling else None
    )
    w_prime = _w_prime(ctx) if cycling else None
    rows = sus.table(
        durs,
        watts,
        hr,
        {d: _source(ctx, who.get(d), cycling) for d in durs},
        weight_kg=weight,
        lthr=_sport_setting(ctx, family, "lthr"),
        ftp=ftp,
        w_prime_j=w_prime,
        with_models=cycling,
    )
    observed = sum(a.watts is not None for a in rows)
    cov = sus.coverage_ratio(rows)
    table = observed >= sus.MIN_OBSERVED
    block: Json = {
        "anchors": {f"{a.secs}s": _anchor_json(a, cycling) for a in rows} if table else None,
        "coverage_ratio": cov,
        "note": None
        if table
        else f"Too few anchors with an observed power ({observed}, need {sus.MIN_OBSERVED}).",
    }
    if cycling:
        block.update(
            ftp_used=ftp,
            w_prime_used=w_prime,
            ftp_staleness_days=_ftp_staleness(ctx),
            model_trust_note=MODEL_NOTE,
        )
    return block


def sustainability_profile(ctx: ExportContext, held: StreamAnchors | None = None) -> Json:
    _, _, sw = windows(ctx.today)
    window = {"days": sus.WINDOW_DAYS, "start": sw[0].isoformat(), "end": sw[1].isoformat()}
    lo = ctx.today - timedelta(days=27)
    active = sorted({a.family for a in _acts(ctx, (lo, ctx.today))} & set(sus.ANCHORS))
    weight, source = _weight(ctx)
    note = None if active else "No cycling, ski or rowing activity in the last 28 days."
    out: Json = {"window": window, "weight_kg": weight, "weight_source": source, "note": note}
    for fam in active:
        out[fam] = _sport_table(ctx, fam, sw, weight, held or StreamAnchors(ctx))
    return out


# --- trends -----------------------------------------------------------------------------------------------


def _trend_n(t: Trend | None) -> tuple[int, int]:
    return (0, 0) if t is None else (t.n_short, t.n_long)


def durability(t: Trend | None, s: Any) -> Json:
    n7, n28 = _trend_n(t)
    limited = n28 < s.capability_min_n_long or n7 < s.capability_min_n_short
    return {
        "mean_decoupling_7d": r(None if t is None else t.mean_short.value, 2),
        "mean_decoupling_28d": r(None if t is None else t.mean_long.value, 2),
        "high_drift_count_7d": 0 if t is None else t.high_count_short or 0,
        "high_drift_count_28d": 0 if t is None else t.high_count or 0,
        "qualifying_sessions_7d": n7,
        "qualifying_sessions_28d": n28,
        "trend": None if t is None else t.trend,
        "reliability_limited": limited,
        "reliability_note": (
            f"too few qualifying sessions for alerts: 7 days {n7} (need {s.capability_min_n_short}), "
            f"28 days {n28} (need {s.capability_min_n_long})"
            if limited
            else None
        ),
        "note": DURABILITY_NOTE,
    }


def efficiency_factor(t: Trend | None) -> Json:
    n7, n28 = _trend_n(t)
    return {
        "mean_ef_7d": r(None if t is None else t.mean_short.value, 2),
        "mean_ef_28d": r(None if t is None else t.mean_long.value, 2),
        "qualifying_sessions_7d": n7,
        "qualifying_sessions_28d": n28,
        "trend": None if t is None else t.trend,
        "note": EF_NOTE,
    }


def _hrr_by_id(ctx: ExportContext) -> dict[str, float]:
    out = {}
    for a in ctx.activities:
        v = hrr_value(a.get("icu_hrr"))
        if v is not None:
            out[str(a.get("id"))] = v
    return out


def hrrc(ctx: ExportContext) -> Json:
    hrr = _hrr_by_id(ctx)
    lo = ctx.today - timedelta(days=27)
    vals = [(a.day, hrr[a.id]) for a in _acts(ctx, (lo, ctx.today)) if a.id in hrr]
    t = hrrc_trend(vals, ctx.today)
    return {
        "mean_hrrc_7d": r(t.mean_7d, 1),
        "mean_hrrc_28d": r(t.mean_28d, 1),
        "qualifying_sessions_7d": t.n_7d,
        "qualifying_sessions_28d": t.n_28d,
        "trend": t.trend,
        "note": HRRC_NOTE,
    }


def _pi(block: Json | None) -> float | None:
    pi = (block or {}).get("polarization_index")
    return r(pi.get("value") if isinstance(pi, dict) else pi, 2)


def tid_comparison(status: Json) -> Json:
    tid = status.get("tid") or {}
    short, long = tid.get("short") or {}, tid.get("long") or {}
    c7, c28 = short.get("classification"), long.get("classification")
    p7, p28 = _pi(short), _pi(long)
    both = c7 is not None and c28 is not None
    return {
        "classification_7d": TID_LABELS.get(str(c7), c7),
        "classification_28d": TID_LABELS.get(str(c28), c28),
        "pi_7d": p7,
        "pi_28d": p28,
        "pi_delta": r(tid.get("pi_delta"), 2) if both else None,
        "drift": tid.get("state") if both else None,
        "note": TID_NOTE if both else TID_NOTE_MISSING,
    }


def build_capability(ctx: ExportContext) -> Json:
    """``derived_metrics.capability`` in Section 11's key order."""
    cap = ctx.status.capability
    held = StreamAnchors(ctx)
    return {
        "durability": durability(cap.get("durability"), ctx.settings),
        "efficiency_factor": efficiency_factor(cap.get("efficiency")),
        "hrrc": hrrc(ctx),
        "tid_comparison": tid_comparison(ctx.status_dict),
        "power_curve_delta": power_curve_delta(ctx),
        "hr_curve_delta": hr_curve_delta(ctx, held),
        "sustainability_profile": sustainability_profile(ctx, held),
    }


def weekly_capability(ctx: ExportContext, acts: Sequence[ActivityInput], start: date, end: date) -> Json:
    """One week's capability columns for ``history.json``: the mean of each qualifying value (any count;
    the ``*_qualifying`` count says how much to trust it)."""
    s = ctx.settings
    dur = [v for _, v in decoupling_values(acts, start, end, s)]
    ef = [v for _, v in ef_values(acts, start, end, s)]
    hrr = _hrr_by_id(ctx)
    rec = [hrr[a.id] for a in acts if start <= a.day <= end and a.id in hrr]
    return {
        "durability_mean": r(float(np.mean(dur)), 2) if dur else None,
        "durability_qualifying": len(dur),
        "ef_mean": r(float(np.mean(ef)), 2) if ef else None,
        "ef_qualifying": len(ef),
        "hrrc_mean": r(float(np.mean(rec)), 1) if rec else None,
        "hrrc_qualifying": len(rec),
    }


__all__ = ["METRICS_NOTE", "build_capability", "fetch_curves", "weekly_capability", "windows"]
