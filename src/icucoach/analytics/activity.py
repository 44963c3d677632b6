"""One activity's stream metrics in a single call, for post-workout analysis (the MCP server, the mirror).

Streams are 1 Hz arrays (gaps filled with 0): power (W), heart rate (bpm), speed (m/s). Every entry is a
``Metric`` with ``null`` and a reason when a stream or threshold is missing, so an adapter never computes
anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from icucoach.analytics.curves import durability
from icucoach.analytics.hr import decoupling, hr_drift, hrss, trimp
from icucoach.analytics.power import mean_max, power_summary
from icucoach.analytics.result import Metric
from icucoach.analytics.settings import DEFAULT_SETTINGS, AnalyticsSettings
from icucoach.analytics.wbal import wbal_differential, wbal_integral

Stream = Sequence[float] | np.ndarray | None


def activity_metrics(
    power: Stream = None,
    hr: Stream = None,
    speed: Stream = None,
    *,
    ftp: float | None = None,
    cp: float | None = None,
    w_prime: float | None = None,
    lthr: float | None = None,
    hr_rest: float | None = None,
    hr_max: float | None = None,
    sex: str = "M",
    settings: AnalyticsSettings = DEFAULT_SETTINGS,
) -> dict[str, Any]:
    """NP/IF/TSS/VI/xPower/EF/work, TRIMP/HRSS, decoupling, HR drift, W' balance, power curve, durability."""
    s = settings
    out: dict[str, Any] = {}
    p = None if power is None else np.asarray(power, dtype=float)
    h = None if hr is None else np.asarray(hr, dtype=float)
    v = None if speed is None else np.asarray(speed, dtype=float)
    has_p = p is not None and len(p) > 0 and bool(np.any(p > 0))
    has_h = h is not None and len(h) > 0 and bool(np.any(h > 0))
    if has_p:
        assert p is not None
        out.update(power_summary(p, ftp, h if has_h else None))
        durs = [d for d in s.curve_durations if d <= len(p)]
        out["power_curve"] = {"secs": durs, "watts": [float(x) for x in mean_max(p, durs, monotone=True)]}
        out["durability"] = durability(p, h if has_h else None, settings=s)
        cp_used = cp or ftp
        if cp_used and w_prime:
            integral = wbal_integral(p, cp_used, w_prime, settings=s)
            out["wbal"] = {
                "integral": integral.to_dict(),
                "differential": wbal_differential(p, cp_used, w_prime).to_dict(),
                "cp_w": cp_used,
                "cp_source": "CP" if cp else "FTP as CP",
            }
        else:
            out["wbal"] = None
            out["wbal_reason"] = "needs CP (or FTP) and W'"
    if has_h:
        assert h is not None
        out["hr_drift"] = hr_drift(h, s)
        if hr_rest and hr_max and hr_max > hr_rest:
            tr = trimp(h, hr_rest, hr_max, sex, settings=s)
            prov: dict[str, Any] = {
                "hr_rest": hr_rest,
                "hr_max": hr_max,
                "lthr": lthr,
                "sex": sex,
                "form": "per-sample",
            }
            out["trimp"] = Metric.of("trimp", tr, "TRIMP", **prov)
            out["hrss"] = Metric.of("hrss", hrss(tr, hr_rest, hr_max, lthr, sex, s), "HRSS", **prov)
        else:
            why = "needs resting and maximum HR"
            out["trimp"] = Metric.none("trimp", why, "TRIMP")
            out["hrss"] = Metric.none("hrss", why, "HRSS")
        if has_p:
            assert p is not None
            out["decoupling_pw_hr"] = decoupling(p, h, "Pw:HR", s)
        if v is not None and len(v) and bool(np.any(v > 0)):
            out["decoupling_pa_hr"] = decoupling(v, h, "Pa:HR", s, check_steady=False)
    if not has_p and not has_h:
        out["reason"] = "no power or heart-rate stream"
    return out
