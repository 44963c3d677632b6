"""Workouts benchmark: parse + validate + print throughput over the template library, and enrich_event."""

from __future__ import annotations

import time

from icucoach.workouts import enrich_event, parse, render, validate
from icucoach.workouts.templates import TEMPLATES

_SS = {
    "Ride": {"ftp": 250, "lthr": 165, "max_hr": 185},
    "Run": {"lthr": 170, "max_hr": 190, "threshold_pace": 3.7},
    "Swim": {"threshold_pace": 1.0, "pace_units": "SECS_100M"},
}


def _rate(fn, items, min_seconds: float = 1.0) -> float:
    n, started = 0, time.perf_counter()
    while True:
        for it in items:
            fn(it)
        n += len(items)
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return n / elapsed


def run(report) -> None:
    corpus = [(t.text(), t.sport) for t in TEMPLATES.values()]
    report("templates", len(corpus), "workouts")
    report("mean text size", sum(len(t) for t, _ in corpus) / len(corpus), "chars")

    def full(item):
        text, sport = item
        w = parse(text, sport)
        validate(text, sport, _SS[sport])
        render(w)

    report("parse + validate + print", _rate(full, corpus), "workouts/s")
    report("parse only", _rate(lambda it: parse(it[0], it[1]), corpus), "workouts/s")
    report(
        "enrich_event (doc + totals)",
        _rate(lambda it: enrich_event(it[0], it[1], _SS[it[1]]), corpus),
        "workouts/s",
    )
