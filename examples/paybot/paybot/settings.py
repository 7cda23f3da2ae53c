"""The service's settings, read once from ``PAYBOT_*`` environment variables.

Every secret has no default: a service started without one refuses to start
and names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class SettingsError(RuntimeError):
    """A setting that is missing or not of its type."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str  # postgresql+psycopg://user@host:port/db
    redis_url: str  # redis://host:port/db: Celery's broker and result backend, and /readyz
    bot_token: str  # the bot's Bot API token
    webhook_secret: str  # what Telegram sends as X-Telegram-Bot-Api-Secret-Token
    token_key: bytes  # the HMAC key of the API's bearer tokens (32 bytes or more)
    telegram_api: str = "https://api.telegram.org"  # the Bot API server (tests: a fake one)
    token_ttl: int = 3600  # seconds a bearer token lives
    currency: str = "XTR"  # Telegram Stars
    rate_limit: int = 60  # requests a client may burst
    rate_per_second: float = 1.0  # how fast its allowance refills
    refund_backoff: float = 2.0  # seconds before the first retry of a refund
    refund_backoff_cap: float = 300.0
    refund_max_retries: int = 5


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set: paybot needs it to start")
    return value


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a number") from None


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """The settings of ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    key = _required(env, "PAYBOT_TOKEN_KEY").encode()
    if len(key) < 32:
        raise SettingsError("PAYBOT_TOKEN_KEY must have at least 32 bytes")
    return Settings(
        database_url=_required(env, "PAYBOT_DATABASE_URL"),
        redis_url=_required(env, "PAYBOT_REDIS_URL"),
        bot_token=_required(env, "PAYBOT_BOT_TOKEN"),
        webhook_secret=_required(env, "PAYBOT_WEBHOOK_SECRET"),
        token_key=key,
        telegram_api=env.get("PAYBOT_TELEGRAM_API", "").strip() or "https://api.telegram.org",
        token_ttl=int(_number(env, "PAYBOT_TOKEN_TTL", 3600)),
        rate_limit=int(_number(env, "PAYBOT_RATE_LIMIT", 60)),
        rate_per_second=_number(env, "PAYBOT_RATE_PER_SECOND", 1.0),
        refund_backoff=_number(env, "PAYBOT_REFUND_BACKOFF", 2.0),
    )
