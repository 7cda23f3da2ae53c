"""A growth slope and its distribution-free interval: Theil-Sen with Sen's confidence bounds.

The slope of ``y`` on ``x`` is the median of the slopes of every pair of points with
different ``x`` (Theil 1950, Sen 1968): a few outliers (a garbage collection, a page
cache burst) cannot move it. Its interval comes from Kendall's rank statistic: with
``N`` pairwise slopes sorted and ``C = z * sqrt(Var(S))``, the bounds are the slopes of
ranks ``(N - C) / 2`` and ``(N + C) / 2 + 1`` (Hollander and Wolfe, *Nonparametric
Statistical Methods*, 3rd ed., ch. 9), the variance corrected for ties in ``x``. Each
end is a one-sided ``1 - alpha`` bound, as everywhere in gates.

The interval assumes independent residuals; memory sampled several times a second is
not, so :mod:`gates.load.memory` fits one point per time window (its median), not every
sample. At most :data:`MAX_POINTS` points are used (evenly thinned), so the pairwise
slopes stay within a few hundred thousand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final

__all__ = ["MAX_POINTS", "Slope", "theil_sen"]

MAX_POINTS: Final = 800
_STANDARD: Final = NormalDist()


@dataclass(frozen=True, slots=True)
class Slope:
    """A slope, its one-sided ``1 - alpha`` bounds (``None``: too few points), and ``n``."""

    estimate: float
    low: float | None
    high: float | None
    n: int


def theil_sen(xs: Sequence[float], ys: Sequence[float], alpha: float = 0.01) -> Slope | None:
    """The Theil-Sen slope of ``ys`` on ``xs``; ``None`` when no two points differ in ``x``."""
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x values for {len(ys)} y values")
    points = _thin(list(zip(xs, ys, strict=True)))
    slopes = sorted(
        (y2 - y1) / (x2 - x1)
        for i, (x1, y1) in enumerate(points)
        for x2, y2 in points[i + 1 :]
        if x2 != x1
    )
    if not slopes:
        return None
    count = len(slopes)
    middle = count // 2
    estimate = slopes[middle] if count % 2 else (slopes[middle - 1] + slopes[middle]) / 2
    c = _STANDARD.inv_cdf(1 - alpha) * math.sqrt(_kendall_variance([x for x, _ in points]))
    lower_rank = math.floor((count - c) / 2)  # 1-based; below 1: no bound
    upper_rank = math.ceil((count + c) / 2) + 1
    return Slope(
        estimate,
        slopes[lower_rank - 1] if lower_rank >= 1 else None,
        slopes[upper_rank - 1] if upper_rank <= count else None,
        len(points),
    )


def _kendall_variance(xs: Sequence[float]) -> float:
    """``Var(S)`` of Kendall's statistic for ``n`` points, corrected for tied ``x``."""
    n = len(xs)
    ties: dict[float, int] = {}
    for x in xs:
        ties[x] = ties.get(x, 0) + 1
    tied = sum(t * (t - 1) * (2 * t + 5) for t in ties.values() if t > 1)
    return (n * (n - 1) * (2 * n + 5) - tied) / 18


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) <= MAX_POINTS:
        return points
    step = len(points) / MAX_POINTS
    return [points[int(i * step)] for i in range(MAX_POINTS)]
