"""paybot under load: the whole service on 127.0.0.1, seeded for the load scenario.

``python load/serve.py PORT`` starts what ``python -m paybot dev`` starts (a throwaway
PostgreSQL and Redis, the stand-in Bot API, a Celery worker, the API on uvicorn), then
seeds an admin and a catalogue of products (with the per-address rate limit lifted: every
simulated customer comes from 127.0.0.1), and writes what the locustfile needs to
know (the admin's credentials, the products, the webhook secret) to
``$TMPDIR/paybot-load-PORT.json`` (mode 0600; removed when the service stops). The load
stage (``gates load``) starts it, waits for ``/readyz`` and stops it with SIGTERM:
uvicorn then returns, the time of every database query (SQLAlchemy's events,
:mod:`gates.load.run.dbprobe`) is written where the stage asked, and the dev servers are
stopped and removed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

import uvicorn
from gates.load.run import dbprobe

from paybot import db, services, settings
from paybot.__main__ import dev_environment, worker
from paybot.api.app import create_app
from paybot.api.observability import configure_logging
from paybot.domain.money import Money
from paybot.runtime import build

PRODUCTS = 40


def seed_file(port: int) -> Path:
    """Where the seed of the service on ``port`` is written (the locustfile reads it)."""
    return Path(tempfile.gettempdir()) / f"paybot-load-{port}.json"


def seed(env: dict[str, str]) -> dict[str, object]:
    """An admin, and ``PRODUCTS`` products: what the load's users buy."""
    engine = db.make_engine(env["PAYBOT_DATABASE_URL"])
    sessions = db.make_sessions(engine)
    with sessions() as session:
        admin, key = services.create_user(session, "load admin", role="admin")
        products = [
            services.create_product(
                session,
                sku=f"LOAD-{number:03d}",
                title=f"Load product {number}",
                description="seeded for the load scenario",
                price=Money(10 + number, "XTR"),
            )
            for number in range(PRODUCTS)
        ]
        session.commit()
        found = {"admin": {"id": admin.id, "api_key": key}, "products": [p.id for p in products]}
    engine.dispose()
    return {**found, "webhook_secret": env["PAYBOT_WEBHOOK_SECRET"]}


def serve(port: int) -> None:
    """``python -m paybot serve``, with a bound on the graceful shutdown.

    Under an overload (thousands of open connections) uvicorn would wait for every one
    of them; the stage kills the service 10 s after SIGTERM, before PostgreSQL is stopped.
    """
    configure_logging()
    app = create_app(build(settings.from_env()))
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=3,
    )


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (the load stage stopping the service) unwinds like an exit: see main."""
    raise SystemExit(0)


def main() -> int:
    # uvicorn catches SIGTERM while it serves and raises it again once it has shut down;
    # with the default handler that kills the process there, before the dev servers are
    # stopped: PostgreSQL (which pg_ctl started outside this process's tree, where the
    # stage cannot see it) would be left running. Raised as SystemExit, it unwinds.
    signal.signal(signal.SIGTERM, _stop)
    port = int(sys.argv[1])
    path = seed_file(port)
    # paybot limits each client address: every simulated customer comes from 127.0.0.1,
    # so one bucket for all of them would turn the load into 429s. Lifted for the load
    # run only (tests/integration covers the limiter itself).
    os.environ.setdefault("PAYBOT_RATE_LIMIT", "1000000000")
    os.environ.setdefault("PAYBOT_RATE_PER_SECOND", "1000000000")
    with dev_environment() as env:
        os.environ.update(env)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(seed(env), handle)
        probe = dbprobe.install()  # every query's time, for db.mean_ms and db.p95_ms
        try:
            threading.Thread(target=worker, daemon=True, name="celery-worker").start()
            serve(port)
        finally:
            path.unlink(missing_ok=True)
            if probe is not None:
                probe.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
