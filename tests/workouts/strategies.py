"""Hypothesis strategies generating valid workouts of the model (everything the text can express)."""

from hypothesis import strategies as st

from icucoach.workouts.model import Distance, Note, Repeat, Section, Step, Target, Workout

WORDS = [
    "easy",
    "spin",
    "build",
    "hold",
    "smooth",
    "Drill",
    "focus",
    "steady",
    "float",
    "jog",
    "surge",
    "strong",
    "relax",
    "Warm-up",
    "Cool-down",
    "high",
    "cadence",
    "Recovery",
    "Rest",
    "On",
    "Off",
    "kick",
]
NOTE_WORDS = [*WORDS, "Category:", "Hard.", "Notes", "Keep", "it", "honest", "Fuel", "well"]
SECTIONS = ["Warmup", "Main set", "Cooldown", "Drills", "Build", "Warm up", "Cool down"]

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
pct = st.one_of(st.integers(1, 300), st.integers(10, 3000).map(lambda x: x / 10))


def _rng(values):
    return st.one_of(st.tuples(values, st.none()), st.tuples(values, values))


def _target(kind, units, values):
    return _rng(values).map(lambda se: Target(kind, units, se[0], se[1]))


zones = st.integers(1, 7)
mmp_secs = st.one_of(st.integers(1, 7200), st.sampled_from([5, 60, 180, 300, 1200]))
mmp = st.tuples(_rng(pct), mmp_secs).map(lambda v: Target("power", "%mmp", v[0][0], v[0][1], v[1]))
power = st.one_of(
    _target("power", "%ftp", pct),
    _target("power", "w", st.integers(1, 2000)),
    _target("power", "power_zone", zones),
    mmp,
    _target("power", "custom_zone", st.integers(1, 12)),
)
hr = st.one_of(
    _target("hr", "%hr", st.integers(40, 105)),
    _target("hr", "%lthr", st.integers(50, 120)),
    _target("hr", "hr_zone", zones),
    _target("hr", "bpm", st.integers(60, 220)),
)
pace = st.one_of(
    _target("pace", "%pace", pct),
    _target("pace", "pace_zone", zones),
    st.sampled_from(
        ["secs/km", "secs/mi", "secs/100m", "secs/100y", "secs/500m", "secs/400m", "secs/250m"]
    ).flatmap(lambda u: _target("pace", u, st.integers(40, 1200))),
)
cadence = _target("cadence", "rpm", st.integers(30, 130))
distances = st.one_of(
    st.integers(1, 10000).map(lambda v: Distance(v, "mtr")),
    st.integers(1, 50000).map(lambda v: Distance(v / 1000 if v % 1000 else v // 1000, "km")),
    st.integers(1, 300).map(lambda v: Distance(v / 10 if v % 10 else v // 10, "mi")),
    st.integers(1, 40).map(lambda v: Distance(v * 25, "yd")),
)


@st.composite
def steps(draw):
    length = draw(st.sampled_from(["duration", "distance", "none"]))
    kw = {}
    if length == "duration":
        kw["duration"] = draw(st.integers(1, 20000))
    elif length == "distance":
        kw["distance"] = draw(distances)
    for name, strat in (("power", power), ("hr", hr), ("pace", pace), ("cadence", cadence)):
        if draw(st.integers(0, 3)) == 0:
            kw[name] = draw(strat)
    if draw(st.booleans()):
        kw["text"] = draw(texts)
    # Flags and intensity need a length or a target before them in the line (as on the real server).
    if length != "none" or any(k in kw for k in ("power", "hr", "pace", "cadence")):
        for flag in ("ramp", "freeride", "until_lap_press", "maxeffort", "hidepower"):
            if draw(st.integers(0, 4)) == 0:
                kw[flag] = True
        if draw(st.integers(0, 4)) == 0:
            kw["intensity"] = draw(
                st.sampled_from(["active", "rest", "warmup", "cooldown", "recovery", "interval", "other"])
            )
    return Step(**kw)


repeats = st.builds(
    lambda reps, body, text: Repeat(reps, tuple(body), text),
    st.integers(1, 30),
    st.lists(steps(), min_size=1, max_size=4),
    st.one_of(st.none(), st.sampled_from(SECTIONS)),
)
notes = st.lists(st.sampled_from(NOTE_WORDS), min_size=1, max_size=6).map(lambda ws: Note(" ".join(ws)))


@st.composite
def blocks(draw):
    kind = draw(st.sampled_from(["notes", "section", "steps", "repeat", "section-repeat"]))
    if kind == "notes":
        return draw(st.lists(notes, min_size=1, max_size=3))
    if kind == "repeat":
        return [draw(repeats)]
    head = [Section(draw(st.sampled_from(SECTIONS)))] if kind.startswith("section") else []
    if kind == "section-repeat":
        return [*head, draw(repeats)]
    return head + draw(st.lists(steps(), min_size=1, max_size=4))


workouts = st.lists(blocks(), min_size=0, max_size=6).map(lambda bs: Workout(tuple(i for b in bs for i in b)))
