"""1 Hz streams for one session, from a simple physiological model (deterministic for a given seed).

Power (rides) follows the planned steps with outdoor variability and coasting; speed comes from power and
gradient (rides) or from the target speed slowed by gradient (runs); heart rate is a lagged response to
intensity with cardiac drift that grows with duration and fatigue; cadence, altitude, distance and position
follow. Summary fields are computed from these arrays, so streams and summaries always agree.
Optional sensor streams (running dynamics, DFA a1 and its artifact rate, core temperature) come from
``extras``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from icucoach.analytics.filters import first_order
from icucoach.sandbox.generate.sessions import Session

G = 9.81
RHO = 1.2


@dataclass(frozen=True)
class Physiology:
    """The athlete's state on the day: thresholds and freshness."""

    ftp: float | None
    run_speed: float | None
    css: float | None
    lthr: int
    max_hr: int
    resting_hr: int
    weight: float
    fatigue: float  # 0 = fresh, ~1 = very fatigued (from TSB); raises HR drift


def _ar1(rng: np.random.Generator, n: int, sd: float, phi: float) -> np.ndarray:
    e = rng.normal(0.0, sd * np.sqrt(1 - phi * phi), n)
    return first_order(e, phi, 1.0)


def _intensity_profile(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """Per-second planned intensity (fraction of threshold) and the step index each second belongs to."""
    parts, idx = [], []
    for k, st in enumerate(session.segments()):
        parts.append(np.linspace(st.lo, st.hi, st.secs) if st.hi != st.lo else np.full(st.secs, st.lo))
        idx.append(np.full(st.secs, k))
    return np.concatenate(parts), np.concatenate(idx)


def _gradient(rng: np.random.Generator, n: int, terrain: str) -> np.ndarray:
    amp = {"flat": 0.004, "rolling": 0.02, "hilly": 0.045}[terrain]
    t = np.arange(n)
    g = np.zeros(n)
    for period in (900, 2400, 5400):
        g += amp / 3 * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi)) * rng.uniform(0.6, 1.4)
    return g


def _bike_speed(power: np.ndarray, grade: np.ndarray, mass: float) -> np.ndarray:
    """Steady-state speed for power on a grade (Newton iterations on the cubic power equation)."""
    cda, crr, eta = 0.32, 0.0045, 0.97
    v = np.full(power.shape, 8.0)
    p = power * eta
    for _ in range(8):
        f = 0.5 * RHO * cda * v**3 + mass * G * (crr + grade) * v - p
        df = 1.5 * RHO * cda * v**2 + mass * G * (crr + grade)
        v = np.clip(v - f / np.maximum(df, 1.0), 1.0, 22.0)
    return v


def render(session: Session, phys: Physiology, seed: int) -> dict[str, np.ndarray]:
    """The core streams: time, watts (rides), heartrate, cadence, velocity_smooth, distance, altitude."""
    rng = np.random.default_rng(seed)
    rel, _ = _intensity_profile(session)
    n = len(rel)
    t = np.arange(n, dtype=float)
    out: dict[str, np.ndarray] = {"time": t}
    sport = session.sport
    grade = _gradient(rng, n, session.terrain) if not session.indoor else np.zeros(n)

    if sport in ("Ride", "VirtualRide"):
        ftp = phys.ftp or 200.0
        sd = 0.035 if session.indoor else 0.11 if session.terrain != "hilly" else 0.16
        noise = _ar1(rng, n, sd, 0.9)
        power = ftp * rel * (1 + noise + (grade * 4 if not session.indoor else 0))
        if not session.indoor:  # descents and junctions: coasting at zero watts
            coast = (grade < -0.02) & (rng.random(n) < 0.7)
            power[coast] = 0.0
        power = np.clip(power, 0, None).round()
        out["watts"] = power
        speed = _bike_speed(np.maximum(power, 30.0), grade, phys.weight + 8.5)
        out["cadence"] = np.where(
            power > 0, np.clip(88 + _ar1(rng, n, 4, 0.95) - grade * 150, 50, 120), 0
        ).round()
    elif sport in ("Run", "TrailRun"):
        base = (phys.run_speed or 3.5) * rel
        speed = base * (1 - 2.5 * grade) * (1 + _ar1(rng, n, 0.025, 0.95))
        if sport == "TrailRun":
            speed *= 0.85
        speed = np.clip(speed, 0.8, 7.5)
        out["cadence"] = np.clip(164 + 12 * (rel - 0.75) / 0.3 + _ar1(rng, n, 2.0, 0.9), 140, 200).round()
    elif sport == "Swim":
        speed = np.where(rel > 0, (phys.css or 0.9) * rel * (1 + _ar1(rng, n, 0.02, 0.9)), 0.0)
        out["cadence"] = np.where(rel > 0, 28 + 8 * rel, 0).round()
    else:  # strength: heart rate only
        speed = None

    # heart rate: steady state from intensity, first-order lag (~25 s), drift with time and fatigue
    effort = rel if sport != "WeightTraining" else 0.55 + 0.25 * (np.sin(t / 95) > 0.3)
    hr_ss = phys.resting_hr + (phys.lthr - phys.resting_hr) * (0.28 + 0.72 * effort)
    drift = 1 + (0.035 + 0.03 * phys.fatigue) * (t / 3600.0)
    target = np.minimum(hr_ss * drift, phys.max_hr)
    a = np.exp(-1 / 25.0)
    hr = first_order(target, a, 1 - a, y0=phys.resting_hr + 20)
    out["heartrate"] = np.clip(hr + _ar1(rng, n, 1.5, 0.8), phys.resting_hr, phys.max_hr).round()

    if speed is not None:
        out["velocity_smooth"] = np.round(speed, 3)
        dist = np.cumsum(speed)
        out["distance"] = np.round(dist, 1)
        if not session.indoor:
            out["altitude"] = np.round(40 + np.cumsum(grade * speed), 1)
    return out


