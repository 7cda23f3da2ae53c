"""Benchmark comparison statistics, in pure Python (no NumPy in the core).

A benchmark regresses when head is slower than base *significantly* (a
one-sided rank test at ``alpha``, Holm-corrected across benchmarks) **and**
*materially* (the Hodges-Lehmann estimate of the slowdown is at least the
policy's ``slowdown``). It is "no change" when the upper end of the estimate's
confidence interval is below ``slowdown``; otherwise it is inconclusive, with
the reason. Work is on log timings, so effects are ratios (1.10 = 10 % slower).

Two designs:

* **Same-run A/B** (:func:`compare_paired`, the default): base and head ran in
  alternating fresh processes, round after round, on one machine. Each round
  gives one log ratio ``log(head / base)`` of the two processes' medians, so
  drift of the machine cancels within the round. The test is the one-sided
  Wilcoxon signed-rank test (exact up to ``_EXACT_MAX`` rounds, then normal with
  tie correction); the effect is the Hodges-Lehmann estimate (the median of the
  Walsh averages) with its distribution-free confidence interval.
* **Stored baseline** (:func:`compare_unpaired`): two independent sets of
  samples, e.g. a saved run from the base branch on a quiet runner: the
  Mann-Whitney U test and the Hodges-Lehmann shift with its Moses interval.

Intervals are two-sided at ``1 - 2*alpha``: each end is a one-sided ``1 - alpha``
bound, so "no regression" means the slowdown is below ``slowdown`` with
confidence ``1 - alpha``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from statistics import NormalDist

from gates.model.verdict import BenchmarkComparison, BenchmarkOutcome

__all__ = [
    "Decision",
    "compare_paired",
    "compare_unpaired",
    "hodges_lehmann_paired",
    "holm",
    "rounds_needed",
    "signed_rank_pvalues",
]

_MAX_SAMPLES = 1500  # per side; pairwise differences grow as n * m
_EXACT_MAX = 50  # rounds up to which the signed-rank distribution is computed exactly
_STANDARD = NormalDist()


@dataclass(frozen=True, slots=True)
class Decision:
    """The thresholds of one comparison."""

    slowdown: float = 0.05
    alpha: float = 0.01
    min_rounds: int = 5


def compare_unpaired(
    named: Sequence[tuple[str, Sequence[float], Sequence[float]]], decision: Decision
) -> list[BenchmarkComparison]:
    """Compare ``(name, base samples, head samples)`` for each benchmark."""
    tests = [_unpaired(name, base, head, decision) for name, base, head in named]
    adjusted = holm([p for _, p in tests])
    return [_decide(result, p, decision) for (result, _), p in zip(tests, adjusted, strict=True)]


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (monotone, capped at 1), in input order."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adjusted = [1.0] * len(pvalues)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[index]))
        adjusted[index] = running
    return adjusted


def _unpaired(
    name: str, base: Sequence[float], head: Sequence[float], decision: Decision
) -> tuple[BenchmarkComparison, float]:
    rounds = min(len(base), len(head))
    if rounds < decision.min_rounds or not _positive(base) or not _positive(head):
        why = (
            f"too few rounds ({rounds} < {decision.min_rounds})"
            if rounds < decision.min_rounds
            else "non-positive timings"
        )
        return BenchmarkComparison(
            name=name,
            outcome=BenchmarkOutcome.INCONCLUSIVE,
            estimate=math.nan,
            low=math.nan,
            high=math.nan,
            rounds=rounds,
            reason=why,
        ), 1.0
    x = [math.log(v) for v in _thin(base)]
    y = [math.log(v) for v in _thin(head)]
    p_slower = _mann_whitney_greater(y, x)
    shift, low, high = _hodges_lehmann(y, x, decision.alpha)
    return BenchmarkComparison(
        name=name,
        outcome=BenchmarkOutcome.INCONCLUSIVE,  # until decided: its reason is still ""
        estimate=math.exp(shift),
        low=math.exp(low),
        high=math.exp(high),
        rounds=rounds,
        reason="",
    ), p_slower


def _decide(
    result: BenchmarkComparison, p_adjusted: float, decision: Decision
) -> BenchmarkComparison:
    if result.reason:  # decided already: inconclusive, with too few rounds or bad timings
        return result
    threshold = 1 + decision.slowdown
    if p_adjusted < decision.alpha and result.estimate >= threshold:
        outcome, why = (
            BenchmarkOutcome.REGRESSION,
            f"{_pct(result.estimate)} slower (p={p_adjusted:.2g})",
        )
    elif result.high < threshold and result.low > 1 / threshold:
        outcome, why = (
            BenchmarkOutcome.NO_CHANGE,
            f"within {_pct(threshold)} (interval {_pct(result.low)} to {_pct(result.high)})",
        )
    elif result.high < 1 / threshold:
        outcome, why = BenchmarkOutcome.IMPROVEMENT, f"{_pct(1 / result.estimate)} faster"
    elif result.high < threshold:
        outcome, why = BenchmarkOutcome.NO_CHANGE, "not slower"
    else:
        why = "too noisy: the interval spans the slowdown threshold"
        outcome = BenchmarkOutcome.INCONCLUSIVE
    return replace(result, outcome=outcome, reason=why)


def _pct(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+.1f} %"


def _positive(values: Sequence[float]) -> bool:
    return all(math.isfinite(v) and v > 0 for v in values)


def _thin(values: Sequence[float]) -> Sequence[float]:
    """At most ``_MAX_SAMPLES`` values, evenly spaced (deterministic)."""
    if len(values) <= _MAX_SAMPLES:
        return values
    step = len(values) / _MAX_SAMPLES
    return [values[int(i * step)] for i in range(_MAX_SAMPLES)]


def _mann_whitney_greater(y: Sequence[float], x: Sequence[float]) -> float:
    """One-sided p-value that ``y`` tends to be greater than ``x`` (normal approximation, ties corrected)."""
    n, m = len(y), len(x)
    ranks = _ranks([*y, *x])
    u = sum(ranks[:n]) - n * (n + 1) / 2
    ties = _tie_term([*y, *x])
    total = n + m
    variance = n * m / 12 * ((total + 1) - ties / (total * (total - 1)))
    if variance <= 0:
        return 1.0
    z = (u - n * m / 2 - 0.5) / math.sqrt(variance)  # continuity correction
    return 1 - _STANDARD.cdf(z)


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _tie_term(values: Sequence[float]) -> float:
    counts: dict[float, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return float(sum(t**3 - t for t in counts.values() if t > 1))


def _hodges_lehmann(
    y: Sequence[float], x: Sequence[float], alpha: float
) -> tuple[float, float, float]:
    """Shift estimate of ``y - x`` and its two-sided ``1 - 2*alpha`` Moses interval."""
    differences = sorted(a - b for a in y for b in x)
    count = len(differences)
    middle = count // 2
    estimate = (
        differences[middle] if count % 2 else (differences[middle - 1] + differences[middle]) / 2
    )
    n, m = len(y), len(x)
    z = _STANDARD.inv_cdf(1 - alpha)
    k = math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12))
    k = min(max(k, 0), count - 1)
    return estimate, differences[k], differences[count - 1 - k]


# ---------------------------------------------------------------- same-run A/B (paired)


@dataclass(frozen=True, slots=True)
class _Paired:
    comparison: BenchmarkComparison
    p_slower: float
    p_faster: float


def compare_paired(
    named: Sequence[tuple[str, Sequence[float]]], decision: Decision
) -> list[BenchmarkComparison]:
    """Compare ``(name, per-round log ratios log(head / base))`` for each benchmark.

    Holm's correction runs across the benchmarks, for "slower" and "faster" apart.
    """
    tests = [_paired(name, ratios, decision) for name, ratios in named]
    slower = holm([test.p_slower for test in tests])
    faster = holm([test.p_faster for test in tests])
    return [
        _decide_paired(test, p_slow, p_fast, decision, len(tests))
        for test, p_slow, p_fast in zip(tests, slower, faster, strict=True)
    ]


def rounds_needed(benchmarks: int, alpha: float) -> int:
    """The fewest rounds at which the exact test can reach ``alpha`` across ``benchmarks`` (Holm).

    With ``n`` rounds the smallest one-sided signed-rank p-value is ``2**-n``,
    and Holm multiplies the smallest by the number of benchmarks.
    """
    rounds = 0
    while max(benchmarks, 1) * 0.5**rounds >= alpha:
        rounds += 1
    return rounds


def _paired(name: str, ratios: Sequence[float], decision: Decision) -> _Paired:
    rounds = len(ratios)
    if not rounds or not all(math.isfinite(r) for r in ratios):
        why = "no paired round" if not rounds else "non-positive or non-finite timings"
        nan = math.nan
        return _Paired(
            BenchmarkComparison(
                name=name,
                outcome=BenchmarkOutcome.INCONCLUSIVE,
                estimate=nan,
                low=nan,
                high=nan,
                rounds=rounds,
                reason=why,
            ),
            1.0,
            1.0,
        )
    p_slower, p_faster = signed_rank_pvalues(ratios)
    estimate, low, high = hodges_lehmann_paired(ratios, decision.alpha)
    comparison = BenchmarkComparison(
        name=name,
        outcome=BenchmarkOutcome.INCONCLUSIVE,  # until decided: its reason is still ""
        estimate=math.exp(estimate),
        low=math.exp(low),
        high=math.exp(high),
        rounds=rounds,
        reason="",
    )
    return _Paired(comparison, p_slower, p_faster)


def _decide_paired(
    test: _Paired, p_slower: float, p_faster: float, decision: Decision, count: int
) -> BenchmarkComparison:
    result = test.comparison
    if result.reason:  # decided already: inconclusive, with no rounds or bad timings
        return result
    threshold = 1 + decision.slowdown
    if p_slower < decision.alpha and result.estimate >= threshold:
        outcome = BenchmarkOutcome.REGRESSION
        why = f"significantly slower (p={p_slower:.2g} after Holm), by over {_pct(threshold)}"
    elif p_faster < decision.alpha and result.estimate <= 1 / threshold:
        outcome = BenchmarkOutcome.IMPROVEMENT
        why = f"significantly faster (p={p_faster:.2g} after Holm), by over {_pct(1 / threshold)}"
    elif result.high < threshold:  # False for an unbounded (nan) interval
        outcome, why = BenchmarkOutcome.NO_CHANGE, f"the interval stays below {_pct(threshold)}"
    else:
        outcome, why = BenchmarkOutcome.INCONCLUSIVE, _undecided(result, p_slower, decision, count)
    return replace(result, outcome=outcome, reason=why)


def _undecided(result: BenchmarkComparison, p_slower: float, decision: Decision, count: int) -> str:
    needed = rounds_needed(count, decision.alpha)
    if result.rounds < needed or not math.isfinite(result.high):
        return (
            f"too few rounds: {result.rounds} cannot show a difference at alpha {decision.alpha:g}"
            f" across {count} benchmark{'' if count == 1 else 's'} (at least {needed} needed)"
        )
    threshold = _pct(1 + decision.slowdown)
    if result.estimate >= 1 + decision.slowdown:
        return (
            f"too noisy: over {threshold} but not significant after {result.rounds} rounds"
            f" (p={p_slower:.2g} after Holm)"
        )
    return f"too noisy: after {result.rounds} rounds the interval still reaches {threshold}"


def signed_rank_pvalues(differences: Sequence[float]) -> tuple[float, float]:
    """One-sided p-values of the Wilcoxon signed-rank test: (greater than 0, less than 0).

    Zero differences are dropped (Wilcoxon's convention) and tied magnitudes get
    mid-ranks. Up to ``_EXACT_MAX`` non-zero differences the p-values are exact:
    the permutation distribution of the observed ranks under random signs.
    Beyond, the normal approximation with tie and continuity corrections.
    """
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    if n == 0:
        return 1.0, 1.0
    ranks = _ranks([abs(d) for d in nonzero])
    doubled = [round(2 * rank) for rank in ranks]  # mid-ranks are halves: whole when doubled
    positive = sum(weight for weight, d in zip(doubled, nonzero, strict=True) if d > 0)
    if n <= _EXACT_MAX:
        counts = _rank_sum_counts(tuple(sorted(doubled)))
        total = 2**n
        return sum(counts[positive:]) / total, sum(counts[: positive + 1]) / total
    statistic = positive / 2
    mean = n * (n + 1) / 4
    variance = n * (n + 1) * (2 * n + 1) / 24 - _tie_term([abs(d) for d in nonzero]) / 48
    if variance <= 0:
        return 1.0, 1.0
    deviation = math.sqrt(variance)
    greater = 1 - _STANDARD.cdf((statistic - mean - 0.5) / deviation)
    less = _STANDARD.cdf((statistic - mean + 0.5) / deviation)
    return greater, less


@lru_cache(maxsize=256)
def _rank_sum_counts(weights: tuple[int, ...]) -> tuple[int, ...]:
    """How many of the ``2**n`` sign assignments give each sum of the positive ``weights``."""
    counts = [1] + [0] * sum(weights)
    reach = 0
    for weight in weights:
        reach += weight
        for total in range(reach, weight - 1, -1):
            counts[total] += counts[total - weight]
    return tuple(counts)


def hodges_lehmann_paired(differences: Sequence[float], alpha: float) -> tuple[float, float, float]:
    """The median of the Walsh averages, and its two-sided ``1 - 2*alpha`` interval.

    The interval (Tukey's, from the signed-rank distribution) runs from the
    ``k``-th smallest to the ``k``-th largest Walsh average; its bounds are NaN
    when there are too few differences for that confidence (``2**-n > alpha``).
    """
    n = len(differences)
    if n == 0:
        return math.nan, math.nan, math.nan
    walsh = sorted((differences[i] + differences[j]) / 2 for i in range(n) for j in range(i, n))
    count = len(walsh)
    middle = count // 2
    estimate = walsh[middle] if count % 2 else (walsh[middle - 1] + walsh[middle]) / 2
    depth = _walsh_depth(n, alpha)
    if depth == 0:
        return estimate, math.nan, math.nan
    return estimate, walsh[depth - 1], walsh[count - depth]


def _walsh_depth(n: int, alpha: float) -> int:
    """``k`` such that ``P(T+ <= k - 1) <= alpha`` is as large as possible (0: none)."""
    if n > _EXACT_MAX:
        spread = math.sqrt(n * (n + 1) * (2 * n + 1) / 24)
        return max(0, math.floor(n * (n + 1) / 4 - _STANDARD.inv_cdf(1 - alpha) * spread))
    counts = _rank_sum_counts(tuple(range(1, n + 1)))
    limit = alpha * 2**n
    cumulative = 0
    depth = 0
    for count in counts:
        if cumulative + count > limit:
            break
        cumulative += count
        depth += 1
    return depth
