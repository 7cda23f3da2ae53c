"""The load of the integration tests: a few users on 127.0.0.1, each request named."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TextIO

from locust import HttpUser, constant, events, task

_BURN_S = float(os.environ.get("BURN_MS", "0")) / 1000  # CPU each request costs the generator


def _burn() -> None:
    """Spin the CPU for ``$BURN_MS``: a generator starved of CPU, on purpose."""
    until = time.process_time() + _BURN_S
    while time.process_time() < until:
        pass


class Visitor(HttpUser):
    wait_time = constant(0.01)

    @task(3)
    def slow(self) -> None:
        self._get("/slow")

    @task(3)
    def leak(self) -> None:
        self._get("/leak")

    @task(1)
    def fail(self) -> None:
        self._get("/fail")

    def _get(self, path: str) -> None:
        self.client.get(path)
        if _BURN_S:
            _burn()


def _keep_raw_latencies() -> None:
    """With ``$RAW_LATENCIES`` (a folder), every process also writes each raw latency there.

    The cross-check of gates' histograms: ``<folder>/raw-<pid>.tsv``, one line per request,
    ``<method> <name>``, a tab, Locust's response time in milliseconds (``repr``, all digits).
    """
    folder = os.environ.get("RAW_LATENCIES")
    if not folder:
        return
    handles: dict[int, TextIO] = {}

    def _raw(request_type: str, name: str, response_time: float, **_: object) -> None:
        pid = os.getpid()
        if pid not in handles:
            handles[pid] = Path(folder, f"raw-{pid}.tsv").open("a", encoding="utf-8")  # noqa: SIM115
        handles[pid].write(f"{request_type} {name}\t{response_time!r}\n")

    def _close(**_: object) -> None:
        for handle in handles.values():
            handle.close()

    events.request.add_listener(_raw)  # type: ignore[no-untyped-call]  # Locust's hooks are untyped
    events.quitting.add_listener(_close)  # type: ignore[no-untyped-call]


_keep_raw_latencies()
