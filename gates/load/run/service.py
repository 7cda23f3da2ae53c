"""One load run: start the service, wait until it is ready, run Locust, stop all of it.

:func:`run_load` starts the service's command in a session of its own (its process
group), polls its readiness URL until it answers (bounded: :class:`ServiceNotReadyError`,
with the tail of its log, when it never does or exits first), samples its memory
(:mod:`gates.load.memory`), runs Locust headless and bounded (``--users``,
``--spawn-rate``, ``--run-time``, ``--only-summary``, gates' listener beside the
locustfile, Locust's JSON and CSV reports kept; ``memory.json`` written from the
sampler), then stops everything it started: the
Locust group and the service group with SIGTERM, then SIGKILL after a grace period,
and any descendant of the service that left its group, then any process that still
carries the run's mark in its environment (``GATES_LOAD_RUN``: a daemon the service
started outside its tree, such as PostgreSQL under ``pg_ctl``). That holds on success,
on failure, on Ctrl-C and on SIGTERM (turned into an exception while the run lasts).

The run writes into a temporary folder beside ``out`` and renames it to ``out`` only
when it finished: an interrupted run leaves no half evidence. Every address the run
touches must be on the loopback (127.0.0.0/8, ``localhost``, ``::1``): a load test
never sends traffic elsewhere.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import Final
from urllib.parse import urlsplit

from gates.load import memory_evidence
from gates.load.memory import PROC, MemoryRecord, Sampler, tree_of
from gates.load.run.dbprobe import ENV as DB_ENV
from gates.load.run.profile import memray_command, memray_summarise, profiled

__all__ = [
    "LoadRunError",
    "LocustSpec",
    "RunResult",
    "ServiceNotReadyError",
    "ServiceSpec",
    "listener_path",
    "run_load",
]

_GRACE_S: Final = 10.0  # SIGTERM, then this long, then SIGKILL
_LOCUST_SLACK_S: Final = 90.0  # beyond --run-time: spawn, stop timeout, the final shards
RUN_ENV: Final = "GATES_LOAD_RUN"  # the mark the service's processes inherit (_sweep)


class LoadRunError(RuntimeError):
    """The run could not produce evidence; the message says why and what to do."""


class ServiceNotReadyError(LoadRunError):
    """The service never answered its readiness URL, or exited first."""


class _Terminated(BaseException):
    """SIGTERM during a run: unwinds like Ctrl-C, so everything started is stopped."""


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    command: Sequence[str]
    ready_url: str
    ready_timeout_s: float = 60.0
    cwd: Path | None = None
    env: Mapping[str, str] | None = None  # added to the stage's environment


@dataclass(frozen=True, slots=True)
class LocustSpec:
    locustfile: Path
    host: str
    users: int
    spawn_rate: float
    run_time_s: int
    processes: int | None = None  # Locust's --processes: a master and N workers
    window_s: float = 5.0
    extra_args: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class RunResult:
    out: Path
    locust_exit: int  # recorded, never the verdict
    service_pid: int
    locust_pid: int
    memory: MemoryRecord


def listener_path() -> str:
    """The file of gates' Locust listener, for ``locust -f locustfile.py,<it>``."""
    spec = find_spec("gates.load.run.listener")
    if spec is None or spec.origin is None:
        raise LoadRunError("gates.load.run.listener is not installed")
    return spec.origin


