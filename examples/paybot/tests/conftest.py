"""paybot's test fixtures: real PostgreSQL, Redis, Celery and a stand-in Bot API server.

* **Servers**: one PostgreSQL and one Redis for the whole session, started on
  127.0.0.1 on free ports in temporary folders (paybot/devservers.py) and
  stopped at the end, only when a test asks for them (the unit tests start
  nothing). ``PAYBOT_TEST_POSTGRES=host:port`` and ``PAYBOT_TEST_REDIS=redis://…``
  attach to running servers instead (the broken-variant proof does this).
  The session's database is new (``paybot_test_<random>``), migrated with
  Alembic, and dropped at the end.
* **Isolation**: ``db_session`` is SQLAlchemy's "join a session into an
  external transaction" recipe: the test's connection begins a transaction,
  every session of the test (the test's own, the API's, the bot's) joins it
  with ``join_transaction_mode="create_savepoint"`` (their commits release
  savepoints), and the outer transaction is rolled back at the end. Nothing a
  test writes survives it.
* ``committed`` is for the tests whose data another connection must see (the
  Celery worker, two concurrent transactions): it commits for real and
  truncates every table afterwards.
* **Data**: factory-boy + Faker (tests/factories), reseeded before each test.
* **Clock**: tokens and the rate limiter read a :class:`FakeClock` that tests
  move; nothing sleeps to let time pass.
"""

from __future__ import annotations

import gc
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import factory.random
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from paybot import db, devservers, migrate, tasks, telegram_api
from paybot.api.app import create_app
from paybot.api.observability import configure_logging
from paybot.bot import make_dispatcher
from paybot.domain import tokens
from paybot.fakebotapi import FakeBotApi
from paybot.models import User
from paybot.queue import CeleryQueue
from paybot.runtime import Runtime, redis_pinger
from paybot.settings import Settings
from tests import factories

pytest_plugins = ("celery.contrib.pytest",)
T = TypeVar("T")

SEED = 20261101
BOT_TOKEN = "123456:paybot-test-token"
WEBHOOK_SECRET = "webhook-secret-for-tests"
TOKEN_KEY = b"paybot-test-token-key-32-bytes-min!"
NOW = 1_800_000_000.0
TABLES = (
    "receipts, processed_updates, postings, journal_entries, accounts, payments, orders, "
    "products, users"
)


@pytest.fixture(scope="session", autouse=True)
def _json_logs() -> None:
    """The service's own log format (JSON lines), as in production."""
    configure_logging()


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """The same Faker and factory data on every run, whatever ran before."""
    factory.random.reseed_random(SEED)


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[devservers.Postgres]:
    attached = os.environ.get("PAYBOT_TEST_POSTGRES", "").strip()
    if attached:
        host, _, port = attached.rpartition(":")
        yield devservers.Postgres(host=host, port=int(port), user="paybot")
        return
    with devservers.postgres() as server:
        yield server


@pytest.fixture(scope="session")
def database_url(postgres_server: devservers.Postgres) -> Iterator[str]:
    name = f"paybot_test_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    migrate.upgrade(url)
    yield url
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    attached = os.environ.get("PAYBOT_TEST_REDIS", "").strip()
    if attached:
        yield attached
        return
    with devservers.redis_server() as url:
        yield url
        # Celery's AsyncResults unsubscribe from Redis when they are collected: collect them
        # while Redis still runs, or their result consumer retries a dead server for 20 s
        gc.collect()


@pytest.fixture(scope="session")
def bot_api() -> Iterator[FakeBotApi]:
    with FakeBotApi(BOT_TOKEN) as server:
        yield server


@pytest.fixture
def telegram(bot_api: FakeBotApi) -> FakeBotApi:
    """The stand-in Bot API server, its record of calls emptied for this test."""
    bot_api.reset()
    return bot_api


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, bot_api: FakeBotApi) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        bot_token=BOT_TOKEN,
        webhook_secret=WEBHOOK_SECRET,
        token_key=TOKEN_KEY,
        telegram_api=bot_api.url,
        token_ttl=600,
        rate_limit=100_000,
        rate_per_second=1_000.0,
        refund_backoff=0.01,
        refund_backoff_cap=1.0,
        refund_max_retries=3,
    )


