"""The listener's recorder and the master's collector, with a fake clock (no Locust, no timing)."""

from __future__ import annotations

import re

import pytest

from gates.load.collector import Collector, WindowLoad
from gates.load.histogram import HIGHEST, Histogram
from gates.load.run.recorder import Recorder, busy_seconds


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _recorder(clock: _Clock, busy: _Clock | None = None) -> Recorder:
    return Recorder(5.0, clock=clock, busy_clock=busy or _Clock(0.0), tick_s=0.5)


def test_requests_go_to_their_endpoint_and_window() -> None:
    clock = _Clock(100.0)
    recorder = _recorder(clock)
    recorder.record("GET /a", 12.5, failed=False, at=100.0)
    recorder.record("GET /a", 13.0, failed=True, at=104.9)
    recorder.record("GET /a", 14.0, failed=False, at=105.0)
    recorder.record("GET /b", 0.0, failed=True, at=101.0)  # a refused connection: 0 ms
    recorder.record("GET /b", float("inf"), failed=True, at=101.0)
    recorder.record("GET /b", 3_600_001_000.0, failed=True, at=101.0)
    assert recorder.clamped == 2  # the 0 ms is kept as 1 ns, not counted
    clock.now = 106.0
    shard = recorder.drain(final=False)
    collector = Collector(5.0)
    collector.add("local", shard)
    assert collector.problems == []
    assert collector.series == {
        ("GET /a", 20): Histogram.of_values([12_500_000, 13_000_000]),
        ("GET /b", 20): Histogram.of_values([1, HIGHEST, HIGHEST]),
    }
    assert collector.errors == {("GET /a", 20): 1, ("GET /b", 20): 3}
    rest = recorder.drain(final=True)
    collector.add("local", rest)
    assert collector.series["GET /a", 21] == Histogram.of_values([14_000_000])
    assert collector.workers["local"].final and collector.workers["local"].requests == 6
    assert collector.last_final_at == 106.0


def test_workers_merge_exactly_into_what_one_process_would_have_recorded() -> None:
    clock = _Clock(10.0)
    alone, first, second = _recorder(clock), _recorder(clock), _recorder(clock)
    for i in range(1000):
        latency, at = 1 + (i * 7919) % 500 / 3, 10.0 + i / 100
        alone.record("GET /x", latency, failed=i % 10 == 0, at=at)
        (first if i % 3 else second).record("GET /x", latency, failed=i % 10 == 0, at=at)
    clock.now = 30.0
    one, many = Collector(5.0), Collector(5.0)
    one.add("local", alone.drain(final=True))
    many.add("w1", first.drain(final=True))
    many.add("w2", second.drain(final=True))
    assert many.series == one.series and many.errors == one.errors
    assert sum(h.total for h in many.series.values()) == 1000


def test_ticks_note_users_busy_share_and_lag() -> None:
    clock, busy = _Clock(0.0), _Clock(0.0)
    recorder = _recorder(clock, busy)
    for step in range(1, 21):  # 10 s of ticks every 0.5 s, busy 40 % of the time
        clock.now, busy.now = step * 0.5, step * 0.2
        recorder.tick(users=min(step, 8))
    clock.now, busy.now = 11.5, 4.0 + 0.9  # a late tick: 1.5 s after the last, 60 % busy
    recorder.tick(users=8)
    collector = Collector(5.0)
    collector.add("w", recorder.drain(final=True))
    load = collector.load()
    assert [(w.users, round(w.busy, 9), round(w.lag, 9)) for w in load.values()] == [
        (8, 0.4, 0.0),
        (8, 0.4, 0.0),
        (8, 0.6, 1.0),
    ]


def test_users_add_up_across_processes_and_the_busiest_process_counts() -> None:
    collector = Collector(5.0)
    base = {"version": 1, "window_s": 5.0, "series": [], "requests": 0, "errors": 0, "clamped": 0}
    collector.add("w1", {**base, "load": [[7, 10, 1.0, 5.0, 0.0]], "final": True, "at": 40.0})
    collector.add("w2", {**base, "load": [[7, 12, 4.9, 5.0, 0.3]], "final": True, "at": 41.0})
    assert collector.load() == {7: WindowLoad(22, 4.9 / 5.0, 0.3)}
    assert collector.last_final_at == 41.0


@pytest.mark.parametrize(
    ("shard", "problem"),
    [
        ("nonsense", "another gates version"),
        ({"version": 2}, "another gates version"),
        ({"version": 1, "window_s": 1.0}, "windows of 1.0 s"),
        ({"version": 1, "window_s": 5.0, "series": {}}, "`series` is not a list"),
        ({"version": 1, "window_s": 5.0, "series": [{"endpoint": 3}]}, "`endpoint`"),
        (
            {
                "version": 1,
                "window_s": 5.0,
                "series": [{"endpoint": "e", "window": 1, "errors": 0, "histogram": "@@"}],
            },
            "not base64",
        ),
        (
            {"version": 1, "window_s": 5.0, "series": [], "load": [[1, 2, 3]]},
            "not \\[window",
        ),
        (
            {"version": 1, "window_s": 5.0, "series": [], "load": [[1, 2, 3, 4, float("nan")]]},
            "other than numbers",
        ),
        (
            {"version": 1, "window_s": 5.0, "series": [], "load": [], "requests": -1},
            "`requests` is not a count",
        ),
    ],
)
def test_a_shard_it_cannot_read_is_a_problem_of_the_run(shard: object, problem: str) -> None:
    collector = Collector(5.0)
    collector.add("w9", shard)
    assert len(collector.problems) == 1
    assert collector.problems[0].startswith("w9: ")
    assert re.search(problem, collector.problems[0])


def test_an_expected_worker_that_never_reports_is_not_final() -> None:
    collector = Collector(5.0)
    collector.expect("w1")
    assert not collector.workers["w1"].final


def test_busy_seconds_is_a_clock() -> None:
    first = busy_seconds()
    assert first >= 0 and busy_seconds() >= first
