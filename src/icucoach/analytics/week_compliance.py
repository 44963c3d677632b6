"""Planned vs done for a set of days: volume (duration, distance, load) per sport family, time in zones
planned (from each workout's structure) vs done (each activity's own zone times), and compliance from the
session chips. Pure: API dicts and ``Chip`` lists in, numbers out; the coach's week view arranges them.

Missing is ``None``, never 0: a sum is taken over the sessions that report the field, and is ``None`` when
none does (a strength session has no distance; a Strava stub withholds everything, counted in
``withheld``). A family with no session at all has no entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from icucoach.analytics.chips import Chip, settings_for
from icucoach.analytics.inputs import from_api_activity, sport_family
from icucoach.analytics.planned_zones import planned_zone_times, primary_basis

Json = dict[str, Any]
ALL = "all"
PLANNED_CATEGORIES = ("WORKOUT", "RACE_A", "RACE_B", "RACE_C")
# Kinds of a planned session's chip that count as done for compliance; ``sick`` plans are excused (neither
# done nor missed) and ``pending`` ones are not due yet.
DONE_KINDS = ("done", "done_unverified", "changed", "race")
JUDGED_KINDS = (*DONE_KINDS, "missed")


@dataclass(frozen=True)
class Volume:
    """Duration, distance and load of a set of sessions; ``None`` where no session reported the field."""

    duration_s: float | None = None
    distance_m: float | None = None
    load: float | None = None
    sessions: int = 0
    withheld: int = 0  # sessions whose metrics the API withholds (Strava stubs): done, never zero

    def to_dict(self) -> Json:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "duration_s": r(self.duration_s),
            "distance_m": r(self.distance_m),
            "load": r(self.load),
            "sessions": self.sessions,
            "withheld": self.withheld,
        }


def _add(a: float | None, b: float | None) -> float | None:
    if b is None:
        return a
    return b if a is None else a + b


def _plus(v: Volume, duration: Any, distance: Any, load: Any, withheld: bool = False) -> Volume:
    def num(x: Any) -> float | None:
        return None if x is None else float(x)

    return Volume(
        _add(v.duration_s, num(duration)),
        _add(v.distance_m, num(distance)),
        _add(v.load, num(load)),
        v.sessions + 1,
        v.withheld + int(withheld),
    )


def _with_total(by: dict[str, Volume]) -> dict[str, Volume]:
    total = Volume()
    for v in by.values():
        total = Volume(
            _add(total.duration_s, v.duration_s),
            _add(total.distance_m, v.distance_m),
            _add(total.load, v.load),
            total.sessions + v.sessions,
            total.withheld + v.withheld,
        )
    return {**dict(sorted(by.items())), ALL: total}


def planned_volume(events: Iterable[Mapping[str, Any]]) -> dict[str, Volume]:
    """Planned sessions (WORKOUT and race events) per sport family, plus ``"all"``."""
    by: dict[str, Volume] = defaultdict(Volume)
    for e in events:
        if e.get("category") in PLANNED_CATEGORIES:
            fam = sport_family(e.get("type"))
            # A plan without a distance target carries distance 0: not planned, so unknown, not zero.
            dist = e.get("distance") or None
            by[fam] = _plus(by[fam], e.get("moving_time"), dist, e.get("icu_training_load"))
    return _with_total(by)


def done_volume(activities: Iterable[Mapping[str, Any]]) -> dict[str, Volume]:
    """Activities per sport family (a Strava stub under ``other``, metrics withheld), plus ``"all"``."""
    by: dict[str, Volume] = defaultdict(Volume)
    for a in activities:
        act = from_api_activity(a)
        fam = act.family
        if act.is_stub:
            by[fam] = _plus(by[fam], None, None, None, withheld=True)
        else:
            by[fam] = _plus(by[fam], act.moving_time, act.distance, act.load)
    return _with_total(by)


def mean_volume(weeks: Sequence[Mapping[str, Volume]]) -> dict[str, Volume]:
    """The per-week mean of several weeks' volumes, each field over the weeks with data for it: a family
    absent in a week counts as none (nothing was done, a true zero), but a week whose sessions withheld the
    field (Strava stubs only) is a gap, left out of that field's mean rather than counted as 0."""
    if not weeks:
        return {}
    n = len(weeks)
    fams = sorted({f for w in weeks for f in w})
    out: dict[str, Volume] = {}
    for f in fams:
        vs = [w[f] for w in weeks if f in w]

        def mean(get: Any, f: str = f) -> float | None:
            known = [x for x in (get(w[f]) if f in w else 0.0 for w in weeks) if x is not None]
            return sum(known) / len(known) if known else None

        out[f] = Volume(
            mean(lambda v: v.duration_s),
            mean(lambda v: v.distance_m),
            mean(lambda v: v.load),
            round(sum(v.sessions for v in vs) / n),
            round(sum(v.withheld for v in vs) / n),
        )
    return out


