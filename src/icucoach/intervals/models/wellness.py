"""Wellness: one record per athlete-local day, ``id`` = ``YYYY-MM-DD`` (spec ``Wellness``, ``SportInfo``).

Fitness lives here (there is no ``/fitness`` endpoint): ``ctl`` (fitness), ``atl`` (fatigue), ``rampRate``;
form is ``ctl - atl``. Subjective scales (soreness, fatigue, stress, mood, motivation) run 1-4, 1 = good.
``hrv`` is rMSSD, ``hrvSDNN`` the SDNN some watches report instead.
"""

from __future__ import annotations

from datetime import date

from icucoach.intervals.models.base import ApiModel


class SportInfo(ApiModel):
    type: str | None = None
    eftp: float | None = None
    wPrime: float | None = None
    pMax: float | None = None


class Wellness(ApiModel):
    id: str
    ctl: float | None = None
    atl: float | None = None
    rampRate: float | None = None
    ctlLoad: float | None = None
    atlLoad: float | None = None
    sportInfo: list[SportInfo] | None = None
    updated: str | None = None
    weight: float | None = None
    restingHR: int | None = None
    hrv: float | None = None
    hrvSDNN: float | None = None
    menstrualPhase: str | None = None
    menstrualPhasePredicted: str | None = None
    kcalConsumed: int | None = None
    sleepSecs: int | None = None
    sleepScore: float | None = None
    sleepQuality: int | None = None
    avgSleepingHR: float | None = None
    soreness: int | None = None
    fatigue: int | None = None
    stress: int | None = None
    mood: int | None = None
    motivation: int | None = None
    injury: int | None = None
    spO2: float | None = None
    systolic: int | None = None
    diastolic: int | None = None
    hydration: int | None = None
    hydrationVolume: float | None = None
    readiness: float | None = None
    baevskySI: float | None = None
    bloodGlucose: float | None = None
    lactate: float | None = None
    bodyFat: float | None = None
    abdomen: float | None = None
    vo2max: float | None = None
    comments: str | None = None
    steps: int | None = None
    respiration: float | None = None
    carbohydrates: float | None = None
    protein: float | None = None
    fatTotal: float | None = None
    locked: bool | None = None
    tempWeight: bool | None = None
    tempRestingHR: bool | None = None

    @property
    def local_date(self) -> date:
        return date.fromisoformat(self.id[:10])

    @property
    def form(self) -> float | None:
        """Form (TSB) = fitness - fatigue; None when either is missing."""
        return None if self.ctl is None or self.atl is None else self.ctl - self.atl

    def sport_info(self) -> list[SportInfo]:
        return list(self.sportInfo or [])


__all__ = ["SportInfo", "Wellness"]
