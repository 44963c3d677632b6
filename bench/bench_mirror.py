"""Mirror benchmark.

1. In process: the three-year sandbox athlete (seed 42, today 2026-11-23) exported three times into a fresh
   store: a first export (whole history), a repeat with nothing new (goal: at most 5 requests), and an
   export after one new activity. Figures: API requests (plus route-file downloads) and wall time of each.
2. Whole process, as a user runs it: ``icucoach export`` started as a command (interpreter start-up and
   imports included) against one sandbox, first export and repeat with nothing new, requests counted at the
   sandbox. With ``ICUCOACH_SECTION11_SYNC=/path/to/sync.py`` (a copy of Section 11's exporter; the bench
   downloads nothing) Section 11 runs the same two steps on the same sandbox in the same run, and the ratios
   are printed (goals from issue 12: first export >= 2x faster, repeat >= 3x faster, <= 5 requests).
   Section 11 needs ``requests``: ``ICUCOACH_SECTION11_PYTHON`` names a Python that has it (default: this
   one). ``sync.py`` has no option or variable for its server (``IntervalsSync.INTERVALS_BASE_URL`` is a
   class attribute): a launcher loads the file unmodified and sets that attribute to the sandbox before
   calling its ``main()``; the output says so.

The paired sandbox has no pinned date (Section 11 takes "today" from the machine clock, so the sandbox's
history ends on the real today) and no rate limit (Section 11 does not retry on 429).

The pair runs under three conditions, each on a fresh sandbox, because one figure alone misleads:
- **as shipped, no network delay**: the issue's own terms. Our client keeps to Intervals.icu's ~10 requests/s
  (a first export's 42 requests need about 3.2 s at that rate, whatever our speed); Section 11 sends its
  requests one after another with no limit of its own, which on a server that answers in microseconds
  is ~45 requests/s, more than Intervals.icu allows.
- **neither holds back**: ours with ``INTERVALS_RATE_LIMIT=0`` as well: the code's own speed, side by side.
- **with a round trip per request** (``ICUCOACH_BENCH_LATENCY_MS``, default 100 ms, an assumption: put your
  own measurement of intervals.icu there, or a comma-separated list such as ``50,100,200`` for one
  condition each; 0 skips it): the sandbox answers each API request after that delay, as a real network
  does. Both as shipped.
- **the sandbox's rate limit on** (10 requests/s per key, 30 saved up; 429 with Retry-After past it), the
  sandbox as it models Intervals.icu: the figures say how many of each side's requests were refused.
  Section 11 does not retry a refused request, so its time there is that of files with data missing.
The goals are judged on the first condition, as the issue states them.
"""

from __future__ import annotations

import asyncio
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from icucoach.intervals import ClientSettings, IntervalsClient
from icucoach.mirror.exporter import export_async
from icucoach.mirror.options import ExportOptions
from icucoach.sandbox import SandboxOptions, serve_in_thread
from icucoach.sandbox.faults import FaultConfig, FaultPlan
from icucoach.sandbox.runner import RunningSandbox, build_app, build_world
from icucoach.serving import serve_in_background
from icucoach.store.db import Store

TODAY = date(2026, 11, 23)
FIRST_GOAL, REPEAT_GOAL, REQUEST_GOAL = 2.0, 3.0, 5
REPEATS = 3  # the repeat with nothing new is timed this many times (median)
PEER_ENV, PEER_PYTHON_ENV = "ICUCOACH_SECTION11_SYNC", "ICUCOACH_SECTION11_PYTHON"
PAIRS_ENV = "ICUCOACH_BENCH_PAIRS"
LATENCY_ENV = "ICUCOACH_BENCH_LATENCY_MS"


@dataclass(frozen=True)
class Condition:
    label: str
    latency_ms: float = 0.0
    ours_env: tuple[tuple[str, str], ...] = ()
    server_limit: bool = False  # the sandbox answers 429 past its rate limit, as Intervals.icu does


def _latencies() -> list[float]:
    """``ICUCOACH_BENCH_LATENCY_MS``: one delay or a comma-separated list (default 100; 0 = none)."""
    text = os.environ.get(LATENCY_ENV) or "100"
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"{LATENCY_ENV}={text!r}: give milliseconds, e.g. 100 or 50,100,200") from None
    return [v for v in values if v > 0]


