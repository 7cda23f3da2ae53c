"""A percentile of the latencies, its distribution-free interval, and the judgement.

The ``q``-quantile of the latency distribution is bracketed by two order statistics of
the sample: with ``B`` the number of the ``n`` latencies at or below the true quantile,
``B ~ Binomial(n, q)``, so the ``l``-th smallest latency is at or below it with
probability ``P(B >= l)`` and the ``u``-th smallest is at or above it with probability
``P(B <= u - 1)`` (Hahn and Meeker, *Statistical Intervals*, ch. 5). Each end is a
one-sided ``1 - alpha`` bound (the pair a two-sided ``1 - 2*alpha`` interval, as in
:mod:`gates.stats`), with the ranks from the exact binomial distribution; no assumption on
the latencies' shape. When even the largest latency is no ``1 - alpha`` upper bound
(``q**n > alpha``: 459 requests are the fewest for a p99 at ``alpha = 0.01``) the
percentile has no upper bound: too few samples.

Read from a histogram (:mod:`gates.load.histogram`), a rank is known to its bucket: the
lower bound is the low edge of the ``l``-th value's bucket, the upper bound the high
edge of the ``u``-th value's bucket, so the histogram widens the interval by at most
0.1 % and never narrows it. The point estimate is the nearest-rank percentile
(rank ``ceil(q * n)``), the high edge of its bucket, as HdrHistogram reports it.

The judgement against a bound ``max`` is three-way: **fail** only when the lower bound
is above ``max``, **pass** only when the upper bound is below it, **inconclusive**
otherwise (exactly at the bound included): "run longer" narrows the interval. The
interval assumes the requests' latencies are independent draws; latencies that drift
over the run are for the validity checks (:mod:`gates.load.summary`) to catch.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final

from gates.load.histogram import Histogram

__all__ = [
    "ALPHA",
    "Judgement",
    "Outcome",
    "Percentile",
    "judge",
    "order_statistic_ranks",
    "percentile_of_histogram",
    "percentile_of_samples",
]

ALPHA: Final = 0.01  # each end of an interval is a one-sided 99 % bound
_ROUNDING: Final = 1 + 1e-9  # a tail equal to alpha counts as within it, despite float sums
_TAIL_SDS: Final = 40.0
_EXACT_MAX_N: Final = 20_000_000  # beyond, the normal approximation (a walk of 10**5+ terms)
_STANDARD: Final = NormalDist()  # binomial mass beyond 40 standard deviations (+40) is below 1e-50


class Outcome(enum.Enum):
    """What a percentile says about its bound."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class Percentile:
    """The ``q``-quantile of ``n`` latencies in milliseconds, and its interval.

    ``low`` is ``None`` when no order statistic is a lower bound at the confidence
    asked, ``high`` likewise (too few samples); ``value`` is ``None`` only for ``n == 0``.
    """

    q: float
    n: int
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class Judgement:
    outcome: Outcome
    reason: str


def order_statistic_ranks(n: int, q: float, alpha: float = ALPHA) -> tuple[int | None, int | None]:
    """1-based ranks ``(l, u)``: ``X(l) <= quantile`` and ``X(u) >= quantile``, each with ``1 - alpha``.

    ``l`` is the largest rank whose binomial left tail ``P(B <= l - 1)`` is at most
    ``alpha``; ``u`` the smallest whose ``P(B >= u)`` is at most ``alpha``. ``None`` where
    no rank from 1 to ``n`` qualifies.
    """
    if not 0 < q < 1 or not 0 < alpha < 0.5:
        raise ValueError(f"q={q} must be in (0, 1) and alpha={alpha} in (0, 0.5)")
    if n <= 0:
        return None, None
    if n > _EXACT_MAX_N:
        return _normal_ranks(n, q, alpha)
    pmf = _binomial_pmf(n, q)
    start = pmf.start
    below = 0.0  # P(B <= k - 1) as k rises
    lower: int | None = None
    for offset, mass in enumerate(pmf.masses):
        k = start + offset
        if below + mass > alpha * _ROUNDING:
            lower = k if k >= 1 else None  # P(B <= k - 1) <= alpha < P(B <= k)
            break
        below += mass
    above = 0.0  # P(B >= k + 1) as k falls
    upper: int | None = None
    for offset in range(len(pmf.masses) - 1, -1, -1):
        k = start + offset
        if above + pmf.masses[offset] > alpha * _ROUNDING:
            upper = k + 1 if k + 1 <= n else None  # P(B >= k + 1) <= alpha < P(B >= k)
            break
        above += pmf.masses[offset]
    return lower, upper


