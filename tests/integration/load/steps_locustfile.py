"""A step load for the integration tests: users raised in steps on 127.0.0.1, bounded in time.

``STEP_USERS`` (default ``2,4,8,16``) users, each step ``STEP_S`` seconds (default 4),
then the shape returns ``None`` and Locust stops by itself. The users ask for ``/slow``
and ``/fast`` of tests/integration/load/app.py, each waiting ``STEP_WAIT_MS`` (default
50) between requests: past the service's ``--capacity`` the ``/slow`` queue grows, and
with no wait at all the generator gives way first (the step run is then inconclusive).
"""

from __future__ import annotations

import os

from locust import HttpUser, LoadTestShape, constant, task

_USERS = tuple(int(n) for n in os.environ.get("STEP_USERS", "2,4,8,16").split(","))
_STEP_S = float(os.environ.get("STEP_S", "4"))
_WAIT_S = float(os.environ.get("STEP_WAIT_MS", "50")) / 1000


class Visitor(HttpUser):
    wait_time = constant(_WAIT_S)

    @task(1)
    def slow(self) -> None:
        self.client.get("/slow")

    @task(3)
    def fast(self) -> None:
        self.client.get("/fast")


class Steps(LoadTestShape):
    """Each step's users for ``_STEP_S`` seconds; ``None`` once the last step is done."""

    def tick(self) -> tuple[int, float] | None:
        step = int(self.get_run_time() // _STEP_S)  # type: ignore[no-untyped-call]  # Locust leaves it untyped
        if step >= len(_USERS):
            return None
        return _USERS[step], 100.0
