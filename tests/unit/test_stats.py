"""Benchmark statistics: Holm, Mann-Whitney, Hodges-Lehmann, the three outcomes."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.stats import Decision, compare_unpaired, holm


def noisy(rng: random.Random, centre: float, n: int = 60, spread: float = 0.02) -> list[float]:
    return [centre * math.exp(rng.gauss(0, spread)) for _ in range(n)]


def test_holm_matches_hand_computation() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm([]) == []


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_holm_is_monotone_and_not_below_raw(pvalues: list[float]) -> None:
    adjusted = holm(pvalues)
    assert all(a >= p - 1e-12 for a, p in zip(adjusted, pvalues, strict=True))
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    assert all(adjusted[order[i]] <= adjusted[order[i + 1]] + 1e-12 for i in range(len(order) - 1))
    assert all(a <= 1.0 for a in adjusted)


def test_twenty_percent_slowdown_is_a_regression_with_interval() -> None:
    rng = random.Random(1)
    (result,) = compare_unpaired([("b", noisy(rng, 1.0), noisy(rng, 1.2))], Decision())
    assert result.outcome == "regression"
    assert result.low < 1.2 < result.high or abs(result.estimate - 1.2) < 0.02
    assert 1.15 < result.estimate < 1.25
    assert "slower" in result.reason


def test_identical_distributions_are_no_change() -> None:
    rng = random.Random(2)
    (result,) = compare_unpaired([("b", noisy(rng, 1.0), noisy(rng, 1.0))], Decision())
    assert result.outcome == "no-change"
    assert result.high < 1.05


def test_small_significant_slowdown_below_threshold_is_not_a_regression() -> None:
    rng = random.Random(3)
    base, head = noisy(rng, 1.0, 200, 0.005), noisy(rng, 1.02, 200, 0.005)
    (result,) = compare_unpaired([("b", base, head)], Decision(slowdown=0.05))
    assert result.outcome == "no-change"


def test_improvement_is_reported() -> None:
    rng = random.Random(4)
    (result,) = compare_unpaired([("b", noisy(rng, 1.0), noisy(rng, 0.7))], Decision())
    assert result.outcome == "improvement"
    assert "faster" in result.reason


def test_noisy_data_is_inconclusive_with_reason() -> None:
    rng = random.Random(5)
    base, head = noisy(rng, 1.0, 8, 0.3), noisy(rng, 1.06, 8, 0.3)
    (result,) = compare_unpaired([("b", base, head)], Decision())
    assert result.outcome == "inconclusive"
    assert "noisy" in result.reason


def test_too_few_rounds_and_bad_timings_are_inconclusive() -> None:
    few, bad = compare_unpaired(
        [("few", [1.0, 1.0], [2.0, 2.0]), ("bad", [0.0] * 10, [1.0] * 10)], Decision()
    )
    assert few.outcome == "inconclusive"
    assert "too few rounds" in few.reason
    assert bad.outcome == "inconclusive"
    assert "non-positive" in bad.reason


def test_holm_correction_applies_across_benchmarks() -> None:
    rng = random.Random(6)
    named = [(f"b{i}", noisy(rng, 1.0, 60, 0.05), noisy(rng, 1.0, 60, 0.05)) for i in range(30)]
    results = compare_unpaired(named, Decision())
    assert not any(r.outcome == "regression" for r in results)


def test_large_sample_sets_are_thinned_deterministically() -> None:
    rng = random.Random(8)
    base, head = noisy(rng, 1.0, 5000), noisy(rng, 1.3, 5000)
    first = compare_unpaired([("b", base, head)], Decision())
    second = compare_unpaired([("b", base, head)], Decision())
    assert first == second
    assert first[0].outcome == "regression"
    assert first[0].rounds == 5000
