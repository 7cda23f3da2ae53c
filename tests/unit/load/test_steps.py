"""The breaking point of a step-load run, on synthetic steps (no timing)."""

from __future__ import annotations

from gates.load.collector import WindowLoad
from gates.load.evidence import Series
from gates.load.histogram import Histogram
from gates.load.memory import MIB, MemoryRecord, Sample
from gates.load.steps import (
    Breaking,
    Limits,
    Window,
    breaking_point,
    markdown_table,
    steps_of,
    windows_of,
)
from tests.unit.load._latency import FIRST, latency


def _windows(*rows: tuple[int, float, float, int]) -> list[Window]:
    """(users, rps, p95 ms, errors per 100 requests) per 5-s window."""
    return [
        Window(
            start=1000.0 + 5 * i,
            users=users,
            requests=round(rps * 5),
            errors=round(rps * 5 * errors / 100),
            rps=rps,
            p95_ms=p95,
            memory_mb=100.0 + i,
        )
        for i, (users, rps, p95, errors) in enumerate(rows)
    ]


_LIMITS = Limits(p95_ms=200.0, error_rate=0.01, offered_rps_per_user=1.0)


def test_the_first_step_with_two_bad_windows_in_a_row_is_the_breaking_point() -> None:
    windows = _windows(
        (10, 10, 50, 0), (10, 10, 55, 0), (10, 10, 52, 0),
        (20, 20, 90, 0), (20, 20, 250, 0), (20, 20, 95, 0),  # one bad window: noise
        (40, 40, 240, 0), (40, 39.5, 260, 0), (40, 40, 300, 0),
        (80, 50, 900, 5), (80, 48, 950, 8),
    )  # fmt: skip
    steps = steps_of(windows)
    assert [step.users for step in steps] == [10, 20, 40, 80]
    breaking = breaking_point(steps, _LIMITS)
    assert breaking == Breaking(
        40, "40 users: p95 240.0 ms above 200 ms; then p95 260.0 ms above 200 ms", 20
    )


def test_errors_and_a_rate_behind_break_too() -> None:
    errors = steps_of(_windows((10, 10, 50, 0), (10, 10, 50, 2), (10, 10, 50, 4)))
    assert (
        breaking_point(errors, _LIMITS).reason
        == "10 users: errors 2.0% above 1.0%; then errors 4.0% above 1.0%"
    )
    behind = steps_of(_windows((10, 10, 50, 0), (20, 18, 50, 0), (20, 18.5, 50, 0)))
    found = breaking_point(behind, _LIMITS)
    assert (
        found.users == 20 and "behind the offered 20/s" in found.reason and found.held_up_to == 10
    )


def test_a_run_that_never_breaks_held_up_to_its_largest_step() -> None:
    steps = steps_of(_windows((10, 10, 50, 0), (10, 10, 50, 0), (20, 20, 60, 0), (20, 20, 60, 0)))
    assert breaking_point(steps, _LIMITS) == Breaking(None, "no step broke", 20)
    assert breaking_point(steps, Limits()) == Breaking(None, "no step broke", 20)


def test_the_table_shows_each_step_and_marks_the_breaking_one() -> None:
    steps = steps_of(
        _windows((10, 10, 50, 0), (10, 10, 60, 0), (20, 20, 300, 10), (20, 20, 310, 10))
    )
    table = markdown_table(steps, breaking_point(steps, _LIMITS))
    assert table.splitlines() == [
        "| users | requests/s | p95 ms | errors | memory MiB |",
        "|---:|---:|---:|---:|---:|",
        "| 10 | 10.0 | 60.0 | 0.00% | 101.0 |",
        "| 20 (breaks) | 20.0 | 310.0 | 10.00% | 103.0 |",
    ]


def test_windows_come_from_the_evidence_partial_ones_left_out() -> None:
    series = [
        Series("GET /a", FIRST + i, i, Histogram.of_values([(i + 1) * 10_000_000] * 50))
        for i in range(6)
    ]
    load = {FIRST + i: WindowLoad(10 * (1 + i // 2), 0.2) for i in range(6)}
    run = latency(series, load=load, started=1002.0, ended=1030.0)
    memory = MemoryRecord(0.25, (Sample(1006.0, 300 * MIB, 400 * MIB, 2),), (), 0)
    windows = windows_of(run, memory)
    assert [w.start for w in windows] == [1005.0, 1010.0, 1015.0, 1020.0, 1025.0]
    assert [w.users for w in windows] == [10, 20, 20, 30, 30]
    assert windows[0].requests == 50 and windows[0].errors == 1 and windows[0].rps == 10.0
    assert windows[0].p95_ms is not None and 20.0 <= windows[0].p95_ms <= 20.03
    assert windows[0].memory_mb == 300.0 and windows[1].memory_mb is None
    assert windows_of(run)[0].memory_mb is None
    assert [s.users for s in steps_of(windows)] == [10, 20, 30]
