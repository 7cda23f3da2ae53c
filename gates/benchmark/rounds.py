"""Same-run A/B rounds: base and head in alternating fresh processes, until decided.

Each round runs the pytest-benchmark suite once on each side, each in a fresh
Python process (so import state, memory layout and hash seeds differ from one
round to the next, as they do between real runs), and the order alternates:
base then head in odd rounds, head then base in even ones, so that neither side
always runs first, on a warmer or a colder machine. Each process writes its
pytest-benchmark JSON as ``round-NN/<side>.json`` in the stage folder and is
recorded in the stage manifest (command, exit code) with the report (role
``base`` or ``head``).

The rounds are adaptive. From ``min_rounds`` on, after every *pair* of rounds
(so both orders weigh the same), the comparison is computed exactly as
``gates check`` will compute it (:func:`gates.benchmark.compare.paired`); the stage
stops when every benchmark is decided (regression, improvement or no change).
Otherwise it goes on until ``max_rounds``, or until the time budget would be
exceeded by another pair (the first ``min_rounds`` always run); what is still
undecided then is reported as inconclusive, with the reason, and does not block.

A process that fails (an exit code pytest does not run fine with, no report,
a report that does not read, or the per-process timeout) ends the stage: the
stage records that it could not produce evidence, and the verdict blocks.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.benchmark.compare import paired, undecided
from gates.catalog.tools import exit_meaning
from gates.errors import EvidenceError
from gates.model.measurement import Measured
from gates.model.reports import BenchmarkRun
from gates.readers.benchmarks import pytest_benchmark
from gates.readers.interface import ReadContext
from gates.stage.recorder import StageRecorder
from gates.system import process
from gates.system.atomic import atomic_write
from gates.untrusted.safeio import read_blob

__all__ = [
    "PLUGIN",
    "TIMERS",
    "Plan",
    "RoundsError",
    "RoundsResult",
    "Side",
    "pytest_command",
    "run_rounds",
    "side_environment",
    "write_plugin",
]

TOOL: Final = "pytest-benchmark"
_FORMAT: Final = "pytest-benchmark-json"
_OK_EXIT = (0, 1)  # 1: a benchmark failed; pytest-benchmark leaves it out of the report
_TAIL_LINES = 3
_MIN_ROUND = 0.0001  # seconds: the shortest timed round (see pytest_command)
_MAX_REPORT_BYTES = 256 * 1024 * 1024

Log = Callable[[str], None]


# What each benchmark process times. CPU time by default: on a shared machine a
# neighbour that takes the core pauses the process's CPU clock, where it would
# add its whole time slice to a wall-clock round (BENCHMARKS.md measures both).
# Wall time for benchmarks that wait (sleep, I/O, other threads or processes).
TIMERS: Final = {"cpu": "time.process_time", "wall": "time.perf_counter"}


@dataclass(frozen=True, slots=True)
class Plan:
    """How the rounds measure, and how long they may take.

    The defaults keep a suite of 30 benchmarks of up to a few milliseconds each
    under about five minutes on two cores: each process spends at most
    ``benchmark_time`` measuring each benchmark (pytest-benchmark's
    ``--benchmark-max-time``), so about 0.15 s per benchmark with its
    calibration, plus the start of Python and pytest (about a second); 10 to 20
    rounds of two processes each. The first ``min_rounds`` always run (fewer
    could not decide anything, and an undecided benchmark never blocks: a budget
    that cut them would turn a slow machine into a pass); beyond them, no new
    pair of rounds starts that would end past ``seconds``.
    """

    min_rounds: int = 10
    max_rounds: int = 20
    seconds: float = 240.0  # all rounds together; environments are built outside it
    process_timeout: float = 120.0  # one pytest process, killed beyond it
    benchmark_time: float = 0.1  # seconds of measurement per benchmark and process
    timer: str = "cpu"  # "cpu": time.process_time; "wall": time.perf_counter

    def __post_init__(self) -> None:
        if not 2 <= self.min_rounds <= self.max_rounds:
            raise ValueError("need 2 <= min_rounds <= max_rounds")
        if min(self.seconds, self.process_timeout, self.benchmark_time) <= 0:
            raise ValueError("times must be positive")
        if self.timer not in TIMERS:
            raise ValueError(f"timer must be one of {', '.join(TIMERS)}")


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the comparison: the checkout pytest runs in, and its interpreter."""

    role: str  # "base" or "head"
    tree: Path
    python: Path
    version: str = ""  # the pytest-benchmark version installed for it
    commit: str = ""  # what the tree holds, written into each report's commit_info
    dirty: bool = False


