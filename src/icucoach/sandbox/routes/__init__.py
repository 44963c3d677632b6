"""The sandbox's ``/api/v1`` routes, one module per API area; ``ROUTES`` is all of them in match order."""

from icucoach.sandbox.routes import activities, athlete, curves, events, gear, library, wellness

ROUTES = [
    *athlete.ROUTES,
    *activities.ROUTES,
    *curves.ROUTES,
    *wellness.ROUTES,
    *events.ROUTES,
    *library.ROUTES,
    *gear.ROUTES,
]

__all__ = ["ROUTES"]
