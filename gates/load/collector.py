"""The master's side of the listener: every process's shards, added up exactly.

A shard (:meth:`gates.load.run.recorder.Recorder.drain`) is a plain dictionary that crossed
from a worker in Locust's messages; :class:`Collector` checks its shape, decodes its
histograms (:mod:`gates.load.histogram`, the standard library only) and adds them per
endpoint and window. A shard it cannot read is a problem of the run, written into the
evidence, never a crash of Locust.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from gates.load.histogram import Histogram, HistogramError

__all__ = ["SHARD_VERSION", "Collector", "ShardError", "WindowLoad"]

SHARD_VERSION: Final = 1


class ShardError(ValueError):
    """A worker's shard that the collector cannot use."""


@dataclass(frozen=True, slots=True)
class WindowLoad:
    """One window of a run: users running (summed over processes), the busiest process.

    ``busy`` is the highest share of the window that any process of the generator ran or
    waited to run (1.0: it never idled); ``lag`` the latest any of its ticks woke, seconds.
    """

    users: int
    busy: float
    lag: float = 0.0


@dataclass(slots=True)
class _WorkerTally:
    requests: int = 0
    errors: int = 0
    clamped: int = 0
    final: bool = False
    shards: int = 0


@dataclass(slots=True)
class Collector:
    """Every process's shards, added up: histograms per endpoint and window, load per window."""

    window_s: float
    series: dict[tuple[str, int], Histogram] = field(default_factory=dict)
    errors: dict[tuple[str, int], int] = field(default_factory=dict)
    workers: dict[str, _WorkerTally] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    last_final_at: float = 0.0  # when the last process that stopped sent its final shard
    _users: dict[tuple[str, int], int] = field(default_factory=dict)
    _busy: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    _lag: dict[tuple[str, int], float] = field(default_factory=dict)

    def expect(self, worker: str) -> None:
        """A process whose final shard must arrive before the run's evidence is whole."""
        self.workers.setdefault(worker, _WorkerTally())

    def add(self, worker: str, shard: object) -> None:
        """Add one shard; a malformed one is a problem of the run, not a crash of Locust."""
        try:
            self._add(worker, shard)
        except (ShardError, HistogramError) as error:
            self.problems.append(f"{worker}: {error}")

    def _add(self, worker: str, shard: object) -> None:
        if not isinstance(shard, dict) or shard.get("version") != SHARD_VERSION:
            raise ShardError("a shard of another gates version")
        if shard.get("window_s") != self.window_s:
            raise ShardError(
                f"windows of {shard.get('window_s')!r} s, the master's are {self.window_s} s"
            )
        tally = self.workers.setdefault(worker, _WorkerTally())
        for item in _list(shard, "series"):
            key = (_text(item, "endpoint"), _integer(item, "window"))
            histogram = Histogram.decode(_text(item, "histogram"))
            self.series[key] = Histogram.merged([self.series.get(key, Histogram()), histogram])
            self.errors[key] = self.errors.get(key, 0) + _integer(item, "errors")
        for row in _list(shard, "load"):
            self._add_load(worker, row)
        tally.requests = _integer(shard, "requests")
        tally.errors = _integer(shard, "errors")
        tally.clamped = _integer(shard, "clamped")
        if shard.get("final") is True:
            tally.final = True
            at = shard.get("at")
            if isinstance(at, int | float) and not isinstance(at, bool):
                self.last_final_at = max(self.last_final_at, float(at))
        tally.shards += 1

    def _add_load(self, worker: str, row: object) -> None:
        if not isinstance(row, list) or len(row) != 5:
            raise ShardError("a load row is not [window, users, busy s, wall s, lag s]")
        if not all(_finite(value) for value in row):
            raise ShardError("a load row holds something other than numbers")
        window, users, busy, wall, lag = row
        key = (worker, int(window))
        self._users[key] = max(self._users.get(key, 0), int(users))
        spent, elapsed = self._busy.get(key, (0.0, 0.0))
        self._busy[key] = (spent + float(busy), elapsed + float(wall))
        self._lag[key] = max(self._lag.get(key, 0.0), float(lag))

    def load(self) -> dict[int, WindowLoad]:
        """Per window: users summed over the processes; the busiest process, the latest tick."""
        users: dict[int, int] = {}
        for (_, window), count in self._users.items():
            users[window] = users.get(window, 0) + count
        busy: dict[int, float] = {}
        for (_, window), (spent, elapsed) in self._busy.items():
            if elapsed > 0:
                busy[window] = max(busy.get(window, 0.0), spent / elapsed)
        lag: dict[int, float] = {}
        for (_, window), late in self._lag.items():
            lag[window] = max(lag.get(window, 0.0), late)
        return {
            window: WindowLoad(users.get(window, 0), busy.get(window, 0.0), lag.get(window, 0.0))
            for window in sorted(users.keys() | busy.keys())
        }


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _list(item: dict[object, object], key: str) -> list[object]:
    value = item.get(key)
    if not isinstance(value, list):
        raise ShardError(f"`{key}` is not a list")
    return value


def _text(item: object, key: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if not isinstance(value, str):
        raise ShardError(f"`{key}` is not a string")
    return value


def _integer(item: object, key: str) -> int:
    value = item.get(key) if isinstance(item, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ShardError(f"`{key}` is not a count")
    return value
