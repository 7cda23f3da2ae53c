"""Reading the evidence within its budget: a report too slow or too big to read is named.

No test here measures time on the wall clock. The slow readers spend CPU time
(which a busy machine does not inflate) against budgets a hundred times
smaller than their own bound, and the evidence budget runs on an injected
clock; the memory budget is an address-space limit, hit by an allocation.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.judge import evidence as evidence_module
from gates.judge.budget import MIB, Spending
from gates.judge.evidence import load_evidence
from gates.model.reports import ReportData
from gates.model.stage import StageEvidence
from gates.policy.settings import Budget
from gates.readers import ReadContext
from gates.stage.recorder import StageRecorder
from gates.system.git import TreeState
from gates.untrusted.safeio import Blob

STATE = TreeState("c" * 40, dirty=False, digest="0" * 64)
BOUND = 5.0  # CPU seconds a slow reader spends at most: then it returns, and the test fails
TINY = 0.1  # CPU seconds allowed


def _spin(_blob: Blob, _context: ReadContext) -> ReportData:
    """A reader stuck in Python code (for at most BOUND CPU seconds)."""
    deadline = time.process_time() + BOUND
    while time.process_time() < deadline:
        pass
    return ReportData(tool="ruff")


def _backtrack(_blob: Blob, _context: ReadContext) -> ReportData:
    """A reader stuck in the regular-expression engine: C code, exponential backtracking.

    ``(a|aa)+$`` on 36 a's and a "!" tries about 40 million ways (seconds of
    CPU); the engine checks for signals as it goes.
    """
    re.fullmatch(r"(a|aa)+$", "a" * 36 + "!")
    return ReportData(tool="ruff")


def _grow(_blob: Blob, _context: ReadContext) -> ReportData:
    """A reader that allocates 512 MiB (untouched, so no memory is used without a limit)."""
    bytearray(512 * MIB)
    return ReportData(tool="ruff")


class _Reader:
    """A reader module stand-in: ``read`` is the function given."""

    def __init__(self, read: object) -> None:
        self.read = read


@pytest.fixture(autouse=True)
def _alone() -> None:
    """The guards bind the whole process, so they are set only when it runs one thread."""
    assert threading.active_count() == 1, f"threads left by another test: {threading.enumerate()}"


@pytest.fixture
def stage_dir(tmp_path: Path) -> Path:
    """A stage ``s`` with two reports of ruff, ``a.json`` and ``b.json``."""
    recorder = StageRecorder("s", tmp_path / ".gates" / "s", STATE, "nox -s s")
    recorder.folder.mkdir(parents=True)
    recorder.tool("ruff", version="1", argv=["ruff"], exit_code=0)
    for name in ("a.json", "b.json"):
        (recorder.folder / name).write_bytes(b"[]\n")
        recorder.report(name, format="ruff-json", tool="ruff")
    recorder.finish()
    return tmp_path


def _load(root: Path, budget: Budget) -> StageEvidence:
    [found] = load_evidence(
        root, reports=".gates", state=STATE, max_bytes=MIB, budget=budget
    ).stages
    return found


def _slugs(found: StageEvidence) -> list[tuple[str, str]]:
    return [(p.problem.slug, p.problem.path) for p in found.problems]


@pytest.mark.parametrize("read", [_spin, _backtrack], ids=["python", "regex"])
def test_a_report_that_takes_too_long_to_read_is_named(
    stage_dir: Path, monkeypatch: pytest.MonkeyPatch, read: object
) -> None:
    monkeypatch.setattr(evidence_module, "reader_for", lambda _fmt: _Reader(read))
    start = time.process_time()
    found = _load(stage_dir, Budget(report_seconds=TINY))
    assert time.process_time() - start < BOUND / 2  # stopped by the budget, not by the reader
    assert _slugs(found) == [
        ("time-budget", ".gates/s/a.json"),
        ("time-budget", ".gates/s/b.json"),
    ]
    message = found.problems[0].problem.message
    assert "took more than 0.1 CPU seconds to read (`max-report-seconds`)" in message
    assert "max-report-seconds" in found.problems[0].problem.hint
    assert found.reports == ()


@pytest.mark.skipif(sys.platform != "linux", reason="the address-space limit is Linux's")
def test_a_report_that_takes_too_much_memory_to_read_is_named(
    stage_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_module, "reader_for", lambda _fmt: _Reader(_grow))
    found = _load(stage_dir, Budget(memory_mb=64))
    assert _slugs(found) == [
        ("memory-budget", ".gates/s/a.json"),
        ("memory-budget", ".gates/s/b.json"),
    ]
    assert "64 MiB" in found.problems[0].problem.message
    assert "max-memory-mb" in found.problems[0].problem.hint


def test_the_evidence_budget_bounds_every_report_together(
    stage_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first report spends what is left of the whole budget; the next is never read."""
    monkeypatch.setattr(evidence_module, "reader_for", lambda _fmt: _Reader(_spin))
    found = _load(stage_dir, Budget(report_seconds=3600, evidence_seconds=1))
    assert _slugs(found) == [
        ("time-budget", ".gates/s/a.json"),
        ("time-budget", ".gates/s/b.json"),
    ]
    first, second = (p.problem.message for p in found.problems)
    assert "(what was left of `max-evidence-seconds`)" in first
    assert second.startswith("was not read: reading the evidence before it spent the whole")


