"""The service-under-test's lifecycle, with tiny real processes on 127.0.0.1.

The service is a few lines of Python serving HTTP (or never ready, or exiting first);
Locust is a stand-in script given as ``python`` (it writes, or not, the listener's file),
so that the run's start, readiness, errors and stop are checked in seconds. Every test
also checks that nothing it started is left running. Timeouts are hang guards only.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from gates.load.memory_evidence import read as read_memory
from gates.load.run import profile, service
from gates.load.run.service import (
    LoadRunError,
    LocustSpec,
    ServiceNotReadyError,
    ServiceSpec,
    run_load,
)
from gates.untrusted.safeio import read_blob

PY = sys.executable

_SERVICE = textwrap.dedent(
    """
    import os, signal, subprocess, sys, time
    from http.server import BaseHTTPRequestHandler, HTTPServer

    port, options = int(sys.argv[1]), sys.argv[2:]
    if "--ignore-term" in options:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if "--orphan" in options:  # a daemon out of the service's group and tree
        daemon = subprocess.Popen(
            [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM,"
             " signal.SIG_IGN); time.sleep(600)"],
            start_new_session=True,
        )
        with open(options[options.index("--orphan") + 1], "w") as handle:
            handle.write(str(daemon.pid))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/ready" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    print("serving on", port, flush=True)
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()
    """
)

_LOCUST = textwrap.dedent(
    """
    import json, os, sys, time

    argv = sys.argv[1:]
    with open(os.environ["FAKE_LOCUST_ARGV"], "w") as handle:
        json.dump(argv, handle)
    mode = os.environ["FAKE_LOCUST"]
    if mode == "hang":
        time.sleep(600)
    if mode == "write":
        with open(argv[argv.index("--gates-out") + 1], "w") as handle:
            handle.write("{}")
        sys.exit(0)
    print("no listener here", flush=True)
    sys.exit(3)
    """
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _gone(pid: int) -> bool:
    guard = time.monotonic() + 20  # a hang guard, not a measure
    while _alive(pid) and time.monotonic() < guard:
        time.sleep(0.05)
    return not _alive(pid)


@pytest.fixture(autouse=True)
def _short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_GRACE_S", 0.5)


def _service(tmp_path: Path, port: int, *options: str, path: str = "/ready") -> ServiceSpec:
    script = tmp_path / "service.py"
    script.write_text(_SERVICE, encoding="utf-8")
    return ServiceSpec(
        command=[PY, str(script), str(port), *options],
        ready_url=f"http://127.0.0.1:{port}{path}",
        ready_timeout_s=20,
    )


def _locust(tmp_path: Path, port: int, **changes: object) -> LocustSpec:
    values: dict[str, object] = {
        "locustfile": tmp_path / "locustfile.py",
        "host": f"http://127.0.0.1:{port}",
        "users": 3,
        "spawn_rate": 3.0,
        "run_time_s": 5,
    }
    values.update(changes)
    return LocustSpec(**values)  # type: ignore[arg-type]


@pytest.fixture
def fake_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``python`` whose ``-m locust`` is the stand-in above."""
    script = tmp_path / "fake-python"
    script.write_text(f"#!{PY}\n{_LOCUST}", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("FAKE_LOCUST_ARGV", str(tmp_path / "argv.json"))
    monkeypatch.setenv("FAKE_LOCUST", "write")
    return script


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if ".partial-" in p.name)


# --- a whole run ------------------------------------------------------------------------


