"""The Theil-Sen slope and Sen's interval, on synthetic series (no timing)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.load.trend import MAX_POINTS, theil_sen


def test_a_straight_line_has_its_slope_and_a_tight_interval() -> None:
    xs = [float(i) for i in range(30)]
    slope = theil_sen(xs, [3.0 + 2.5 * x for x in xs])
    assert slope is not None
    assert slope.estimate == pytest.approx(2.5) == slope.low == slope.high
    assert slope.n == 30


def test_a_leak_under_noise_is_above_zero_and_a_flat_series_is_not() -> None:
    rnd = random.Random(3)
    xs = [i / 10 for i in range(60)]
    leak = theil_sen(xs, [500 + 4.0 * x + rnd.gauss(0, 3) for x in xs])
    flat = theil_sen(xs, [500 + rnd.gauss(0, 3) for _ in xs])
    assert leak is not None and flat is not None
    assert leak.low is not None and leak.low > 0 and 3 < leak.estimate < 5
    assert flat.low is not None and flat.high is not None and flat.low < 0 < flat.high


def test_outliers_do_not_move_it() -> None:
    xs = [float(i) for i in range(40)]
    ys = [10 + x for x in xs]
    ys[7] = ys[23] = 10_000.0  # two garbage-collector bursts
    slope = theil_sen(xs, ys)
    assert slope is not None and slope.estimate == pytest.approx(1.0)


def test_the_interval_covers_the_true_slope_as_often_as_it_says() -> None:
    rnd = random.Random(7)
    xs = [float(i) for i in range(25)]
    misses_low = misses_high = 0
    for _ in range(300):
        slope = theil_sen(xs, [2.0 * x + rnd.expovariate(1.0) for x in xs])
        assert slope is not None and slope.low is not None and slope.high is not None
        misses_low += slope.low > 2.0
        misses_high += slope.high < 2.0
    assert misses_low <= 10 and misses_high <= 10  # 1 % each: 3 expected in 300


def test_too_few_points_have_no_bounds_and_no_x_spread_no_slope() -> None:
    two = theil_sen([0.0, 1.0], [0.0, 1.0])
    assert two is not None and two.estimate == 1.0 and two.low is None and two.high is None
    assert theil_sen([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert theil_sen([], []) is None
    with pytest.raises(ValueError, match="2 x values for 1"):
        theil_sen([1.0, 2.0], [1.0])


def test_many_points_are_thinned() -> None:
    xs = [float(i) for i in range(5 * MAX_POINTS)]
    slope = theil_sen(xs, [0.5 * x for x in xs])
    assert slope is not None and slope.n == MAX_POINTS and slope.estimate == pytest.approx(0.5)


@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(-1000, 1000)), min_size=3, max_size=40),
    st.integers(-5, 5),
)
def test_adding_a_trend_shifts_the_slope_by_it(points: list[tuple[int, int]], trend: int) -> None:
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    base = theil_sen(xs, ys)
    tilted = theil_sen(xs, [y + trend * x for x, y in zip(xs, ys, strict=True)])
    assert (base is None) == (tilted is None)
    if base is not None and tilted is not None:
        assert tilted.estimate == pytest.approx(base.estimate + trend)
        if base.low is not None and tilted.low is not None:
            assert tilted.low == pytest.approx(base.low + trend)