def test_the_evidence_budget_is_counted_on_the_clock_it_is_given() -> None:
    """On an injected clock, three reports of 250 s each spend 750 s of 600: a fourth is not read."""
    ticks = iter([0.0, 250.0, 250.0, 500.0, 500.0, 750.0])
    spending = Spending(Budget(report_seconds=300, evidence_seconds=600), clock=lambda: next(ticks))
    for name in ("a.json", "b.json", "c.json"):
        with spending.reading(name):
            pass
    assert spending.spent == 750
    with pytest.raises(EvidenceError) as raised, spending.reading("d.json"):
        pytest.fail("a report read past the budget")
    assert (raised.value.slug, raised.value.path) == ("time-budget", "d.json")
    assert "600 CPU seconds (`max-evidence-seconds`)" in raised.value.detail


def test_reading_leaves_no_timer_and_no_limit_behind(
    stage_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resource  # noqa: PLC0415 - not on Windows

    handler = signal.getsignal(signal.SIGPROF)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    monkeypatch.setattr(evidence_module, "reader_for", lambda _fmt: _Reader(_spin))
    _load(stage_dir, Budget(report_seconds=TINY, memory_mb=64))
    assert signal.getsignal(signal.SIGPROF) == handler
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert resource.getrlimit(resource.RLIMIT_AS) == limits


def test_a_process_running_other_threads_gets_no_process_wide_limit(
    stage_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nox runs stages in threads: a timer would count their CPU, a limit bind their tools."""
    import resource  # noqa: PLC0415 - not on Windows

    seen: list[object] = []

    def look(_blob: Blob, _context: ReadContext) -> ReportData:
        seen.append((resource.getrlimit(resource.RLIMIT_AS), signal.getitimer(signal.ITIMER_PROF)))
        return ReportData(tool="ruff")

    monkeypatch.setattr(evidence_module, "reader_for", lambda _fmt: _Reader(look))
    limits = resource.getrlimit(resource.RLIMIT_AS)
    _load(stage_dir, Budget(report_seconds=TINY, memory_mb=64))
    assert all(entry != (limits, (0.0, 0.0)) for entry in seen)  # alone: both are set
    seen.clear()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        _load(stage_dir, Budget(report_seconds=TINY, memory_mb=64))
    finally:
        stop.set()
        other.join()
    assert seen == [(limits, (0.0, 0.0))] * 2
