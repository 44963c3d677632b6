"""The error hierarchy against the sandbox's real error answers: auth, access, 404, validation, Strava."""

from __future__ import annotations

import pytest

from icucoach.exitcodes import Exit
from icucoach.intervals import (
    AccessDeniedError,
    AuthenticationError,
    IntervalsError,
    NotFoundError,
    StravaRestrictedError,
    ValidationError,
)
from icucoach.sandbox import Account, RunningSandbox
from icucoach.sandbox.world import OAuthToken

from .conftest import TODAY, ClientFactory
from .helpers import shared_with, strava_stub

BAD_KEY = "not-a-real-key-5f1e0c9a"


async def test_bad_key(make_client: ClientFactory) -> None:
    async with make_client(None, api_key=BAD_KEY) as icu:
        with pytest.raises(AuthenticationError) as exc:
            await icu.get_athlete()
    err = exc.value
    assert err.status == 401 and err.method == "GET" and err.path == "/athlete/0"
    assert "Developer Settings" in err.hint and "INTERVALS_API_KEY" in str(err)
    assert BAD_KEY not in str(err) and BAD_KEY not in repr(err) and BAD_KEY not in str(err.to_dict())
    assert icu.request_count == 1  # auth failures are not retried


async def test_bad_key_message_and_fix_say_each_thing_once(make_client: ClientFactory) -> None:
    """The CLI prints ``error: <summary>`` then ``fix: <hint>``: neither may repeat the other."""
    async with make_client(None, api_key=BAD_KEY) as icu:
        with pytest.raises(AuthenticationError) as exc:
            await icu.get_athlete()
    err = exc.value
    assert err.summary == "The Intervals.icu API key was rejected (GET /athlete/0, HTTP 401)"
    assert err.hint not in err.summary and "rejected" not in err.hint.lower()
    assert "INTERVALS_API_KEY" in err.hint and "intervals.icu/settings" in err.hint
    assert len(err.hint) <= 200  # a fix, not a paragraph
    assert err.exit_code == Exit.AUTH


async def test_revoked_bearer_token(make_client: ClientFactory) -> None:
    async with make_client(None, oauth_token="revoked-or-unknown-token") as icu:
        with pytest.raises(AuthenticationError, match=r"sign in with Intervals\.icu again"):
            await icu.get_athlete()


async def test_bearer_token_scope_and_athletes_list(
    make_client: ClientFactory, athlete: Account, sandbox: RunningSandbox
) -> None:
    token = "test-token-activity-read-only"
    sandbox.world.oauth.tokens[token] = OAuthToken(
        token, "test-client", athlete.athlete_id, ("ACTIVITY:READ", "SETTINGS:READ")
    )
    async with make_client(None, oauth_token=token) as icu:
        me = await icu.get_athlete()
        assert me.id == athlete.athlete_id
        assert await icu.list_activities(TODAY, TODAY) is not None
        with pytest.raises(AccessDeniedError) as exc:
            await icu.create_event({"category": "NOTE", "start_date_local": TODAY, "name": "x"})
        assert "scope" in exc.value.hint
        with pytest.raises(AccessDeniedError, match="API key"):
            await icu.list_athletes()


async def test_athlete_not_shared(make_client: ClientFactory, athlete: Account, runner: Account) -> None:
    async with make_client(athlete) as icu:
        with pytest.raises(AccessDeniedError) as exc:
            await icu.list_wellness(TODAY, TODAY, athlete_id=runner.athlete_id)
    err = exc.value
    assert err.status == 403 and runner.athlete_id in err.message
    assert "shared" in err.hint and "coach" in err.hint


async def test_coach_read_only_share_refuses_writes(
    make_client: ClientFactory, coach: Account, sandbox: RunningSandbox
) -> None:
    target = shared_with(sandbox, coach.athlete_id, "READ")
    async with make_client(coach) as icu:
        assert (await icu.get_athlete(target)).id == target  # reading is fine
        with pytest.raises(AccessDeniedError) as exc:
            await icu.update_wellness(TODAY, {"comments": "coach was here"}, athlete_id=target)
    assert exc.value.method == "PUT" and "read-only" in exc.value.hint


async def test_not_found(make_client: ClientFactory, athlete: Account) -> None:
    async with make_client(athlete) as icu:
        with pytest.raises(NotFoundError) as exc:
            await icu.get_activity("i1")
        assert "activity i1" in str(exc.value) and exc.value.status == 404
        with pytest.raises(NotFoundError, match="event 1"):
            await icu.get_event(1)
        with pytest.raises(NotFoundError):
            await icu.get_athlete("i999999999")
        assert icu.request_count == 3  # 404s are not retried


async def test_validation_error_carries_server_message_and_field(
    make_client: ClientFactory, athlete: Account
) -> None:
    async with make_client(athlete) as icu:
        with pytest.raises(ValidationError) as exc:
            await icu.update_wellness(TODAY, {"soreness": "very"})
    err = exc.value
    assert err.status == 422 and err.field == "soreness"
    assert err.server_message and "soreness" in err.server_message
    assert "soreness" in str(err)


async def test_client_side_validation(make_client: ClientFactory, athlete: Account) -> None:
    async with make_client(athlete) as icu:
        with pytest.raises(ValidationError) as exc:
            await icu.create_event({"category": "NOTE", "start_date_local": TODAY, "moving_time": "long"})
        assert exc.value.field == "moving_time" and exc.value.status is None
        assert icu.request_count == 0
        with pytest.raises(ValueError, match="external_id"):
            await icu.bulk_upsert_events([{"category": "NOTE", "start_date_local": TODAY}])


async def test_strava_stub_and_restricted_streams(
    make_client: ClientFactory, sandbox: RunningSandbox
) -> None:
    owner_id, raw = strava_stub(sandbox)
    owner = next(a for a in sandbox.accounts if a.athlete_id == owner_id)
    async with make_client(owner) as icu:
        stub = await icu.get_activity(str(raw["id"]))
        assert stub.is_strava_stub and stub.type is None and stub.icu_training_load is None
        day = stub.local_date
        assert day is not None
        listed = await icu.list_activities(day, day)
        assert any(a.is_strava_stub and a.id == stub.id for a in listed)
        with pytest.raises(StravaRestrictedError) as exc:
            await icu.get_streams(stub.id)
        assert "connect" in exc.value.hint.lower() and "garmin" in exc.value.hint.lower()
        assert isinstance(exc.value, IntervalsError) and exc.value.status == 422
        with pytest.raises(StravaRestrictedError):
            await icu.get_intervals(stub.id)