def test_a_run_keeps_the_evidence_and_stops_everything(tmp_path: Path, fake_python: Path) -> None:
    port = _free_port()
    orphan = tmp_path / "orphan.pid"
    out = tmp_path / "runs" / "load"
    out.mkdir(parents=True)
    (out / "stale.txt").write_text("an older run", encoding="utf-8")
    started: list[tuple[str, int]] = []

    result = run_load(
        _service(tmp_path, port, "--orphan", str(orphan)),
        _locust(tmp_path, port, processes=2, extra_args=("--tags", "x")),
        out,
        python=str(fake_python),
        memory_interval_s=0.05,
        on_started=lambda what, pid: started.append((what, pid)),
    )

    assert result.out == out
    assert result.locust_exit == 0
    assert started == [("service", result.service_pid), ("locust", result.locust_pid)]
    assert sorted(p.name for p in out.iterdir()) == [
        "latency.json",
        "locust.log",
        "memory.json",
        "service.log",
    ]  # the older run's files replaced
    assert "serving on" in (out / "service.log").read_text(encoding="utf-8")
    assert read_memory(read_blob(out / "memory.json", display="memory.json")) is not None
    argv = json.loads((tmp_path / "argv.json").read_text(encoding="utf-8"))
    assert argv[:2] == ["-m", "locust"]
    assert argv[argv.index("-f") + 1] == f"{tmp_path / 'locustfile.py'},{service.listener_path()}"
    assert argv[argv.index("--host") + 1] == f"http://127.0.0.1:{port}"
    assert argv[argv.index("--run-time") + 1] == "5s"
    assert argv[argv.index("--processes") + 1] == "2"
    assert argv[-2:] == ["--tags", "x"]
    assert "--headless" in argv
    assert _leftovers(out) == []
    assert _gone(result.service_pid)
    assert _gone(result.locust_pid)
    assert _gone(int(orphan.read_text(encoding="utf-8")))  # swept by the run's mark


