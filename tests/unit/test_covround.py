"""coverage.py's rounding, checked against coverage.py's own functions."""

from __future__ import annotations

import pytest
from coverage.results import display_covered as coverage_display
from coverage.results import should_fail_under
from hypothesis import given
from hypothesis import strategies as st

from gates.model import covround

percents = st.floats(min_value=0, max_value=100, allow_nan=False)
precisions = st.integers(min_value=0, max_value=6)
# bounds as people write them: whole numbers and a few decimals
bounds = st.decimals(min_value=0, max_value=100, places=3).map(float)


@given(percents, precisions)
def test_shown_as_coverage_report_shows_it(value: float, precision: int) -> None:
    assert covround.display_covered(value, precision) == coverage_display(value, precision)


@given(percents, bounds, precisions)
def test_judged_as_fail_under_judges_it(value: float, bound: float, precision: int) -> None:
    assert covround.below_min(value, bound, precision) is should_fail_under(value, bound, precision)


@given(st.integers(min_value=0, max_value=3000), st.integers(min_value=1, max_value=3000))
def test_the_percentage_is_coverage_pys_float(part: int, extra: int) -> None:
    from coverage.results import Numbers  # noqa: PLC0415 - one test uses it

    numbers = Numbers(n_statements=part + extra, n_missing=extra)
    assert covround.percent(part, part + extra) == numbers.pc_covered


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (90.49773755656109, 2, "90.50"),  # 200 of 221: truncation would show 90.49
        (99.996, 2, "99.99"),  # never 100 unless everything is covered
        (0.004, 2, "0.01"),  # never 0 unless nothing is
        (100.0, 2, "100.00"),
        (92.1951219512195, 0, "92"),
    ],
)
def test_rounding_edges(value: float, precision: int, shown: str) -> None:
    assert covround.display_covered(value, precision) == shown


@pytest.mark.parametrize(
    ("value", "bound", "precision", "fails"),
    [
        (90.49773755656109, 90.5, 2, False),  # rounds to 90.50: passes, as --fail-under=90.5
        (90.49773755656109, 90.5, 3, True),  # at three decimals it is 90.498
        (90.49773755656109, 90.498, 2, False),  # the bound's three decimals count
        (99.996, 100, 2, True),  # 100 means every line
        (89.996, 90, 2, False),
        (89.994, 90, 2, True),
    ],
)
def test_bounds(value: float, bound: float, precision: int, fails: bool) -> None:
    assert covround.below_min(value, bound, precision) is fails
    assert should_fail_under(value, bound, precision) is fails


@pytest.mark.parametrize(
    ("value", "bound", "fails"),
    [(0.0, 0.0, False), (0.001, 0.0, True), (5.004, 5, False), (5.006, 5, True)],
)
def test_a_max_is_the_mirror(value: float, bound: float, fails: bool) -> None:
    assert covround.over_max(value, bound, 2) is fails


def test_a_bound_with_many_decimals_is_judged_at_fifteen() -> None:
    assert covround.bound_precision(5e-324, 2) == covround.MAX_PRECISION
    assert covround.below_min(0.0, 5e-324, 2)
    assert not covround.below_min(100.0, 5e-324, 2)


@pytest.mark.parametrize(("project", "used"), [(None, 2), (0, 2), (1, 1), (2, 2), (4, 4)])
def test_the_projects_precision_above_zero_else_two(project: int | None, used: int) -> None:
    assert covround.effective_precision(project) == used


def test_a_finer_bound_is_judged_finer_as_coverage_py_does() -> None:
    """Raising a bound that has more decimals than the precision can turn a fail into a pass.

    coverage.py's own rule: ``--fail-under=90.4978`` fails 90.4977 %, ``--fail-under=90.5``
    passes it (rounded to 90.50). gates judges the same, and says so in docs/policy.md.
    """
    value = 90.49773755656109
    assert should_fail_under(value, 90.4978, 2) and covround.below_min(value, 90.4978, 2)
    assert not should_fail_under(value, 90.5, 2) and not covround.below_min(value, 90.5, 2)


@given(percents, bounds, bounds, precisions)
def test_raising_a_bound_never_passes_more_at_one_precision(
    value: float, low: float, high: float, precision: int
) -> None:
    low, high = sorted((low, high))
    same = max(covround.bound_precision(low, precision), covround.bound_precision(high, precision))
    if covround.below_min(value, low, same):
        assert covround.below_min(value, high, same)
