"""icucoach.workouts: the Intervals.icu workout language, owned end to end.

Pure functions (no network, no files): parse text into a typed model, print canonical text, convert
to and from the API's ``workout_doc`` with totals, validate, summarise, export to ZWO/FIT, and a
template library. ``enrich_event`` is what the sandbox calls to fill a WORKOUT event like the server.
"""

from .doc import compute_totals, from_workout_doc, to_workout_doc
from .enrich import enrich_event
from .model import Distance, Note, Repeat, Section, Step, Target, Workout
from .parse import Issue, parse, parse_text
from .render import render
from .summary import summary, totals_line
from .validate import errors, validate

__all__ = [
    "Distance",
    "Issue",
    "Note",
    "Repeat",
    "Section",
    "Step",
    "Target",
    "Workout",
    "compute_totals",
    "enrich_event",
    "errors",
    "from_workout_doc",
    "parse",
    "parse_text",
    "render",
    "summary",
    "to_workout_doc",
    "totals_line",
    "validate",
]