def _conditions() -> list[Condition]:
    conditions = [
        Condition("as shipped, no network delay"),
        Condition(
            "neither holds back (ours with INTERVALS_RATE_LIMIT=0)", ours_env=(("INTERVALS_RATE_LIMIT", "0"),)
        ),
    ]
    for latency in _latencies():
        conditions.append(
            Condition(f"as shipped, {latency:g} ms per request ({LATENCY_ENV})", latency_ms=latency)
        )
    conditions.append(Condition("as shipped, the sandbox's rate limit on (429 past it)", server_limit=True))
    return conditions


# Loads sync.py unmodified, points its client class at the sandbox, runs its main() with the given argv.
_LAUNCHER = (
    "import runpy, sys\n"
    "base, path = sys.argv[1], sys.argv[2]\n"
    "sys.argv = [path, *sys.argv[3:]]\n"
    "ns = runpy.run_path(path, run_name='section11')\n"
    "ns['IntervalsSync'].INTERVALS_BASE_URL = base\n"
    "ns['main']()\n"
)


def _add_activity(sb, athlete_id: str) -> None:
    st = sb.world.store(athlete_id)
    src = max(st.activities.values(), key=lambda a: a["start_date_local"])
    new = copy.deepcopy(src)
    new.update(
        id="i99999999", start_date_local=f"{TODAY.isoformat()}T18:00:00", icu_sync_date="2026-11-23T08:00:00Z"
    )
    st.activities["i99999999"] = new
    if src["id"] in st.details:
        st.details["i99999999"] = st.details[src["id"]]


def in_process(report) -> None:
    started = time.perf_counter()
    with (
        serve_in_thread(SandboxOptions(seed=42, today=TODAY, rate_limit=False)) as sb,
        tempfile.TemporaryDirectory() as d,
    ):
        report("sandbox world generation + start", time.perf_counter() - started, "s")
        acc = sb.account("athlete", 0)
        settings = ClientSettings(api_key=acc.api_key, base_url=sb.base_url, rate_per_second=None)
        store = Store.open(Path(d) / "archive.sqlite")
        opts = ExportOptions(out_dir=Path(d) / "out", today=TODAY)

        async def once():
            async with IntervalsClient(settings) as client:
                t = time.perf_counter()
                res = await export_async(opts, client, store)
                return res, time.perf_counter() - t

        for label, before in (
            ("first export", None),
            ("repeat export, nothing new", None),
            ("one new activity", _add_activity),
        ):
            if before:
                before(sb, acc.athlete_id)
            res, secs = asyncio.run(once())
            if res.code not in (0, 4):
                raise RuntimeError(f"{label}: exit {res.code}: {res.message}")
            report(f"in process, {label}: requests", res.requests, "requests")
            if res.attachment_requests:
                report(f"in process, {label}: route file downloads", res.attachment_requests, "requests")
            report(f"in process, {label}: wall time", secs, "s")
        store.close()