@dataclass(frozen=True, slots=True)
class RoundsResult:
    """How the rounds went: how many ran, why they stopped, the last comparison."""

    rounds: int
    stopped: str
    measurement: Measured


class RoundsError(Exception):
    """A process could not produce its report: the stage has no evidence."""


PLUGIN: Final = "gates_bench_info"
_PLUGIN_SOURCE: Final = '''"""Loaded by `gates bench` into every benchmark process (`-p gates_bench_info`).

pytest-benchmark probes the CPU (py-cpuinfo, about half a second) and runs git
for each report it writes; over dozens of processes per stage that is minutes.
gates already knows the machine and the commit of each side.
"""

import os
import platform

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_benchmark_generate_machine_info(config):
    return {
        "node": platform.node(),
        "machine": platform.machine(),
        "system": platform.system(),
        "release": platform.release(),
        "python_implementation": platform.python_implementation(),
        "python_version": platform.python_version(),
        "cpu": {"count": os.cpu_count()},
    }


@pytest.hookimpl(tryfirst=True)
def pytest_benchmark_generate_commit_info(config):
    return {
        "id": os.environ.get("GATES_BENCH_COMMIT", ""),
        "dirty": os.environ.get("GATES_BENCH_DIRTY") == "1",
    }
'''


def write_plugin(folder: Path) -> Path:
    """Write the :data:`PLUGIN` module into ``folder``; put ``folder`` on ``PYTHONPATH``."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / f"{PLUGIN}.py", _PLUGIN_SOURCE.encode("utf-8"))
    return folder


def pytest_command(
    python: Path,
    pytest_args: Sequence[str],
    report: Path,
    *,
    benchmark_time: float | None,
    timer: str | None = "cpu",
) -> list[str]:
    """The command one side runs in one round (``None``: pytest-benchmark's default).

    ``--benchmark-min-time`` makes each timed round last at least 100 µs: with
    the default 5 µs, pytest-benchmark's calibration times a microsecond
    function sometimes 1 call per round (when the first, cold call looks slow)
    and sometimes 20, so its median jumps between processes by a factor of
    three; and the CPU clock costs about half a microsecond a reading.
    """
    limit = (
        [f"--benchmark-max-time={benchmark_time:g}", f"--benchmark-min-time={_MIN_ROUND:g}"]
        if benchmark_time is not None
        else []
    )
    return [
        str(python),
        "-m",
        "pytest",
        *pytest_args,
        "--benchmark-only",
        "--benchmark-enable",  # over a --benchmark-disable in the project's pytest options
        f"--benchmark-json={report}",
        *([f"--benchmark-timer={TIMERS[timer]}"] if timer else []),
        *limit,
        "-p",
        PLUGIN,
        "-p",
        "no:cacheprovider",
        "-q",
    ]


def side_environment(side: Side, plugin: Path) -> dict[str, str]:
    """The environment of one side's processes: ours, with the plugin importable."""
    environment = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    path = environment.get("PYTHONPATH", "")
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(plugin), path) if p)
    environment["GATES_BENCH_COMMIT"] = side.commit
    environment["GATES_BENCH_DIRTY"] = "1" if side.dirty else "0"
    return environment


def run_rounds(
    recorder: StageRecorder,
    base: Side,
    head: Side,
    *,
    pytest_args: Sequence[str],
    plan: Plan,
    slowdown: float,
    log: Log,
    clock: Callable[[], float] = time.monotonic,
) -> RoundsResult:
    """Run rounds until every benchmark is decided or the budget is spent; raises :class:`RoundsError`."""
    with tempfile.TemporaryDirectory(prefix="gates-bench-plugin-") as folder:
        plugin = write_plugin(Path(folder))
        return _rounds(
            recorder,
            (base, head),
            plugin,
            pytest_args=pytest_args,
            plan=plan,
            slowdown=slowdown,
            log=log,
            clock=clock,
        )


