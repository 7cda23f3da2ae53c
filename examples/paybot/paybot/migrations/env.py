"""Alembic's environment: migrations run online, on the URL the caller configured."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from paybot.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("set sqlalchemy.url (paybot.migrate.upgrade does) to run migrations")

engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