class _Counting:
    """ASGI wrapper counting the HTTP requests the sandbox serves (API calls and file downloads alike)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.refused = 0  # answered 429

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.count += 1

        async def watched(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start" and message["status"] == 429:
                self.refused += 1
            await send(message)

        await self.app(scope, receive, watched)


@contextmanager
def _counted_sandbox(latency_ms: float = 0.0, rate_limit: bool = False):  # type: ignore[no-untyped-def]
    options = SandboxOptions(seed=42, rate_limit=rate_limit)
    world = build_world(options)
    faults = FaultPlan(options.faults)
    faults.configure(FaultConfig(latency_ms=latency_ms))
    counting = _Counting(build_app(world, options, faults))
    with serve_in_background(counting, "127.0.0.1", None, name="bench-sandbox", lifespan="off") as port:
        yield RunningSandbox(f"http://127.0.0.1:{port}", world, faults, options), counting


@dataclass
class Step:
    seconds: float
    requests: int
    refused: int = 0  # of them answered 429 (the sandbox's rate limit on)
    exit_code: int = 0


def _timed(
    counting: _Counting, argv: list[str], cwd: Path, env: dict[str, str], *, may_fail: bool = False
) -> Step:
    """One run of the command; with ``may_fail`` a failed run is a figure (its exit code), not an error."""
    before, refused = counting.count, counting.refused
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0 and not may_fail:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(argv[0]).name} exited {done.returncode}: {' | '.join(tail)}")
    return Step(seconds, counting.count - before, counting.refused - refused, done.returncode)


def _first_and_repeat(run: Callable[[], Step], settle: Callable[[], None] | None = None) -> tuple[Step, Step]:
    """A first export and ``REPEATS`` repeats; ``settle`` runs before each (the rate-limited sandbox's bucket
    filled again, as for runs a schedule starts minutes apart)."""

    def one() -> Step:
        if settle is not None:
            settle()
        return run()

    first = one()
    repeats = [one() for _ in range(REPEATS)]
    return first, Step(
        statistics.median(s.seconds for s in repeats),
        max(s.requests for s in repeats),
        max(s.refused for s in repeats),
        next((s.exit_code for s in repeats if s.exit_code), 0),
    )


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVALS_", "ICUCOACH_"))}
    env["ICUCOACH_CONFIG"] = "/nonexistent/icucoach.toml"
    return env


def _settle(sb: RunningSandbox) -> Callable[[], None] | None:
    """With the sandbox's rate limit on: wait until its bucket for the key is full again."""
    if not sb.options.rate_limit:
        return None
    return lambda: time.sleep(sb.options.burst / sb.options.rate_per_second)


def _ours(sb: RunningSandbox, counting: _Counting, work: Path, extra: dict[str, str]) -> tuple[Step, Step]:
    acc = sb.account("athlete", 0)
    env = {**_clean_env(), "INTERVALS_BASE_URL": sb.base_url, "INTERVALS_API_KEY": acc.api_key, **extra}
    argv = [
        sys.executable,
        "-m",
        "icucoach",
        "export",
        "--quiet",
        "--out-dir",
        "out",
        "--store",
        "store.sqlite",
    ]
    work.mkdir()
    return _first_and_repeat(lambda: _timed(counting, argv, work, env), _settle(sb))


def _peer_python() -> str:
    return os.environ.get(PEER_PYTHON_ENV) or sys.executable


def _theirs(
    sb: RunningSandbox, counting: _Counting, work: Path, sync_py: Path, *, may_fail: bool = False
) -> tuple[Step, Step]:
    acc = sb.account("athlete", 0)
    python = _peer_python()
    has_requests = subprocess.run([python, "-c", "import requests"], capture_output=True).returncode == 0
    if not has_requests:
        raise RuntimeError(f"{python} cannot import requests: set {PEER_PYTHON_ENV} to a Python that has it")
    argv = [
        python, "-c", _LAUNCHER, f"{sb.base_url}/api/v1", str(sync_py),
        "--athlete-id", acc.athlete_id, "--intervals-key", acc.api_key, "--output", "latest.json",
    ]  # fmt: skip
    work.mkdir()
    return _first_and_repeat(
        lambda: _timed(counting, argv, work, _clean_env(), may_fail=may_fail), _settle(sb)
    )


def _pair(sync_py: Path | None, condition: Condition) -> tuple[tuple[Step, Step], tuple[Step, Step] | None]:
    """Ours and (with ``sync_py``) Section 11's first export and repeat, on one fresh sandbox."""
    limited = condition.server_limit
    with (
        _counted_sandbox(condition.latency_ms, limited) as (sb, counting),
        tempfile.TemporaryDirectory() as d,
    ):
        theirs = None
        if sync_py:
            # with the limit on, Section 11 may be refused (it does not retry): a figure, not a bench error
            theirs = _theirs(sb, counting, Path(d) / "section11", sync_py, may_fail=limited)
        ours = _ours(sb, counting, Path(d) / "icucoach", dict(condition.ours_env))
    return ours, theirs


def _shown(step: Step, *, retries: bool) -> str:
    """Time and requests; refused ones say what became of them (ours retries a 429, Section 11 does not)."""
    text = f"{step.seconds:.3f} s, {step.requests} requests"
    if step.refused:
        fate = "retried" if retries else "not retried: data missing from its files"
        text += f", {step.refused} refused (429), {fate}"
    return text + (f", exit {step.exit_code}" if step.exit_code else "")


