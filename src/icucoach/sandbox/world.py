"""The sandbox's in-memory state: accounts, and per athlete the API-shaped records the routes serve.

Records are stored exactly in the Intervals.icu wire shape (dicts with the spec's field names), so routes only
select, filter and mutate; anything derived on demand (streams, intervals, curves) is produced by the
generator through the ``ActivityDetail`` hooks and cached here.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Json = dict[str, Any]
Access = Literal["READ", "WRITE"]


@dataclass(frozen=True)
class Account:
    """A login: what ``icucoach sandbox --accounts`` prints."""

    athlete_id: str
    name: str
    role: Literal["athlete", "coach"]
    api_key: str

    def to_json(self) -> Json:
        return {"athlete_id": self.athlete_id, "name": self.name, "role": self.role, "api_key": self.api_key}


@dataclass
class ActivityDetail:
    """Lazily produced detail of one activity (``None`` hooks mean the data does not exist)."""

    streams: Callable[[], list[Json]] | None = None
    intervals: Callable[[], Json] | None = None
    _cache: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


@dataclass
class OAuthClient:
    """A registered OAuth app; ``webhook_url``/``webhook_secret`` are set on "Manage App" on the real site."""

    client_id: str
    client_secret: str
    name: str
    redirect_uris: tuple[str, ...]
    webhook_url: str | None = None  # None = the app receives no webhooks
    webhook_secret: str | None = None  # sent as ``"secret"`` in every delivery body


@dataclass
class WebhookAttempt:
    """One POST of a webhook batch: the receiver's status, or the connection error's name."""

    at: float  # time.time() when the answer (or the error) arrived
    url: str
    status: int | None  # None = no HTTP answer (refused, timed out, reset)
    error: str | None = None


@dataclass
class WebhookDelivery:
    """One batch of events for one app and every attempt to deliver it (``World.webhook_deliveries``)."""

    client_id: str
    event_types: list[str]
    athlete_ids: list[str]
    attempts: list[WebhookAttempt] = field(default_factory=list)
    state: Literal["pending", "delivered", "failed"] = "pending"

    def to_json(self) -> Json:
        return {
            "client_id": self.client_id,
            "event_types": self.event_types,
            "athlete_ids": self.athlete_ids,
            "state": self.state,
            "attempts": [
                {"at": a.at, "url": a.url, "status": a.status, "error": a.error} for a in self.attempts
            ],
        }


@dataclass
class OAuthCode:
    """An authorization code issued by ``POST /oauth/authorize``: valid 2 minutes, exchanged once."""

    code: str
    client_id: str
    athlete_id: str
    scopes: tuple[str, ...]  # granted, e.g. ("ACTIVITY:READ", "CALENDAR:WRITE")
    redirect_uri: str
    issued_at: float  # time.monotonic() at issue
    used: bool = False


@dataclass
class OAuthToken:
    """A bearer access token: acts for ``athlete_id`` within ``scopes`` until the app is disconnected."""

    access_token: str
    client_id: str
    athlete_id: str
    scopes: tuple[str, ...]
    revoked: bool = False


@dataclass
class OAuthState:
    """Codes and tokens the sandbox's OAuth endpoints issued (``World.oauth``)."""

    codes: dict[str, OAuthCode] = field(default_factory=dict)
    tokens: dict[str, OAuthToken] = field(default_factory=dict)


@dataclass
class AthleteStore:
    """Everything one athlete owns, in API shape. Lists are kept in the order the API returns them."""

    athlete: Json  # ``WithSportSettings`` without ``sportSettings`` (added at read time)
    sport_settings: list[Json]
    activities: dict[str, Json] = field(default_factory=dict)  # id -> Activity (or Strava stub)
    details: dict[str, ActivityDetail] = field(default_factory=dict)  # id -> lazy streams/intervals
    wellness: dict[str, Json] = field(default_factory=dict)  # "YYYY-MM-DD" -> Wellness
    events: dict[int, Json] = field(default_factory=dict)  # id -> Event
    folders: dict[int, Json] = field(default_factory=dict)  # id -> Folder (children filled at read time)
    workouts: dict[int, Json] = field(default_factory=dict)  # id -> Workout (library)
    gear: dict[str, Json] = field(default_factory=dict)
    messages: dict[str, list[Json]] = field(default_factory=dict)  # activity id -> messages
    shared_with: dict[str, Access] = field(default_factory=dict)  # coach athlete id -> access level
    # Loads of activities the API hides (Strava stubs): Intervals still counts them in fitness.
    hidden_loads: dict[str, int] = field(default_factory=dict)
    ftp_history: list[tuple[str, float]] = field(default_factory=list)  # (date, Ride FTP) at each change

    @property
    def id(self) -> str:
        return str(self.athlete["id"])

    @property
    def timezone(self) -> str:
        return str(self.athlete["timezone"])

    def activities_between(self, oldest: str, newest: str) -> list[Json]:
        """Activities whose local start date lies in [oldest, newest] (inclusive dates), newest first."""
        rows = [a for a in self.activities.values() if oldest <= a["start_date_local"][:10] <= newest]
        rows.sort(key=lambda a: a["start_date_local"], reverse=True)
        return rows

    def sport_settings_for(self, sport: str | None) -> Json | None:
        """The settings whose ``types`` include ``sport`` (Intervals' own lookup), else None."""
        if sport is None:
            return None
        for ss in self.sport_settings:
            if sport in (ss.get("types") or []):
                return ss
        return None


@dataclass
class World:
    """All sandbox state. One instance per running sandbox; tests get a fresh one per server."""

    today: date
    seed: int
    accounts: list[Account]
    athletes: dict[str, AthleteStore]
    oauth_clients: dict[str, OAuthClient] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(900_000_000))
    oauth: OAuthState = field(default_factory=OAuthState)  # issued OAuth codes and bearer tokens
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # attachment path -> (mime type, bytes)
    webhook_deliveries: list[WebhookDelivery] = field(default_factory=list)  # oldest first

    def account_for_key(self, api_key: str) -> Account | None:
        for acc in self.accounts:
            if acc.api_key == api_key:
                return acc
        return None

    def store(self, athlete_id: str) -> AthleteStore | None:
        return self.athletes.get(athlete_id)

    def access(self, caller_id: str, athlete_id: str) -> Access | None:
        """What ``caller_id`` may do with ``athlete_id``'s data: owners WRITE, coaches what was shared."""
        if caller_id == athlete_id:
            return "WRITE"
        target = self.athletes.get(athlete_id)
        return None if target is None else target.shared_with.get(caller_id)

    def next_id(self) -> int:
        """A fresh int id for events, workouts, folders (shared sequence, never reused)."""
        return next(self._ids)

    def snapshot(self) -> World:
        """A deep copy, so a test can compare before/after or reset."""
        return copy.deepcopy(self)
