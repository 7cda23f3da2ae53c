"""The time and memory that reading evidence may take: never a hang, never the machine's memory.

Reading is the part of ``gates check`` whose cost a report decides (a pull
request can write any report); what comes after, judging and rendering, costs
in proportion to what was read. So reading has a budget, set under
``[gates]`` in ``gates.toml``:

* ``max-report-seconds`` (default 60): CPU seconds one report may take to read
  and parse;
* ``max-evidence-seconds`` (default 600): CPU seconds every report together may
  take; a report read after they are spent is not read at all;
* ``max-memory-mb`` (default 4096): address space reading may add to what
  ``gates check`` held when it began.

Going over any of them is an evidence error naming the report being read
(``time-budget``, ``memory-budget``), so the gates that read it block while
the others are judged.

Time is **CPU time** of this process, never the wall clock: a busy machine
stretches the one and not the other, so a budget decides the same on a laptop
and on a loaded CI runner. It is enforced by a CPU-time timer
(``ITIMER_PROF``), whose signal interrupts Python code and the regular
expression engine alike. Memory is bounded with ``RLIMIT_AS`` on Linux: an
allocation past it raises :class:`MemoryError` inside the reader. Both bind
the whole process, so they are set only when it runs one thread, as ``gates
check`` does; elsewhere (Windows; a Nox process running stages in threads, which
reads a stage's evidence to tell whether it is up to date) the evidence budget
is still counted between reports. A read that blocks spends no CPU: reports are
opened without following links and without waiting (:mod:`gates.untrusted.safeio`), so
none blocks.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Final

from gates.errors import EvidenceError
from gates.policy.settings import Budget

if sys.platform != "win32":  # Windows has no address-space limit
    import resource

__all__ = ["Spending"]

MIB: Final = 1024 * 1024
_STATM: Final = "/proc/self/statm"  # Linux: the process's size in pages, first


class _Spent(BaseException):
    """Raised by the CPU timer's signal handler inside the reader that ran too long.

    A ``BaseException``, as ``KeyboardInterrupt`` is: a reader's ``except
    Exception`` must not swallow it and run on with the timer spent.
    """


def process_cpu() -> float:
    """CPU seconds this process has spent (user and system): what load does not inflate."""
    return time.process_time()


class Spending:
    """One load's spending against a :class:`Budget`.

    ``clock`` gives CPU seconds; a test injects its own to spend the evidence
    budget without spending time.
    """

    def __init__(self, budget: Budget, *, clock: Callable[[], float] = process_cpu) -> None:
        self.budget = budget
        self.spent = 0.0
        self._clock = clock
        self._exhausted = False  # the timer stopped a read at the end of the evidence budget

    @contextmanager
    def memory(self) -> Iterator[None]:
        """Bound the address space while the block reads the evidence (Linux; else nothing)."""
        with _address_space(self.budget.memory_mb * MIB):
            yield

    @contextmanager
    def reading(self, display: str) -> Iterator[None]:
        """Read one report (``display`` names it) within what is left of the budget.

        Raises :class:`EvidenceError` (``time-budget`` or ``memory-budget``)
        naming the report when the block goes over.
        """
        left = self.budget.evidence_seconds - self.spent
        if left <= 0 or self._exhausted:
            raise self._spent_before(display)
        allowed = min(self.budget.report_seconds, left)
        start = self._clock()
        try:
            with _cpu_timer(allowed):
                yield
        except _Spent:
            # the timer's count and the clock's differ by a tick: the timer's word is final
            self._exhausted = allowed < self.budget.report_seconds
            raise self._over_time(display, allowed) from None
        except MemoryError:
            raise self._over_memory(display) from None
        finally:
            self.spent += self._clock() - start

    def _spent_before(self, display: str) -> EvidenceError:
        return EvidenceError(
            f"was not read: reading the evidence before it spent the whole budget of "
            f"{_seconds(self.budget.evidence_seconds)} CPU seconds (`max-evidence-seconds`)",
            slug="time-budget",
            path=display,
            hint="find the report that took so long in the other problems; raise "
            "`max-evidence-seconds` under [gates] in gates.toml only if the evidence is genuine",
        )

    def _over_time(self, display: str, allowed: float) -> EvidenceError:
        which = (
            "`max-report-seconds`"
            if allowed >= self.budget.report_seconds
            else "what was left of `max-evidence-seconds`"
        )
        return EvidenceError(
            f"took more than {_seconds(allowed)} CPU seconds to read ({which}): "
            "a report this slow to parse is hostile or far larger than a tool writes",
            slug="time-budget",
            path=display,
            hint="rerun the stage that writes it (e.g. `nox -s <stage>`); raise "
            "`max-report-seconds` under [gates] in gates.toml only if the report is genuine",
        )

    def _over_memory(self, display: str) -> EvidenceError:
        return EvidenceError(
            f"needed more than the {self.budget.memory_mb:,} MiB reading the evidence may "
            "take (`max-memory-mb`): a report that expands this much is hostile or "
            "far larger than a tool writes",
            slug="memory-budget",
            path=display,
            hint="rerun the stage that writes it (e.g. `nox -s <stage>`); raise "
            "`max-memory-mb` under [gates] in gates.toml only if the report is genuine",
        )


def _seconds(value: float) -> str:
    return f"{round(value, 2):g}"  # 60, 0.1, 0.06


# ---------------------------------------------------------------- the CPU timer


class _Alarm:
    """The SIGPROF handler: raises :class:`_Spent` once, while armed."""

    def __init__(self) -> None:
        self.armed = True

    def __call__(self, _signum: int, _frame: FrameType | None) -> None:
        if self.armed:
            self.armed = False
            raise _Spent


def _alone() -> bool:
    """Whether this is the process's only thread: then its CPU time and address space are ours.

    A CPU timer counts every thread's time, and an address-space limit binds every
    thread and every process started meanwhile: in a process that runs other
    threads (Nox running stages in parallel) neither is set.
    """
    return threading.current_thread() is threading.main_thread() and threading.active_count() == 1


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and _alone()


@contextmanager
def _cpu_timer(seconds: float) -> Iterator[None]:
    """Raise :class:`_Spent` in the block once it has spent ``seconds`` of CPU time."""
    if not _can_time():
        yield
        return
    alarm = _Alarm()
    previous = signal.signal(signal.SIGPROF, alarm)
    earlier = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        try:
            alarm.armed = False  # from here on, a late signal is ignored
        finally:
            signal.setitimer(signal.ITIMER_PROF, *earlier)
            signal.signal(signal.SIGPROF, previous)


# ---------------------------------------------------------------- the address space


@contextmanager
def _address_space(extra: int) -> Iterator[None]:
    """Let the process grow by at most ``extra`` bytes of address space in the block (Linux)."""
    if sys.platform != "linux" or not _alone():  # elsewhere, no limit the kernel enforces
        yield
        return
    limits = _current_limits()
    size = _current_size()
    if limits is None or size is None:
        yield
        return
    soft, hard = limits
    wanted = size + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        yield  # a lower limit is already set: keep it
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError):  # a system that does not enforce it (macOS)
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _current_limits() -> tuple[int, int] | None:
    try:
        return resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        return None


def _current_size() -> int | None:
    """The process's address space now, in bytes (Linux), or None where it cannot be read."""
    try:
        pages = int(Path(_STATM).read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
