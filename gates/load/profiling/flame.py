"""A sampled profile as a flame graph page: one HTML file, inline SVG, no script.

The stacks are merged from the root (every thread and process of the service under one
root, drawn at the top: an icicle); each function is a box as wide as its share of the
samples, its callees below it. The page opens from ``file://`` with scripts disabled: each box's tooltip
(``<title>``) gives its function, file and line, seconds and share. Boxes narrower than
a thousandth of the width, and stacks deeper than :data:`MAX_DEPTH`, are left out (the
page says how many seconds that hides: none of it is made up).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from html import escape
from typing import Final

from gates.load.profiling.speedscope import Frame, Profile

__all__ = ["MAX_DEPTH", "render"]

WIDTH: Final = 1200
ROW: Final = 17
MAX_DEPTH: Final = 96
_SMALLEST: Final = 0.001  # of the whole width


@dataclass(slots=True)
class _Node:
    seconds: float = 0.0
    children: dict[Frame, _Node] = field(default_factory=dict)


def render(profile: Profile, *, title: str) -> str:
    """The flame graph page of ``profile``."""
    root = _Node()
    for stack, weight in profile.samples:
        node = root
        node.seconds += weight
        for index in stack[:MAX_DEPTH]:
            node = node.children.setdefault(profile.frames[index], _Node())
            node.seconds += weight
    boxes: list[str] = []
    depth = _layout(root, boxes, x=0.0, level=0, total=root.seconds)
    height = (depth + 1) * ROW
    shown = escape(title)
    svg = (
        f'<svg role="img" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"'
        ' xmlns="http://www.w3.org/2000/svg" font-family="monospace" font-size="11">'
        f"<title>{shown}</title>{''.join(boxes)}</svg>"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{shown}</title></head><body>\n<h1>{shown}</h1>\n"
        f"<p>{root.seconds:.2f} s of samples; the root at the top, callees below their"
        " callers; hover a box for its function and share.</p>\n"
        f"{svg}\n</body></html>\n"
    )


def _layout(node: _Node, boxes: list[str], *, x: float, level: int, total: float) -> int:
    """Draw ``node``'s children from ``x`` one row up; the deepest row drawn."""
    deepest = level
    for frame, child in sorted(node.children.items(), key=lambda item: -item[1].seconds):
        width = child.seconds / total * WIDTH if total > 0 else 0.0
        if width < _SMALLEST * WIDTH:
            continue
        boxes.append(_box(frame, child.seconds, total, x=x, width=width, level=level))
        deepest = max(deepest, _layout(child, boxes, x=x, level=level + 1, total=total))
        x += width
    return deepest


def _box(frame: Frame, seconds: float, total: float, *, x: float, width: float, level: int) -> str:
    y = level * ROW
    where = f"{frame.file}:{frame.line}" if frame.line else frame.file
    tip = escape(f"{frame.name} ({where}): {seconds:.3f} s, {seconds / total:.1%}")
    label = escape(frame.name[: max(int(width / 7) - 1, 0)]) if width > 21 else ""
    hue = 20 + zlib.crc32(frame.file.encode()) % 40  # one colour per file, the same every run
    return (
        f"<g><title>{tip}</title>"
        f'<rect x="{x:.1f}" y="{y}" width="{max(width - 0.5, 0.1):.1f}" height="{ROW - 1}"'
        f' fill="hsl({hue} 85% 60%)"/>'
        f'<text x="{x + 3:.1f}" y="{y + 12}">{label}</text></g>'
    )