def test_locust_without_the_listeners_file_is_an_error(
    tmp_path: Path, fake_python: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_LOCUST", "fail")
    port = _free_port()
    out = tmp_path / "load"
    pids: dict[str, int] = {}
    with pytest.raises(LoadRunError, match=r"Locust exited with 3 and gates' listener wrote no"):
        run_load(
            _service(tmp_path, port),
            _locust(tmp_path, port),
            out,
            python=str(fake_python),
            on_started=pids.__setitem__,
        )
    assert not out.exists()
    assert _leftovers(out) == []  # no half evidence
    assert _gone(pids["service"])
    assert _gone(pids["locust"])


def test_locust_past_its_run_time_is_stopped(
    tmp_path: Path, fake_python: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_LOCUST", "hang")
    monkeypatch.setattr(service, "_LOCUST_SLACK_S", 0.5)
    port = _free_port()
    out = tmp_path / "load"
    pids: dict[str, int] = {}
    with pytest.raises(LoadRunError, match=r"Locust ran 0.5 s past its --run-time"):
        run_load(
            _service(tmp_path, port, "--ignore-term"),  # SIGKILL after the grace
            _locust(tmp_path, port, run_time_s=0),
            out,
            python=str(fake_python),
            on_started=pids.__setitem__,
        )
    assert not out.exists()
    assert _gone(pids["service"])
    assert _gone(pids["locust"])


# --- readiness ----------------------------------------------------------------------------


def test_a_service_that_exits_first_is_not_ready_and_its_log_is_quoted(tmp_path: Path) -> None:
    spec = ServiceSpec(
        command=[PY, "-c", "import sys; print('no database'); sys.exit(4)"],
        ready_url="http://127.0.0.1:9/ready",
        ready_timeout_s=20,
    )
    with pytest.raises(ServiceNotReadyError) as caught:
        run_load(spec, _locust(tmp_path, 9), tmp_path / "load")
    assert str(caught.value) == (
        "the service exited with code 4 before http://127.0.0.1:9/ready answered;"
        " its log ends:\nno database"
    )
    assert _leftovers(tmp_path / "load") == []


def test_a_service_that_never_answers_ready_times_out(tmp_path: Path) -> None:
    port = _free_port()
    spec = _service(tmp_path, port, path="/not-ready")  # answers 404 there
    spec = ServiceSpec(spec.command, spec.ready_url, ready_timeout_s=1)
    pids: dict[str, int] = {}
    with pytest.raises(ServiceNotReadyError) as caught:
        run_load(spec, _locust(tmp_path, port), tmp_path / "load", on_started=pids.__setitem__)
    message = str(caught.value)
    assert message.startswith(
        f"the service never became ready: http://127.0.0.1:{port}/not-ready did not answer"
        " within 1 s; its log ends:\n"
    )
    assert f"serving on {port}" in message
    assert _gone(pids["service"])


def test_a_silent_service_has_an_empty_log(tmp_path: Path) -> None:
    spec = ServiceSpec(
        command=[PY, "-c", "import time; time.sleep(600)"],
        ready_url="http://localhost:9/ready",
        ready_timeout_s=0.3,
        cwd=tmp_path,
        env={"GATES_TEST": "1"},
    )
    pids: dict[str, int] = {}
    with pytest.raises(ServiceNotReadyError, match=r"within 0\.3 s; its log is empty$"):
        run_load(spec, _locust(tmp_path, 9), tmp_path / "load", on_started=pids.__setitem__)
    assert _gone(pids["service"])


def test_a_command_that_cannot_start_is_an_error(tmp_path: Path) -> None:
    spec = ServiceSpec(command=[str(tmp_path / "no-such-program")], ready_url="http://[::1]:9/")
    with pytest.raises(LoadRunError, match=r"^the service command cannot start: "):
        run_load(spec, _locust(tmp_path, 9), tmp_path / "load")
    assert _leftovers(tmp_path / "load") == []


@pytest.mark.parametrize(
    ("ready", "host", "message"),
    [
        ("http://10.0.0.1/ready", "http://127.0.0.1:9", "is not on the loopback"),
        ("http://127.0.0.1:9/ready", "http://example.com", "is not on the loopback"),
        ("ftp://127.0.0.1/ready", "http://127.0.0.1:9", "is not an http:// or https:// URL"),
    ],
)
def test_an_address_off_the_loopback_is_refused_before_anything_starts(
    tmp_path: Path, ready: str, host: str, message: str
) -> None:
    spec = ServiceSpec(command=[str(tmp_path / "never-run")], ready_url=ready)
    with pytest.raises(LoadRunError, match=message):
        run_load(spec, _locust(tmp_path, 9, host=host), tmp_path / "runs" / "load")
    assert not (tmp_path / "runs").exists()


# --- the pieces ---------------------------------------------------------------------------


def test_the_sweep_stops_what_carries_the_mark_even_if_it_ignores_sigterm(
    tmp_path: Path,
) -> None:
    mark = f"{service.RUN_ENV}=sweep-{os.getpid()}-{time.time_ns()}"
    ready = tmp_path / "ready"
    code = (
        "import pathlib, signal, sys, time\n"
        "if sys.argv[1] == 'deaf': signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        f"pathlib.Path({str(ready)!r} + sys.argv[1]).touch()\n"
        "time.sleep(600)\n"
    )
    env = {**os.environ, service.RUN_ENV: mark.split("=", 1)[1]}
    polite = subprocess.Popen([PY, "-c", code, "polite"], env=env)
    deaf = subprocess.Popen([PY, "-c", code, "deaf"], env=env)
    unmarked = subprocess.Popen([PY, "-c", "import time; time.sleep(600)"])
    try:
        guard = time.monotonic() + 20
        while not all(Path(f"{ready}{n}").exists() for n in ("polite", "deaf")):
            assert time.monotonic() < guard, "the children never started"
            time.sleep(0.05)
        found = service._sweep(mark.encode())
        assert sorted(found) == sorted([polite.pid, deaf.pid])
        assert polite.wait(timeout=20) == -signal.SIGTERM
        assert deaf.wait(timeout=20) == -signal.SIGKILL
        assert unmarked.poll() is None  # not the run's: left alone
        assert service._sweep(mark.encode()) == []
    finally:
        for child in (polite, deaf, unmarked):
            child.kill()
            child.wait()


def test_the_sweep_skips_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "self").mkdir()
    (tmp_path / "4194305").mkdir()  # above any pid_max: no environ, and no such process
    assert service._marked(b"GATES_LOAD_RUN=x", tmp_path) == []
    (tmp_path / "4194305" / "environ").write_bytes(b"A=1\0GATES_LOAD_RUN=x\0")
    assert service._marked(b"GATES_LOAD_RUN=x", tmp_path) == [4194305]
    assert service._marked(b"GATES_LOAD_RUN=", tmp_path) == []  # whole entries only


def test_sigterm_during_a_run_unwinds_as_an_exception() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(service._Terminated), service._terminate_as_exception():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends
    assert signal.getsignal(signal.SIGTERM) == before


def test_off_the_main_thread_sigterm_is_left_alone() -> None:
    seen: list[object] = []

    def run() -> None:
        with service._terminate_as_exception():
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=20)
    assert seen == [before]