# ---------------------------------------------------------------- database isolation


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that the test never commits."""
    with engine.connect() as connection:
        outer = connection.begin()
        yield connection
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions that join the test's transaction: their commits release savepoints."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        factories.bind(session)
        yield session


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that commit for real (other connections see the data); truncated afterwards."""
    maker = db.make_sessions(engine)
    with maker() as session:
        factories.bind(session, commit=True)
        yield maker
    with engine.begin() as cleanup:
        cleanup.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))


# ---------------------------------------------------------------- the service


@dataclass
class FakeClock:
    """Wall time and monotonic time that only the test moves."""

    now: float = NOW

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class RecordingQueue:
    """The task queue as the API and bot see it, recording instead of sending to Redis.

    Used where no worker runs; tests/integration/test_celery_tasks.py and the
    payment flow use the real Celery queue on Redis.
    """

    sent: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)

    def enqueue(self, task: str, *args: int) -> None:
        self.sent.append((task, args))


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
async def runtime(
    settings: Settings,
    sessions: sessionmaker[Session],
    telegram: FakeBotApi,
    queue: RecordingQueue,
    clock: FakeClock,
    engine: Engine,
) -> AsyncIterator[Runtime]:
    bot = telegram_api.make_bot(settings)
    found = Runtime(
        settings=settings,
        sessions=sessions,
        queue=queue,
        bot=bot,
        dispatcher=make_dispatcher(),
        db_ping=lambda: db.ping(engine),
        redis_ping=redis_pinger(settings.redis_url),
        clock=clock,
        monotonic=clock,
    )
    yield found
    await bot.session.close()


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://paybot.test") as http:
        yield http


def bearer(user: User, clock: FakeClock, ttl: int = 600) -> dict[str, str]:
    """The Authorization header of a fresh token for ``user``."""
    token = tokens.issue(TOKEN_KEY, user_id=user.id, now=int(clock()), ttl=ttl)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def customer(db_session: Session) -> User:
    user: User = factories.UserFactory()
    return user


@pytest.fixture
def admin_user(db_session: Session) -> User:
    user: User = factories.UserFactory(admin=True)
    return user


@pytest.fixture
async def live(
    settings: Settings,
    committed: sessionmaker[Session],
    telegram: FakeBotApi,
    clock: FakeClock,
    engine: Engine,
) -> AsyncIterator[Runtime]:
    """The service as deployed: committing sessions, and the real Celery queue on Redis."""
    bot = telegram_api.make_bot(settings)
    tasks.configure(settings, engine=engine)
    found = Runtime(
        settings=settings,
        sessions=committed,
        queue=CeleryQueue(tasks.celery_app),
        bot=bot,
        dispatcher=make_dispatcher(),
        db_ping=lambda: db.ping(engine),
        redis_ping=redis_pinger(settings.redis_url),
        clock=clock,
        monotonic=clock,
    )
    yield found
    await bot.session.close()


@pytest.fixture
async def live_client(live: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(live), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://paybot.test") as http:
        yield http


def eventually(check: Callable[[], T], *, what: str, timeout: float = 90.0) -> T:
    """Wait until ``check()`` returns something truthy (the worker's work is visible).

    The timeout only stops a hung test; no test asserts how long anything took.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.05)


# ---------------------------------------------------------------- Celery


@pytest.fixture
def celery_app(settings: Settings, engine: Engine) -> Iterator[object]:
    """paybot's own Celery app, on the test Redis (replaces celery.contrib.pytest's test app)."""
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping, which the worker fixture pings

    tasks.configure(settings, engine=engine)
    tasks.celery_app.conf.update(task_always_eager=False)
    yield tasks.celery_app


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict[str, object]:
    """Generous hang guards (a loaded machine is slow, never wrong); the one paybot queue."""
    return {"queues": ("paybot", "celery"), "ping_task_timeout": 120, "shutdown_timeout": 120}
