"""The dashboard's charts: inline SVG made here, no library, no script (pure).

A chart is text inside the page, so it renders from ``file://`` with scripts
disabled, and it is drawn only from what is known:

* :func:`trend` draws a line through the known values (a gap where a run did
  not know the value: the line breaks, it is never drawn through zero);
  fewer than two known values is no chart at all (``None``): the page says
  "trend unknown" instead of a flat line;
* :func:`bars` draws labelled horizontal bars (findings by severity).

Every label is escaped; coordinates are rounded to one decimal so 60 charts
of 1,000 points stay under a megabyte.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Final

__all__ = ["bars", "trend"]

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