def test_without_py_spy_the_profile_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with profile.profiled(os.getpid(), tmp_path / "profile", enabled=True):
        pass
    note = (tmp_path / "profile" / "unavailable.txt").read_text(encoding="utf-8")
    assert note == "py-spy is not installed\n"
    with profile.profiled(os.getpid(), tmp_path / "off", enabled=False):
        pass
    assert not (tmp_path / "off").exists()


def test_a_missing_listener_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "find_spec", lambda _name: None)
    with pytest.raises(LoadRunError, match=r"gates\.load\.run\.listener is not installed"):
        service.listener_path()


def test_the_tail_of_a_log_that_is_not_there_is_nothing(tmp_path: Path) -> None:
    assert service._tail(tmp_path / "missing.log") == ""
    log = tmp_path / "service.log"
    log.write_text("".join(f"line {n}\n" for n in range(20)), encoding="utf-8")
    assert service._tail(log, lines=2) == "; its log ends:\nline 18\nline 19"


_SPY = textwrap.dedent(
    """
    import os, pathlib, signal, sys, time

    if os.environ["FAKE_SPY"] == "deaf":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    print(" ".join(sys.argv[1:]), flush=True)
    pathlib.Path(os.environ["FAKE_SPY_READY"]).touch()
    time.sleep(600)
    """
)


@pytest.mark.parametrize(("mode", "code"), [("polite", 0), ("deaf", -signal.SIGKILL)])
def test_a_profiler_that_writes_nothing_leaves_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, code: int
) -> None:
    spy = tmp_path / "py-spy"
    spy.write_text(f"#!{PY}\n{_SPY}", encoding="utf-8")
    spy.chmod(0o755)
    ready = tmp_path / "spy-ready"
    monkeypatch.setenv("FAKE_SPY", mode)
    monkeypatch.setenv("FAKE_SPY_READY", str(ready))
    monkeypatch.setattr(shutil, "which", lambda _name: str(spy))
    monkeypatch.setattr(profile, "_PROFILE_WRITE_S", 0.5)
    folder = tmp_path / "profile"
    with profile.profiled(4242, folder, enabled=True):
        guard = time.monotonic() + 20  # a hang guard: the stand-in is up before it is stopped
        while not ready.exists() and time.monotonic() < guard:
            time.sleep(0.05)
    log = (folder / "py-spy.log").read_text(encoding="utf-8")
    assert log.startswith("record --pid 4242 --subprocesses --rate 100 --format speedscope")
    assert f"--output {folder / 'profile.speedscope.json'} --nonblocking" in log
    assert (folder / "unavailable.txt").read_text(encoding="utf-8") == (
        f"py-spy exited with {code} and wrote no profile (ptrace not allowed?); see py-spy.log\n"
    )


def test_a_first_run_creates_its_folder_with_one_locust_process(
    tmp_path: Path, fake_python: Path
) -> None:
    port = _free_port()
    out = tmp_path / "fresh" / "load"
    result = run_load(
        _service(tmp_path, port), _locust(tmp_path, port), out, python=str(fake_python)
    )
    assert (out / "latency.json").read_text(encoding="utf-8") == "{}"  # Locust's, as written
    argv = json.loads((tmp_path / "argv.json").read_text(encoding="utf-8"))
    assert "--processes" not in argv
    assert _leftovers(out) == []
    assert _gone(result.service_pid)
