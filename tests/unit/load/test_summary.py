"""A run's figures and the reasons it is inconclusive, on synthetic evidence (no timing)."""

from __future__ import annotations

import dataclasses

import pytest

from gates.load.collector import WindowLoad
from gates.load.evidence import Series, Worker
from gates.load.histogram import HIGHEST, Histogram
from gates.load.percentiles import Outcome
from gates.load.summary import OVERALL, LocustTotals, Scenario, gate_percentile, summarise
from gates.model.reports import Problem
from tests.unit.load._latency import FIRST, latency, steady


def _slugs(**changes: object) -> list[str]:
    scenario = changes.pop("scenario", Scenario())
    locust = changes.pop("locust", None)
    more = changes.pop("more", ())
    assert isinstance(scenario, Scenario)
    assert locust is None or isinstance(locust, LocustTotals)
    run = latency(changes.pop("series", steady()), **changes)  # type: ignore[arg-type]
    summary = summarise(run, scenario, path="l.json", locust=locust, more_problems=more)  # type: ignore[arg-type]
    return [problem.slug for problem in summary.problems]


def test_a_clean_run_has_figures_and_no_problem() -> None:
    summary = summarise(latency(steady() + steady("GET /b", ms=40)), Scenario(), path="l.json")
    assert summary.problems == ()
    assert [f.endpoint for f in summary.endpoints] == ["GET /a", "GET /b"]
    a = summary.figures("GET /a")
    assert a is not None and a.requests == 1200 and a.errors == 0 and a.error_rate == 0.0
    assert a.rps == pytest.approx(1200 / 30)
    p50 = a.percentile(0.5)
    assert p50.value is not None and 14.9 < p50.value < 15.1
    overall = summary.figures(OVERALL)
    assert overall is not None and overall.requests == 2400
    assert summary.figures("GET /nothing") is None
    assert gate_percentile(summary, "GET /a", 0.95, 200).outcome is Outcome.PASS
    assert gate_percentile(summary, "GET /b", 0.95, 50).outcome is Outcome.FAIL
    b = summary.figures("GET /b")
    assert b is not None
    p95 = b.percentile(0.95)
    assert p95.low is not None and p95.high is not None and p95.high - p95.low < 2.0
    middle = (p95.low + p95.high) / 2
    assert gate_percentile(summary, "GET /b", 0.95, middle).outcome is Outcome.INCONCLUSIVE
    missing = gate_percentile(summary, "GET /c", 0.95, 50)
    assert missing.outcome is Outcome.INCONCLUSIVE and "no request to GET /c" in missing.reason


def test_the_warm_up_is_left_out_from_the_first_whole_window() -> None:
    slow_start = [steady(ms=500)[0], *steady()[1:]]
    summary = summarise(latency(slow_start), Scenario(warmup_s=3.0), path="l.json")
    assert summary.measured_from == 1005.0  # the window after 1000 + 3 s begins at 1005
    assert summary.overall.requests == 1000
    assert summary.overall.rps == pytest.approx(1000 / 25)
    assert gate_percentile(summary, OVERALL, 0.99, 100).outcome is Outcome.PASS


def test_errors_count_into_the_error_rate() -> None:
    series = [dataclasses.replace(s, errors=10) for s in steady()]
    summary = summarise(latency(series), Scenario(), path="l.json")
    assert summary.overall.error_rate == pytest.approx(60 / 1200)


def _busy(busy: float, lag: float = 0.0) -> dict[int, WindowLoad]:
    return {
        FIRST + i: WindowLoad(10, busy if i == 3 else 0.2, lag if i == 3 else 0.0) for i in range(6)
    }


@pytest.mark.parametrize(
    ("changes", "slug"),
    [
        ({"load": _busy(0.9)}, "load-generator-saturated"),
        ({"load": _busy(0.5, lag=0.25)}, "load-generator-saturated"),
        ({"scenario": Scenario(offered_rps=100.0)}, "load-rate-behind"),
        ({"target_users": 20}, "load-users-not-reached"),
        ({"scenario": Scenario(target_users=11)}, "load-users-not-reached"),
        (
            {"load": {FIRST + i: WindowLoad(10 if i != 4 else 6, 0.2) for i in range(6)}},
            "load-users-not-reached",
        ),
        (
            {"workers": [Worker("w1", 600, 0, 0, True), Worker("w2", 600, 0, 0, False)]},
            "load-worker-missing",
        ),
        ({"workers": []}, "load-worker-missing"),
        ({"locust": LocustTotals(requests=1200, failures=3)}, "load-uncounted-failures"),
        ({"locust": LocustTotals(requests=1201, failures=0)}, "load-uncounted-requests"),
        ({"workers": [Worker("local", 1200, 0, 2, True)]}, "load-latency-out-of-range"),
        ({"series": []}, "load-no-requests"),
        ({"ended": 1026.0}, "load-run-cut-short"),  # 95 % of 30 s, less 2 s, is 26.5 s
        ({"problems": ["w3: a shard of another gates version"]}, "load-listener-problem"),
        (
            {"more": [Problem(slug="load-memory-gaps", path="memory.json", message="m", hint="h")]},
            "load-memory-gaps",
        ),
    ],
)
def test_each_way_a_generator_lies_is_named(changes: dict[str, object], slug: str) -> None:
    assert slug in _slugs(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"load": _busy(0.89, lag=0.24)},
        {"scenario": Scenario(offered_rps=42.0)},  # 40/s achieved is 95.2 % of 42
        {"target_users": 10},
        {"target_users": None},
        {"locust": LocustTotals(requests=1200, failures=0)},
        {"locust": LocustTotals()},
        {"ended": 1026.5},  # 95 % of the planned 30 s, less Locust's 2 s
        {"planned_s": None, "ended": 1010.0},
    ],
)
def test_within_the_limits_nothing_is_said(changes: dict[str, object]) -> None:
    assert _slugs(**changes) == []


def test_a_problem_makes_every_percentile_gate_inconclusive_even_a_clear_fail() -> None:
    run = latency(steady(ms=500), load=_busy(0.97))
    summary = summarise(run, Scenario(), path="l.json")
    judgement = gate_percentile(summary, OVERALL, 0.95, 200)
    assert judgement.outcome is Outcome.INCONCLUSIVE
    assert judgement.reason == "the run cannot be trusted: load-generator-saturated"


def test_too_few_samples_for_p99_is_inconclusive() -> None:
    few = [Series("GET /a", FIRST + 1, 0, Histogram.of_values([10_000_000] * 100))]
    summary = summarise(latency(few), Scenario(), path="l.json")
    judgement = gate_percentile(summary, "GET /a", 0.99, 200)
    assert judgement.outcome is Outcome.INCONCLUSIVE
    assert "too few samples for p99: 100 requests, 459 at least" in judgement.reason


def test_an_hour_long_request_still_counts_as_slow() -> None:
    hung = [Series("GET /a", FIRST + 1, 1, Histogram.of_values([HIGHEST] * 500))]
    summary = summarise(latency(hung), Scenario(), path="l.json")
    assert summary.overall.percentile(0.5).value == pytest.approx(HIGHEST / 1e6, rel=1e-3)
