"""``python -m paybot``: ``serve``, ``worker``, ``migrate``, ``dev`` (all of it, locally).

``serve``, ``worker`` and ``migrate`` read the ``PAYBOT_*`` environment
(paybot/settings.py). ``dev`` needs nothing: it starts a throwaway PostgreSQL
and Redis on 127.0.0.1, migrates, starts a Celery worker and a stand-in Bot API
server that records what the bot sends, and serves the API on
http://127.0.0.1:8000 until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from collections.abc import Iterator, Sequence

from paybot import devservers, migrate, settings


def serve(host: str, port: int) -> None:
    import uvicorn

    from paybot.api.app import create_app
    from paybot.api.observability import configure_logging
    from paybot.runtime import build

    configure_logging()
    app = create_app(build(settings.from_env()))
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def worker() -> None:
    from paybot import tasks

    tasks.configure(settings.from_env())
    tasks.celery_app.worker_main(["worker", "--loglevel=INFO", "--pool=solo", "-Q", "paybot"])


@contextlib.contextmanager
def dev_environment() -> Iterator[dict[str, str]]:
    """PostgreSQL, Redis and a stand-in Bot API on 127.0.0.1, as ``PAYBOT_*`` variables."""
    from paybot.fakebotapi import FakeBotApi

    token = "123456:" + secrets.token_hex(16)
    with (
        devservers.postgres() as pg,
        devservers.redis_server() as redis_url,
        FakeBotApi(token) as api,
    ):
        url = pg.create_database("paybot")
        migrate.upgrade(url)
        yield {
            "PAYBOT_DATABASE_URL": url,
            "PAYBOT_REDIS_URL": redis_url,
            "PAYBOT_BOT_TOKEN": token,
            "PAYBOT_WEBHOOK_SECRET": secrets.token_urlsafe(24),
            "PAYBOT_TOKEN_KEY": secrets.token_urlsafe(48),
            "PAYBOT_TELEGRAM_API": api.url,
        }


def dev(host: str, port: int) -> None:
    import threading

    with dev_environment() as env:
        os.environ.update(env)
        print("paybot dev:", {k: v for k, v in env.items() if "SECRET" not in k and "KEY" not in k})
        threading.Thread(target=worker, daemon=True, name="celery-worker").start()
        serve(host, port)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paybot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "dev"):
        command = commands.add_parser(name)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
    commands.add_parser("worker")
    commands.add_parser("migrate")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            serve(args.host, args.port)
        elif args.command == "dev":
            dev(args.host, args.port)
        elif args.command == "worker":
            worker()
        else:
            migrate.upgrade(settings.from_env().database_url)
    except (settings.SettingsError, devservers.ServerError) as error:
        print(f"paybot: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
