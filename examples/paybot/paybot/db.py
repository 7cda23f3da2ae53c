"""The database: one engine per process, READ COMMITTED, sessions that never expire on commit.

The isolation level is set explicitly, not left to the server's default:
the ledger's correctness under concurrency rests on ``SELECT … FOR UPDATE``
at READ COMMITTED (paybot/ledger_store.py), and the tests assert it.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

ISOLATION_LEVEL = "READ COMMITTED"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with paybot's isolation level and a connection check."""
    return create_engine(url, isolation_level=ISOLATION_LEVEL, pool_pre_ping=True)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    """``SELECT 1``: raises when the database cannot be reached."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
