"""Benchmark statistics: Holm, Mann-Whitney, Hodges-Lehmann, the three outcomes."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.benchmark.stats import (
    Decision,
    compare_paired,
    compare_unpaired,
    hodges_lehmann_paired,
    holm,
    rounds_needed,
    signed_rank_pvalues,
)


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


# ---------------------------------------------------------------- same-run A/B (paired)

# Reference p-values from SciPy 1.17.1 (installed in a scratch environment only to make
# them; SciPy is not a dependency of gates): scipy.stats.wilcoxon with alternative "greater"
# and "less", method "exact" for the tie-free cases, "approx" with correction=True for BIG,
# and a PermutationMethod over every sign flip (n_resamples=inf) for TIED.
MIXED8 = [0.031, -0.012, 0.044, 0.027, 0.009, -0.021, 0.052, 0.018]
ALL_POSITIVE10 = [0.11, 0.09, 0.13, 0.08, 0.12, 0.10, 0.095, 0.105, 0.115, 0.085]
MIXED12 = [0.02, -0.03, 0.015, 0.04, -0.01, 0.005, 0.035, -0.025, 0.045, 0.012, -0.002, 0.028]
TIED = [0.01, -0.01, 0.02, 0.02, 0.03, -0.005, 0.01, 0.04]
BIG = [
    0.011026, 0.050792, 0.046742, -0.005309, 0.001061, -0.005822, 0.027092, 0.008318,
    0.032407, -0.04542, 0.056996, 0.007107, 0.030411, 0.005903, -0.001373, 0.023893,
    0.034735, 0.003924, 0.005416, 0.030571, -0.01611, -0.035432, 0.021849, -0.010117,
    -0.04761, -0.014422, -0.004028, -0.025796, -0.034774, 0.011099, 0.036917, 0.003006,
    -0.012308, 0.02155, 0.031517, 0.001, 0.02634, 0.041286, 0.003791, -0.014405,
    0.02043, 0.017426, 0.042964, -0.028537, -0.009848, -0.015145, -0.04202, 0.013793,
    0.025834, -0.012164, 0.051569, 0.034658, 0.028821, 0.022051, 0.03867, -0.029959,
    0.028418, 0.028083, -0.043032, 0.020411, 0.002487, 0.033446, -0.003172, 0.009453,
    0.020286, -0.016288, 0.027958, 0.006851, 0.024774, -0.005655, 0.042586, 0.028156,
    0.004659, 0.028959, 0.047793, 0.063735, -0.037207, 0.036494, 0.023952, 0.007184,
]  # fmt: skip


@pytest.mark.parametrize(
    ("differences", "greater", "less"),
    [
        (MIXED8, 0.0546875, 0.9609375),
        (ALL_POSITIVE10, 0.0009765625, 1.0),
        (MIXED12, 0.07568359375, 0.935302734375),
        (TIED, 0.03125, 0.98046875),
        (BIG, 0.00045554671671063326, 0.9995522109836618),
    ],
    ids=["mixed8", "all-positive10", "mixed12", "tied8", "normal80"],
)
def test_signed_rank_pvalues_match_scipy(
    differences: list[float], greater: float, less: float
) -> None:
    assert signed_rank_pvalues(differences) == pytest.approx((greater, less), rel=1e-9)


def test_signed_rank_drops_zeros_and_is_symmetric() -> None:
    assert signed_rank_pvalues([0.0, 0.0]) == (1.0, 1.0)
    assert signed_rank_pvalues([0.0, *MIXED8]) == signed_rank_pvalues(MIXED8)
    greater, less = signed_rank_pvalues(MIXED8)
    assert signed_rank_pvalues([-d for d in MIXED8]) == (less, greater)


def test_rounds_needed_is_where_two_to_the_minus_n_passes_holm() -> None:
    assert rounds_needed(1, 0.01) == 7  # 2**-7 = 0.0078 < 0.01 <= 2**-6
    assert rounds_needed(3, 0.01) == 9  # 3 * 2**-9 = 0.0059
    assert rounds_needed(30, 0.01) == 12  # 30 * 2**-12 = 0.0073
    assert rounds_needed(0, 0.01) == 7


def _walsh(differences: list[float]) -> list[float]:
    n = len(differences)
    return sorted((differences[i] + differences[j]) / 2 for i in range(n) for j in range(i, n))


def test_hodges_lehmann_is_the_median_of_walsh_averages() -> None:
    assert hodges_lehmann_paired([1.0, 2.0, 3.0], 0.01)[0] == 2.0
    assert (
        hodges_lehmann_paired([1.0, 2.0, 9.0, 10.0], 0.01)[0] == 5.5
    )  # 10 averages: mean of 5th, 6th
    assert all(math.isnan(v) for v in hodges_lehmann_paired([], 0.01))


def test_interval_uses_the_signed_rank_table() -> None:
    # Tables of the signed-rank statistic: for n = 10, P(T+ <= 8) = 25/1024 <= 0.025 < P(T+ <= 9),
    # so the two-sided 95 % interval runs from the 9th smallest to the 9th largest of 55 averages.
    data = [0.3, -0.1, 0.8, 0.5, 0.2, 0.9, -0.4, 0.6, 0.1, 0.7]
    walsh = _walsh(data)
    _, low, high = hodges_lehmann_paired(data, 0.025)
    assert (low, high) == (walsh[8], walsh[-9])
    # n = 7 at alpha 0.01: only 2**-7 fits below it: the extremes
    seven = data[:7]
    assert hodges_lehmann_paired(seven, 0.01)[1:] == (min(seven), max(seven))
    # n = 6 cannot reach 0.01 on either side: no interval
    assert all(math.isnan(v) for v in hodges_lehmann_paired(data[:6], 0.01)[1:])


def test_the_large_sample_interval_brackets_the_estimate() -> None:
    estimate, low, high = hodges_lehmann_paired(BIG, 0.01)
    assert low < estimate < high
    assert low > 0.0  # BIG is shifted up: p = 0.00046 one-sided
    walsh = _walsh(BIG)
    assert low in walsh
    assert high in walsh


@given(
    st.lists(st.floats(-0.5, 0.5), min_size=7, max_size=30),
    st.floats(-1.0, 1.0),
)
def test_estimate_and_interval_move_with_a_shift(differences: list[float], shift: float) -> None:
    estimate, low, high = hodges_lehmann_paired(differences, 0.01)
    moved = hodges_lehmann_paired([d + shift for d in differences], 0.01)
    assert moved == pytest.approx((estimate + shift, low + shift, high + shift), abs=1e-9)
    assert low <= estimate <= high


def ratios(rng: random.Random, slowdown: float, rounds: int, spread: float = 0.01) -> list[float]:
    return [math.log(1 + slowdown) + rng.gauss(0, spread) for _ in range(rounds)]


def test_paired_regression_needs_significance_and_the_effect() -> None:
    rng = random.Random(11)
    (result,) = compare_paired([("b", ratios(rng, 0.20, 12))], Decision())
    assert result.outcome == "regression"
    assert result.low < 1.2 < result.high
    assert result.rounds == 12
    assert result.reason.startswith("significantly slower (p=0.000")
    assert result.reason.endswith(" after Holm), by over +5.0 %")
    assert "after Holm" in result.reason


def test_paired_identical_code_is_no_change_with_its_interval() -> None:
    rng = random.Random(12)
    (result,) = compare_paired([("b", ratios(rng, 0.0, 12))], Decision())
    assert result.outcome == "no-change"
    assert result.high < 1.05
    assert result.reason == "the interval stays below +5.0 %"


def test_a_real_slowdown_below_the_threshold_is_not_a_regression() -> None:
    rng = random.Random(13)
    (result,) = compare_paired([("b", ratios(rng, 0.03, 20, 0.002))], Decision())
    assert result.estimate == pytest.approx(1.03, abs=0.005)
    assert result.outcome == "no-change"  # significant, but under 5 %: not what the policy counts


def test_paired_improvement_is_reported() -> None:
    rng = random.Random(14)
    (result,) = compare_paired([("b", ratios(rng, -0.25, 12))], Decision())
    assert result.outcome == "improvement"
    assert result.estimate == pytest.approx(0.75, abs=0.01)
    assert result.reason.startswith("significantly faster (p=")
    assert result.reason.endswith("by over -4.8 %")  # 1 / 1.05


def test_paired_too_few_rounds_and_too_noisy_say_so() -> None:
    rng = random.Random(15)
    few, noisy = compare_paired(
        [("few", ratios(rng, 0.3, 5)), ("noisy", ratios(rng, 0.02, 12, 0.2))], Decision()
    )
    assert few.outcome == "inconclusive"
    assert few.reason.startswith("too few rounds: 5 cannot show a difference")
    assert "across 2 benchmarks (at least 8 needed)" in few.reason
    assert math.isnan(few.low)
    assert noisy.outcome == "inconclusive"
    assert noisy.reason.startswith("too noisy: after 12 rounds the interval")


def test_a_large_estimate_that_is_not_significant_is_inconclusive() -> None:
    # 8 rounds, 7 of them slower by 10 %, one faster: p = 2/256 > 0.01
    data = [math.log(1.1)] * 7 + [math.log(0.9)]
    (result,) = compare_paired([("b", data)], Decision())
    assert result.outcome == "inconclusive"
    assert result.estimate >= 1.05
    assert "but not significant after 8 rounds" in result.reason


def test_holm_across_many_benchmarks_needs_more_rounds() -> None:
    slow = [math.log(1.1) + 0.001 * i for i in range(8)]  # every round slower: p = 2**-8
    (alone,) = compare_paired([("slow", slow)], Decision())
    assert alone.outcome == "regression"
    rng = random.Random(16)
    named = [("slow", slow)] + [(f"b{i}", ratios(rng, 0.0, 8, 0.005)) for i in range(29)]
    results = compare_paired(named, Decision())
    assert results[0].outcome == "inconclusive"  # 30 * 2**-8 > 0.01
    assert "at least 12 needed" in results[0].reason
    assert not any(r.outcome == "regression" for r in results)


def test_non_finite_ratios_and_no_rounds_are_inconclusive() -> None:
    bad, empty = compare_paired([("bad", [0.1] * 9 + [math.nan]), ("empty", [])], Decision())
    assert (bad.outcome, bad.reason) == ("inconclusive", "non-positive or non-finite timings")
    assert (empty.outcome, empty.reason, empty.rounds) == ("inconclusive", "no paired round", 0)


@given(st.lists(st.floats(-0.3, 0.3), min_size=7, max_size=24), st.floats(0.01, 0.5))
def test_a_larger_slowdown_threshold_never_turns_a_pass_into_a_regression(
    differences: list[float], extra: float
) -> None:
    strict = compare_paired([("b", differences)], Decision(slowdown=0.05))[0]
    lenient = compare_paired([("b", differences)], Decision(slowdown=0.05 + extra))[0]
    if strict.outcome != "regression":
        assert lenient.outcome != "regression"