def _normal_ranks(n: int, q: float, alpha: float) -> tuple[int, int]:
    """The same ranks from the normal approximation (continuity-corrected), for huge ``n``.

    Beyond :data:`_EXACT_MAX_N` samples the binomial's skew is negligible: the ranks differ
    from the exact ones by at most one (tested at the switch).
    """
    spread = _STANDARD.inv_cdf(1 - alpha) * math.sqrt(n * q * (1 - q))
    lower = math.floor(n * q - 0.5 - spread) + 1
    upper = math.ceil(n * q + 0.5 + spread)
    return max(lower, 1), min(upper, n)


@dataclass(frozen=True, slots=True)
class _Pmf:
    start: int
    masses: list[float]


def _binomial_pmf(n: int, p: float) -> _Pmf:
    """``P(B = k)`` for every ``k`` that carries mass a double can hold, by recurrence in logs."""
    spread = _TAIL_SDS * math.sqrt(n * p * (1 - p)) + _TAIL_SDS
    start = max(0, math.floor(n * p - spread))
    stop = min(n, math.ceil(n * p + spread))
    log_mass = (
        math.lgamma(n + 1)
        - math.lgamma(start + 1)
        - math.lgamma(n - start + 1)
        + start * math.log(p)
        + (n - start) * math.log1p(-p)
    )
    odds = math.log(p) - math.log1p(-p)
    masses = []
    for k in range(start, stop + 1):
        masses.append(math.exp(log_mass))
        log_mass += math.log((n - k) / (k + 1)) + odds if k < n else 0.0
    return _Pmf(start, masses)


def percentile_of_histogram(histogram: Histogram, q: float, alpha: float = ALPHA) -> Percentile:
    """The ``q``-quantile of a histogram of nanoseconds, in milliseconds, with its interval."""
    n = histogram.total
    if n == 0:
        return Percentile(q, 0, None, None, None)
    lower, upper = order_statistic_ranks(n, q, alpha)
    ranks = [_nearest_rank(n, q), lower or 1, upper or n]
    point, low, high = histogram.at_ranks(ranks)
    return Percentile(
        q,
        n,
        point.high / 1e6,
        low.low / 1e6 if lower is not None else None,
        high.high / 1e6 if upper is not None else None,
    )


def percentile_of_samples(samples: Sequence[float], q: float, alpha: float = ALPHA) -> Percentile:
    """The same from raw latencies in milliseconds: the cross-check of the histogram's figures."""
    ordered = sorted(samples)
    n = len(ordered)
    if n == 0:
        return Percentile(q, 0, None, None, None)
    lower, upper = order_statistic_ranks(n, q, alpha)
    return Percentile(
        q,
        n,
        ordered[_nearest_rank(n, q) - 1],
        ordered[lower - 1] if lower is not None else None,
        ordered[upper - 1] if upper is not None else None,
    )


def _nearest_rank(n: int, q: float) -> int:
    """``ceil(q * n)``, robust to ``q * n`` landing a hair above an integer."""
    return min(n, max(1, math.ceil(round(q * n, 9))))


def judge(percentile: Percentile, bound_ms: float) -> Judgement:
    """Fail when the lower bound is above ``bound_ms``, pass when the upper bound is below it."""
    name = f"p{percentile.q * 100:g}"
    if percentile.low is not None and percentile.low > bound_ms:
        return Judgement(
            Outcome.FAIL,
            f"{name} is at least {percentile.low:.3f} ms (1-sided {1 - ALPHA:.0%}), above {bound_ms:g} ms",
        )
    if percentile.high is not None and percentile.high < bound_ms:
        return Judgement(
            Outcome.PASS,
            f"{name} is at most {percentile.high:.3f} ms (1-sided {1 - ALPHA:.0%}), below {bound_ms:g} ms",
        )
    if percentile.high is None:
        needed = _samples_for_upper(percentile.q)
        return Judgement(
            Outcome.INCONCLUSIVE,
            f"too few samples for {name}: {percentile.n} requests, {needed} at least; run longer",
        )
    low = "?" if percentile.low is None else f"{percentile.low:.3f}"
    return Judgement(
        Outcome.INCONCLUSIVE,
        f"{name} lies between {low} and {percentile.high:.3f} ms, which spans {bound_ms:g} ms; run longer",
    )


def _samples_for_upper(q: float, alpha: float = ALPHA) -> int:
    """The fewest requests whose largest latency is a ``1 - alpha`` upper bound: ``q**n <= alpha``."""
    return math.ceil(math.log(alpha) / math.log(q))
