"""Database time from inside the service: SQLAlchemy's cursor events, written to ``db.json``.

The load stage tells the service where it wants the file (the environment variable
``GATES_LOAD_DB``, set by :func:`gates.load.run.service.run_load`). The service calls
:func:`install` once at start (it returns ``None`` outside a load run) and
:meth:`Probe.write` when it stops::

    probe = dbprobe.install()
    try:
        serve()
    finally:
        if probe:
            probe.write()

Every query any SQLAlchemy engine of the process runs is timed from
``before_cursor_execute`` to ``after_cursor_execute`` (the driver's own time, network
included) and kept per 1 s window; the file (:mod:`gates.load.dbtime`) is written
atomically. Queries that raised are not timed (SQLAlchemy sends no
``after_cursor_execute`` for them).
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from pathlib import Path
from typing import Any, Final

from gates.load.dbtime import DbTiming, DbWindow, render
from gates.load.histogram import HIGHEST, LOWEST, Histogram
from gates.system.atomic import atomic_write

__all__ = ["ENV", "Probe", "install"]

ENV: Final = "GATES_LOAD_DB"
WINDOW_S: Final = 1.0
_STARTED: Final = "gates_query_started"


class Probe:
    """The queries' times, per window, until :meth:`write`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._times: dict[int, list[int]] = {}

    def before(self, conn: Any, *_: object) -> None:
        conn.info.setdefault(_STARTED, []).append(time.perf_counter_ns())

    def after(self, conn: Any, *_: object) -> None:
        started = conn.info.get(_STARTED)
        if not started:
            return
        took = min(max(time.perf_counter_ns() - started.pop(), LOWEST), HIGHEST)
        window = int(time.time() // WINDOW_S)
        with self._lock:
            self._times.setdefault(window, []).append(took)

    def timing(self) -> DbTiming:
        with self._lock:
            windows = sorted(self._times.items())
        return DbTiming(
            "sqlalchemy",
            WINDOW_S,
            tuple(DbWindow(w, sum(times), Histogram.of_values(times)) for w, times in windows),
        )

    def write(self) -> None:
        atomic_write(self.path, render(self.timing()))


def install() -> Probe | None:
    """Time every query of the process, when a load run asked for it (else ``None``)."""
    target = os.environ.get(ENV, "").strip()
    if not target:
        return None
    # the service's SQLAlchemy, imported by name: gates itself does not depend on it
    event = importlib.import_module("sqlalchemy.event")
    engine = importlib.import_module("sqlalchemy.engine").Engine
    probe = Probe(Path(target))
    event.listen(engine, "before_cursor_execute", probe.before)
    event.listen(engine, "after_cursor_execute", probe.after)
    return probe
