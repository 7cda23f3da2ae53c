"""The dashboard's charts: inline SVG made here, no library, no script (pure).

A chart is text inside the page, so it renders from ``file://`` with scripts
disabled, and it is drawn only from what is known:

* :func:`trend` draws a line through the known values (a gap where a run did
  not know the value: the line breaks, it is never drawn through zero);
  fewer than two known values is no chart at all (``None``): the page says
  "trend unknown" instead of a flat line;
* :func:`bars` draws labelled horizontal bars (findings by severity);
* :func:`steps` draws a step-load run: per step (users), its p95 and its achieved
  rate on two scales, the p95 bound and the breaking step marked (the load stage
  writes it as ``breaking-point.svg``); a step whose p95 is unknown leaves a gap.

Every label is escaped; coordinates are rounded to one decimal so 60 charts
of 1,000 points stay under a megabyte.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

__all__ = ["StepPoint", "bars", "steps", "trend"]

WIDTH: Final = 240
HEIGHT: Final = 48
_PAD: Final = 3.0


def _xy(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}"


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The runs of consecutive known values, each as (index, value)."""
    segments: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None or not math.isfinite(value):
            if current:
                segments.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        segments.append(current)
    return segments


def trend(
    values: Sequence[float | None], *, label: str, width: int = WIDTH, height: int = HEIGHT
) -> str | None:
    """A line chart of ``values`` (oldest first) as an ``<svg>`` element; ``None`` below two known values."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    if len(known) < 2:
        return None
    low, high = min(known), max(known)
    span = high - low or 1.0
    step = (width - 2 * _PAD) / max(len(values) - 1, 1)

    def point(index: int, value: float) -> str:
        y = height - _PAD - (value - low) / span * (height - 2 * _PAD)
        return _xy(_PAD + index * step, y)

    shapes = []
    for segment in _segments(values):
        if len(segment) == 1:
            index, value = segment[0]
            x, y = point(index, value).split(",")
            shapes.append(f'<circle cx="{x}" cy="{y}" r="1.5"/>')
        else:
            points = " ".join(point(i, v) for i, v in segment)
            shapes.append(f'<polyline points="{points}"/>')
    last_index, last_value = _segments(values)[-1][-1]
    lx, ly = point(last_index, last_value).split(",")
    title = escape(f"{label}: {len(known)} of {len(values)} runs known, {low:g} to {high:g}")
    return (
        f'<svg class="trend" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>"
        f'<g fill="none" stroke="currentColor" stroke-width="1.2">{"".join(shapes)}</g>'
        f'<circle class="last" cx="{lx}" cy="{ly}" r="2.2"/></svg>'
    )


def bars(rows: Sequence[tuple[str, int]], *, label: str, width: int = WIDTH) -> str | None:
    """Horizontal bars, one per (name, count); ``None`` when there is no row."""
    if not rows:
        return None
    row_height, text_width = 16, 70
    most = max((count for _, count in rows), default=0) or 1
    height = row_height * len(rows)
    parts = []
    for index, (name, count) in enumerate(rows):
        y = index * row_height
        length = (width - text_width - 40) * count / most
        parts.append(
            f'<text x="0" y="{y + 12}">{escape(name)}</text>'
            f'<rect class="bar-{escape(name)}" x="{text_width}" y="{y + 3}" '
            f'width="{length:.1f}" height="{row_height - 6}"/>'
            f'<text x="{text_width + length + 4:.1f}" y="{y + 12}">{count:,}</text>'
        )
    return (
        f'<svg class="bars" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="11">'
        f"<title>{escape(label)}</title>{''.join(parts)}</svg>"
    )


@dataclass(frozen=True, slots=True)
class StepPoint:
    users: int
    p95_ms: float | None
    rps: float


_CHART_W: Final = 480
_CHART_H: Final = 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 48.0, 48.0, 24.0, 34.0


def steps(
    points: Sequence[StepPoint], *, breaking: int | None, p95_bound: float | None, label: str
) -> str | None:
    """The step-load chart as a standalone ``<svg>`` document; ``None`` without a step."""
    if not points:
        return None
    plot_w = _CHART_W - _LEFT - _RIGHT
    plot_h = _CHART_H - _TOP - _BOTTOM
    known = [p.p95_ms for p in points if p.p95_ms is not None and math.isfinite(p.p95_ms)]
    p95_top = max([*known, p95_bound or 0.0, 1.0]) * 1.1
    rps_top = max([p.rps for p in points if math.isfinite(p.rps)] + [1.0]) * 1.1
    step = plot_w / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return _LEFT + index * step

    def y(value: float, top: float) -> float:
        return _TOP + plot_h - value / top * plot_h

    p95_line = [[(i, p.p95_ms) for i, p in enumerate(points)]]
    rps = " ".join(_xy(x(i), y(p.rps, rps_top)) for i, p in enumerate(points))
    parts = [
        (
            f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="none"'
            ' stroke="#999"/>'
        ),
        *_p95_shapes(p95_line[0], x=x, y=lambda v: y(v, p95_top)),
        (
            f'<polyline points="{rps}" fill="none" stroke="#1f77b4" stroke-width="2"'
            ' stroke-dasharray="5 3"/>'
        ),
        *_axis_labels(points, x=x, p95_top=p95_top, rps_top=rps_top),
    ]
    if p95_bound is not None:
        bound_y = y(p95_bound, p95_top)
        parts.append(
            f'<line x1="{_LEFT}" y1="{bound_y:.1f}" x2="{_LEFT + plot_w}" y2="{bound_y:.1f}"'
            ' stroke="#d62728" stroke-dasharray="2 2"/>'
            f'<text x="{_LEFT + 4}" y="{bound_y - 3:.1f}" fill="#d62728">p95 bound'
            f" {p95_bound:g} ms</text>"
        )
    for index, point in enumerate(points):
        if point.users == breaking:
            # the label on the side of the line with room for it
            left = x(index) > _LEFT + plot_w / 2
            anchor = (
                f'x="{x(index) - 4:.1f}" text-anchor="end"' if left else f'x="{x(index) + 4:.1f}"'
            )
            parts.append(
                f'<line x1="{x(index):.1f}" y1="{_TOP}" x2="{x(index):.1f}"'
                f' y2="{_TOP + plot_h}" stroke="#d62728" stroke-width="2"/>'
                f'<text {anchor} y="{_TOP + 12}" fill="#d62728">breaks at'
                f" {point.users} users</text>"
            )
    return (
        f'<svg class="steps" role="img" width="{_CHART_W}" height="{_CHART_H}"'
        f' viewBox="0 0 {_CHART_W} {_CHART_H}" xmlns="http://www.w3.org/2000/svg"'
        f' font-family="sans-serif" font-size="10"><title>{escape(label)}</title>'
        f"{''.join(parts)}</svg>\n"
    )


def _p95_shapes(
    values: Sequence[tuple[int, float | None]],
    *,
    x: Callable[[int], float],
    y: Callable[[float], float],
) -> list[str]:
    """The p95 line: broken where a step's p95 is unknown, a dot for a lone known step."""
    shapes = []
    for segment in _segments([value for _, value in values]):
        coords = [_xy(x(i), y(v)) for i, v in segment]
        if len(coords) == 1:
            cx, cy = coords[0].split(",")
            shapes.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="#ff7f0e"/>')
        else:
            shapes.append(
                f'<polyline points="{" ".join(coords)}" fill="none" stroke="#ff7f0e"'
                ' stroke-width="2"/>'
            )
    return shapes


