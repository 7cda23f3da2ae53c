"""The breaking point of a step-load run: users raised in steps, the first step that breaks.

A step-load run (a Locust ``LoadTestShape`` raising the users every few windows) is read
window by window (:func:`windows_of`): users running, requests, errors, achieved rate,
the window's p95 and the service's memory. A window *breaks* when its p95 is above the
bound, its error rate is above the bound, or its achieved rate falls behind the offered
one (below ``min_rate_share`` of ``users * offered_rps_per_user``, for a scenario with a
fixed rate per user). The **breaking point** (``load.breaking_users``) is the users of
the first step in which two windows in a row break: one bad window is noise, two are a
trend. A run none of whose steps breaks has no breaking point: it held up to its
largest step, which the report says.

Window figures are point estimates (a window holds too few requests for useful
intervals); the partial first and last windows of the run are left out.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from gates.load.evidence import Latency
from gates.load.histogram import Histogram
from gates.load.memory import MIB, MemoryRecord
from gates.load.percentiles import percentile_of_histogram

__all__ = [
    "Breaking",
    "Limits",
    "Step",
    "Window",
    "breaking_point",
    "markdown_table",
    "steps_of",
    "windows_of",
]

_IN_A_ROW: Final = 2


@dataclass(frozen=True, slots=True)
class Window:
    start: float
    users: int
    requests: int
    errors: int
    rps: float
    p95_ms: float | None
    memory_mb: float | None

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.requests if self.requests else None


@dataclass(frozen=True, slots=True)
class Limits:
    p95_ms: float | None = None
    error_rate: float | None = None
    offered_rps_per_user: float | None = None
    min_rate_share: float = 0.95


@dataclass(frozen=True, slots=True)
class Step:
    """Consecutive windows with the same users."""

    users: int
    windows: tuple[Window, ...]

    @property
    def rps(self) -> float:
        return statistics.fmean(w.rps for w in self.windows)

    @property
    def p95_ms(self) -> float | None:
        values = [w.p95_ms for w in self.windows if w.p95_ms is not None]
        return max(values) if values else None

    @property
    def error_rate(self) -> float | None:
        requests = sum(w.requests for w in self.windows)
        return sum(w.errors for w in self.windows) / requests if requests else None

    @property
    def memory_mb(self) -> float | None:
        values = [w.memory_mb for w in self.windows if w.memory_mb is not None]
        return max(values) if values else None


@dataclass(frozen=True, slots=True)
class Breaking:
    """The first step that broke (``users`` ``None``: none did), and why."""

    users: int | None
    reason: str
    held_up_to: int | None  # the largest step before it (or of the run) that held


def windows_of(latency: Latency, memory: MemoryRecord | None = None) -> list[Window]:
    """The run's whole windows, in order: the partial first and last are left out."""
    by_window: dict[int, list[tuple[Histogram, int]]] = {}
    for series in latency.series:
        by_window.setdefault(series.window, []).append((series.histogram, series.errors))
    found = []
    width = latency.window_s
    for window in sorted(by_window.keys() | latency.load.keys()):
        start = window * width
        if start < latency.started or start + width > latency.ended:
            continue
        parts = by_window.get(window, [])
        histogram = Histogram.merged(h for h, _ in parts)
        load = latency.load.get(window)
        found.append(
            Window(
                start=start,
                users=load.users if load else 0,
                requests=histogram.total,
                errors=sum(e for _, e in parts),
                rps=histogram.total / width,
                p95_ms=percentile_of_histogram(histogram, 0.95).value,
                memory_mb=_memory_in(memory, start, start + width),
            )
        )
    return found


def _memory_in(memory: MemoryRecord | None, start: float, end: float) -> float | None:
    if memory is None:
        return None
    values = [s.pss for s in memory.samples if start <= s.at < end]
    return max(values) / MIB if values else None


def steps_of(windows: Sequence[Window]) -> list[Step]:
    steps: list[Step] = []
    for window in windows:
        if steps and steps[-1].users == window.users:
            steps[-1] = Step(window.users, (*steps[-1].windows, window))
        else:
            steps.append(Step(window.users, (window,)))
    return steps


def _broken(window: Window, limits: Limits) -> str:
    """Why the window breaks, or ""."""
    if limits.p95_ms is not None and window.p95_ms is not None and window.p95_ms > limits.p95_ms:
        return f"p95 {window.p95_ms:.1f} ms above {limits.p95_ms:g} ms"
    rate = window.error_rate
    if limits.error_rate is not None and rate is not None and rate > limits.error_rate:
        return f"errors {rate:.1%} above {limits.error_rate:.1%}"
    if limits.offered_rps_per_user:
        offered = window.users * limits.offered_rps_per_user
        if window.rps < limits.min_rate_share * offered:
            return f"{window.rps:.1f} requests/s, behind the offered {offered:g}/s"
    return ""


def breaking_point(steps: Sequence[Step], limits: Limits) -> Breaking:
    """The users of the first step where a condition breaks in two windows in a row."""
    held: int | None = None
    for step in steps:
        reasons = [_broken(window, limits) for window in step.windows]
        for first, second in itertools.pairwise(reasons):
            if first and second:
                return Breaking(step.users, f"{step.users} users: {first}; then {second}", held)
        held = step.users
    return Breaking(None, "no step broke", held)


def markdown_table(steps: Sequence[Step], breaking: Breaking) -> str:
    """Per step: users, achieved rate, p95, error rate, memory; the breaking step marked."""
    lines = [
        "| users | requests/s | p95 ms | errors | memory MiB |",
        "|---:|---:|---:|---:|---:|",
    ]
    for step in steps:
        rate = step.error_rate
        users = f"{step.users} (breaks)" if step.users == breaking.users else str(step.users)
        lines.append(
            f"| {users} | {step.rps:.1f} | {_number(step.p95_ms)}"
            f" | {'-' if rate is None else f'{rate:.2%}'} | {_number(step.memory_mb)} |"
        )
    return "\n".join(lines) + "\n"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
