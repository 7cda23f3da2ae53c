"""The settings, from an environment mapping: secrets required, numbers checked."""

from __future__ import annotations

import pytest

from paybot.__main__ import main
from paybot.settings import SettingsError, from_env

ENV = {
    "PAYBOT_DATABASE_URL": "postgresql+psycopg://paybot@127.0.0.1:5432/paybot",
    "PAYBOT_REDIS_URL": "redis://127.0.0.1:6379/0",
    "PAYBOT_BOT_TOKEN": "123:abc",
    "PAYBOT_WEBHOOK_SECRET": "s3cret",
    "PAYBOT_TOKEN_KEY": "k" * 32,
}


def test_the_settings_of_an_environment() -> None:
    settings = from_env({**ENV, "PAYBOT_TOKEN_TTL": "60", "PAYBOT_RATE_LIMIT": "5"})
    assert settings.token_key == b"k" * 32
    assert (settings.token_ttl, settings.rate_limit, settings.rate_per_second) == (60, 5, 1.0)
    assert settings.telegram_api == "https://api.telegram.org"
    assert settings.currency == "XTR"


@pytest.mark.parametrize("missing", sorted(ENV))
def test_every_secret_is_required(missing: str) -> None:
    with pytest.raises(SettingsError, match=f"{missing} is not set"):
        from_env({k: v for k, v in ENV.items() if k != missing})


def test_a_short_key_or_a_bad_number_is_refused() -> None:
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        from_env({**ENV, "PAYBOT_TOKEN_KEY": "short"})
    with pytest.raises(SettingsError, match="PAYBOT_TOKEN_TTL='soon' is not a number"):
        from_env({**ENV, "PAYBOT_TOKEN_TTL": "soon"})


def test_the_command_line_names_a_missing_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert main(["migrate"]) == 2
    assert "PAYBOT_TOKEN_KEY is not set" in capsys.readouterr().err
