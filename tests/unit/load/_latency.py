"""Synthetic latency evidence for the load tests: windows of 5 s from t = 1000 s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gates.load.collector import WindowLoad
from gates.load.evidence import Latency, Series, Worker
from gates.load.histogram import Histogram

WINDOW_S = 5.0
FIRST = 200  # window 200 starts at 1000 s


def latency(
    series: Sequence[Series],
    *,
    load: Mapping[int, WindowLoad] | None = None,
    workers: Sequence[Worker] | None = None,
    started: float = 1000.0,
    ended: float = 1030.0,
    planned_s: float | None = 30.0,
    target_users: int | None = 10,
    problems: Sequence[str] = (),
) -> Latency:
    requests = sum(s.requests for s in series)
    errors = sum(s.errors for s in series)
    return Latency(
        window_s=WINDOW_S,
        started=started,
        ended=ended,
        planned_s=planned_s,
        target_users=target_users,
        mode="local",
        producer={"gates": "0.1.0", "locust": "2.47.0", "hdrhistogram": "0.10.8"},
        workers=tuple(
            workers if workers is not None else [Worker("local", requests, errors, 0, True)]
        ),
        load=dict(load or {FIRST + i: WindowLoad(10, 0.3, 0.001) for i in range(6)}),
        series=tuple(series),
        problems=tuple(problems),
    )


def steady(endpoint: str = "GET /a", per_window: int = 200, ms: float = 10.0) -> list[Series]:
    """Six windows of ``per_window`` requests, latencies spread from ``ms`` to 2 * ``ms``."""
    return [
        Series(
            endpoint,
            FIRST + i,
            0,
            Histogram.of_values(
                [round(ms * 1e6 * (1 + k / per_window)) for k in range(per_window)]
            ),
        )
        for i in range(6)
    ]
