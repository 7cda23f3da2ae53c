"""Percentiles and their order-statistic intervals, on synthetic samples (no timing)."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.load.histogram import Histogram
from gates.load.percentiles import (
    _EXACT_MAX_N,
    Outcome,
    Percentile,
    _normal_ranks,
    judge,
    order_statistic_ranks,
    percentile_of_histogram,
    percentile_of_samples,
)


def _exact_ranks(n: int, q: Fraction, alpha: Fraction) -> tuple[int | None, int | None]:
    """The definition, in exact arithmetic: the largest l with P(B <= l-1) <= alpha, ..."""
    pmf = [math.comb(n, k) * q**k * (1 - q) ** (n - k) for k in range(n + 1)]
    cdf = list(itertools.accumulate(pmf))
    lows = [rank for rank in range(1, n + 1) if cdf[rank - 1] <= alpha]
    highs = [rank for rank in range(1, n + 1) if 1 - cdf[rank - 1] <= alpha]
    return (max(lows) if lows else None, min(highs) if highs else None)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 30, 100, 299, 458, 459, 460, 700])
@pytest.mark.parametrize("q", ["1/2", "19/20", "99/100"])
def test_the_ranks_are_the_exact_binomial_ones(n: int, q: str) -> None:
    alpha = Fraction(1, 100)
    assert order_statistic_ranks(n, float(Fraction(q)), 0.01) == _exact_ranks(n, Fraction(q), alpha)


def test_p99_needs_459_samples_for_an_upper_bound() -> None:
    assert order_statistic_ranks(458, 0.99)[1] is None
    assert order_statistic_ranks(459, 0.99)[1] == 459


def test_millions_of_samples_are_cheap_and_symmetric() -> None:
    lower, upper = order_statistic_ranks(10_000_000, 0.5)
    assert lower is not None and upper is not None
    assert lower - 1 + upper == 10_000_000  # the median's interval is symmetric
    z = 2.3263478740408408  # one-sided 99 %
    assert abs((upper - 5_000_000) - z * math.sqrt(2_500_000)) < 3


@pytest.mark.parametrize("q", [0.5, 0.95, 0.99])
def test_beyond_the_exact_walk_the_normal_ranks_are_within_one(q: float) -> None:
    n = _EXACT_MAX_N
    exact = order_statistic_ranks(n, q)
    assert exact[0] is not None and exact[1] is not None
    normal = _normal_ranks(n, q, 0.01)
    assert abs(exact[0] - normal[0]) <= 1 and abs(exact[1] - normal[1]) <= 1
    huge = order_statistic_ranks(2**53, q)  # a hostile total: no walk of 10**9 terms
    assert huge[0] is not None and huge[1] is not None and huge[0] < huge[1]


def test_the_interval_covers_the_true_quantile_as_often_as_it_says() -> None:
    # exponential latencies with mean 10 ms: the true p95 is 10 * ln(20) ms
    truth = 10 * math.log(20)
    rnd = random.Random(95)
    trials, missed_low, missed_high = 400, 0, 0
    for _ in range(trials):
        estimate = percentile_of_samples([rnd.expovariate(0.1) for _ in range(300)], 0.95)
        assert estimate.low is not None and estimate.high is not None
        missed_low += estimate.low > truth
        missed_high += estimate.high < truth
    # each end is a 1 % bound: 4 misses expected in 400, 12 would be very unlikely
    assert missed_low <= 12 and missed_high <= 12


@given(
    st.lists(st.integers(1, 10**10), min_size=1, max_size=600), st.sampled_from([0.5, 0.95, 0.99])
)
def test_the_histogram_brackets_the_raw_figures(values: list[int], q: float) -> None:
    raw = percentile_of_samples([value / 1e6 for value in values], q)
    read = percentile_of_histogram(Histogram.of_values(values), q)
    assert (read.n, read.q) == (raw.n, raw.q)
    assert raw.value is not None and read.value is not None
    assert raw.value <= read.value <= raw.value * (1 + 1 / 1024) + 1e-6
    assert (read.low is None) == (raw.low is None) and (read.high is None) == (raw.high is None)
    if raw.low is not None and read.low is not None:
        assert raw.low * (1 - 1 / 1024) - 1e-6 <= read.low <= raw.low
    if raw.high is not None and read.high is not None:
        assert raw.high <= read.high <= raw.high * (1 + 1 / 1024) + 1e-6


def test_no_samples_no_figure() -> None:
    assert percentile_of_histogram(Histogram(), 0.95) == Percentile(0.95, 0, None, None, None)
    assert percentile_of_samples([], 0.5) == Percentile(0.5, 0, None, None, None)


def _p95(low: float | None, high: float | None, n: int = 1000) -> Percentile:
    return Percentile(0.95, n, 100.0, low, high)


@pytest.mark.parametrize(
    ("low", "high", "outcome", "words"),
    [
        (201.0, 250.0, Outcome.FAIL, "at least 201.000 ms"),
        (150.0, 199.0, Outcome.PASS, "at most 199.000 ms"),
        (150.0, 250.0, Outcome.INCONCLUSIVE, "spans 200 ms; run longer"),
        (200.0, 250.0, Outcome.INCONCLUSIVE, "spans"),  # at the bound is no fail
        (150.0, 200.0, Outcome.INCONCLUSIVE, "spans"),  # ... and no pass
        (None, 150.0, Outcome.PASS, "at most"),
        (201.0, None, Outcome.FAIL, "at least"),
        (None, None, Outcome.INCONCLUSIVE, "too few samples for p95: 10 requests, 90 at least"),
        (150.0, None, Outcome.INCONCLUSIVE, "too few samples"),
    ],
)
def test_the_judgement_is_three_way(
    low: float | None, high: float | None, outcome: Outcome, words: str
) -> None:
    judgement = judge(_p95(low, high, n=10), 200.0)
    assert judgement.outcome is outcome
    assert words in judgement.reason


@given(st.floats(1, 1000), st.floats(0, 500), st.floats(1, 1000), st.floats(1, 1000))
def test_a_tighter_bound_never_turns_a_fail_into_a_pass(
    low: float, width: float, bound: float, tighter: float
) -> None:
    percentile = _p95(low, low + width)
    loose, tight = sorted((bound, tighter), reverse=True)
    order = {Outcome.PASS: 0, Outcome.INCONCLUSIVE: 1, Outcome.FAIL: 2}
    assert order[judge(percentile, tight).outcome] >= order[judge(percentile, loose).outcome]
    for outcome in Outcome:
        assert outcome in order


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="must be in"):
        order_statistic_ranks(10, 1.0)
    assert order_statistic_ranks(0, 0.5) == (None, None)