def _caveat(theirs: Step) -> str:
    return " (not comparable: Section 11's files lack what was refused)" if theirs.refused else ""


def _run_condition(
    report, sync_py: Path | None, condition: Condition, n_pairs: int
) -> tuple[float, float, int] | None:
    """One condition's pairs reported; (median first ratio, median repeat ratio, most repeat requests), or
    None without Section 11."""
    first_ratios, repeat_ratios, repeat_requests = [], [], []
    caveat = ""
    for n in range(1, n_pairs + 1):
        (first, repeat), theirs = _pair(sync_py, condition)
        tag = f"{condition.label}, " + (f"pair {n}: " if n_pairs > 1 else "")
        report(f"{tag}ours, first export", _shown(first, retries=True))
        report(f"{tag}ours, repeat with nothing new (median of {REPEATS})", _shown(repeat, retries=True))
        repeat_requests.append(repeat.requests)
        if theirs is None:
            continue
        peer_first, peer_repeat = theirs
        caveat = caveat or _caveat(peer_first) or _caveat(peer_repeat)
        report(f"{tag}Section 11, first export", _shown(peer_first, retries=False))
        report(
            f"{tag}Section 11, repeat with nothing new (median of {REPEATS})",
            _shown(peer_repeat, retries=False),
        )
        first_ratios.append(peer_first.seconds / first.seconds)
        repeat_ratios.append(peer_repeat.seconds / repeat.seconds)
        report(f"{tag}first export: Section 11 time / ours{_caveat(peer_first)}", first_ratios[-1], "x")
        report(f"{tag}repeat: Section 11 time / ours{_caveat(peer_repeat)}", repeat_ratios[-1], "x")
    if not first_ratios:
        return None
    first_ratio, repeat_ratio = statistics.median(first_ratios), statistics.median(repeat_ratios)
    if n_pairs > 1:
        report(f"{condition.label}: median of {n_pairs} pairs, first export ratio{caveat}", first_ratio, "x")
        report(f"{condition.label}: median of {n_pairs} pairs, repeat ratio{caveat}", repeat_ratio, "x")
    return first_ratio, repeat_ratio, max(repeat_requests)


def paired(report) -> None:
    """See the module docstring; ``ICUCOACH_BENCH_PAIRS=N`` runs N pairs per condition (each on a fresh
    sandbox) and reports every pair's ratios and their medians (the machine's load moves single figures a
    lot)."""
    peer = os.environ.get(PEER_ENV)
    sync_py = Path(peer).expanduser().resolve() if peer else None
    if sync_py is not None and not sync_py.is_file():
        raise RuntimeError(f"{PEER_ENV}={peer} is not a file")
    n_pairs = max(1, int(os.environ.get(PAIRS_ENV) or 1))
    conditions = _conditions() if sync_py else _conditions()[:1]
    results = [_run_condition(report, sync_py, c, n_pairs) for c in conditions]
    if results[0] is None:
        report("Section 11 pair not run; to run it, set to a copy of its sync.py", PEER_ENV)
        report("... and, if this Python lacks requests, to one that has it", PEER_PYTHON_ENV)
        return
    report("Section 11 base URL", "sandbox, set at run time (class attribute; sync.py unmodified)")
    first_ratio, repeat_ratio, requests = results[0]
    met_first, met_repeat = first_ratio >= FIRST_GOAL, repeat_ratio >= REPEAT_GOAL
    report(f"goal first export >= {FIRST_GOAL:g}x (as shipped, no delay)", "met" if met_first else "NOT met")
    report(f"goal repeat >= {REPEAT_GOAL:g}x (as shipped, no delay)", "met" if met_repeat else "NOT met")
    report(f"goal repeat <= {REQUEST_GOAL} requests", "met" if requests <= REQUEST_GOAL else "NOT met")
    for condition, result in zip(conditions, results, strict=True):
        if condition.latency_ms > 0 and result is not None:
            met = "met" if result[0] >= FIRST_GOAL else "NOT met"
            report(f"first export >= {FIRST_GOAL:g}x with {condition.latency_ms:g} ms per request", met)


PARTS = {"in_process": in_process, "paired": paired}


def run(report) -> None:
    in_process(report)
    paired(report)
