"""The next training phase to move to, from the detected phase (``analytics.phase``), the next A race and the
recent weeks' loads: one stated rule per case, each with its sentence. Pure.

==========================  ==========  ===================================================================
now                         suggest     rule
==========================  ==========  ===================================================================
sick or injured now         recovery    a SICK/INJURED calendar entry covers today: recover before loading
overreached                 recovery    signs of overreaching: an easy week before loading again
any, A race <= taper_days   taper       the A race is inside the taper window (``taper_days``, 14)
taper                       race        taper until the race; after it, recovery
peak                        taper       peak reached: taper towards the race (or recovery without one)
recovery / deload           build/base  back to loading: build when an A race is <= ``season_build_days``
build, 3 weeks without a    deload      a 3:1 loading pattern: after ``season_weeks_before_deload`` complete
lighter week                            weeks of loading, a week at <= ``phase_deload_ratio`` of their mean
base, A race <= 84 days     build       the build before an A race is 8-12 weeks (Friel)
build / base otherwise      (same)      keep going; no change is due
==========================  ==========  ===================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from icucoach.analytics.phase import WeekRow
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings


@dataclass(frozen=True)
class Transition:
    to: str | None  # the phase to move to; None when the phase is unknown
    why: str

    def to_dict(self) -> dict:
        return {"to": self.to, "why": self.why}


def _weeks_without_deload(weeks: Sequence[WeekRow], ratio: float) -> int:
    """Complete weeks, newest first, whose load stayed above ``ratio`` x the mean of the weeks before it."""
    done = [w for w in weeks if w.complete]
    n = 0
    for i in range(len(done) - 1, 0, -1):
        prior = [w.load for w in done[max(0, i - 3) : i]]
        if prior and done[i].load <= ratio * (sum(prior) / len(prior)):
            break
        n += 1
    return n


def suggest_transition(
    phase: str | None,
    days_to_a_race: int | None,
    weeks: Sequence[WeekRow] = (),
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
    unwell: bool = False,
) -> Transition:
    """The suggested next phase (see the module table); ``unwell``: a SICK/INJURED entry covers today."""
    s = settings
    race_soon = days_to_a_race is not None and days_to_a_race <= s.taper_days
    race_in_build = days_to_a_race is not None and days_to_a_race <= s.season_build_days
    if unwell:
        return Transition("recovery", "sick or injured now: recover before loading again")
    if phase is None:
        return Transition(None, "the phase is unknown (too little history)")
    if phase == "overreached":
        return Transition("recovery", "signs of overreaching: an easy week before loading again")
    if phase == "taper":
        return Transition("race", "taper until the race, then recovery")
    if race_soon:
        return Transition("taper", f"the A race is in {days_to_a_race} days: inside the taper window")
    if phase == "peak":
        if race_in_build:
            return Transition("taper", f"peak reached; taper towards the A race in {days_to_a_race} days")
        return Transition("recovery", "peak reached with no A race ahead: recovery, then base")
    if phase in ("recovery", "deload"):
        if race_in_build:
            return Transition("build", f"back to loading: the A race is in {days_to_a_race} days")
        return Transition("base", "back to loading: no A race within the build window")
    if phase == "build":
        n = _weeks_without_deload(weeks, s.phase_deload_ratio)
        if n >= s.season_weeks_before_deload:
            return Transition("deload", f"{n} complete weeks of loading without a lighter week")
        return Transition("build", "keep building")
    if phase == "base" and race_in_build:
        return Transition("build", f"the A race is in {days_to_a_race} days: time for the build")
    return Transition(phase, "keep going; no change is due")
