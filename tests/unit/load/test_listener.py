"""gates' Locust listener, in one process: Locust's events fired by hand, the evidence read back.

The local runner is Locust's own; the worker and the master are Locust's classes with
their network left out (what they send is kept, their message handlers are called
directly), so that a distributed run's exchange is checked without sockets or timing.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from locust import events
from locust.env import Environment
from locust.event import EventHook
from locust.runners import MasterRunner, WorkerRunner

from gates.load import evidence
from gates.load.run import listener
from gates.load.run.recorder import Recorder
from gates.untrusted.safeio import read_blob


def _options(out: Path | str, **changes: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "gates_out": str(out),
        "gates_window": 5.0,
        "run_time": 30,
        "num_users": 4,
    }
    values.update(changes)
    return argparse.Namespace(**values)


def _read(path: Path) -> evidence.Latency:
    return evidence.read(read_blob(path, display="latency.json"))


def _fire(hook: EventHook, **arguments: object) -> None:
    hook.fire(**arguments)  # type: ignore[no-untyped-call]  # Locust's EventHook is untyped


def _request(env: Environment, name: str, ms: float, *, failed: bool = False) -> None:
    _fire(
        env.events.request,
        request_type="GET",
        name=name,
        response_time=ms,
        response_length=3,
        exception=RuntimeError("500") if failed else None,
        context={},
    )


class _Ticker:
    def __init__(self) -> None:
        self.killed = False

    def kill(self, *, block: bool) -> None:
        self.killed = True


class _Spawner:
    def __init__(self) -> None:
        self.spawned: list[Callable[[], None]] = []
        self.tickers: list[_Ticker] = []

    def spawn(self, function: Callable[[], None]) -> _Ticker:
        self.spawned.append(function)
        self.tickers.append(_Ticker())
        return self.tickers[-1]

    def __len__(self) -> int:
        return 0


class _Network:
    """What a runner sends, kept; the handlers it registers, callable."""

    def _setup(self, env: Environment) -> None:
        self.environment = env
        self.sent: list[tuple[str, Any, str | None]] = []
        self.handlers: dict[str, Callable[..., object]] = {}
        self.greenlet: Any = _Spawner()
        self.stopped = 0
        env.runner = self  # type: ignore[assignment]  # a Runner subclass, below

    def send_message(
        self, msg_type: str, data: dict[str, Any] | None = None, client_id: str | None = None
    ) -> None:
        self.sent.append((msg_type, data, client_id))

    def register_message(self, msg_type: str, listener: Callable[..., object], *_: object) -> None:
        self.handlers[msg_type] = listener

    def deliver(self, msg_type: str, node_id: str, data: object) -> None:
        message = SimpleNamespace(type=msg_type, node_id=node_id, data=data)
        self.handlers[msg_type](environment=self.environment, msg=message)

    def stop(self, *_: Any, **__: Any) -> None:
        self.stopped += 1

    @property
    def user_count(self) -> int:
        return 2


class _Worker(_Network, WorkerRunner):
    def __init__(self, env: Environment) -> None:
        self._setup(env)


class _Master(_Network, MasterRunner):
    def __init__(self, env: Environment, workers: list[str]) -> None:
        self._setup(env)
        self.clients: Any = SimpleNamespace(all=[SimpleNamespace(id=w) for w in workers])


def _shard(endpoint: str, latencies_ms: list[float], *, final: bool) -> dict[str, object]:
    recorder = Recorder(5.0)
    now = time.time()
    for ms in latencies_ms:
        recorder.record(endpoint, ms, failed=ms > 100, at=now)
    recorder.tick(1)
    return recorder.drain(final=final)


# --- one process: Locust's local runner ---------------------------------------------------


def test_a_local_run_writes_every_request_per_endpoint(tmp_path: Path) -> None:
    out = tmp_path / "latency.json"
    env = Environment(parsed_options=_options(out))
    runner = env.create_local_runner()
    listener._init(env)
    _fire(env.events.test_start, environment=env)
    for ms in (10.0, 20.0, 30.0):
        _request(env, "/a", ms)
    _request(env, "/b", 500.0, failed=True)
    _fire(env.events.test_stop, environment=env)
    runner.greenlet.kill(block=True)

    written = _read(out)
    assert written.mode == "local"
    assert written.window_s == 5.0
    assert written.planned_s == 30.0
    assert written.target_users == 4
    assert set(written.producer) == {"gates", "locust", "hdrhistogram"}
    assert [(w.id, w.requests, w.errors, w.final) for w in written.workers] == [
        ("local", 4, 1, True)
    ]
    requests: dict[str, int] = {}
    errors: dict[str, int] = {}
    for series in written.series:
        requests[series.endpoint] = requests.get(series.endpoint, 0) + series.requests
        errors[series.endpoint] = errors.get(series.endpoint, 0) + series.errors
    assert requests == {"GET /a": 3, "GET /b": 1}
    assert errors == {"GET /a": 0, "GET /b": 1}
    assert written.load  # the last tick, at least, noted the users
    assert written.started <= written.ended


def test_a_second_run_in_the_same_process_starts_afresh(tmp_path: Path) -> None:
    out = tmp_path / "latency.json"
    env = Environment(parsed_options=_options(out, run_time=None, num_users=None))
    runner = env.create_local_runner()
    listener._init(env)
    for count in (3, 1):
        _fire(env.events.test_start, environment=env)
        for _ in range(count):
            _request(env, "/a", 5.0)
        _fire(env.events.test_stop, environment=env)
        assert [w.requests for w in _read(out).workers] == [count]
    runner.greenlet.kill(block=True)
    written = _read(out)
    assert written.planned_s is None
    assert written.target_users is None


def test_the_out_path_and_window_default_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATES_LOAD_OUT", str(tmp_path / "from-env.json"))
    env = Environment(parsed_options=_options("", gates_window=None))
    plugin = listener.Plugin(env)
    assert plugin.out == tmp_path / "from-env.json"
    assert plugin.window_s == 5.0
    monkeypatch.delenv("GATES_LOAD_OUT")
    assert listener.Plugin(env).out == Path("gates-latency.json")
    assert (
        listener.Plugin(Environment(parsed_options=_options("x.json", gates_window=2))).window_s
        == 2.0
    )


def test_without_a_runner_the_listener_says_so(tmp_path: Path) -> None:
    plugin = listener.Plugin(Environment(parsed_options=_options(tmp_path / "l.json")))
    with pytest.raises(RuntimeError, match="Locust has no runner"):
        plugin.on_test_start()


def test_the_plugin_registers_its_options_and_itself_only_once() -> None:
    before = (len(events.init._handlers), len(events.init_command_line_parser._handlers))
    listener._install()
    assert (len(events.init._handlers), len(events.init_command_line_parser._handlers)) == before
    parser = argparse.ArgumentParser()
    for handler in events.init_command_line_parser._handlers:
        if getattr(handler, "__module__", "") == listener.__name__:
            handler(parser=parser)
    parsed = parser.parse_args(["--gates-out", "x.json", "--gates-window", "0.5"])
    assert (parsed.gates_out, parsed.gates_window) == ("x.json", 0.5)
    assert parser.parse_args([]).gates_window == 5.0


def test_the_producer_names_an_absent_package_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def version(package: str) -> str:
        if package == "hdrhistogram":
            raise PackageNotFoundError(package)
        return "1.0"

    monkeypatch.setattr(listener, "version", version)
    assert listener._producer() == {"gates": "1.0", "locust": "1.0", "hdrhistogram": "unknown"}


# --- a worker ----------------------------------------------------------------------------


def test_a_worker_sends_closed_windows_then_its_final_shard_once(tmp_path: Path) -> None:
    out = tmp_path / "latency.json"
    env = Environment(parsed_options=_options(out))
    worker = _Worker(env)
    listener._init(env)
    _fire(env.events.test_start, environment=env)
    assert worker.sent == [("gates_hello", {}, None)]
    assert len(worker.greenlet.spawned) == 1  # its ticker

    _request(env, "/a", 12.0)
    _request(env, "/a", 900.0, failed=True)
    report: dict[str, Any] = {}
    _fire(env.events.report_to_master, client_id="w1", data=report)
    assert report["gates"]["final"] is False
    assert report["gates"]["requests"] == 2

    _fire(env.events.test_stop, environment=env)
    _fire(env.events.test_stop, environment=env)  # Locust may stop twice: one final shard
    finals = [data for kind, data, _ in worker.sent if kind == "gates_final"]
    assert len(finals) == 1
    assert finals[0]["final"] is True
    assert (finals[0]["requests"], finals[0]["errors"]) == (2, 1)
    assert worker.greenlet.tickers[0].killed
    assert not out.exists()  # the master writes, never a worker

    worker.deliver("gates_stop", "master", {})
    assert worker.stopped == 1


# --- the master ----------------------------------------------------------------------------


def test_the_master_merges_reports_and_final_shards(tmp_path: Path) -> None:
    out = tmp_path / "latency.json"
    env = Environment(parsed_options=_options(out), stop_timeout=0)
    master = _Master(env, ["w1", "w2"])
    listener._init(env)
    _fire(env.events.test_start, environment=env)
    assert master.greenlet.spawned == []  # the master records nothing itself
    master.deliver("gates_hello", "w1", {})
    master.deliver("gates_hello", "w2", {})

    w1 = Recorder(5.0)
    w1.record("GET /a", 10.0, failed=False, at=time.time() - 60)  # a window closed since
    report = {"gates": w1.drain(final=False)}
    _fire(env.events.worker_report, client_id="w1", data=report)
    _fire(env.events.worker_report, client_id="w2", data={"stats": []})  # no gates: ignored
    for ms in (10.0, 20.0):
        w1.record("GET /a", ms, failed=False, at=time.time())
    master.deliver("gates_final", "w1", w1.drain(final=True))
    master.deliver("gates_final", "w2", _shard("GET /b", [300.0], final=True))
    _fire(env.events.test_stop, environment=env)

    assert [kind for kind, _, _ in master.sent] == []  # every final came: nobody asked to stop
    written = _read(out)
    assert written.mode == "master"
    assert [(w.id, w.requests, w.errors, w.final) for w in written.workers] == [
        ("w1", 3, 0, True),
        ("w2", 1, 1, True),
    ]
    assert sum(s.requests for s in written.series if s.endpoint == "GET /a") == 3
    assert sum(s.errors for s in written.series if s.endpoint == "GET /b") == 1
    assert written.problems == ()


def test_the_master_asks_a_silent_worker_to_stop_and_waits_for_its_shard(tmp_path: Path) -> None:
    out = tmp_path / "latency.json"
    env = Environment(parsed_options=_options(out), stop_timeout=0)
    master = _Master(env, ["w1"])
    listener._init(env)
    _fire(env.events.test_start, environment=env)

    def send_message(msg_type: str, data: object = None, client_id: str | None = None) -> None:
        master.sent.append((msg_type, data, client_id))
        if msg_type == "gates_stop":  # the worker stops, and its last shard comes
            master.deliver("gates_final", str(client_id), _shard("GET /a", [7.0], final=True))

    master.send_message = send_message  # type: ignore[method-assign]
    _fire(env.events.test_stop, environment=env)

    assert master.sent == [("gates_stop", {}, "w1")]
    written = _read(out)
    assert [(w.id, w.requests, w.final) for w in written.workers] == [("w1", 1, True)]


def test_a_worker_whose_final_shard_never_came_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(listener, "_FINAL_WAIT_S", 0.0)
    out = tmp_path / "latency.json"
    env = Environment(parsed_options=_options(out), stop_timeout=0)
    master = _Master(env, ["w1", "w2"])
    listener._init(env)
    _fire(env.events.test_start, environment=env)
    master.deliver("gates_final", "w1", _shard("GET /a", [7.0], final=True))
    master.deliver("gates_final", "w2", "not a shard")  # a problem, not a crash
    with caplog.at_level(logging.ERROR, logger="gates.load"):
        _fire(env.events.test_stop, environment=env)

    assert master.sent == [("gates_stop", {}, "w2")]
    assert "no final report from workers w2" in caplog.text
    written = _read(out)
    assert [(w.id, w.final) for w in written.workers] == [("w1", True), ("w2", False)]
    assert written.problems == ("w2: a shard of another gates version",)


def test_the_ticker_notes_the_users_every_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Environment(parsed_options=_options(tmp_path / "latency.json"))
    _Worker(env)
    plugin = listener.Plugin(env)
    naps: list[float] = []

    class _EnoughError(Exception):
        pass

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            raise _EnoughError

    monkeypatch.setattr(time, "sleep", sleep)
    with pytest.raises(_EnoughError):
        plugin._tick()
    assert naps == [0.5, 0.5, 0.5]
    load = plugin.recorder.drain(final=True)["load"]
    assert isinstance(load, list)
    assert load
    assert {row[1] for row in load} == {2}  # the worker's users, as the ticks saw them
