"""The Locust plugin gates ships: every request's latency, exactly, merged across workers.

Load it beside the project's locustfile, either as a file::

    locust -f locustfile.py,$(python -c 'import gates.load.run.listener as m; print(m.__file__)') ...

or with ``import gates.load.run.listener  # noqa: F401`` in the locustfile. It adds two
options: ``--gates-out PATH`` (default ``$GATES_LOAD_OUT``, else ``gates-latency.json``)
and ``--gates-window SECONDS`` (default 5). Locust's bucketed statistics are not used.

* **One process** (Locust's local runner): the :class:`~gates.load.run.recorder.Recorder`
  records every request; when the test stops, its windows go to a
  :class:`~gates.load.collector.Collector` and the evidence is written.
* **Distributed** (``--master`` with workers, or ``--processes N``): each worker records
  and sends its closed windows with Locust's periodic worker reports. When the test
  stops, the master asks every worker to stop its users (so that the worker's count and
  Locust's agree), each worker sends its last windows in a ``gates_final`` message, and
  the master waits for all of them (bounded) before it writes the evidence. A worker
  whose last shard never came is named in the evidence (``final: false``), and the
  run is then inconclusive, never short of requests without a word.

The plugin never sets Locust's exit code: gates judges the evidence, not the exit code.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

from locust import events
from locust.env import Environment
from locust.event import EventHook
from locust.runners import MasterRunner, Runner, WorkerRunner

from gates.load import evidence
from gates.load.collector import Collector
from gates.load.run.recorder import Recorder

__all__ = ["Plugin"]

_LOG: Final = logging.getLogger("gates.load")
_TICK_S: Final = 0.5
_FINAL_WAIT_S: Final = 30.0  # beyond Locust's stop timeout, for the workers' last shards
_MARK: Final = "_gates_load_listener"


class Plugin:
    """The listener's state in one Locust process."""

    def __init__(self, environment: Environment) -> None:
        options = environment.parsed_options
        self.environment = environment
        self.out = Path(getattr(options, "gates_out", None) or _default_out())
        self.window_s = float(getattr(options, "gates_window", None) or 5.0)
        self.recorder = Recorder(self.window_s, tick_s=_TICK_S)
        self.collector = Collector(self.window_s)
        self.started = 0.0
        self.ticker: Any = None  # a gevent greenlet (gevent has no type stubs)
        self.sent_final = False

    @property
    def runner(self) -> Runner:
        runner = self.environment.runner
        if runner is None:
            raise RuntimeError("gates.load.run.listener: Locust has no runner")
        return runner

    def on_test_start(self) -> None:
        self.started = time.time()
        self.recorder = Recorder(self.window_s, tick_s=_TICK_S)
        self.collector = Collector(self.window_s)
        self.sent_final = False
        if isinstance(self.runner, WorkerRunner):
            self.runner.send_message("gates_hello", {})
        if not isinstance(self.runner, MasterRunner):
            self.ticker = self.runner.greenlet.spawn(self._tick)

    def _tick(self) -> None:
        while True:
            self.recorder.tick(self.runner.user_count)
            time.sleep(_TICK_S)  # Locust patched time.sleep: the greenlet yields

    def on_request(self, request_type: str, name: str, response_time: float, **kw: object) -> None:
        failed = kw.get("exception") is not None
        self.recorder.record(f"{request_type} {name}", response_time, failed=failed, at=time.time())

    def on_report_to_master(self, data: dict[str, Any]) -> None:
        data["gates"] = self.recorder.drain(final=False)

    def on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        if "gates" in data:
            self.collector.add(client_id, data["gates"])

    def on_test_stop(self) -> None:
        if isinstance(self.runner, WorkerRunner):
            self._send_final()
        elif isinstance(self.runner, MasterRunner):
            self._gather_finals()
            self._write("master")
        else:
            self._stop_ticker()
            self.recorder.tick(self.runner.user_count)
            self.collector.add("local", self.recorder.drain(final=True))
            self._write("local")

    def _stop_ticker(self) -> None:
        if self.ticker is not None:
            self.ticker.kill(block=False)
            self.ticker = None

    def _send_final(self) -> None:
        if self.sent_final:
            return
        self._stop_ticker()
        self.recorder.tick(self.runner.user_count)
        self.runner.send_message("gates_final", self.recorder.drain(final=True))
        self.sent_final = True

    def _gather_finals(self) -> None:
        master = self.runner
        if not isinstance(master, MasterRunner):
            return
        for client in master.clients.all:
            self.collector.expect(client.id)
        for worker, tally in self.collector.workers.items():
            if not tally.final:
                master.send_message("gates_stop", {}, client_id=worker)
        deadline = time.monotonic() + self.environment.stop_timeout + _FINAL_WAIT_S
        while time.monotonic() < deadline and not all(
            tally.final for tally in self.collector.workers.values()
        ):
            time.sleep(0.05)  # yields to the greenlet that receives the workers' messages
        missing = sorted(name for name, tally in self.collector.workers.items() if not tally.final)
        if missing:
            _LOG.error("gates: no final report from workers %s", ", ".join(missing))

    def _write(self, mode: str) -> None:
        options = self.environment.parsed_options
        run_time = getattr(options, "run_time", None)
        users = getattr(options, "num_users", None)
        latency = evidence.of_collector(
            self.collector,
            started=self.started,
            ended=self.collector.last_final_at or time.time(),
            planned_s=float(run_time) if run_time else None,
            target_users=int(users) if users is not None else None,
            mode=mode,
            producer=_producer(),
        )
        evidence.write(self.out, latency)
        _LOG.info("gates: latency evidence written to %s", self.out)


def _default_out() -> str:
    return os.environ.get("GATES_LOAD_OUT", "gates-latency.json")


def _producer() -> dict[str, str]:
    found = {}
    for package in ("gates", "locust", "hdrhistogram"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "unknown"
    return found


def _install() -> None:
    """Register the listener once, however many names the module was imported under."""
    if events.__dict__.get(_MARK):
        return
    events.__dict__[_MARK] = True

    def options(parser: Any, **_: object) -> None:
        parser.add_argument("--gates-out", default="", help="where gates writes latency.json")
        parser.add_argument(
            "--gates-window", type=float, default=5.0, help="gates' time window, in seconds"
        )

    _on(events.init_command_line_parser, options)
    _on(events.init, _init)


def _init(environment: Environment, **_: object) -> None:
    plugin = Plugin(environment)
    hooks = environment.events
    _on(hooks.test_start, lambda **_: plugin.on_test_start())
    _on(hooks.test_stop, lambda **_: plugin.on_test_stop())
    _on(hooks.request, plugin.on_request)
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        _on(hooks.report_to_master, lambda client_id, data, **_: plugin.on_report_to_master(data))
        runner.register_message("gates_stop", lambda **_: runner.stop())
    elif isinstance(runner, MasterRunner):
        _on(
            hooks.worker_report,
            lambda client_id, data, **_: plugin.on_worker_report(client_id, data),
        )
        runner.register_message(
            "gates_hello", lambda msg, **_: plugin.collector.expect(msg.node_id)
        )
        runner.register_message(
            "gates_final", lambda msg, **_: plugin.collector.add(msg.node_id, msg.data)
        )


def _on(hook: EventHook, handler: Callable[..., object]) -> None:
    hook.add_listener(handler)  # type: ignore[no-untyped-call]  # Locust's EventHook is untyped


_install()
