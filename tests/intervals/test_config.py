"""ClientSettings: environment, then the config file; secrets never shown; clear configuration errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from icucoach.intervals import ClientSettings, ConfigurationError, IntervalsClient, normalize_athlete_id

KEY = "k3y-s3cr3t-0123456789abcdef"


def test_env_values(tmp_path: Path) -> None:
    env = {
        "INTERVALS_API_KEY": KEY,
        "INTERVALS_ATHLETE_ID": "i12345",
        "INTERVALS_BASE_URL": "http://127.0.0.1:8765/",
    }
    s = ClientSettings.from_env(env, config_path=tmp_path / "none.toml")
    assert s.api_key is not None and s.api_key.get_secret_value() == KEY
    assert s.athlete_id == "i12345"
    assert s.base_url == "http://127.0.0.1:8765"
    assert s.api_root == "http://127.0.0.1:8765/api/v1"
    assert s.auth_mode == "api_key"


def test_defaults(tmp_path: Path) -> None:
    s = ClientSettings.from_env({"INTERVALS_API_KEY": KEY}, config_path=tmp_path / "none.toml")
    assert s.athlete_id == "0"
    assert s.base_url == "https://intervals.icu"
    assert s.rate_per_second == 10


def test_config_file_fallback_and_env_precedence(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'api_key = "{KEY}"\nathlete_id = "i77"\nbase_url = "http://localhost:9999"\n')
    s = ClientSettings.from_env({}, config_path=cfg)
    assert s.api_key is not None and s.api_key.get_secret_value() == KEY
    assert (s.athlete_id, s.base_url) == ("i77", "http://localhost:9999")
    s2 = ClientSettings.from_env({"INTERVALS_ATHLETE_ID": "i5", "ICUCOACH_CONFIG": str(cfg)})
    assert s2.athlete_id == "i5" and s2.base_url == "http://localhost:9999"


def test_config_file_intervals_table_via_env_var(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[intervals]\napi_key = "{KEY}"\n')
    s = ClientSettings.from_env({"ICUCOACH_CONFIG": str(cfg)})
    assert s.api_key is not None


def test_broken_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('api_key = "unterminated\n')
    with pytest.raises(ConfigurationError) as exc:
        ClientSettings.from_env({}, config_path=cfg)
    assert str(cfg) in str(exc.value)


def test_missing_credentials_names_variable_and_where_to_find_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as exc:
        ClientSettings.from_env({}, config_path=tmp_path / "none.toml")
    text = str(exc.value)
    assert "INTERVALS_API_KEY" in text
    assert "Developer Settings" in text
    # a client without credentials refuses to start, with the same advice
    with pytest.raises(ConfigurationError, match="INTERVALS_API_KEY"):
        IntervalsClient(ClientSettings())


def test_oauth_token_is_bearer(tmp_path: Path) -> None:
    s = ClientSettings.from_env({"INTERVALS_OAUTH_TOKEN": "tok-abc"}, config_path=tmp_path / "n.toml")
    assert s.auth_mode == "bearer"


@pytest.mark.parametrize(
    ("raw", "expected"), [("0", "0"), (0, "0"), ("", "0"), ("i42", "i42"), ("42", "i42"), ("I42", "i42")]
)
def test_athlete_id_normalized(raw: str | int, expected: str) -> None:
    assert normalize_athlete_id(raw) == expected


@pytest.mark.parametrize("bad", ["abc", "i12x", "../x", "i"])
def test_bad_athlete_id(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="athlete id"):
        ClientSettings.from_env(
            {"INTERVALS_API_KEY": KEY, "INTERVALS_ATHLETE_ID": bad}, config_path=tmp_path / "n.toml"
        )


def test_bad_base_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        ClientSettings.from_env(
            {"INTERVALS_API_KEY": KEY, "INTERVALS_BASE_URL": "intervals.icu"}, config_path=tmp_path / "n.toml"
        )


@pytest.mark.parametrize(("raw", "rate"), [("0", None), ("2.5", 2.5), (" 20 ", 20.0)])
def test_rate_limit_from_env(raw: str, rate: float | None, tmp_path: Path) -> None:
    """INTERVALS_RATE_LIMIT sets our requests per second; 0 leaves the limiting to the server (its 429s)."""
    s = ClientSettings.from_env(
        {"INTERVALS_API_KEY": KEY, "INTERVALS_RATE_LIMIT": raw}, config_path=tmp_path / "n"
    )
    client = IntervalsClient(s)
    assert client.transport.bucket.rate == rate
    assert client.transport.bucket.enabled is (rate is not None)


@pytest.mark.parametrize("bad", ["-1", "fast", "nan-ish"])
def test_bad_rate_limit_names_the_variable(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="rate_per_second") as info:
        ClientSettings.from_env(
            {"INTERVALS_API_KEY": KEY, "INTERVALS_RATE_LIMIT": bad}, config_path=tmp_path / "n"
        )
    assert "INTERVALS_RATE_LIMIT" in (info.value.hint or "")


async def test_secrets_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    s = ClientSettings(api_key=KEY, oauth_token="tok-" + KEY[::-1])
    async with IntervalsClient(ClientSettings(api_key=KEY)) as client:
        pass
    caplog.set_level(logging.DEBUG)
    logging.getLogger("icucoach.intervals").debug("settings %r %s client %r", s, s, client)
    for text in (repr(s), str(s), repr(client), str(s.model_dump()), s.model_dump_json(), caplog.text):
        assert KEY not in text
        assert KEY[::-1] not in text
