"""Side-by-side timing for noisy machines: interleaved rounds, medians, spreads, paired ratios.

Shared CI machines (two cores, neighbours) drift by tens of percent between
minutes, so an absolute time means little and two times measured minutes apart
mean less. Each round here runs every measured action once, alternating the
order from round to round (forward, then backward) so that no action always
runs right after the same neighbour; a ratio is taken *within* each round and
summarised as the median (and range) of those paired ratios.

Every action is measured twice over: wall-clock time (what a person waits) and
CPU time (user + system, of this process and of the subprocesses it waited
for). CPU time barely moves when a neighbour takes a core, so its ratios are
the steadier ones on a busy machine; wall time is the requirement.

Before each action the garbage collector runs, so every action starts with the
same heap; the action's result is released only after its clocks stop, so
freeing a large parse is not charged to the next one.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["Clock", "Phases", "Series", "Task", "interleave", "ratio_line", "table"]


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (0 on Windows)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


class Clock:
    """Wall and CPU seconds since the clock started."""

    __slots__ = ("_cpu", "_wall")

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = _cpu()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self._wall, _cpu() - self._cpu


class Phases(dict[str, tuple[float, float]]):
    """What an action may return: (wall, CPU) seconds of named parts, kept as extra series."""

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        clock = Clock()
        yield
        self[name] = clock.read()


@dataclass(frozen=True, slots=True)
class Task:
    """One measured action."""

    label: str
    run: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Series:
    """The wall and CPU seconds one action took, one value per round."""

    label: str
    wall: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median wall time: how noisy the rounds were."""
        return (max(self.wall) - min(self.wall)) / self.median if self.median else 0.0


def interleave(tasks: Sequence[Task], *, rounds: int) -> dict[str, Series]:
    """Run every task once per round, alternating the order; the times per label."""
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    def record(label: str, seconds: tuple[float, float]) -> None:
        wall.setdefault(label, []).append(seconds[0])
        cpu.setdefault(label, []).append(seconds[1])

    for number in range(rounds):
        order = tasks if number % 2 == 0 else tuple(reversed(tasks))
        for task in order:
            gc.collect()
            clock = Clock()
            result = task.run()
            record(task.label, clock.read())
            if isinstance(result, Phases):
                for phase, seconds in result.items():
                    record(f"{task.label} / {phase}", seconds)
            del result
    return {label: Series(label, tuple(wall[label]), tuple(cpu[label])) for label in wall}


def _paired(measured: Sequence[float], baseline: Sequence[float]) -> tuple[float, float, float]:
    ratios = [a / b for a, b in zip(measured, baseline, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


def ratio_line(measured: Series, baseline: Series, *, cpu: bool = False) -> str:
    """``1.52x (1.47-1.60)``: the median of the per-round ratios, and their range."""
    if cpu:
        middle, low, high = _paired(measured.cpu, baseline.cpu)
    else:
        middle, low, high = _paired(measured.wall, baseline.wall)
    return f"{middle:.2f}x ({low:.2f}-{high:.2f})"


def table(series: Mapping[str, Series], baselines: Mapping[str, str], *, title: str = "") -> str:
    """A Markdown table: per label the medians, the wall spread, and ratios to its baseline."""
    rows = [
        f"| {'measurement':<54} | wall s | spread |   wall ratio (range) |  CPU s |    CPU ratio (range) |",
        f"|{'-' * 56}|-------:|-------:|---------------------:|-------:|---------------------:|",
    ]
    for label, values in series.items():
        base = baselines.get(label)
        wall = ratio_line(values, series[base]) if base else ""
        cpu = ratio_line(values, series[base], cpu=True) if base else ""
        rows.append(
            f"| {label:<54} | {values.median:6.3f} | {values.spread:6.0%} | {wall:>20} "
            f"| {values.cpu_median:6.3f} | {cpu:>20} |"
        )
    return "\n".join(([title, ""] if title else []) + rows)
