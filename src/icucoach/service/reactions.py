"""What the service does when Intervals.icu tells it something changed (``webhooks.webhook_route`` calls a
``Reactions``): each event becomes a background job carrying only an athlete id (and a scope string), so
the webhook is answered at once and retried work never loses an event.

- activity / calendar / wellness / fitness / sport-settings events → every worker drops that athlete's cache;
- ``APP_SCOPE_CHANGED`` with ``deauthorized`` → the token is deleted at once, the account marked
  disconnected, every worker forgets the athlete's client;
- other scope changes → the stored scope is updated.
"""

from __future__ import annotations

from icucoach.service.broadcast import Broadcast
from icucoach.service.hub import Hub


class Reactions:
    """The ``WebhookHandler`` of the service."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def invalidate(self, athlete_id: str, event_type: str) -> None:
        await self.hub.jobs.enqueue("athlete_changed", athlete_id=athlete_id)

    async def deauthorize(self, athlete_id: str) -> None:
        await self.hub.jobs.enqueue("athlete_deauthorized", athlete_id=athlete_id)

    async def scope_changed(self, athlete_id: str, scope: str) -> None:
        await self.hub.jobs.enqueue("athlete_scope", athlete_id=athlete_id, scope=scope)


def install(hub: Hub) -> Broadcast:
    """Register the jobs and return the broadcast the app starts and stops in its lifespan."""
    store = hub.store

    def on_message(athlete_id: str, verb: str) -> None:
        if verb == "forget":
            hub.clients.forget(athlete_id)
        else:
            hub.clients.invalidate(athlete_id)

    broadcast = Broadcast(hub.settings.redis_url, on_message)

    async def athlete_changed(athlete_id: str) -> None:
        await broadcast.publish(athlete_id, "invalidate")

    async def athlete_deauthorized(athlete_id: str) -> None:
        if await hub.db(store.disconnect, athlete_id):
            await hub.db(
                store.record,
                athlete_id=athlete_id,
                actor="Intervals.icu",
                tool="access revoked in Intervals.icu",
                kind="account",
                result="ok",
            )
        await broadcast.publish(athlete_id, "forget")

    async def athlete_scope(athlete_id: str, scope: str) -> None:
        await hub.db(store.set_scope, athlete_id, scope)
        await broadcast.publish(athlete_id, "invalidate")

    for fn in (athlete_changed, athlete_deauthorized, athlete_scope):
        hub.jobs.register(fn.__name__, fn)
    hub.extras["broadcast"] = broadcast
    return broadcast


__all__ = ["Reactions", "install"]
