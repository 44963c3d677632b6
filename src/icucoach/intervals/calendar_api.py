"""Calendar and library endpoints: events (planned workouts, races, notes, sickness…), bulk upsert by
``external_id``, bulk and range deletes, library folders and workouts.

Retry safety: ``create_event`` / ``create_workout`` are plain POSTs and are never retried after the request
left (a lost answer must not create a duplicate); ``bulk_upsert_events`` is idempotent by ``external_id`` and
is retried like a PUT. Use it whenever a write must survive a flaky connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from icucoach.intervals.api_base import ApiBase, DateLike, body_as, csv, dparam
from icucoach.intervals.models import (
    DeleteEventsResponse,
    Event,
    EventEx,
    Folder,
    Workout,
    WorkoutEx,
)
from icucoach.intervals.transport import segment

EventInput = EventEx | Event | Mapping[str, Any]


class CalendarApi(ApiBase):
    async def list_events(
        self,
        oldest: DateLike | None = None,
        newest: DateLike | None = None,
        category: Sequence[str] | str | None = None,
        resolve: bool = False,
        *,
        limit: int | None = None,
        athlete_id: str | int | None = None,
    ) -> list[Event]:
        """Calendar items on local dates ``oldest``..``newest`` (server default: today + 6 days), in date
        order; ``category`` e.g. ``["WORKOUT", "RACE_A"]``; ``resolve`` adds absolute targets to steps."""
        aid = self._aid(athlete_id)
        params = {
            "oldest": dparam(oldest),
            "newest": dparam(newest),
            "category": csv(category),
            "resolve": True if resolve else None,
            "limit": limit,
        }
        return await self._get(
            list[Event], f"/athlete/{aid}/events", params=params, resource=f"athlete {aid}"
        )

    async def get_event(self, event_id: int, *, athlete_id: str | int | None = None) -> Event:
        aid = self._aid(athlete_id)
        return await self._get(
            Event, f"/athlete/{aid}/events/{segment(event_id)}", resource=f"event {event_id}"
        )

    async def create_event(
        self, event: EventInput, *, upsert_on_uid: bool | None = None, athlete_id: str | int | None = None
    ) -> Event:
        """Create one calendar item (a workout's ``description`` in native syntax is parsed by the server)."""
        aid = self._aid(athlete_id)
        return await self._send(
            "POST",
            Event,
            f"/athlete/{aid}/events",
            body=body_as(EventEx, event),
            params={"upsertOnUid": upsert_on_uid},
            resource=f"athlete {aid}",
        )

    async def update_event(
        self, event_id: int, fields: EventInput, *, athlete_id: str | int | None = None
    ) -> Event:
        """Change the given fields of an event."""
        aid = self._aid(athlete_id)
        return await self._send(
            "PUT",
            Event,
            f"/athlete/{aid}/events/{segment(event_id)}",
            body=body_as(EventEx, fields),
            resource=f"event {event_id}",
        )

    async def delete_event(
        self,
        event_id: int,
        *,
        others: bool | None = None,
        not_before: DateLike | None = None,
        athlete_id: str | int | None = None,
    ) -> dict[str, Any]:
        """Delete one event (``others=True``: also those added with it, e.g. by a plan)."""
        aid = self._aid(athlete_id)
        data = await self._send(
            "DELETE",
            None,
            f"/athlete/{aid}/events/{segment(event_id)}",
            params={"others": others, "notBefore": dparam(not_before)},
            resource=f"event {event_id}",
        )
        return dict(data) if isinstance(data, Mapping) else {}

    async def bulk_upsert_events(
        self, events: Iterable[EventInput], *, athlete_id: str | int | None = None
    ) -> list[Event]:
        """Create or update events matched by ``external_id`` (``POST events/bulk?upsert=true``).

        Idempotent (every event needs an ``external_id``), so it is retried on 429/5xx/timeouts."""
        bodies = [body_as(EventEx, e) for e in events]
        missing = [i for i, b in enumerate(bodies) if not b.get("external_id")]
        if missing:
            raise ValueError(f"bulk upsert needs an external_id on every event (missing at {missing[:10]})")
        if not bodies:
            return []
        aid = self._aid(athlete_id)
        return await self._send(
            "POST",
            list[Event],
            f"/athlete/{aid}/events/bulk",
            body=bodies,
            params={"upsert": True},
            idempotent=True,
            resource=f"athlete {aid}",
        )

    async def bulk_delete_events(
        self,
        ids: Iterable[int] = (),
        external_ids: Iterable[str] = (),
        *,
        athlete_id: str | int | None = None,
    ) -> int:
        """Delete events by id and/or ``external_id``; unknown ones are ignored. Returns how many went."""
        doomed: list[dict[str, Any]] = [{"id": int(i)} for i in ids]
        doomed += [{"external_id": str(x)} for x in external_ids]
        if not doomed:
            return 0
        aid = self._aid(athlete_id)
        result = await self._send(
            "PUT",
            DeleteEventsResponse,
            f"/athlete/{aid}/events/bulk-delete",
            body=doomed,
            resource=f"athlete {aid}",
        )
        return int(result.eventsDeleted or 0)

    async def delete_events_range(
        self,
        oldest: DateLike,
        category: Sequence[str] | str,
        newest: DateLike | None = None,
        *,
        athlete_id: str | int | None = None,
    ) -> None:
        """Delete every event of ``category`` from ``oldest`` (to ``newest``, default: all future)."""
        cats = csv(category)
        if not cats:
            raise ValueError("delete_events_range needs at least one category")
        aid = self._aid(athlete_id)
        await self._send(
            "DELETE",
            None,
            f"/athlete/{aid}/events",
            params={"oldest": dparam(oldest), "newest": dparam(newest), "category": cats},
            resource=f"athlete {aid}",
        )

    # ------------------------------------------------------------------------------------------ library
    async def list_folders(self, athlete_id: str | int | None = None) -> list[Folder]:
        """Library folders and training plans, each with its workouts in ``children``."""
        aid = self._aid(athlete_id)
        return await self._get(list[Folder], f"/athlete/{aid}/folders", resource=f"athlete {aid}")

    async def list_workouts(
        self, folder_id: int | None = None, *, athlete_id: str | int | None = None
    ) -> list[Workout]:
        """Library workouts (all, or one folder's: the API has no filter, so it is applied here)."""
        aid = self._aid(athlete_id)
        workouts: list[Workout] = await self._get(
            list[Workout], f"/athlete/{aid}/workouts", resource=f"athlete {aid}"
        )
        return workouts if folder_id is None else [w for w in workouts if w.folder_id == folder_id]

    async def create_workout(
        self, workout: WorkoutEx | Workout | Mapping[str, Any], *, athlete_id: str | int | None = None
    ) -> Workout:
        """Add a workout to the library (``folder_id`` and ``name`` required by the server)."""
        aid = self._aid(athlete_id)
        return await self._send(
            "POST",
            Workout,
            f"/athlete/{aid}/workouts",
            body=body_as(WorkoutEx, workout),
            resource=f"athlete {aid}",
        )


__all__ = ["CalendarApi", "EventInput"]
