"""Side-by-side timing for noisy machines: interleaved rounds, medians, spreads, paired ratios.

Shared CI machines (two cores, neighbours) drift by tens of percent between
minutes, so an absolute time means little and two times measured minutes apart
mean less. Each round here runs every measured action once, alternating the
order from round to round (forward, then backward) so that no action always
runs right after the same neighbour; a ratio is taken *within* each round and
summarised as the median (and range) of those paired ratios.

Before each action the garbage collector runs, so every action starts with the
same heap; the action's result is released only after its clock stops, so
freeing a large parse is not charged to the next one.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Phases", "Series", "Task", "interleave", "ratio_line", "table"]


class Phases(dict[str, float]):
    """What an action may return: seconds of named parts, recorded as extra series."""


@dataclass(frozen=True, slots=True)
class Task:
    """One measured action."""

    label: str
    run: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Series:
    """The seconds one action took, one value per round."""

    label: str
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median: how noisy the rounds were."""
        return (max(self.seconds) - min(self.seconds)) / self.median if self.median else 0.0


def interleave(tasks: Sequence[Task], *, rounds: int) -> dict[str, Series]:
    """Run every task once per round, alternating the order; seconds per label."""
    seconds: dict[str, list[float]] = {}
    for number in range(rounds):
        order = tasks if number % 2 == 0 else tuple(reversed(tasks))
        for task in order:
            gc.collect()
            start = time.perf_counter()
            result = task.run()
            elapsed = time.perf_counter() - start
            seconds.setdefault(task.label, []).append(elapsed)
            if isinstance(result, Phases):
                for phase, value in result.items():
                    seconds.setdefault(f"{task.label} / {phase}", []).append(value)
            del result
    return {label: Series(label, tuple(values)) for label, values in seconds.items()}


def paired(measured: Series, baseline: Series) -> tuple[float, float, float]:
    """Median, lowest and highest of the per-round ratios ``measured / baseline``."""
    ratios = [a / b for a, b in zip(measured.seconds, baseline.seconds, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


def ratio_line(measured: Series, baseline: Series) -> str:
    """``1.52x (1.47-1.60)``: the median paired ratio and its range."""
    middle, low, high = paired(measured, baseline)
    return f"{middle:.2f}x ({low:.2f}-{high:.2f})"


def table(series: Mapping[str, Series], baselines: Mapping[str, str], *, title: str = "") -> str:
    """A Markdown table: label, median, spread, and the ratio to its baseline if it has one."""
    rows = [
        f"| {'measurement':<56} | median s | spread | ratio to bare (range) |",
        f"|{'-' * 58}|---------:|-------:|----------------------:|",
    ]
    for label, values in series.items():
        base = baselines.get(label)
        ratio = ratio_line(values, series[base]) if base else ""
        rows.append(f"| {label:<56} | {values.median:8.3f} | {values.spread:5.0%} | {ratio:>21} |")
    return "\n".join(([title, ""] if title else []) + rows)
