"""A real load run on 127.0.0.1: the service started, loaded by Locust, stopped, and judged.

The service is ``app.py`` (``/slow`` sleeps 20 ms, ``/leak`` keeps 64 KiB a request); a
few users for ten seconds (windows of half a second, so that even a Locust slow to start
leaves the leak's slope enough points). Nothing here depends on how fast the machine is: the slow
endpoint's median is above its sleep however loaded the machine, a leak of 64 KiB a
request grows whatever the rate, and no process outlives the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from gates.load import evidence, memory_evidence
from gates.load.memory import figures
from gates.load.run.service import (
    LoadRunError,
    LocustSpec,
    ServiceNotReadyError,
    ServiceSpec,
    check_loopback,
    run_load,
)
from gates.load.summary import Scenario, summarise
from gates.untrusted.safeio import read_blob

HERE = Path(__file__).resolve().parent
PY = sys.executable

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _service(port: int, **changes: object) -> ServiceSpec:
    command = [PY, str(HERE / "app.py"), str(port), "--sleep-ms", "20", "--leak-kb", "64"]
    return ServiceSpec(
        command=command, ready_url=f"http://127.0.0.1:{port}/ready", ready_timeout_s=30
    )


def _locust(port: int, *, run_time_s: int = 10, processes: int | None = None) -> LocustSpec:
    return LocustSpec(
        locustfile=HERE / "locustfile.py",
        host=f"http://127.0.0.1:{port}",
        users=3,
        spawn_rate=3,
        run_time_s=run_time_s,
        processes=processes,
        window_s=0.5,
    )


def _gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("processes", [None, 2])
def test_a_slow_and_a_leaking_endpoint_are_measured_and_nothing_is_left(
    tmp_path: Path, processes: int | None
) -> None:
    port = _free_port()
    result = run_load(_service(port), _locust(port, processes=processes), tmp_path / "load")
    assert _gone(result.service_pid) and _gone(result.locust_pid)
    assert sorted(p.name for p in result.out.iterdir()) == sorted(
        [
            "latency.json",
            "locust.json",
            "locust.log",
            "locust_exceptions.csv",
            "locust_failures.csv",
            "locust_stats.csv",
            "locust_stats_history.csv",
            "memory.json",
            "service.log",
        ]
    )
    assert not list(tmp_path.glob(".load.partial-*"))
    latency = evidence.read(read_blob(result.out / "latency.json", display="latency.json"))
    assert latency.mode == ("master" if processes else "local")
    summary = summarise(latency, Scenario(warmup_s=1.0), path="latency.json")
    slow = summary.figures("GET /slow")
    assert slow is not None and slow.requests > 0
    p50 = slow.percentile(0.5)
    assert p50.value is not None and p50.value > 20.0  # the sleep is a floor, on any machine
    fail = summary.figures("GET /fail")
    assert fail is not None and fail.error_rate == 1.0
    record = memory_evidence.read(read_blob(result.out / "memory.json", display="memory.json"))
    assert record == result.memory
    memory = figures(record, latency, measured_from=summary.measured_from, path="m")
    growth = memory.growth_mb_per_10k
    assert growth is not None and growth.low is not None and growth.low > 0  # the leak
    assert memory.peak_mb is not None and memory.peak_mb > 1


def test_a_service_that_never_becomes_ready_is_named_and_stopped(tmp_path: Path) -> None:
    started: dict[str, int] = {}
    never = ServiceSpec(
        command=[PY, "-c", "import time; time.sleep(600)"],
        ready_url=f"http://127.0.0.1:{_free_port()}/ready",
        ready_timeout_s=2,
    )
    with pytest.raises(ServiceNotReadyError, match=r"never became ready: .* within 2 s"):
        run_load(never, _locust(1), tmp_path / "load", on_started=started.__setitem__)
    assert _gone(started["service"])
    assert list(tmp_path.iterdir()) == []  # no half evidence


def test_a_profiled_run_keeps_the_services_profile_or_says_why_not(tmp_path: Path) -> None:
    port = _free_port()
    result = run_load(
        _service(port), _locust(port, run_time_s=6), tmp_path / "load", profile=True, memray=True
    )
    profile = result.out / "profile"
    if shutil.which("py-spy"):
        table = (profile / "top20.md").read_text()
        for name in ("profile.speedscope.json", "profile.pstats", "flame.html"):
            assert (profile / name).is_file(), name
        assert table.count("\n| `") >= 1, table  # at least one function of the service
    else:
        assert "not installed" in (profile / "unavailable.txt").read_text()
    if find_spec("memray") is not None:
        assert (profile / "memray.md").read_text().startswith("Peak memory of the service")
        assert not (profile / "memray.bin").exists()
    else:
        assert (profile / "memray-unavailable.txt").is_file()
    assert (result.out / "latency.json").is_file()  # profiling never costs the run


_DAEMON = """
import os, sys, time
if os.fork() == 0:  # a daemon, as pg_ctl starts PostgreSQL: a new session, out of the tree
    os.setsid()
    if os.fork() == 0:
        with open(sys.argv[1] + ".tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
        time.sleep(600)
    os._exit(0)
while not os.path.exists(sys.argv[1]):  # as pg_ctl, return once the daemon is up
    time.sleep(0.01)
sys.exit(3)
"""


def test_a_daemon_the_service_started_out_of_its_tree_is_stopped_too(tmp_path: Path) -> None:
    pid_file = tmp_path / "daemon.pid"
    service = ServiceSpec(
        command=[PY, "-c", _DAEMON, str(pid_file)],
        ready_url=f"http://127.0.0.1:{_free_port()}/ready",
        ready_timeout_s=600,  # never reached: the service exits once its daemon wrote its pid
    )
    with pytest.raises(ServiceNotReadyError, match="exited with code 3"):
        run_load(service, _locust(1), tmp_path / "load")
    daemon = int(pid_file.read_text())
    assert not Path(f"/proc/{daemon}").exists() or _zombie(daemon)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True


def test_a_service_that_exits_is_named_with_its_code_and_log(tmp_path: Path) -> None:
    dies = ServiceSpec(
        command=[PY, "-c", "print('no database'); raise SystemExit(3)"],
        ready_url="http://127.0.0.1:9/ready",
        ready_timeout_s=30,
    )
    with pytest.raises(ServiceNotReadyError, match=r"(?s)exited with code 3 .*no database"):
        run_load(dies, _locust(9), tmp_path / "load")


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1:80/", "http://example.com/", "http://192.168.1.2/", "http://[::2]/"]
)
def test_a_target_off_the_loopback_is_refused(url: str) -> None:
    with pytest.raises(LoadRunError, match="not on the loopback"):
        check_loopback(url)
    check_loopback("http://127.0.0.2:8000/")
    check_loopback("http://localhost/")
    check_loopback("http://[::1]:8000/")


def test_a_run_stopped_midway_leaves_no_process_and_no_evidence(tmp_path: Path) -> None:
    port = _free_port()
    pids = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from gates.load.run.service import LocustSpec, ServiceSpec, run_load
        def note(what, pid):
            with open({str(pids)!r}, "a") as f:
                f.write(f"{{what}} {{pid}}\\n")
        run_load(
            ServiceSpec([{PY!r}, {str(HERE / "app.py")!r}, "{port}"], "http://127.0.0.1:{port}/ready"),
            LocustSpec(Path({str(HERE / "locustfile.py")!r}), "http://127.0.0.1:{port}", 2, 2, 300),
            Path({str(tmp_path / "load")!r}),
            on_started=note,
        )
        """
    )
    stage = subprocess.Popen([PY, "-c", script])
    deadline = time.monotonic() + 120  # only to catch a hang
    while "locust" not in (pids.read_text() if pids.exists() else ""):
        assert stage.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    stage.send_signal(signal.SIGTERM)
    assert stage.wait(timeout=120) != 0
    started = dict(line.split() for line in pids.read_text().splitlines())
    assert _gone(int(started["service"])) and _gone(int(started["locust"]))
    assert not (tmp_path / "load").exists()
    assert not list(tmp_path.glob(".load.partial-*"))
