"""Every threshold the analytics engine uses, in one documented, immutable settings object.

Why one object: Section 11 scatters thresholds (its ACWR "danger" is 1.5 in one layer and 1.35 in another,
see ``section11.md`` §7 item 6); here each number lives once, carries its source in a comment, and a caller
overrides any of them with ``dataclasses.replace(AnalyticsSettings(), acwr_red=1.4)``.

Fractions of threshold ("frac") are power / FTP, heart rate / LTHR, or speed / threshold speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def _ro(d: dict) -> MappingProxyType:
    return MappingProxyType(d)


@dataclass(frozen=True)
class AnalyticsSettings:
    # --- day bucketing / calendar ------------------------------------------------------------------------
    week_start: int = 0  # 0 = Monday (ISO); training weeks for phase and compliance
    history_days: int = 1095  # replay window for CTL/ATL when no wellness anchor exists (3 years)

    # --- input hygiene ----------------------------------------------------------------------------------
    dedupe_start_window_s: int = 300  # two recordings starting within 5 min ...
    dedupe_duration_tolerance: float = 0.2  # ... and durations within 20 % are one session
    hrv_valid_range: tuple[float, float] = (10.0, 250.0)  # ms; Section 11 PR 6 (255 ms device glitch)
    rhr_valid_range: tuple[float, float] = (25.0, 120.0)  # bpm; physiologically plausible resting HR
    sleep_valid_range_h: tuple[float, float] = (0.5, 16.0)

    # --- load model (metrics.md §1) -----------------------------------------------------------------------
    ctl_days: float = 42.0
    atl_days: float = 7.0
    ramp_days: int = 7  # ramp = CTL[d] - CTL[d-7]
    ramp_warning: float = 8.0  # CTL points per week; common coaching ceiling for sustained ramps
    ramp_alarm: float = 12.0
    pmc_warmup_days: int = 42  # CTL from < 42 days of history is flagged as not yet settled
    # Per-sport weight of load in CTL/ATL (Intervals.icu lets each sport's contribution be weighted, t/300);
    # keys are sport types or families, e.g. {"strength": 0.0}. Empty = every load counts fully, which is
    # what the wellness values replayed in the tests and the sandbox use. ACWR/monotony use unweighted load.
    fitness_sport_weights: Any = field(default_factory=lambda: _ro({}))
    replay_tolerance: float = 1.0  # CTL/ATL points: a replay within this of wellness "matches"
    # Report today's (and yesterday's) CTL/ATL/ramp as the Intervals.icu wellness records say, as the athlete
    # sees them, whenever those records carry them; the de-duplicated replay is then kept as a second view
    # (``TrainingStatus.fitness_replay``). On by default, so every adapter reports the same numbers; off: the
    # replay (anchored on yesterday's wellness) is the value.
    fitness_from_wellness: bool = True
    # Form zones (Intervals.icu chart; Friel, forum t/3623). Lower bounds; -30 and -10 belong to the lower
    # zone, +5 and +20 to the higher zone (metrics.md §1).
    form_transition: float = 20.0
    form_fresh: float = 5.0
    form_grey: float = -10.0
    form_optimal: float = -30.0
    form_as_percent: bool = False  # athlete setting icu_form_as_percent: zones on 100*(CTL-ATL)/CTL

    # --- ACWR (metrics.md §2) -------------------------------------------------------------------------------
    acwr_acute_days: int = 7
    acwr_chronic_days: int = 28
    acwr_low: float = 0.8  # Gabbett 2016 "sweet spot" 0.8-1.3
    acwr_amber: float = 1.3
    acwr_red: float = 1.5  # Gabbett 2016 "danger zone"
    acwr_min_history_days: int = 28  # earlier ratios are flagged unreliable
    # EWMA seed: mean of the first chronic window of history ("mean_first_window"), or "zero" or "first".
    acwr_ewma_seed: str = "mean_first_window"

    # --- monotony / strain (metrics.md §3) ------------------------------------------------------------------
    monotony_days: int = 7
    # sample SD, as Section 11 (statistics.stdev) and spreadsheet practice; Foster 1998 does not say which
    monotony_ddof: int = 1
    monotony_amber: float = 2.0  # Foster 1998 / fellrnr
    monotony_red: float = 2.5
    strain_red: float = 6000.0  # load x monotony; Foster's athletes fell ill above ~6000 (sRPE units)
    monotony_min_active_days: int = 3  # per-sport monotony needs >= 3 days with that sport's load

    # --- zones / intensity distribution (metrics.md §4, §5) -------------------------------------------------
    # Seiler 3-zone borders as fractions of threshold; GoldenCheetah defaults (AeT 0.85 CP, 0.9 LTHR,
    # 0.9 CV run, 0.975 CV swim; LT = threshold).
    seiler_bounds: Any = field(
        default_factory=lambda: _ro(
            {"power": (0.85, 1.0), "hr": (0.90, 1.0), "pace": (0.90, 1.0), "pace_swim": (0.975, 1.0)}
        )
    )
    # Grey-zone / quality bands = the edges of Intervals.icu's default zone 3 (Coggan tempo: power Z3 is
    # above 75 % and up to 90 % FTP; HR Z3 89-93 % LTHR; run pace Z3 87.7-94.3 % threshold pace), so they are
    # Section 11's z3 and z4+ on default zones. Below the first number is "easy", from the second "quality".
    grey_bounds: Any = field(
        default_factory=lambda: _ro({"power": (0.75, 0.90), "hr": (0.89, 0.93), "pace": (0.877, 0.943)})
    )
    zone_floor_frac: float = 0.5  # assumed lower edge of the first zone when splitting it across borders
    # a grey-zone border this close (fraction of threshold) to one of the activity's zone edges moves onto
    # that edge: zone edges are whole bpm / % rounded, and splitting a zone for a sliver only adds error
    zone_edge_snap: float = 0.015
    # Basis preference per sport family; override per family, e.g. {"run": ("hr", "pace", "power")}.
    basis_preference: tuple[str, ...] = ("power", "hr", "pace")
    basis_preference_by_sport: Any = field(default_factory=lambda: _ro({}))
    polarized_pi: float = 2.0  # Treff et al. 2019
    pi_z2_floor: float = 0.01  # Treff 2019: z2 = 0 replaced by 0.01
    tid_base_z3_max: float = 0.01  # below 1 % high-intensity the distribution is "base"
    tid_short_days: int = 7
    tid_long_days: int = 28

    # --- hard day (Section 11 §4.7 rules, expressed relative to threshold rather than zone index) ----------
    hard_secs_above_grey_low: float = 1800  # >= 30 min at or above tempo ...
    hard_secs_above_quality: float = 600  # ... or >= 10 min at or above the quality floor ...
    hard_secs_above_threshold: float = 300  # ... or >= 5 min above threshold
    hard_load: float = 150.0  # or a single day's load this big (long endurance days are hard too)

    # --- activity streams (metrics.md §6-§11, §14) ----------------------------------------------------------
    np_window_s: int = 30
    xpower_tau_s: float = 25.0  # Skiba: W = W*25/26 + P/26 at 1 Hz
    trimp_k_male: float = 1.92
    trimp_k_female: float = 1.67
    lthr_default_hrr: float = 0.85  # Elevate fallback: LTHR = rest + 0.85 (max - rest)
    decoupling_coupled_pct: float = 5.0  # Friel: < 5 % = coupled
    decoupling_min_s: int = 3600  # Friel uses steady efforts of at least 1 h
    decoupling_warmup_s: int = 600  # excluded from the start
    decoupling_max_vi: float = 1.05  # steadiness gate
    durability_kj: float = 2000.0  # Spragg et al.: MMP after 2000 kJ
    durability_durations: tuple[int, ...] = (60, 300, 1200)
    min_half_s: int = 60  # HR drift / durability need >= 1 min of HR on each side
    wbal_tau_floor: bool = True  # GoldenCheetah rounds tau down to an integer

    # --- capability trends from per-activity fields (Section 11 §4.10-4.11 with sample-size gates) -------
    capability_decoupling_min_s: int = 5400  # steady sessions of >= 90 min qualify for aggregate decoupling
    capability_ef_min_s: int = 1200  # rides of >= 20 min qualify for the efficiency-factor trend
    capability_min_n_long: int = 5  # sessions needed in 28 days for a mean to be reported as reliable
    capability_min_n_short: int = 3  # ... and in 7 days for a 7-vs-28 trend
    capability_decoupling_band: float = 1.0  # %-points: 7-day mean vs 28-day mean beyond this is a trend
    capability_ef_band: float = 0.03  # W/bpm

    # --- performance (metrics.md §12, §13, §15) -------------------------------------------------------------
    cp_min_s: int = 120  # 2-parameter fit uses maximal efforts of ~2-20 min (Jones et al. 2010)
    cp_max_s: int = 1200
    cp3_min_s: int = 1
    cp3_max_s: int = 3600
    curve_durations: tuple[int, ...] = (
        1,
        5,
        10,
        15,
        30,
        60,
        120,
        180,
        300,
        600,
        1200,
        1800,
        3600,
        5400,
        7200,
    )
    curve_window_days: int = 28  # current vs previous 28 days (Section 11 §4.13)
    benchmark_days: int = 56  # FTP now vs latest FTP on or before 8 weeks ago
    riegel_exponent: float = 1.06
    riegel_max_ratio: float = 4.0  # Riegel is poor beyond ~4x the known distance
    daniels_easy_vo2: tuple[float, float] = (0.63, 0.73)  # fit to Daniels' table rows VDOT 40/50 (+-2 s/km)
    daniels_vvdot: Any = field(default_factory=lambda: _ro({"T": 0.90, "I": 0.98, "R": 1.05}))  # GC

    # --- recovery (Plews et al. 2012/2013; Buchheit 2014) ---------------------------------------------------
    hrv_short_days: int = 7
    hrv_long_days: int = 60
    hrv_min_short: int = 3  # readings needed for the 7-day baseline
    hrv_min_long: int = 14  # readings needed for the 60-day normal range
    hrv_band_sd: float = 0.5  # normal range = 60-day mean +- 0.5 SD of ln(rMSSD) (smallest worthwhile change)
    hrv_amber_pct: float = -10.0  # today vs 7-day baseline (raw ms, baseline excludes today)
    hrv_red_pct: float = -20.0
    rhr_amber_bpm: float = 3.0
    rhr_red_bpm: float = 5.0
    rhr_min_baseline: int = 3
    sleep_amber_h: float = 7.0
    sleep_red_h: float = 5.0
    ri_red: float = 0.6  # Recovery Index (HRV ratio / RHR ratio): < 0.6 red, < 0.7 amber (Section 11 bands)
    ri_amber: float = 0.7
    sleep_alert_days: int = 3  # amber sleep this many nights running raises an alert
    subjective_amber: float = 3.0  # 1-4 scales, 1 = good; mean >= 3 is poor, any 4 counts as amber

    # --- readiness (Section 11 §4.21 ladder, fixed) -------------------------------------------------------
    readiness_amber_count: int = 2  # ambers that turn "go" into "modify"
    readiness_amber_count_build: int = 3
    readiness_amber_count_taper: int = 1
    readiness_tsb_red: float = -30.0
    readiness_tsb_amber: float = -20.0
    readiness_tsb_amber_taper: float = -10.0

    # --- phase detection / races -----------------------------------------------------------------------
    phase_weeks: int = 4
    phase_min_days: int = 14
    phase_slope_build: float = 1.0  # CTL points per week
    phase_slope_recovery: float = -1.0
    phase_hard_build: float = 1.5  # hard days per week
    phase_hard_recovery: float = 0.5  # recovery phase: fewer hard days per week than this
    phase_min_weeks_trend: int = 3  # complete weeks needed for a weekly load trend and "high" confidence
    phase_load_trend_build: float = 0.05  # weekly load rising >= 5 %/week of its mean counts as building
    phase_deload_ratio: float = 0.8  # week load <= 80 % of the prior 3 weeks' mean
    phase_peak_ctl_frac: float = 0.95
    race_horizon_days: int = 90
    taper_days: int = 14  # A race within 14 days
    peak_days: int = 21
    race_week_days: int = 7
    race_short_s: float = 5400.0  # expected race duration < 90 min: "short_intense"
    race_long_s: float = 3 * 3600.0  # > 3 h: "long_endurance"; in between "medium"
    race_b_form_shift: float = -5.0  # B races aim 5 points lower than A races
    race_tsb_target: Any = field(
        default_factory=lambda: _ro(
            {"short_intense": (5.0, 15.0), "medium": (10.0, 20.0), "long_endurance": (10.0, 25.0)}
        )
    )
    race_week_budget: Any = field(
        default_factory=lambda: _ro({"RACE_A": (0.40, 0.55), "RACE_B": (0.50, 0.65), "RACE_C": (0.70, 0.90)})
    )

    # --- health context (SICK / INJURED calendar entries, wellness injury score) ----------------------------
    health_recent_days: int = 14  # an illness that ended within 14 days is "recent"
    health_upcoming_days: int = 14
    health_injury_score: float = 3.0  # wellness injury >= 3 (1-4, 1 = none) today triggers clarification

    # --- compliance -----------------------------------------------------------------------------------------
    compliance_done_frac: float = 0.8  # >= 80 % of planned load/time counts as completed
    compliance_partial_frac: float = 0.5

    # --- coach console: session chips and squad triage (docs/coach.md) ---------------------------------
    # A session is "done as planned" when its duration and (comparable) load are each within +-15 % of plan
    # and the main set met its target; the +-15 % band is the rule, wide enough for the usual spread
    # of a planned vs recorded session (warm-up length, stops, GPS/pace noise), narrow enough to catch a
    # dropped repeat (a 4x8 done as 3x8 is -20 % of work time) or a ride done an IF step too hard.
    chip_tolerance: float = 0.15
    # Main set without interval data: session IF (power or pace basis) or average HR (HR basis) within +-5 %
    # of the planned value. 5 % of IF is about one Coggan zone's half-width at threshold.
    chip_intensity_tolerance: float = 0.05
    # Main set with interval data: a work interval hits when its NP (power), speed (pace) or average HR lies
    # within the target range widened by 5 % on each side (outdoor power varies with terrain; power meters
    # are +-1-2 %; 5 % is a third of a Coggan zone's width) ...
    chip_target_margin: float = 0.05
    # ... and the main set is met when >= 80 % of the planned work repeats were done on target.
    chip_reps_hit_frac: float = 0.8
    triage_days: int = 7  # chips counted for triage: the last 7 days up to yesterday (today may be pending)
    triage_missed_warning: int = 2  # missed sessions in those days: 1 = info, >= 2 = warning
    triage_off_plan_warning: int = 2  # sessions over target (or shortened) in those days: >= 2 = warning
    triage_poor_sleep_h: float = 6.0  # last night under 6 h counts as poor sleep (Hirshkowitz 2015: 7-9 h)
    triage_sore_score: float = 4.0  # wellness soreness or fatigue 4 of 4 (1 = good) is a subjective alarm
    # The squad row's "next key session": the first planned workout ahead that is hard (planned IF >= 0.85,
    # tempo/threshold and above on Coggan's scale, metrics.md §6) or long (>= 1.5 x the median planned
    # duration of the next 14 days' workouts): the sessions a coach checks the athlete is fresh for.
    squad_key_session_if: float = 0.85
    squad_key_session_long: float = 1.5
    # Season view's suggested transition: base turns to build when the next A race is 12 weeks away or less
    # (Friel's Training Bible: a build of 8-12 weeks, then peak and taper), and a build that has had no
    # lighter week for 3 complete weeks gets a deload week (the 3:1 loading pattern).
    season_build_days: int = 84
    season_weeks_before_deload: int = 3

    # --- digest ---------------------------------------------------------------------------------------------
    projection_days: int = 14  # CTL/ATL/form projected this far with the planned calendar
    deload_context_ratio: float = 0.8  # 7-day load below 80 % of the 28-day weekly mean = deload context

    def seiler_for(self, basis: str, family: str | None = None) -> tuple[float, float]:
        if basis == "pace" and family == "swim" and "pace_swim" in self.seiler_bounds:
            return tuple(self.seiler_bounds["pace_swim"])  # type: ignore[return-value]
        return tuple(self.seiler_bounds[basis])  # type: ignore[return-value]

    def preference_for(self, family: str | None) -> tuple[str, ...]:
        return tuple(self.basis_preference_by_sport.get(family or "", self.basis_preference))


DEFAULT_SETTINGS = AnalyticsSettings()