def _axis_labels(
    points: Sequence[StepPoint], *, x: Callable[[int], float], p95_top: float, rps_top: float
) -> list[str]:
    bottom = _CHART_H - _BOTTOM
    labels = [
        f'<text x="{x(i):.1f}" y="{bottom + 12}" text-anchor="middle">{p.users}</text>'
        for i, p in enumerate(points)
    ]
    labels += [
        f'<text x="{_CHART_W / 2}" y="{_CHART_H - 4}" text-anchor="middle">users per step</text>',
        (
            f'<text x="{_LEFT - 4}" y="{_TOP + 4}" text-anchor="end" fill="#ff7f0e">'
            f"{p95_top:.0f}</text>"
        ),
        f'<text x="{_LEFT - 4}" y="{bottom}" text-anchor="end" fill="#ff7f0e">0</text>',
        f'<text x="4" y="{_TOP - 8}" fill="#ff7f0e">p95 ms (solid)</text>',
        f'<text x="{_CHART_W - _RIGHT + 4}" y="{_TOP + 4}" fill="#1f77b4">{rps_top:.0f}</text>',
        f'<text x="{_CHART_W - _RIGHT + 4}" y="{bottom}" fill="#1f77b4">0</text>',
        (
            f'<text x="{_CHART_W - 4}" y="{_TOP - 8}" text-anchor="end" fill="#1f77b4">'
            "requests/s (dashed)</text>"
        ),
    ]
    return labels
