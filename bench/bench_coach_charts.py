"""Coach console charts benchmark: render time of each chart (deterministic synthetic inputs built here).

Figures: the PMC chart for 120 days as SVG (it is on the month page's path: goal well under 100 ms) and as
PNG (the MCP image content), the weekly volume chart, the zones chart and a 4x8 min workout review chart.
Each is the median of several renders after one warm-up render (font cache, imports).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from icucoach.analytics.step_review import review_steps
from icucoach.coach.charts import pmc_chart, pmc_png, review_chart, volume_chart, zones_chart
from icucoach.workouts import enrich_event

TODAY = date(2026, 11, 23)
DAYS = 120
RIDE = {"types": ["Ride"], "ftp": 250, "lthr": 165, "power_zones": [55, 75, 90, 105, 120, 150, 999]}


def _series(days: int = DAYS) -> dict[str, Any]:
    """CTL/ATL/TSB from a repeating 3-hard/1-easy week pattern (no randomness: the same figures each run)."""
    start = TODAY - timedelta(days=days - 1)
    ctl = atl = 45.0
    out: dict[str, list[Any]] = {"days": [], "ctl": [], "atl": [], "tsb": [], "load": []}
    for i in range(days):
        week_easy = (i // 7) % 4 == 3
        load = None if i % 7 == 0 else (40.0 if week_easy else 60.0 + 40.0 * (i % 3))
        out["tsb"].append(ctl - atl)  # form is yesterday's fitness minus fatigue
        ctl += ((load or 0.0) - ctl) / 42
        atl += ((load or 0.0) - atl) / 7
        out["days"].append(start + timedelta(days=i))
        out["ctl"].append(ctl)
        out["atl"].append(atl)
        out["load"].append(load)
    return out


def _median_ms(fn: Callable[[], object], n: int = 7) -> float:
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def run(report: Callable[..., None]) -> None:
    s = _series()
    races = [(TODAY + timedelta(days=-10), "Race B")]
    phases = [(s["days"][0], s["days"][60], "base"), (s["days"][60], TODAY, "build")]

    def pmc() -> str:
        return pmc_chart(s["days"], s["ctl"], s["atl"], s["tsb"], s["load"], races=races, phases=phases)

    report(f"pmc_chart SVG, {DAYS} days (goal < 100)", _median_ms(pmc), "ms")
    report("pmc_chart SVG size", len(pmc()) // 1024, "KiB")
    report(
        f"pmc_png, {DAYS} days",
        _median_ms(lambda: pmc_png(s["days"], s["ctl"], s["atl"], s["tsb"], s["load"], races=races), 3),
        "ms",
    )
    weeks = s["days"][::7][-12:]
    report(
        "volume_chart, 12 weeks x 3 sports",
        _median_ms(lambda: volume_chart(weeks, {"Ride": [6.0] * 12, "Run": [3.0] * 12, "Swim": [1.5] * 12})),
        "ms",
    )
    report(
        "zones_chart, 7 zones",
        _median_ms(
            lambda: zones_chart(
                [600, 1800, 900, 1440, 0, 0, 0],
                [700, 1500, 1000, 1380, 120, 0, 0],
                [f"Z{i}" for i in range(1, 8)],
            )
        ),
        "ms",
    )
    doc = enrich_event(
        "Warmup\n- 10m 60%\n\nMain set 4x\n- 8m 95-105%\n- 4m 55%\n\nCooldown\n- 10m 50%", "Ride", RIDE
    )["workout_doc"]
    laps = [{"type": "RECOVERY", "moving_time": 600, "weighted_average_watts": 150}]
    for w in (250, 252, 248, 225):
        laps += [
            {"type": "WORK", "moving_time": 480, "weighted_average_watts": w, "average_heartrate": 160},
            {"type": "RECOVERY", "moving_time": 240, "weighted_average_watts": 130},
        ]
    laps.append({"type": "RECOVERY", "moving_time": 600, "weighted_average_watts": 120})
    rv = review_steps(doc, laps, sport_settings=RIDE, activity={"type": "Ride", "icu_ftp": 250})
    report("review_steps, 4x8 min", _median_ms(lambda: review_steps(doc, laps, sport_settings=RIDE)), "ms")
    report("review_chart, 4x8 min", _median_ms(lambda: review_chart(rv)), "ms")