def _rounds(
    recorder: StageRecorder,
    sides: tuple[Side, Side],
    plugin: Path,
    *,
    pytest_args: Sequence[str],
    plan: Plan,
    slowdown: float,
    log: Log,
    clock: Callable[[], float],
) -> RoundsResult:
    base, head = sides
    pairs: list[tuple[BenchmarkRun, BenchmarkRun]] = []
    started = clock()
    measurement: Measured | None = None
    measured_at = 0
    stopped = f"the maximum of {plan.max_rounds} rounds"
    for number in range(1, plan.max_rounds + 1):
        if (
            number % 2 == 1
            and number > plan.min_rounds
            and _out_of_time(clock() - started, number, plan)
        ):
            stopped = f"the time budget ({plan.seconds:g} s)"
            break
        order = (base, head) if number % 2 == 1 else (head, base)
        runs = {
            side.role: _one(
                recorder, side, number, plugin, pytest_args=pytest_args, plan=plan, log=log
            )
            for side in order
        }
        pairs.append((runs[base.role], runs[head.role]))
        if not runs[base.role].benchmarks or not runs[head.role].benchmarks:
            stopped = "a side that ran no benchmark"
            break
        if number % 2 == 0 and number >= plan.min_rounds:
            measurement, measured_at = paired(pairs, slowdown=slowdown), number
            left = undecided(measurement)
            log(f"after {number} rounds: {_progress(measurement, left)}")
            if not left:
                stopped = "every benchmark decided"
                break
    if measurement is None or measured_at != len(pairs):
        measurement = paired(pairs, slowdown=slowdown)
    log(f"stopped after {len(pairs)} rounds: {stopped}")
    return RoundsResult(len(pairs), stopped, measurement)


def _out_of_time(elapsed: float, number: int, plan: Plan) -> bool:
    """Whether another pair of rounds, at the pace so far, would end past the plan."""
    per_round = elapsed / (number - 1)
    return elapsed + 2 * per_round > plan.seconds


def _progress(measurement: Measured, left: Sequence[object]) -> str:
    decided = len(measurement.comparisons) - len(left)
    regressions = int(measurement.value or 0)
    return f"{decided} decided ({regressions} regressions), {len(left)} undecided"


def _one(
    recorder: StageRecorder,
    side: Side,
    number: int,
    plugin: Path,
    *,
    pytest_args: Sequence[str],
    plan: Plan,
    log: Log,
) -> BenchmarkRun:
    relative = f"round-{number:02d}/{side.role}.json"
    report = (recorder.folder / relative).resolve()  # each side runs in its own tree
    report.parent.mkdir(parents=True, exist_ok=True)
    command = pytest_command(
        side.python, pytest_args, report, benchmark_time=plan.benchmark_time, timer=plan.timer
    )
    began = time.monotonic()
    code, tail = _execute(
        command, cwd=side.tree, env=side_environment(side, plugin), timeout=plan.process_timeout
    )
    recorder.tool(TOOL, version=side.version or "unknown", argv=command, exit_code=code)
    where = f"round {number}, {side.role}"
    if code not in _OK_EXIT:
        why = (
            f"killed after {plan.process_timeout:g} s"
            if code == process.TIMED_OUT
            else exit_meaning("pytest", code)
        )
        raise RoundsError(
            f"{where}: pytest exited {code}{f' ({why})' if why else ''}: {tail or 'no output'}"
        )
    if not report.is_file():
        raise RoundsError(f"{where}: pytest-benchmark wrote no report: {tail or 'no output'}")
    recorder.report(relative, format=_FORMAT, tool=TOOL, role=side.role)
    log(f"round {number} {side.role}: {time.monotonic() - began:.1f} s")
    return _read(report, recorder, relative, where)


def _read(report: Path, recorder: StageRecorder, relative: str, where: str) -> BenchmarkRun:
    display = f"{recorder.folder.name}/{relative}"
    try:
        blob = read_blob(report, display=display, max_bytes=_MAX_REPORT_BYTES)
        data = pytest_benchmark.read(blob, ReadContext(root=str(recorder.folder)))
    except EvidenceError as error:
        raise RoundsError(f"{where}: {error.message}") from None
    assert data.benchmarks is not None  # noqa: S101 - the reader always sets it
    return data.benchmarks


def _execute(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> tuple[int, str]:
    """Run one process; its exit code (-9 when killed at ``timeout``) and its last lines."""
    done = process.run(command, cwd=cwd, env=env, timeout=timeout)
    return done.code, done.tail(_TAIL_LINES)
