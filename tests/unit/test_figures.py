"""One formatter for every value a gate shows: the table, the reason, the JSON verdict agree."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.catalog.metrics import METRICS, Unit
from gates.model.figures import format_value
from tests.unit import _build as b


@pytest.mark.parametrize(
    ("metric", "value", "shown"),
    [
        ("coverage.percent", 89.996, "89.99%"),
        ("coverage.percent", 89.999999, "89.99%"),
        ("coverage.percent", 90.0, "90.00%"),
        ("coverage.percent", 0.29, "0.29%"),  # 0.29 * 100 is 28.999...: no float trick
        ("coverage.percent", 100, "100.00%"),
        ("coverage.patch_percent", 0.0, "0.00%"),
        ("coverage.percent", 1e-9, "0.00%"),
        ("coverage.percent", None, "n/a"),
        ("coverage.percent", math.nan, "n/a"),
        ("coverage.percent", math.inf, "n/a"),
        ("tests.failed", 2.0, "2"),
        ("findings", 0.0, "0"),
        ("findings", 100_000.0, "100,000"),
        ("benchmark.ratio", 1.0599, "1.05"),
        ("benchmark.ratio", -1.0599, "-1.05"),
        ("tests.failed", None, "n/a"),
    ],
)
def test_format_value_truncates_and_never_rounds(
    metric: str, value: float | None, shown: str
) -> None:
    assert format_value(metric, value) == shown


@pytest.mark.parametrize("digits", range(3, 14))
def test_a_value_just_under_the_bound_never_displays_as_the_bound(digits: int) -> None:
    value = 90 - 10**-digits
    assert value < 90
    assert format_value("coverage.percent", value) == "89.99%"


@pytest.mark.parametrize(
    ("metric", "value", "precision", "shown"),
    [
        ("coverage.total_percent", 90.49773755656109, 2, "90.50%"),
        ("coverage.percent", 92.1951219512195, 1, "92.2%"),
        ("coverage.percent", 99.996, 2, "99.99%"),  # never 100 unless exactly so
        ("coverage.percent", 0.001, 2, "0.01%"),  # never 0 unless exactly so
        ("coverage.patch_percent", 89.996, None, "89.99%"),  # diff-cover truncates
        ("coverage.patch_percent", 0.29, None, "0.29%"),  # no float artefact
        ("findings", 3.0, None, "3"),
        ("tests.total", 12345.0, None, "12,345"),
    ],
)
def test_a_value_reads_by_its_metrics_unit(
    metric: str, value: float, precision: int | None, shown: str
) -> None:
    assert format_value(metric, value, precision) == shown


def test_every_metric_has_a_unit_the_formatter_knows() -> None:
    for metric in METRICS.values():
        text = format_value(metric.name, 12.0)
        expected = {
            Unit.PERCENT: "12.00%",
            Unit.COUNT: "12",
            Unit.MILLISECONDS: "12.00 ms",
            Unit.MEBIBYTES: "12.00 MiB",
            Unit.PER_SECOND: "12.00/s",
        }
        assert text == expected[metric.unit]


PERCENT_GATE = '[gate.c]\nmetric = "coverage.patch_percent"\n'


@given(
    covered=st.integers(min_value=0, max_value=5000),
    missing=st.integers(min_value=0, max_value=5000),
    bound=st.integers(min_value=0, max_value=100),
)
def test_the_reason_shows_the_tables_figure(covered: int, missing: int, bound: int) -> None:
    if covered + missing == 0:
        return
    for policy in (f"{PERCENT_GATE}min = {bound}\n", f"{PERCENT_GATE}max = {bound}\n"):
        ev = b.evidence(b.stage("diff", b.patch("diff", covered, missing), b.numstat("diff", 1)))
        gate = b.judge(policy, ev).gates[0]
        shown = format_value(gate.metric, gate.observed, gate.precision)
        assert gate.reason.startswith(f"{shown} "), (gate.reason, shown)


@given(
    hit=st.integers(min_value=0, max_value=3000),
    missed=st.integers(min_value=0, max_value=3000),
    bound=st.decimals(min_value=0, max_value=100, places=3),
)
def test_a_coverage_reason_shows_the_tables_figure(hit: int, missed: int, bound: object) -> None:
    if hit + missed == 0:
        return
    ev = b.evidence(
        b.stage(
            "unit", b.coverage("unit", b.cov_file("a.py", range(hit), range(hit, hit + missed)))
        )
    )
    gate = b.judge(f'[gate.c]\nmetric = "coverage.percent"\nmin = {bound}\n', ev).gates[0]
    shown = format_value(gate.metric, gate.observed, gate.precision)
    assert not math.isnan(gate.observed or 0.0)
    assert gate.reason.startswith(f"{shown} "), (gate.reason, shown)
