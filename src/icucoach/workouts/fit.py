"""FIT workout file export with the pinned ``fit-tool`` library (and a decoder used by tests and CLI).

Owns the mapping to FIT ``workout_step`` messages: time/distance/open (lap button) durations, repeat
blocks as a trailing ``repeat_until_steps_cmplt`` step pointing back at the block's first step, and
targets in FIT's conventions (power: 0-1000 = % FTP, +1000 = watts; heart rate: 0-100 = % max HR,
+100 = bpm; speed in m/s; zones as zone numbers).
"""

from __future__ import annotations

import time

from fit_tool.fit_file import FitFile
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    WorkoutStepDuration,
    WorkoutStepTarget,
)

from .doc import _phase
from .model import Repeat, Section, Step, Target, Workout, sport_family
from .resolve import Thresholds, hr_bpm, pace_speed, power_pct

_SPORT = {"ride": Sport.CYCLING, "run": Sport.RUNNING, "swim": Sport.SWIMMING}
_INTENSITY = {
    "active": Intensity.ACTIVE,
    "rest": Intensity.REST,
    "warmup": Intensity.WARMUP,
    "cooldown": Intensity.COOLDOWN,
    "recovery": Intensity.RECOVERY,
    "interval": Intensity.INTERVAL,
    "other": Intensity.OTHER,
}


def _power_numbers(t: Target, th: Thresholds) -> tuple[int, int] | None:
    """FIT power bounds: % FTP as 0-1000, watts as 1000 + W; %MMP and custom zones resolved first."""
    if t.units in ("%ftp", "w"):
        off = 1000 if t.units == "w" else 0
        return int(round(t.low)) + off, int(round(t.high)) + off
    pct = power_pct(t, th)
    if pct is not None:
        return int(round(min(pct))), int(round(max(pct)))
    best = th.mmp_watts(t.secs) if t.units == "%mmp" and t.secs else None
    if best is None:
        return None
    return int(round(t.low * best / 100)) + 1000, int(round(t.high * best / 100)) + 1000


def _set_target(m: WorkoutStepMessage, s: Step, th: Thresholds) -> None:
    if s.power is not None and not s.freeride:
        t = s.power
        m.target_type = WorkoutStepTarget.POWER
        if t.units == "power_zone":
            m.target_power_zone = int(t.low)
            return
        m.target_value = 0
        lo_hi = _power_numbers(t, th)
        if lo_hi is None:  # validate(export="fit") refuses this before a file is written
            m.target_type = WorkoutStepTarget.OPEN
            return
        m.custom_target_power_low, m.custom_target_power_high = lo_hi
        return
    if s.hr is not None:
        t = s.hr
        m.target_type = WorkoutStepTarget.HEART_RATE
        if t.units == "hr_zone":
            m.target_hr_zone = int(t.low)
            return
        m.target_value = 0
        if t.units == "%hr":
            lo, hi = int(round(t.low)), int(round(t.high))
        else:
            bpm = hr_bpm(t, th)
            if bpm is None:
                m.target_type = WorkoutStepTarget.OPEN
                return
            lo, hi = sorted(int(round(x)) + 100 for x in bpm)
        m.custom_target_heart_rate_low, m.custom_target_heart_rate_high = lo, hi
        return
    if s.pace is not None:
        v = pace_speed(s.pace, th)
        if v:
            m.target_type = WorkoutStepTarget.SPEED
            m.target_value = 0
            m.custom_target_speed_low, m.custom_target_speed_high = sorted(v)
            return
    if s.cadence is not None:
        m.target_type = WorkoutStepTarget.CADENCE
        m.target_value = 0
        m.custom_target_cadence_low = int(round(s.cadence.low))
        m.custom_target_cadence_high = int(round(s.cadence.high))
        return
    m.target_type = WorkoutStepTarget.OPEN
    m.target_value = 0


def _step(s: Step, index: int, th: Thresholds, phase: str | None) -> WorkoutStepMessage:
    m = WorkoutStepMessage()
    m.message_index = index
    if s.text:
        m.workout_step_name = s.text[:50]
    intensity = s.intensity or phase
    m.intensity = _INTENSITY.get(intensity or "active", Intensity.ACTIVE)
    if s.until_lap_press:
        m.duration_type = WorkoutStepDuration.OPEN
        m.duration_value = 0
    elif s.distance is not None:
        m.duration_type = WorkoutStepDuration.DISTANCE
        m.duration_distance = float(s.distance.metres)
    else:
        m.duration_type = WorkoutStepDuration.TIME
        m.duration_time = float(s.duration or 0)
    _set_target(m, s, th)
    return m


def to_fit(
    w: Workout, name: str = "Workout", sport: str | None = None, sport_settings: dict | None = None
) -> bytes:
    """The workout as a FIT workout file."""
    sport = sport or w.sport
    th = Thresholds.from_settings(sport_settings, sport)
    msgs: list[WorkoutStepMessage] = []
    section = None
    for it in w.items:
        if isinstance(it, Section):
            section = it.text
        elif isinstance(it, Step):
            msgs.append(_step(it, len(msgs), th, _phase(section)))
        elif isinstance(it, Repeat) and it.steps:
            first = len(msgs)
            for s in it.steps:
                msgs.append(_step(s, len(msgs), th, None))
            rep = WorkoutStepMessage()
            rep.message_index = len(msgs)
            rep.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
            rep.duration_step = first
            rep.target_repeat_steps = max(1, it.reps)
            msgs.append(rep)
    fid = FileIdMessage()
    fid.type = FileType.WORKOUT
    fid.manufacturer = Manufacturer.DEVELOPMENT.value
    fid.product = 0
    fid.serial_number = 0x1C0C0AC
    fid.time_created = round(time.time() * 1000)
    wm = WorkoutMessage()
    wm.workout_name = name[:50]
    wm.sport = _SPORT.get(sport_family(sport), Sport.GENERIC)
    wm.num_valid_steps = len(msgs)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    builder.add(fid)
    builder.add(wm)
    builder.add_all(msgs)
    return builder.build().to_bytes()


def read_fit_steps(data: bytes) -> list[dict]:
    """Decode the workout steps of a FIT file into plain dicts (for tests and ``convert`` checks)."""
    ff = FitFile.from_bytes(data)
    out = []
    for rec in ff.records:
        msg = rec.message
        if isinstance(msg, WorkoutStepMessage):
            out.append(
                {
                    "index": msg.message_index,
                    "name": msg.workout_step_name,
                    "duration_type": msg.duration_type,
                    "duration_time": msg.duration_time,
                    "duration_distance": msg.duration_distance,
                    "duration_step": msg.duration_step,
                    "repeat_steps": msg.target_repeat_steps,
                    "target_type": msg.target_type,
                    "power_low": msg.custom_target_power_low,
                    "power_high": msg.custom_target_power_high,
                    "hr_low": msg.custom_target_heart_rate_low,
                    "hr_high": msg.custom_target_heart_rate_high,
                    "speed_low": msg.custom_target_speed_low,
                    "speed_high": msg.custom_target_speed_high,
                    "intensity": msg.intensity,
                }
            )
    return out
