"""The service's memory under load: its process tree sampled, its peak and its growth.

:class:`Sampler` reads the service's whole process tree (the process the stage started
and every descendant, found through ``/proc/*/stat``) several times a second, in a
thread: **PSS** from ``/proc/<pid>/smaps_rollup`` (a page shared by N processes counts
1/N in each, so forked workers' shared pages are not counted N times) and **RSS** beside
it. It also notes each process of the tree that exits (a worker recycled or crashed)
and the root's own exit.

:func:`figures` turns the record into ``memory.peak_mb`` (the highest PSS of the tree
over the whole run, in MiB), ``memory.growth_mb_per_10k`` (the Theil-Sen slope of PSS
against requests served, after the warm-up, per 10,000 requests, with its interval:
one point per latency window, the window's median PSS against the requests done by its
middle), and the problems that make a load run inconclusive:

* ``load-memory-gaps``: two samples further apart than ``max_gap_s``, or samples that
  could not be read, within the measured part of the run;
* ``load-service-died``: the service's root process exited during the run;
* ``load-service-restarted``: a process of the tree that was there when measuring
  began exited before the end (a worker recycled or crashed and replaced).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from gates.load.evidence import Latency
from gates.load.trend import Slope, theil_sen
from gates.model.reports import Problem

__all__ = ["MemoryFigures", "MemoryRecord", "Sample", "Sampler", "figures", "read_tree", "tree_of"]

PROC: Final = Path("/proc")
MIB: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Sample:
    """The tree at one moment: epoch seconds, bytes of PSS and RSS, processes read."""

    at: float
    pss: int
    rss: int
    processes: int


@dataclass(frozen=True, slots=True)
class Exit:
    """A process of the tree gone: when it was first seen and when it was found gone."""

    at: float
    pid: int
    root: bool
    first_seen: float


@dataclass(frozen=True, slots=True)
class MemoryRecord:
    interval_s: float
    samples: tuple[Sample, ...]
    exits: tuple[Exit, ...]
    unreadable: int  # samples lost: the tree could not be read at all


def tree_of(root: int, proc: Path = PROC) -> list[int]:
    """``root`` and its descendants alive now (``root`` first; [] when it is gone)."""
    children: dict[int, list[int]] = {}
    alive = False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # gone meanwhile
        pid = int(entry.name)
        fields = stat.rpartition(")")[2].split()
        if len(fields) < 2 or not fields[1].isdigit():
            continue
        alive = alive or pid == root
        children.setdefault(int(fields[1]), []).append(pid)
    if not alive:
        return []
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(sorted(children.get(pid, ()), reverse=True))
    return tree


def _rollup(pid: int, proc: Path) -> tuple[int, int] | None:
    """PSS and RSS of one process in bytes, ``None`` when it is gone or unreadable."""
    try:
        text = (proc / str(pid) / "smaps_rollup").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    found: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("Pss", "Rss"):
            number = rest.split()[0] if rest.split() else ""
            if number.isdigit():
                found[key] = int(number) * 1024
    if "Pss" not in found or "Rss" not in found:
        return None
    return found["Pss"], found["Rss"]


def read_tree(root: int, proc: Path = PROC) -> tuple[list[int], int, int] | None:
    """The tree's pids and its summed PSS and RSS; ``None`` when nothing could be read."""
    pids = tree_of(root, proc)
    readings = [(pid, _rollup(pid, proc)) for pid in pids]
    read = [(pid, pair) for pid, pair in readings if pair is not None]
    if not read:
        return None
    return (
        [pid for pid, _ in read],
        sum(pair[0] for _, pair in read),
        sum(pair[1] for _, pair in read),
    )


