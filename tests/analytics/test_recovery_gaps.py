"""Recovery signals pinned where a mutation run (mutmut over analytics/recovery.py) found them unchecked.

Every expected value is worked out by hand from the definitions in docs/metrics.md (ln rMSSD baselines over
the previous 7 days, normal range = 60-day mean +- 0.5 SD with the sample SD, RHR delta vs the previous 7
days' mean, Recovery Index = HRV ratio / RHR ratio), never by calling the code under test another way.
"""

from __future__ import annotations

import math
import statistics
from datetime import date, timedelta

import pytest

from icucoach.analytics.recovery import (
    hrv_status,
    recovery,
    recovery_index,
    rhr_signal,
    sleep_signal,
    subjective_signal,
)

from .helpers import D0, well

TODAY = D0 + timedelta(days=70)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def series(values: list[float], attr: str = "hrv", end: date = TODAY) -> list:
    """One reading a day ending on ``end`` (the last value is ``end``'s)."""
    n = len(values)
    return [well(end - timedelta(days=n - 1 - i), **{attr: v}) for i, v in enumerate(values)]


# --- HRV ---


@pytest.mark.parametrize(("reading", "kept"), [(10.0, True), (250.0, True), (9.99, False), (250.01, False)])
def test_hrv_plausible_range_is_inclusive(reading: float, kept: bool) -> None:
    h = hrv_status([well(TODAY, hrv=reading)], TODAY)
    assert (h.today.value == reading) is kept
    assert (h.basis == "rmssd") is kept


def test_today_metric_carries_its_value_unit_and_provenance() -> None:
    h = hrv_status(series([50.0, 50.0, 50.0, 45.0]), TODAY)
    assert (h.today.value, h.today.unit) == (45.0, "ms")
    assert h.baseline_7d.unit == "ms" and h.baseline_7d.inputs["n"] == 3
    assert h.delta_pct.inputs["today_excluded_from_baseline"] is True
    missing = hrv_status(series([50.0, 50.0, 50.0], end=day(-1)), TODAY)
    assert missing.today.value is None and missing.today.reason == "no reading today"


def test_three_prior_readings_are_enough_for_a_baseline_and_a_rolling_mean() -> None:
    h = hrv_status(series([50.0, 50.0, 50.0, 40.0]), TODAY)
    assert h.baseline_7d.value == pytest.approx(50.0)
    assert h.delta_pct.value == pytest.approx(-20.0)
    # rolling 7-day mean of ln over the days ending today: 3 readings (days -2..0) are enough
    h3 = hrv_status(series([50.0, 50.0, 40.0]), TODAY)
    assert h3.rolling_7d_ln.value == pytest.approx((2 * math.log(50) + math.log(40)) / 3)
    assert h3.delta_pct.value is None  # only 2 prior readings


def test_normal_range_is_the_60_day_mean_plus_minus_half_the_sample_sd_of_ln() -> None:
    # exactly 14 readings before today (the minimum), varied so the SD is not 0, then today
    before = [40.0 + 3 * (i % 5) for i in range(14)]
    h = hrv_status(series([*before, 50.0]), TODAY)
    logs = [math.log(v) for v in before]
    mu, sd = statistics.fmean(logs), statistics.stdev(logs)
    assert h.normal_low_ln == pytest.approx(mu - 0.5 * sd)
    assert h.normal_high_ln == pytest.approx(mu + 0.5 * sd)
    rolling = statistics.fmean([*logs[-6:], math.log(50.0)])
    expected = "below" if rolling < mu - 0.5 * sd else "above" if rolling > mu + 0.5 * sd else "within"
    assert h.trend == expected
    assert hrv_status(series([*before[1:], 50.0]), TODAY).normal_low_ln is None  # 13 readings: no range