@dataclass(frozen=True)
class ZoneTimes:
    """Seconds per zone (Z1 first) on one basis, planned (from ``workout_doc``) and done (the activity's
    zone times). Time that cannot be placed on the basis is reported, never guessed."""

    basis: str | None  # power / hr / pace
    planned_s: tuple[int, ...] = ()
    done_s: tuple[int, ...] = ()
    planned_unassigned_s: int = 0
    done_unassigned_s: int = 0  # activities without zone times on this basis (e.g. a ride without power)

    def to_dict(self) -> Json:
        return {
            "basis": self.basis,
            "planned_s": list(self.planned_s),
            "done_s": list(self.done_s),
            "planned_unassigned_s": self.planned_unassigned_s,
            "done_unassigned_s": self.done_unassigned_s,
        }


def _sum_into(acc: list[int], secs: Iterable[float]) -> None:
    for i, s in enumerate(secs):
        if i >= len(acc):
            acc.extend([0] * (i + 1 - len(acc)))
        acc[i] += int(round(s))


def zone_times(
    events: Iterable[Mapping[str, Any]],
    activities: Iterable[Mapping[str, Any]],
    sport_settings: Sequence[Mapping[str, Any]] = (),
) -> dict[str, ZoneTimes]:
    """Planned vs done seconds per zone, per sport family. The basis of a family is its plans' primary
    target (power, then pace, then HR, weighted by planned time); without plans, the first basis the
    activities have zone times on (power, pace, HR)."""
    plans = [e for e in events if e.get("category") == "WORKOUT" and e.get("workout_doc")]
    acts = [from_api_activity(a) for a in activities]
    fams = sorted({sport_family(e.get("type")) for e in plans} | {a.family for a in acts if not a.is_stub})
    out: dict[str, ZoneTimes] = {}
    for fam in fams:
        mine = [e for e in plans if sport_family(e.get("type")) == fam]
        weight: dict[str, float] = defaultdict(float)
        for e in mine:
            b = primary_basis(e.get("workout_doc"), e.get("type"))
            if b is not None:
                weight[b] += float(e.get("moving_time") or 1)
        done_acts = [a for a in acts if a.family == fam and not a.is_stub]
        basis = max(weight, key=lambda b: weight[b]) if weight else None
        if basis is None:
            basis = next(
                (
                    b
                    for b, attr in (
                        ("power", "power_zone_secs"),
                        ("pace", "pace_zone_secs"),
                        ("hr", "hr_zone_secs"),
                    )
                    if any(getattr(a, attr) for a in done_acts)
                ),
                None,
            )
        if basis is None:
            continue
        planned: list[int] = []
        unassigned = 0
        for e in mine:
            pz = planned_zone_times(
                e.get("workout_doc"), e.get("type"), settings_for(sport_settings, e.get("type")), basis
            )
            _sum_into(planned, pz.zone_secs)
            unassigned += pz.unassigned_secs
        done: list[int] = []
        done_unassigned = 0
        for a in done_acts:
            secs = {"power": a.power_zone_secs, "pace": a.pace_zone_secs, "hr": a.hr_zone_secs}[basis]
            if secs:
                _sum_into(done, secs)
            else:
                done_unassigned += int(a.moving_time or 0)
        n = max(len(planned), len(done))
        out[fam] = ZoneTimes(
            basis,
            tuple(planned + [0] * (n - len(planned))) if planned else (),
            tuple(done + [0] * (n - len(done))) if done else (),
            unassigned,
            done_unassigned,
        )
    return out


@dataclass(frozen=True)
class Compliance:
    """How the planned sessions that were due went (chips of planned sessions only)."""

    planned: int  # plans with a chip that was due (not pending)
    done: int  # done as planned, done (no data), changed, or raced
    on_plan: int  # done as planned
    changed: int
    missed: int
    excused: int  # not done while sick or injured: neither done nor missed
    compliance_pct: float | None  # done / (done + missed)
    on_plan_pct: float | None  # done as planned / judged plans whose metrics are known (not stubs or races)

    def to_dict(self) -> Json:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "planned": self.planned,
            "done": self.done,
            "on_plan": self.on_plan,
            "changed": self.changed,
            "missed": self.missed,
            "excused": self.excused,
            "compliance_pct": r(self.compliance_pct),
            "on_plan_pct": r(self.on_plan_pct),
        }


def compliance(chips: Iterable[Chip]) -> Compliance:
    """Compliance of the planned sessions among ``chips``: done / (done + missed), sick days excused."""
    plans = [c for c in chips if c.planned_id and c.kind != "pending"]
    n = {k: sum(1 for c in plans if c.kind == k) for k in (*JUDGED_KINDS, "sick")}
    done = sum(n[k] for k in DONE_KINDS)
    judged = done + n["missed"]
    # neither a Strava stub nor a race is judged against its plan: out of the on-plan share, not off plan
    known = judged - n["done_unverified"] - n["race"]
    return Compliance(
        planned=len(plans),
        done=done,
        on_plan=n["done"],
        changed=n["changed"],
        missed=n["missed"],
        excused=n["sick"],
        compliance_pct=100.0 * done / judged if judged else None,
        on_plan_pct=100.0 * n["done"] / known if known else None,
    )