def check_loopback(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host is not on this machine's loopback."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise LoadRunError(f"{url} is not an http:// or https:// URL: a load run only speaks HTTP")
    host = parts.hostname or ""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoadRunError(
            f"{url} is not on the loopback: a load run only targets 127.0.0.0/8, localhost or ::1"
        )


def run_load(
    service: ServiceSpec,
    locust: LocustSpec,
    out: Path,
    *,
    python: str = sys.executable,
    memory_interval_s: float = 0.25,
    on_started: Callable[[str, int], None] | None = None,
    profile: bool = False,
    memray: bool = False,
) -> RunResult:
    """Run the service under Locust's load and keep the evidence in ``out`` (replaced)."""
    check_loopback(service.ready_url)
    check_loopback(locust.host)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-"))
    try:
        if memray:
            service = replace(service, command=memray_command(service.command, work / "profile"))
        with _terminate_as_exception(), _started(service, work) as server:
            if on_started:
                on_started("service", server.pid)
            _wait_ready(service, server, work / "service.log")
            sampler = Sampler(server.pid, memory_interval_s)
            sampler.start()
            try:
                with profiled(server.pid, work / "profile", enabled=profile):
                    code, locust_pid = _run_locust(locust, work, python, on_started)
            finally:
                memory = sampler.stop()
            memory_evidence.write(work / "memory.json", memory)
        if memray:
            memray_summarise(work / "profile", python)
        if out.exists():
            shutil.rmtree(out)
        work.replace(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return RunResult(out, code, server.pid, locust_pid, memory)


@contextlib.contextmanager
def _terminate_as_exception() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _started(service: ServiceSpec, work: Path) -> Iterator[subprocess.Popen[bytes]]:
    # where the service writes its database time, should it time its queries (dbprobe)
    # and a mark every process it starts inherits: found by it after the stop (_sweep)
    mark = uuid.uuid4().hex
    env = {
        **os.environ,
        **(service.env or {}),
        DB_ENV: str(work / "db.json"),
        RUN_ENV: mark,
    }
    with (work / "service.log").open("wb") as sink:
        try:
            process = subprocess.Popen(
                list(service.command),
                cwd=service.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as error:
            raise LoadRunError(f"the service command cannot start: {error}") from None
        try:
            yield process
        finally:
            _stop_group(process, tree=tree_of(process.pid))
            _sweep(f"{RUN_ENV}={mark}".encode())


def _wait_ready(service: ServiceSpec, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + service.ready_timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServiceNotReadyError(
                f"the service exited with code {server.returncode} before {service.ready_url}"
                f" answered{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(service.ready_url, timeout=1.0) as answer:  # noqa: S310  # nosec B310 - http(s) on the loopback only: check_loopback
                if 200 <= answer.status < 400:
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.1)
    raise ServiceNotReadyError(
        f"the service never became ready: {service.ready_url} did not answer within"
        f" {service.ready_timeout_s:g} s{_tail(log)}"
    )


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "; its log ends:\n" + "\n".join(text) if text else "; its log is empty"


def _run_locust(
    spec: LocustSpec, work: Path, python: str, on_started: Callable[[str, int], None] | None
) -> tuple[int, int]:
    command = [
        python,
        "-m",
        "locust",
        "-f",
        f"{spec.locustfile},{listener_path()}",
        "--headless",
        "--only-summary",
        "--host",
        spec.host,
        "--users",
        str(spec.users),
        "--spawn-rate",
        str(spec.spawn_rate),
        "--run-time",
        f"{spec.run_time_s}s",
        "--gates-out",
        str(work / "latency.json"),
        "--gates-window",
        str(spec.window_s),
        "--json-file",
        str(work / "locust"),
        "--csv",
        str(work / "locust"),
        *(["--processes", str(spec.processes)] if spec.processes else []),
        *spec.extra_args,
    ]
    with (work / "locust.log").open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if on_started:
            on_started("locust", process.pid)
        try:
            code = process.wait(timeout=spec.run_time_s + _LOCUST_SLACK_S)
        except subprocess.TimeoutExpired:
            raise LoadRunError(
                f"Locust ran {_LOCUST_SLACK_S:g} s past its --run-time and was stopped"
            ) from None
        finally:
            _stop_group(process, tree=tree_of(process.pid))
    if not (work / "latency.json").is_file():
        raise LoadRunError(
            f"Locust exited with {code} and gates' listener wrote no latency.json; see locust.log"
        )
    return code, process.pid


def _stop_group(process: subprocess.Popen[bytes], *, tree: Sequence[int]) -> None:
    """SIGTERM the group, SIGKILL it after the grace; then any descendant that left it."""
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=_GRACE_S)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + _GRACE_S
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    _signal_group(process.pid, signal.SIGKILL)
    for pid in tree:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _sweep(mark: bytes, proc: Path = PROC) -> list[int]:
    """Stop every process that still carries the run's mark in its environment.

    A service may start daemons that leave its process group and tree (``pg_ctl``
    starting PostgreSQL, anything double-forked); when the service does not stop them
    itself (it was killed after the grace), they would outlive the run. They inherited
    the mark: SIGTERM, then SIGKILL after the grace. Returns the pids found.
    """
    found = [pid for pid in _marked(mark, proc) if pid != os.getpid()]
    for pid in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _GRACE_S
    while time.monotonic() < deadline and _marked(mark, proc):
        time.sleep(0.1)
    for pid in _marked(mark, proc):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return found


def _marked(mark: bytes, proc: Path) -> list[int]:
    pids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone, or not ours to read
            continue
        if mark in environ.split(b"\0"):
            pids.append(int(entry.name))
    return pids


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