def test_low_days_count_consecutive_drops_and_stop_at_seven() -> None:
    # 60 ms for weeks, then 40 ms on the last three days: each is >= 10 % below its own previous 7 days
    # (-33.3 %, -29.4 %, -25.1 %), the day before is not (0 %).
    h = hrv_status(series([60.0] * 20 + [40.0] * 3), TODAY)
    assert h.low_days == 3
    # a fall of 15 % every day for 10 days: every day is low; the count looks back one week only
    falling = [60.0] * 20 + [60.0 * 0.85**k for k in range(1, 11)]
    assert hrv_status(series(falling), TODAY).low_days == 7


def _geo_mean_of_last_7(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(v) for v in values[-7:]))


def test_status_ladder_red_needs_a_low_trend_or_two_low_days() -> None:
    steady = [(35.0, 50.0, 70.0)[i % 3] for i in range(42)]  # a wide normal range (ln SD ~0.35)
    base = _geo_mean_of_last_7(steady)
    # one very low day (-25 %): the rolling mean stays within the range and it is the only low day: amber
    one_low = hrv_status(series([*steady, 0.75 * base]), TODAY)
    assert one_low.delta_pct.value == pytest.approx(-25.0)
    assert one_low.low_days == 1 and one_low.trend == "within" and one_low.status == "amber"
    # two very low days running, the rolling mean still within the range: red
    first = 0.75 * base
    second = 0.75 * _geo_mean_of_last_7([*steady, first])
    two_low = hrv_status(series([*steady, first, second]), TODAY)
    assert two_low.low_days == 2 and two_low.trend == "within" and two_low.status == "red"
    # a mild drop (-15 %): amber; none: green
    assert hrv_status(series([*steady, 0.85 * base]), TODAY).status == "amber"
    assert hrv_status(series([*steady, base]), TODAY).status == "green"
    # no baseline and no range (one reading): unavailable, not green
    assert hrv_status([well(TODAY, hrv=50.0)], TODAY).status == "unavailable"


def test_basis_prefers_rmssd_on_a_tie_and_with_enough_readings() -> None:
    both = [well(day(-i), hrv=50.0, hrv_sdnn=70.0) for i in range(5)]
    assert hrv_status(both, TODAY).basis == "rmssd"
    # 14 rMSSD readings (the minimum for a range) beat 20 SDNN readings
    w = [well(day(-i), hrv=50.0, hrv_sdnn=70.0) for i in range(14)]
    w += [well(day(-i), hrv_sdnn=70.0) for i in range(14, 20)]
    assert hrv_status(w, TODAY).basis == "rmssd"
    # SDNN alone: the SDNN path, never "unavailable"
    only_sdnn = hrv_status([well(TODAY, hrv_sdnn=70.0)], TODAY)
    assert only_sdnn.basis == "sdnn" and only_sdnn.today.value == 70.0


# --- resting HR ---


def test_rhr_delta_baseline_and_persistence() -> None:
    w = series([50.0] * 10 + [56.0] * 3, attr="resting_hr")
    s = rhr_signal(w, TODAY)
    base = (5 * 50 + 2 * 56) / 7  # the 7 days before today
    assert s.value == pytest.approx(56 - base)  # +4.29 bpm: amber (>= 3, < 5)
    assert s.status == "amber" and s.unit == "bpm"
    assert s.detail is not None and s.detail["baseline_bpm"] == round(base, 2) and s.detail["n"] == 7
    # days -2, -1, 0 are each >= 3 bpm above their own previous week (+6, +5.14, +4.29); day -3 is not
    assert s.persistence_days == 3


def test_rhr_needs_three_prior_readings() -> None:
    assert rhr_signal(series([50.0, 50.0, 50.0, 56.0], attr="resting_hr"), TODAY).value == pytest.approx(6.0)
    thin = rhr_signal(series([50.0, 50.0, 56.0], attr="resting_hr"), TODAY)
    assert thin.status == "unavailable" and thin.value is None


# --- sleep ---