def extras(
    session: Session, core: dict[str, np.ndarray], seed: int, lthr: float | None = None
) -> dict[str, np.ndarray]:
    """Sensor streams some devices add: running dynamics, DFA a1 with AlphaHRV's artifact rate, core
    temperature."""
    rng = np.random.default_rng(seed + 7)
    n = len(core["time"])
    out: dict[str, np.ndarray] = {}
    hr = core["heartrate"]
    if session.sport in ("Run", "TrailRun") and "velocity_smooth" in core:
        v = core["velocity_smooth"]
        out["stance_time"] = np.round(np.clip(330 - 30 * v + _ar1(rng, n, 6, 0.8), 180, 340))  # ms
        out["vertical_oscillation"] = np.round(
            np.clip(7.5 + 0.4 * v + _ar1(rng, n, 0.3, 0.8), 5, 13), 1
        )  # cm
    # DFA a1 falls with intensity: ~1.0 at 80 % of LTHR, 0.75 (HRVT1) at 90 %, 0.5 (HRVT2) at LTHR
    # (Rogers et al. 2021); beat artifacts give outliers the chart must ignore
    hr_frac = (hr - hr.min()) / max(1.0, hr.max() - hr.min())
    level = 0.5 + 2.5 * (1 - hr / lthr) if lthr else 1.25 - 0.8 * hr_frac
    dfa = np.clip(level + _ar1(rng, n, 0.05, 0.97), 0.2, 1.6)
    glitches = rng.random(n) < 0.004
    dfa[glitches] = rng.uniform(0.05, 2.0, int(glitches.sum()))
    # AlphaHRV's artifacts stream: % of beats corrected in its window. Low while the strap is wet and
    # settled, high for the first minutes (dry electrodes) and around each glitch, where a1 is noise.
    art_rng = np.random.default_rng(seed + 13)
    artifacts = np.abs(_ar1(art_rng, n, 0.6, 0.9)) + 0.3
    settle = int(art_rng.integers(0, 300))
    artifacts[:settle] += np.linspace(15.0, 0.0, settle)
    dfa[:settle] = np.clip(dfa[:settle] + art_rng.normal(0, 0.25, settle), 0.2, 1.6)
    artifacts[glitches] = art_rng.uniform(6.0, 30.0, int(glitches.sum()))
    out["dfa_a1"] = np.round(dfa, 3)
    out["artifacts"] = np.round(artifacts, 1)
    out["core_temperature"] = np.round(37.0 + 1.6 * (1 - np.exp(-core["time"] / 1800)) * (0.5 + hr_frac), 2)
    return out


def latlng(
    session: Session, core: dict[str, np.ndarray], seed: int, home: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray] | None:
    """A plausible GPS track (a wandering loop) consistent with the distance stream; None when indoors."""
    if session.indoor or "distance" not in core:
        return None
    rng = np.random.default_rng(seed + 11)
    d = core["distance"]
    heading = np.cumsum(_ar1(rng, len(d), 0.02, 0.995)) + rng.uniform(0, 2 * np.pi)
    step = np.diff(d, prepend=0.0)
    north = np.cumsum(step * np.cos(heading))
    east = np.cumsum(step * np.sin(heading))
    lat = home[0] + north / 111_320.0
    lng = home[1] + east / (111_320.0 * np.cos(np.radians(home[0])))
    return np.round(lat, 6), np.round(lng, 6)
