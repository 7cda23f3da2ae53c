"""The charts: drawn only from known values, escaped, inside their box."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gates.dashboard.svg import HEIGHT, WIDTH, StepPoint, bars, steps, trend


def _points(svg: str) -> list[tuple[float, float]]:
    found = re.findall(r'points="([^"]*)"', svg)
    return [(float(x), float(y)) for line in found for x, y in (p.split(",") for p in line.split())]


def test_fewer_than_two_known_values_is_no_chart_never_a_flat_line() -> None:
    assert trend([], label="x") is None
    assert trend([None, None, None], label="x") is None
    assert trend([None, 5.0, None], label="x") is None
    assert trend([float("nan"), 5.0], label="x") is None


def test_a_gap_breaks_the_line() -> None:
    svg = trend([1.0, 2.0, None, 3.0, 4.0], label="cov")
    assert svg is not None
    assert svg.count("<polyline") == 2


def test_a_lone_known_value_between_gaps_is_a_dot() -> None:
    svg = trend([1.0, 2.0, None, 3.0, None], label="cov")
    assert svg is not None
    assert svg.count("<polyline") == 1
    assert svg.count("<circle") == 2  # the lone value, and the last value's marker


def test_higher_values_are_drawn_higher() -> None:
    svg = trend([10.0, 20.0], label="cov")
    assert svg is not None
    (x0, y0), (x1, y1) = _points(svg)
    assert x0 < x1
    assert y1 < y0  # SVG's y grows downwards


def test_the_label_is_escaped() -> None:
    svg = trend([1.0, 2.0], label='<script>"x"</script>')
    assert svg is not None
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


@given(st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9)), max_size=60))
def test_every_point_is_inside_the_box(values: list[float | None]) -> None:
    svg = trend(values, label="x")
    if svg is None:
        assert sum(v is not None for v in values) < 2
        return
    for x, y in _points(svg):
        assert 0 <= x <= WIDTH
        assert 0 <= y <= HEIGHT


def test_bars_are_proportional_and_escaped() -> None:
    svg = bars([("high", 4), ("<low>", 2), ("info", 0)], label="findings")
    assert svg is not None
    widths = [float(w) for w in re.findall(r'<rect[^>]* width="([0-9.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    assert "<low>" not in svg
    assert bars([], label="none") is None


# ---------------------------------------------------------------- the step-load chart


def test_the_step_chart_marks_the_breaking_step_and_the_bound() -> None:
    points = [StepPoint(2, 20.0, 40.0), StepPoint(4, 35.0, 80.0), StepPoint(8, 90.0, 85.0)]
    svg = steps(points, breaking=8, p95_bound=60.0, label="a <label>")
    assert svg is not None and svg.startswith('<svg class="steps"')
    assert "breaks at 8 users" in svg and "p95 bound 60 ms" in svg
    assert "a &lt;label&gt;" in svg and "<label>" not in svg
    assert [f">{p.users}<" for p in points if f">{p.users}<" in svg] == [">2<", ">4<", ">8<"]
    for x, y in _points(svg):
        assert 0 <= x <= 480 and 0 <= y <= 220


def test_a_step_without_a_p95_breaks_the_line_and_nothing_breaks_without_a_mark() -> None:
    points = [StepPoint(1, 10.0, 5.0), StepPoint(2, None, 9.0), StepPoint(4, 30.0, 12.0)]
    svg = steps(points, breaking=None, p95_bound=None, label="x")
    assert svg is not None
    assert svg.count('fill="#ff7f0e"/>') == 2  # two lone dots: no line drawn through the gap
    assert "breaks at" not in svg and "p95 bound" not in svg
    assert steps([], breaking=None, p95_bound=None, label="x") is None
