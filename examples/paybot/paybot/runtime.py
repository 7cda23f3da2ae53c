"""What a running service is made of, gathered in one value the app and the bot share."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from aiogram import Bot, Dispatcher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from paybot import db, tasks, telegram_api
from paybot.api.observability import Metrics
from paybot.bot import make_dispatcher
from paybot.domain.ratelimit import RateLimiter
from paybot.queue import CeleryQueue, TaskQueue
from paybot.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    sessions: Callable[[], Session]
    queue: TaskQueue
    bot: Bot
    dispatcher: Dispatcher
    db_ping: Callable[[], None]
    redis_ping: Callable[[], None]
    clock: Callable[[], float] = time.time  # wall time: token issue and expiry
    monotonic: Callable[[], float] = time.monotonic  # the rate limiter's clock
    metrics: Metrics = field(default_factory=Metrics)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(
            capacity=self.settings.rate_limit, rate=self.settings.rate_per_second
        )


def redis_pinger(url: str) -> Callable[[], None]:
    """``PING`` the Redis at ``url``; raises when it does not answer."""

    def ping() -> None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()

    return ping


def build(settings: Settings, *, engine: Engine | None = None) -> Runtime:
    """The production runtime: the database, Celery on Redis, the bot on the Bot API server."""
    engine = engine or db.make_engine(settings.database_url)
    tasks.configure(settings, engine=engine)
    return Runtime(
        settings=settings,
        sessions=db.make_sessions(engine),
        queue=CeleryQueue(tasks.celery_app),
        bot=telegram_api.make_bot(settings),
        dispatcher=make_dispatcher(),
        db_ping=lambda: db.ping(engine),
        redis_ping=redis_pinger(settings.redis_url),
    )
