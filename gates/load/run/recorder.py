"""What the Locust listener keeps: every request's latency, per endpoint, per time window.

A :class:`Recorder` lives in each process that runs users (Locust's local runner, or
each worker). It records latencies in nanoseconds into an ``hdrhistogram`` histogram per
endpoint and window (windows are ``floor(time / window_s)`` of the wall clock, so the
processes of one run, and machines kept in time by NTP, share them), counts failures,
and twice a second notes the users it runs and how busy it was, per window: the share of
the wall-clock time its main thread (the one that runs gevent's loop) was on a CPU *or
waiting in the run queue for one* (``/proc/thread-self/schedstat``), so a generator
starved by other processes on a shared machine shows as busy although its own CPU time
is low; and how late its ticks woke (the loop's lag, which every latency includes).
:meth:`Recorder.drain` hands over the windows that are closed, encoded; a
:class:`Collector` (in the master, or the local runner) adds them up, exactly, since
every histogram has the same buckets.

A drained shard is a plain dictionary: it crosses from worker to master in Locust's own
messages. The collector (:mod:`gates.load.collector`) checks its shape before it trusts it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hdrh.histogram import HdrHistogram  # type: ignore[import-untyped]  # no stubs, no py.typed

from gates.load.collector import SHARD_VERSION
from gates.load.histogram import HIGHEST, LOWEST, SIGNIFICANT

__all__ = ["Recorder"]


@dataclass(slots=True)
class _Series:
    histogram: HdrHistogram
    errors: int = 0


@dataclass(slots=True)
class _Load:
    users: int = 0
    busy_seconds: float = 0.0
    wall_seconds: float = 0.0
    lag_seconds: float = 0.0


def busy_seconds() -> float:
    """Seconds this thread ran or waited to run (Linux schedstat), else its CPU time."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as handle:  # noqa: PTH123 - a hot path
            running, waiting, _ = handle.read().split()
        return (int(running) + int(waiting)) / 1e9
    except (OSError, ValueError):
        return time.process_time()


@dataclass(slots=True)
class Recorder:
    """One process's requests, latencies and load, per window, until drained."""

    window_s: float
    clock: Callable[[], float] = time.time
    busy_clock: Callable[[], float] = busy_seconds
    tick_s: float = 0.5
    _series: dict[tuple[str, int], _Series] = field(default_factory=dict)
    _load: dict[int, _Load] = field(default_factory=dict)
    _last_tick: tuple[float, float] | None = None
    requests: int = 0
    errors: int = 0
    clamped: int = 0

    def window_of(self, at: float) -> int:
        return math.floor(at / self.window_s)

    def record(self, endpoint: str, latency_ms: float, *, failed: bool, at: float) -> None:
        """One request that ended at ``at`` (seconds since the epoch)."""
        nanoseconds = round(latency_ms * 1e6) if math.isfinite(latency_ms) else HIGHEST + 1
        if nanoseconds > HIGHEST:  # an hour or more: kept as an hour, and counted
            self.clamped += 1
            nanoseconds = HIGHEST
        nanoseconds = max(nanoseconds, LOWEST)  # under a nanosecond: a refused connection
        key = (endpoint, self.window_of(at))
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series(HdrHistogram(LOWEST, HIGHEST, SIGNIFICANT))
        series.histogram.record_value(nanoseconds)
        self.requests += 1
        if failed:
            series.errors += 1
            self.errors += 1

    def tick(self, users: int) -> None:
        """Note the users running now, and how busy the process was since the last tick.

        Called every ``tick_s`` seconds: a tick that comes later than that is the loop's lag.
        """
        now, busy = self.clock(), self.busy_clock()
        load = self._load.setdefault(self.window_of(now), _Load())
        load.users = max(load.users, users)
        if self._last_tick is not None:
            before, busy_before = self._last_tick
            middle = self._load.setdefault(self.window_of((before + now) / 2), _Load())
            middle.busy_seconds += max(busy - busy_before, 0.0)
            middle.wall_seconds += max(now - before, 0.0)
            load.lag_seconds = max(load.lag_seconds, now - before - self.tick_s)
        self._last_tick = (now, busy)

    def drain(self, *, final: bool) -> dict[str, object]:
        """The windows closed by now (all of them when ``final``), encoded, and forget them."""
        current = self.window_of(self.clock())
        done = [key for key in self._series if final or key[1] < current]
        series = [
            {
                "endpoint": endpoint,
                "window": window,
                "errors": self._series[endpoint, window].errors,
                "histogram": self._series[endpoint, window].histogram.encode().decode("ascii"),
            }
            for endpoint, window in sorted(done)
        ]
        for key in done:
            del self._series[key]
        loads = sorted(window for window in self._load if final or window < current)
        load = [
            [
                window,
                self._load[window].users,
                self._load[window].busy_seconds,
                self._load[window].wall_seconds,
                self._load[window].lag_seconds,
            ]
            for window in loads
        ]
        for window in loads:
            del self._load[window]
        return {
            "version": SHARD_VERSION,
            "window_s": self.window_s,
            "series": series,
            "load": load,
            "requests": self.requests,
            "errors": self.errors,
            "clamped": self.clamped,
            "final": final,
            "at": self.clock(),
        }