@dataclass
class Sampler:
    """Samples a process tree every ``interval_s`` in a thread, from :meth:`start` to :meth:`stop`."""

    root: int
    interval_s: float = 0.25
    proc: Path = PROC
    clock: Callable[[], float] = time.time
    _samples: list[Sample] = field(default_factory=list)
    _exits: list[Exit] = field(default_factory=list)
    _first_seen: dict[int, float] = field(default_factory=dict)
    _unreadable: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gates-memory", daemon=True)
        self._thread.start()

    def stop(self) -> MemoryRecord:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return MemoryRecord(
            self.interval_s, tuple(self._samples), tuple(self._exits), self._unreadable
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample_once()
            self._stop.wait(self.interval_s)

    def sample_once(self) -> None:
        """One sample; a process seen before and gone now is recorded as an exit."""
        now = self.clock()
        reading = read_tree(self.root, self.proc)
        pids = set(reading[0]) if reading else set()
        for pid in sorted(self._first_seen.keys() - pids):
            self._exits.append(Exit(now, pid, pid == self.root, self._first_seen.pop(pid)))
        for pid in pids:
            self._first_seen.setdefault(pid, now)
        if reading is None:
            self._unreadable += 1
            return
        self._samples.append(Sample(now, reading[1], reading[2], len(pids)))


@dataclass(frozen=True, slots=True)
class MemoryFigures:
    peak_mb: float | None
    peak_rss_mb: float | None
    growth_mb_per_10k: Slope | None
    problems: tuple[Problem, ...]


def figures(
    record: MemoryRecord,
    latency: Latency,
    *,
    measured_from: float,
    path: str,
    max_gap_s: float = 1.0,
) -> MemoryFigures:
    """Peak, growth per 10,000 requests after ``measured_from``, and the problems."""
    samples = record.samples
    peak = max((s.pss for s in samples), default=None)
    peak_rss = max((s.rss for s in samples), default=None)
    measured = [s for s in samples if measured_from <= s.at <= latency.ended]
    problems = [
        *_gaps(measured, record, (measured_from, latency.ended), max_gap_s, path),
        *_exits(record, measured_from, latency.ended, path),
    ]
    return MemoryFigures(
        peak / MIB if peak is not None else None,
        peak_rss / MIB if peak_rss is not None else None,
        _growth(measured, latency),
        tuple(problems),
    )


def _growth(samples: Sequence[Sample], latency: Latency) -> Slope | None:
    """One point per window: the median PSS (MiB) against requests done by mid-window."""
    by_window: dict[int, list[int]] = {}
    for sample in samples:
        by_window.setdefault(int(sample.at // latency.window_s), []).append(sample.pss)
    done = _requests_done(latency)
    xs, ys = [], []
    for window, values in sorted(by_window.items()):
        values.sort()
        xs.append(done((window + 0.5) * latency.window_s) / 10_000)
        ys.append(values[len(values) // 2] / MIB)
    return theil_sen(xs, ys)


def _requests_done(latency: Latency) -> Callable[[float], float]:
    """Requests completed by a moment, spread evenly within each window."""
    per_window: dict[int, int] = {}
    for series in latency.series:
        per_window[series.window] = per_window.get(series.window, 0) + series.requests

    def done(at: float) -> float:
        total = 0.0
        for window, count in per_window.items():
            start = max(window * latency.window_s, latency.started)
            end = min((window + 1) * latency.window_s, latency.ended)
            if end <= start or at <= start:
                continue
            total += count * min(1.0, (at - start) / (end - start))
        return total

    return done


def _gaps(
    samples: Sequence[Sample],
    record: MemoryRecord,
    span: tuple[float, float],
    max_gap_s: float,
    path: str,
) -> list[Problem]:
    moments = [span[0], *(s.at for s in samples), span[1]]
    widest = max(b - a for a, b in itertools.pairwise(moments))
    if widest <= max_gap_s and not record.unreadable:
        return []
    return [
        Problem(
            slug="load-memory-gaps",
            path=path,
            message=f"the memory samples have a gap of {widest:.2f} s (limit {max_gap_s:g} s);"
            f" {record.unreadable} samples could not be read",
            hint="the sampler was starved of CPU or the service's /proc was unreadable;"
            " give the machine more room and rerun",
        )
    ]


def _exits(record: MemoryRecord, start: float, end: float, path: str) -> list[Problem]:
    problems = []
    died = [e for e in record.exits if e.root and e.at <= end]
    if died:
        problems.append(
            Problem(
                slug="load-service-died",
                path=path,
                message=f"the service (pid {died[0].pid}) exited {died[0].at - start:+.1f} s"
                " into the measured run",
                hint="look at the service's log in the stage folder",
            )
        )
    recycled = [e for e in record.exits if not e.root and e.first_seen <= start < e.at <= end]
    if recycled:
        pids = ", ".join(str(e.pid) for e in recycled[:5])
        problems.append(
            Problem(
                slug="load-service-restarted",
                path=path,
                message=f"{len(recycled)} of the service's processes exited during the run (pids {pids})",
                hint="a worker crashed or was recycled (max-requests, OOM killer): see the service's log",
            )
        )
    return problems
