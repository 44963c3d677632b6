"""icucoach.analytics: every derived training metric, pure and tested (numpy/scipy, no I/O).

Entry point for adapters: ``status.training_status(...) -> TrainingStatus`` (``.to_dict()`` for JSON).
Thresholds: ``settings.AnalyticsSettings``. Results: ``result.Metric`` (value, unit, reason, provenance).
Inputs: ``inputs`` (typed dataclasses and Intervals.icu API converters, Strava stubs, dedupe).
Load: ``days``, ``load`` (CTL/ATL/form/ramp/projection), ``acwr``, ``monotony``.
Intensity: ``zones`` (zone models mapped by boundary), ``tid`` (Seiler TID, PI, drift, hard days).
Streams: ``power``, ``hr``, ``wbal``, ``curves``, ``activity`` (one-call summary).
Performance: ``cp`` (CP fits, benchmark index), ``running`` (Riegel, VDOT),
``capability`` (decoupling and EF trends).
Recovery and decisions: ``recovery``, ``readiness`` (decision, alerts), ``phase``, ``races``, ``health``,
``compliance``.
Formulas, windows and bands: ``docs/metrics.md``.
"""
