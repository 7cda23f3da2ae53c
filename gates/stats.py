"""Benchmark comparison statistics, in pure Python (no NumPy in the core).

A benchmark regresses when head is slower than base *significantly* (a
one-sided rank test at ``alpha``, Holm-corrected across benchmarks) **and**
*materially* (the Hodges-Lehmann estimate of the slowdown is at least the
policy's ``slowdown``). It is "no change" when the upper end of the estimate's
confidence interval is below ``slowdown``; otherwise it is inconclusive, with
the reason. Work is on log timings, so effects are ratios (1.10 = 10 % slower).

This module compares two independent sets of samples (a stored baseline, or
two separate runs): the Mann-Whitney U test and the Hodges-Lehmann shift with
its Moses confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from gates.model import BenchmarkComparison

__all__ = ["Decision", "compare_unpaired", "holm"]

_MAX_SAMPLES = 1500  # per side; pairwise differences grow as n * m
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
            name, "inconclusive", math.nan, math.nan, math.nan, rounds, why
        ), 1.0
    x = [math.log(v) for v in _thin(base)]
    y = [math.log(v) for v in _thin(head)]
    p_slower = _mann_whitney_greater(y, x)
    shift, low, high = _hodges_lehmann(y, x, decision.alpha)
    return BenchmarkComparison(
        name, "", math.exp(shift), math.exp(low), math.exp(high), rounds, ""
    ), p_slower


def _decide(
    result: BenchmarkComparison, p_adjusted: float, decision: Decision
) -> BenchmarkComparison:
    if result.outcome == "inconclusive":
        return result
    threshold = 1 + decision.slowdown
    if p_adjusted < decision.alpha and result.estimate >= threshold:
        outcome, why = "regression", f"{_pct(result.estimate)} slower (p={p_adjusted:.2g})"
    elif result.high < threshold and result.low > 1 / threshold:
        outcome, why = (
            "no-change",
            f"within {_pct(threshold)} (interval {_pct(result.low)} to {_pct(result.high)})",
        )
    elif result.high < 1 / threshold:
        outcome, why = "improvement", f"{_pct(1 / result.estimate)} faster"
    elif result.high < threshold:
        outcome, why = "no-change", "not slower"
    else:
        why = "too noisy: the interval spans the slowdown threshold"
        outcome = "inconclusive"
    return result._replace(outcome=outcome, reason=why)


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