def test_sleep_short_nights_count_until_a_night_of_seven_hours() -> None:
    hours = [8.0, 7.0, 6.5, 6.5, 6.9]  # 7.0 h exactly is not short: the streak is the last three nights
    s = sleep_signal(series([h * 3600 for h in hours], attr="sleep_secs"), TODAY)
    assert s.value == pytest.approx(6.9) and s.unit == "h" and s.status == "amber"
    assert s.persistence_days == 3
    assert s.detail == {"mean_7d_h": round(sum(hours) / 5, 2), "n_7d": 5}


# --- Recovery Index ---


def _ri_week(hrv_today: float, rhr_today: float, n_hrv: int = 3, n_rhr: int = 3, sdnn: bool = False) -> list:
    key = "hrv_sdnn" if sdnn else "hrv"
    w = [
        well(day(-i), **({key: 50.0} if i <= n_hrv else {}), **({"resting_hr": 50.0} if i <= n_rhr else {}))
        for i in range(1, 8)
    ]
    return [*w, well(TODAY, **{key: hrv_today}, resting_hr=rhr_today)]


def test_recovery_index_is_the_hrv_ratio_over_the_rhr_ratio() -> None:
    ri = recovery_index(_ri_week(60.0, 50.0), TODAY, "rmssd")
    assert ri.value == pytest.approx((60 / 50) / (50 / 50)) and ri.status == "green"
    assert ri.inputs["hrv_baseline"] == pytest.approx(50.0)
    assert ri.inputs["rhr_baseline"] == pytest.approx(50.0)
    low = recovery_index(_ri_week(40.0, 60.0), TODAY, "rmssd")  # (0.8) / (1.2) = 0.667: amber
    assert low.value == pytest.approx(0.8 / 1.2) and low.status == "amber"


def test_recovery_index_gates_need_both_baselines() -> None:
    assert recovery_index(_ri_week(60.0, 50.0), TODAY, "rmssd").value is not None  # 3 + 3: enough
    assert recovery_index(_ri_week(60.0, 50.0, n_rhr=2), TODAY, "rmssd").value is None
    assert recovery_index(_ri_week(60.0, 50.0, n_hrv=2), TODAY, "rmssd").value is None


def test_recovery_index_follows_the_hrv_basis() -> None:
    sd = recovery_index(_ri_week(70.0, 50.0, sdnn=True), TODAY, "sdnn")
    assert sd.value == pytest.approx(70 / 50) and sd.inputs["hrv_basis"] == "sdnn"
    assert recovery_index(_ri_week(60.0, 50.0), TODAY, None).inputs["hrv_basis"] == "rmssd"


def test_yesterdays_recovery_index_is_yesterdays() -> None:
    w = _ri_week(60.0, 50.0, n_hrv=4, n_rhr=4)
    w = [x for x in w if x.day != day(-1)] + [well(day(-1), hrv=45.0, resting_hr=50.0)]
    rec = recovery(w, TODAY)
    # yesterday: HRV 45 against days -2..-4 (50 each), RHR 50 against 50: 0.9
    assert rec.recovery_index_yesterday.value == pytest.approx(45 / 50)
    assert rec.recovery_index_yesterday.inputs["date"] == day(-1).isoformat()


# --- subjective ---


def test_subjective_mean_of_three_is_amber_and_reported() -> None:
    s = subjective_signal([well(TODAY, soreness=3, fatigue=3, stress=3)], TODAY)
    assert s.status == "amber" and s.value == pytest.approx(3.0) and s.unit == "1-4 (1 = good)"
    assert s.detail == {"scores": {"soreness": 3, "fatigue": 3, "stress": 3}}
    calm = subjective_signal([well(TODAY, soreness=2, fatigue=2, stress=3)], TODAY)
    assert calm.status == "green" and calm.value == pytest.approx(7 / 3)
    none = subjective_signal([well(TODAY)], TODAY)
    assert none.status == "unavailable" and none.detail == {"reason": "no subjective scores today"}
